"""The calendar rules at every awkward instant of tests.clock.SWEEP: closed periods, the week and
month calendar, "Kræver handling", availability windows, the pace against the year's targets and
the call-back day for counsel about a concern. Each test moves the clock to the instant first and
builds its data from there, so what it proves is what a user sees at that instant."""

import re
from datetime import UTC, date, datetime, time, timedelta

import lxml.html
import pytest
from babel.dates import get_month_names

from portal import clock
from portal.extensions import db
from portal.models import AvailabilityRule, AwayPeriod, ClosedPeriod
from portal.models.enums import ClosedPeriodKind, Metric, Role, SeatRole
from portal.school_year import school_year_start
from portal.services import (
    assignments,
    attendance,
    availability,
    calendar_view,
    events,
    offers,
    reminders,
    reporting,
    suggestions,
    targets,
)
from portal.services import inbox as inbox_service
from portal.services import requests as requests_service
from tests.clock import SWEEP
from tests.factories import (
    mails,
    make_ambassador,
    make_concern,
    make_event,
    make_person,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
)
from tests.instant_booked import DEADLINE, make_instant_booking

# The Danish month names, as the portal writes them (Babel's).
MONTHS = list(get_month_names("wide", locale="da").values())


# --- the instant, in Copenhagen -----------------------------------------------------------------


def _at(day, hour, minute=0, *, fold=0):
    """`day` at hour:minute in Copenhagen (fold=1: the second 02.30 of the autumn night), UTC."""
    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.COPENHAGEN, fold=fold)
    return wall.astimezone(UTC)


def _midnight(day):
    return _at(day, 0, 0)


def _later_today():
    """A moment still ahead today in Copenhagen: 23.30, or just before midnight when the clock
    is past 23.29 (the test's setup takes far less than the 40 seconds left)."""
    today = clock.today()
    half_past_eleven = _at(today, 23, 30)
    if half_past_eleven > clock.now() + timedelta(minutes=1):
        return half_past_eleven
    return _midnight(today + timedelta(days=1)) - timedelta(seconds=20)


def _long_date(day):
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _clock_change_days(today):
    """(the autumn night the clocks go back, the spring night they go forward) of the school
    year `today` is in: the last Sundays of October and of March."""
    first = school_year_start(today)

    def last_sunday(year, month):
        day = date(year, month + 1, 1) - timedelta(days=1)
        return day - timedelta(days=(day.weekday() - 6) % 7)

    return last_sunday(first, 10), last_sunday(first + 1, 3)


def _closed(name, starts_on, ends_on, kind=ClosedPeriodKind.SCHOOL_HOLIDAY):
    period = ClosedPeriod(name=name, kind=kind, starts_on=starts_on, ends_on=ends_on)
    db.session.add(period)
    db.session.commit()
    return period


def _hour(start, minutes=60):
    return [(start, start + timedelta(minutes=minutes))]


def _text(element):
    return " ".join(element.text_content().split())


# --- 1. closed periods --------------------------------------------------------------------------


@pytest.mark.parametrize("instant", SWEEP)
def test_a_closed_period_covers_the_copenhagen_days_it_names_and_no_other(instant, travel):
    travel(instant)
    today = clock.today()
    ending_today = _closed("Slutter i dag", today - timedelta(days=4), today)
    starting_tomorrow = _closed(
        "Begynder i morgen", today + timedelta(days=1), today + timedelta(days=5)
    )

    later_today = _later_today()
    tonight = _at(today, 23, 0)
    tomorrow_half_past_midnight = _at(today + timedelta(days=1), 0, 30)
    assert availability.closed_periods_during(_hour(clock.now())) == [ending_today]
    assert availability.closed_periods_during(_hour(later_today)) == [ending_today]
    assert availability.closed_periods_during(_hour(tonight)) == [ending_today]
    assert availability.closed_periods_during(_hour(tomorrow_half_past_midnight)) == [
        starting_tomorrow
    ]
    # A dialogue (held for a class) warns; a talk for adults does not.
    dialogue, talk = offer_kind("dialogue"), offer_kind("talk")
    assert availability.closed_period_warnings(dialogue, _hour(later_today)) == [ending_today]
    assert availability.closed_period_warnings(dialogue, _hour(tomorrow_half_past_midnight)) == [
        starting_tomorrow
    ]
    assert availability.closed_period_warnings(talk, _hour(later_today)) == []


# --- 2. the week and month calendar -------------------------------------------------------------


def _cell(page, day, *, month_of=None):
    """The <li> of `day` in a week page, or the <td> of `day` in the month page of `month_of`."""
    html = lxml.html.fromstring(page)
    if month_of is None:
        return html.xpath("//ol[contains(@class, 'calendar-week')]/li")[day.weekday()]
    first = month_of.replace(day=1)
    return html.xpath("//table[contains(@class, 'calendar-month')]//td")[
        (day - first).days + first.weekday()
    ]


def _links(element):
    return {a.get("href") for a in element.iter("a")}


def _on(event):
    return f"/sekretariat/arrangementer/{event.id}"


def _day_of(grid, day):
    [found] = [d for d in grid["days"] if d.day == day]
    return found


def _ids(grid_day):
    return [event.id for event, _session, _accepted, _needed in grid_day.entries]


@pytest.mark.parametrize("instant", SWEEP)
def test_the_calendar_opens_on_todays_week_with_tonights_and_tomorrows_events_on_their_days(
    instant, travel, as_role
):
    travel(instant)
    today, tomorrow = clock.today(), clock.today() + timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    half_past_eleven = make_event(starts_at=_at(today, 23, 30), minutes=20, title="Sent i aften")
    later = make_event(starts_at=_later_today(), minutes=10, title="Senere i dag")
    after_midnight = make_event(starts_at=_at(tomorrow, 0, 30), title="Efter midnat")
    tonight = {half_past_eleven.id, later.id}

    # The services: the week from the Monday before (a Sunday's too), the month of today.
    week = calendar_view.week(today)
    assert (week["start"], week["end"]) == (monday, monday + timedelta(days=6))
    assert today in [d.day for d in week["days"]]
    assert set(_ids(_day_of(week, today))) == tonight
    month = calendar_view.month(today)
    assert (month["start"].year, month["start"].month) == (today.year, today.month)
    assert set(_ids(_day_of(month, today))) == tonight
    for grid in (calendar_view.week(tomorrow), calendar_view.month(tomorrow)):
        assert _ids(_day_of(grid, tomorrow)) == [after_midnight.id]
    # 23.30 first: `later` is 23.30 too (made after it), or just before midnight.
    assert [e.id for e, *_ in calendar_view.day(today)["result"].items] == [
        half_past_eleven.id,
        later.id,
    ]
    assert [e.id for e, *_ in calendar_view.day(tomorrow)["result"].items] == [after_midnight.id]

    # The page: the week of today, today marked, each event on its own day.
    staff = as_role(Role.SECRETARIAT)
    response = staff.get("/sekretariat/kalender")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    heading = _text(lxml.html.fromstring(page).xpath("//h1/following::h2[1]")[0])
    assert heading == (
        f"Uge {monday.isocalendar()[1]}: {_long_date(monday)} – "
        f"{_long_date(monday + timedelta(days=6))}"
    )
    [marked] = lxml.html.fromstring(page).xpath("//li[contains(@class, 'is-today')]")
    assert _text(marked) == _text(_cell(page, today))
    assert f"{today.day}." in _text(marked).split()[:2]
    assert {_on(half_past_eleven), _on(later)} <= _links(_cell(page, today))
    assert _on(after_midnight) not in _links(_cell(page, today))
    if tomorrow.weekday() == 0:  # today is Sunday: tomorrow starts the next week
        assert _on(after_midnight) not in _links(lxml.html.fromstring(page))
        page = staff.get(f"/sekretariat/kalender?dato={tomorrow}").get_data(as_text=True)
    assert _links(_cell(page, tomorrow)) >= {_on(after_midnight)}
    assert not {_on(half_past_eleven), _on(later)} & _links(_cell(page, tomorrow))

    # The month page: today's month, today marked, tomorrow in its cell (in the next month's
    # page when tomorrow is the first).
    page = staff.get("/sekretariat/kalender?visning=maaned").get_data(as_text=True)
    html = lxml.html.fromstring(page)
    assert _text(html.xpath("//h1/following::h2[1]")[0]) == (
        f"{MONTHS[today.month - 1]} {today.year}"
    )
    [marked] = html.xpath("//td[contains(@class, 'is-today')]")
    assert _text(marked) == _text(_cell(page, today, month_of=today))
    assert {_on(half_past_eleven), _on(later)} <= _links(marked)
    assert _on(after_midnight) not in _links(marked)
    if tomorrow.day == 1:
        page = staff.get(f"/sekretariat/kalender?visning=maaned&dato={tomorrow}").get_data(
            as_text=True
        )
    assert _on(after_midnight) in _links(_cell(page, tomorrow, month_of=tomorrow))


@pytest.mark.parametrize("instant", SWEEP)
def test_the_nights_the_clocks_change_are_25_and_23_hours_long_in_the_calendar(
    instant, travel, as_role
):
    travel(instant)
    autumn, spring = _clock_change_days(clock.today())
    first_half_past_two = make_event(starts_at=_at(autumn, 2, 30), minutes=20, title="Første")
    second_half_past_two = make_event(
        starts_at=_at(autumn, 2, 30, fold=1), minutes=20, title="Anden"
    )
    autumn_start = make_event(starts_at=_midnight(autumn), minutes=20, title="Midnat")
    autumn_end = make_event(starts_at=_at(autumn, 23, 59), minutes=20, title="Sidst")
    make_event(starts_at=_midnight(autumn + timedelta(days=1)), title="Næste dag")
    before_the_gap = make_event(starts_at=_at(spring, 1, 59), minutes=20, title="Før springet")
    after_the_gap = make_event(starts_at=_at(spring, 3, 1), minutes=20, title="Efter springet")
    spring_end = make_event(starts_at=_at(spring, 23, 59), minutes=20, title="Forår sidst")

    assert second_half_past_two.starts_at - first_half_past_two.starts_at == timedelta(hours=1)
    listed = [s.starts_at for _e, s, *_ in calendar_view.day(autumn)["result"].items]
    assert listed == [
        autumn_start.starts_at,
        first_half_past_two.starts_at,
        second_half_past_two.starts_at,
        autumn_end.starts_at,
    ]
    # From its first minute to its last: 25 hours less a minute.
    assert listed[-1] - listed[0] == timedelta(hours=24, minutes=59)
    in_order = [autumn_start.id, first_half_past_two.id, second_half_past_two.id, autumn_end.id]
    assert _ids(_day_of(calendar_view.week(autumn), autumn)) == in_order
    in_the_month = _day_of(calendar_view.month(autumn), autumn)
    assert _ids(in_the_month) == in_order[:3]
    assert in_the_month.more == 1  # the 23.59, on the day's list
    listed = [s.starts_at for _e, s, *_ in calendar_view.day(spring)["result"].items]
    assert listed == [before_the_gap.starts_at, after_the_gap.starts_at, spring_end.starts_at]
    assert after_the_gap.starts_at - before_the_gap.starts_at == timedelta(minutes=2)
    assert set(_ids(_day_of(calendar_view.week(spring), spring))) == {
        before_the_gap.id,
        after_the_gap.id,
        spring_end.id,
    }

    staff = as_role(Role.SECRETARIAT)
    page = staff.get(f"/sekretariat/kalender?dato={autumn}").get_data(as_text=True)
    text = _text(_cell(page, autumn))
    assert "02.30 Vidensoplæg: Første" in text
    assert "02.30 Vidensoplæg: Anden" in text
    assert text.index("Første") < text.index("Anden")
    day_list = staff.get(f"/sekretariat/kalender/dag?dato={autumn}").get_data(as_text=True)
    assert "4 arrangementer" in _text(lxml.html.fromstring(day_list))
    times = [
        _text(td) for td in lxml.html.fromstring(day_list).xpath("//td[@class='calendar-time']")
    ]
    assert times == ["00.00–00.20", "02.30–02.50", "02.30–02.50", "23.59–00.19"]


# --- 3. "Kræver handling" -----------------------------------------------------------------------


@pytest.mark.parametrize("instant", SWEEP)
def test_what_needs_action_at_the_instant_is_listed_and_what_is_not_due_is_not(
    instant, travel, as_role
):
    travel(instant)
    now = clock.now()
    # A concern a week old; an offer made four days ago with three days to answer, and one
    # made an hour ago with two; two direct bookings, their 72 hours to staff them up a minute
    # ago and in a minute.
    far = now + timedelta(days=10)
    travel(now - timedelta(days=7))
    old_concern = make_concern(organisation_name="Gammel bekymring")
    travel(now - timedelta(days=4))
    unanswered = make_event(starts_at=far, title="Svarfrist overskredet")
    speaker = make_person(first_name="Tavs")
    [expired] = offers.offer_seat(
        unanswered, by=None, seat_role=SeatRole.RESOURCE_PERSON, seat_number=1, persons=[speaker]
    )
    db.session.commit()
    travel(now - DEADLINE - timedelta(minutes=1))
    _, overdue = make_instant_booking(starts_at=far + timedelta(hours=5))
    travel(now - DEADLINE + timedelta(minutes=1))
    _, not_yet = make_instant_booking(starts_at=far + timedelta(hours=7))
    travel(now - timedelta(hours=1))
    waiting = make_scheduled(starts_at=far + timedelta(hours=3))
    [pending] = offers.offer_seat(
        waiting, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    travel(instant)
    # The job that runs every few minutes lapses what is past its deadline.
    assert expired.expires_at < clock.now() < pending.expires_at
    assert reminders.lapse_expired_offers(now=clock.now()) == (1, 0)
    db.session.commit()

    request = make_request(organisation_name="Ny skole")
    concern = make_concern(organisation_name="Ny bekymring")
    soon = make_event(starts_at=clock.now() + timedelta(days=2), title="Om to dage")
    ended = make_event(starts_at=clock.now() - timedelta(minutes=91), title="Lige slut")
    running = make_event(starts_at=clock.now() - timedelta(minutes=30), title="Er i gang")
    ahead = make_event(starts_at=_later_today(), minutes=5, title="Senere i dag")

    items, totals = inbox_service.needs_action(now=clock.now())
    # The direct booking past its deadline first; the other one is not due.
    assert items[0] == ("instant_unstaffed", overdue)
    assert not_yet not in [item for _reason, item in items]
    assert ("new", request) in items
    assert ("call_back", concern) in items and ("call_back", old_concern) in items
    follow_up = [item for reason, item in items if reason == "follow_up"]
    # Past its deadline and within a week; an offer still open, ten days ahead, is not due.
    assert unanswered in follow_up and soon in follow_up and ahead in follow_up
    assert waiting not in follow_up
    # Started or ended: nothing to staff any more.
    assert ended not in follow_up and running not in follow_up
    assert totals == {
        "instant_unstaffed": 1,
        "call_back": 2,
        "new": 1,
        "new_dates": 0,
        "rebook": 0,
        "changed": 0,
        "away": 0,
        "follow_up": 3,
        "reflection": 0,
    }
    awaiting = [
        e for e, *_ in events.event_list(now=clock.now(), which="awaiting_attendance").items
    ]
    assert awaiting == [ended]

    staff = as_role(Role.SECRETARIAT)
    inbox = lxml.html.fromstring(staff.get("/sekretariat/indbakke").get_data(as_text=True))
    [badge] = inbox.xpath("//h2[contains(., 'Kræver handling')]/span[@class='badge']")
    assert _text(badge) == "7"
    lines = {
        a.get("href"): _text(li)
        for li in inbox.xpath("//li[contains(@class, 'action-item')]")
        for a in li.iter("a")
    }
    [first] = inbox.xpath("(//li[contains(@class, 'action-item')])[1]")
    assert _text(first).startswith("Direkte booket: pladserne er ikke besat")
    deadline = overdue.staff_by.astimezone(clock.COPENHAGEN)  # a minute ago, in Copenhagen
    frist = f"Frist for bemanding: {_long_date(deadline)} {deadline:%H.%M} (overskredet)"
    assert frist in _text(first)
    assert lines[_on(overdue)] == _text(first)
    assert _on(not_yet) not in lines
    assert lines[_on(unanswered)].startswith("Bemanding: følg op")
    assert _on(soon) in lines and _on(ahead) in lines
    assert not {_on(waiting), _on(ended), _on(running)} & set(lines)
    assert lines[f"/sekretariat/henvendelser/{request.id}"].startswith("Ny henvendelse")
    fresh = lines[f"/sekretariat/henvendelser/{concern.id}"]
    due = requests_service.callback_due_on(concern)
    assert fresh.startswith("Ring tilbage") and f"ring senest {_long_date(due)}" in fresh
    assert "overskredet" not in fresh
    assert "(overskredet)" in lines[f"/sekretariat/henvendelser/{old_concern.id}"]

    overview = lxml.html.fromstring(staff.get("/sekretariat/").get_data(as_text=True))
    missing = overview.xpath("//h2[.='Mangler fremmøde']/following-sibling::ul[1]//a")
    assert [a.get("href") for a in missing] == [f"{_on(ended)}#fremmoede"]


# --- 4. availability windows --------------------------------------------------------------------


def _window_of_the_hour(local):
    """The weekly window from the start of `local`'s hour to the start of the next (to 23.59 in
    the last hour: a window never runs past midnight, its CHECK says it ends after it starts)."""
    start = time(local.hour)
    end = time(local.hour + 1) if local.hour < 23 else time(23, 59)
    return start, end


@pytest.mark.parametrize("instant", SWEEP)
def test_a_weekly_window_holding_the_instants_hour_makes_a_person_free_then(instant, travel):
    travel(instant)
    local = clock.now().astimezone(clock.COPENHAGEN)
    today = local.date()
    # The instant's hour, as the clock on the wall shows it (the second 02.00-03.00 on the
    # autumn night is an hour of its own; 01.00-03.00 on the spring night is one hour long).
    hour_starts = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    event = make_event(kind="dialogue", starts_at=hour_starts, minutes=45)
    starts_at, ends_at = _window_of_the_hour(local)

    def ambassador(name, rules=(), away=()):
        person = make_ambassador(first_name=name)
        person.availability_rules = [
            AvailabilityRule(weekday=weekday, starts_at=s, ends_at=e) for weekday, s, e in rules
        ]
        person.away_periods = [AwayPeriod(starts_on=s, ends_on=e) for s, e in away]
        return person

    yesterday = (today.weekday() - 1) % 7
    people = {
        "window": ambassador("Vindue", [(today.weekday(), starts_at, ends_at)]),
        "no pattern": ambassador("Altid"),
        "back today": ambassador(
            "Hjemme", away=[(today - timedelta(days=3), today - timedelta(days=1))]
        ),
        "yesterday's weekday": ambassador("I går", [(yesterday, time(0), time(23, 59))]),
        "earlier that day": ambassador(
            "Før", [(today.weekday(), time(0), time(max(local.hour - 1, 0), 30))]
        ),
        "away today": ambassador(
            "Væk", [(today.weekday(), starts_at, ends_at)], away=[(today, today)]
        ),
    }
    db.session.commit()

    found = {
        s.person.first_name: s.available
        for s in suggestions.suggestions(event, SeatRole.AMBASSADOR)
    }
    assert found == {
        "Vindue": True,
        "Altid": True,
        "Hjemme": True,
        "I går": False,
        "Før": False,
        "Væk": False,
    }
    cannot = suggestions.unavailable(list(people.values()), event)
    assert {p.first_name for p in cannot} == {"I går", "Før", "Væk"}


def _sweep(name):
    return next(param.values[0] for param in SWEEP if param.id == name)


def _with_window(name, weekday, starts_at, ends_at):
    person = make_ambassador(first_name=name)
    person.availability_rules = [
        AvailabilityRule(weekday=weekday, starts_at=starts_at, ends_at=ends_at)
    ]
    return person


def test_a_session_running_past_midnight_fits_no_window_and_meets_the_next_days_away_dates(
    travel,
):
    travel(_sweep("friday-23.59"))
    friday = clock.today()
    saturday = friday + timedelta(days=1)
    past_midnight = make_event(kind="dialogue", starts_at=clock.now(), minutes=90)  # to 01.29
    to_midnight = make_event(kind="dialogue", starts_at=_at(friday, 22, 30), minutes=90)
    mornings = _with_window("Formiddag", friday.weekday(), time(9), time(12))
    evenings = _with_window("Aften", friday.weekday(), time(22), time(23, 59))
    away_saturday = make_ambassador(first_name="Væk lørdag")
    away_saturday.away_periods = [AwayPeriod(starts_on=saturday, ends_on=saturday)]
    db.session.commit()
    people = [mornings, evenings, away_saturday]

    # Friday 9-12 said nothing about Friday night, and Saturday is a day away.
    assert suggestions.unavailable(people, past_midnight) == people
    # A window to 23.59 holds a session to midnight, which leaves Saturday alone.
    assert suggestions.unavailable(people, to_midnight) == [mornings]


def test_a_window_must_hold_the_hour_the_autumn_night_runs_twice(travel):
    travel(_sweep("winter-time-02.30-first"))
    sunday = clock.today()
    # 02.30 summer time for 30 minutes: the clock shows 02.59, then 02.00 again.
    event = make_event(kind="dialogue", starts_at=_at(sunday, 2, 30), minutes=30)
    assert event.ends_at.astimezone(clock.COPENHAGEN).time() == time(2)
    short = _with_window("Kort", sunday.weekday(), time(2), time(2, 40))
    whole = _with_window("Hele", sunday.weekday(), time(2), time(3))
    db.session.commit()

    assert suggestions.unavailable([short, whole], event) == [short]
    found = {
        s.person.first_name: s.available
        for s in suggestions.suggestions(event, SeatRole.AMBASSADOR)
    }
    assert found == {"Kort": False, "Hele": True}


@pytest.mark.parametrize("instant", SWEEP)
def test_a_night_window_from_1_to_4_holds_on_any_night_the_clocks_change_or_not(instant, travel):
    travel(instant)
    today = clock.today()
    person = make_ambassador(first_name="Nat")
    # Through the service an assignee uses: no error, and the row stored as given.
    rule = assignments.add_availability_rule(
        person, weekday=today.weekday(), starts_at=time(1), ends_at=time(4)
    )
    db.session.commit()
    db.session.expire_all()
    assert (rule.weekday, rule.starts_at, rule.ends_at) == (today.weekday(), time(1), time(4))

    # 01.30 for 90 minutes ends at 03.00 on the wall (04.00 after the spring jump, 02.00 the
    # second time round in autumn): inside the window either way. From 03.30 an hour is not.
    inside = make_event(kind="dialogue", starts_at=_at(today, 1, 30), minutes=90)
    second_half_past_two = make_event(kind="dialogue", starts_at=_at(today, 2, 30, fold=1))
    past_four = make_event(kind="dialogue", starts_at=_at(today, 3, 30), minutes=60)
    tomorrow = make_event(
        kind="dialogue", starts_at=_at(today + timedelta(days=1), 1, 30), minutes=90
    )
    assert suggestions.unavailable([person], inside) == []
    assert suggestions.unavailable([person], second_half_past_two) == []
    assert suggestions.unavailable([person], past_four) == [person]
    assert suggestions.unavailable([person], tomorrow) == [person]
    # free_on_days counts the same person for a 01.30 session of 90 minutes today.
    [counted] = suggestions.free_on_days(
        offer_kind("dialogue"), [today], start_time=time(1, 30), minutes=90
    )
    assert counted.free == {SeatRole.AMBASSADOR: 1}


# --- 5. pace against the year's targets ---------------------------------------------------------


def _held_talk(starts_at, *, title):
    event = make_event(starts_at=starts_at, minutes=30, title=title)
    attendance.record_attendance(event, counts={"staff": 10})
    db.session.commit()
    return event


@pytest.mark.parametrize("instant", SWEEP)
def test_the_share_of_the_year_gone_counts_copenhagen_days_and_new_year_starts_at_midnight(
    instant, travel, as_role
):
    travel(instant)
    today = clock.today()
    year = today.year
    day_of_year = today.timetuple().tm_yday
    days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days

    share = reporting.share_of_year_gone(year, today)
    assert 0 < share <= 1
    assert share == pytest.approx(day_of_year / days_in_year)
    assert reporting.share_of_year_gone(year - 1, today) == 1.0
    assert reporting.share_of_year_gone(year + 1, today) == 0.0
    # The next first of January is a day of the next year, the share's first day.
    new_year = date(year + 1, 1, 1)
    assert reporting.share_of_year_gone(year + 1, new_year) == pytest.approx(
        1 / (date(year + 2, 1, 1) - new_year).days
    )
    assert reporting.share_of_year_gone(year, new_year) == 1.0

    # This year's first minute counts in it, the minute before in the year before; the next
    # New Year's midnight is planned for next January, not this December.
    first_minute = _held_talk(_midnight(date(year, 1, 1)), title="Nytår")
    _held_talk(first_minute.starts_at - timedelta(minutes=1), title="Nytårsaften")
    next_midnight = make_event(starts_at=_midnight(new_year), minutes=30, title="Næste nytår")
    user = make_user(role=Role.ADMIN)
    targets.set_targets(year, {Metric.TALKS_HELD: days_in_year}, by=user)
    db.session.commit()

    report = reporting.build_report(year)
    assert report.today == today and report.share_of_year == share
    [talks] = [m for m in report.metrics if m.metric == Metric.TALKS_HELD]
    assert talks.figure == 1
    assert talks.expected_by_now == pytest.approx(day_of_year)
    assert report.months[0]["held"] == 1 and report.months[11]["planned"] == 0
    previous = reporting.build_report(year - 1)
    assert previous.share_of_year == 1.0
    assert previous.months[11]["held"] == 1 and previous.months[0]["held"] == 0
    following = reporting.build_report(year + 1)
    assert following.share_of_year == 0.0
    assert following.months[0]["planned"] == 1
    assert next_midnight.starts_at.astimezone(UTC).year == year  # 23.00 UTC, still the old year

    staff = as_role(Role.SECRETARIAT)
    text = _text(lxml.html.fromstring(staff.get("/sekretariat/rapport").get_data(as_text=True)))
    assert f"Årsrapport {year}" in text
    percent = re.search(r"hvor (\d+) % af året er gået", text)
    assert percent, text[:400]
    assert int(percent.group(1)) == round(100 * share)
    assert "Året er slut" not in text


def test_on_new_years_eve_the_report_is_the_years_status_and_final_only_once_it_is_over(
    travel, as_role
):
    travel(_sweep("new-years-eve-23.59"))
    make_event(starts_at=clock.now() - timedelta(hours=3), title="Nytårsaften")
    staff = as_role(Role.SECRETARIAT)

    def report(path="/sekretariat/rapport"):
        return _text(lxml.html.fromstring(staff.get(path).get_data(as_text=True)))

    text = report()
    assert "Årsrapport 2030" in text
    assert "Status pr. 31. december 2030, hvor 100 % af året er gået." in text
    assert "Året er slut" not in text
    travel.shift(timedelta(minutes=2))
    assert clock.today() == date(2031, 1, 1)
    assert "Årsrapport 2031" in report()
    text = report("/sekretariat/rapport?aar=2030")
    assert "Årsrapport 2030" in text
    assert "Året er slut: tallene er årets endelige." in text


@pytest.mark.parametrize(
    ("day", "share"),
    [
        (date(2032, 2, 29), 60 / 366),
        (date(2032, 3, 1), 61 / 366),
        (date(2031, 3, 1), 60 / 365),
        (date(2030, 12, 31), 1.0),
        (date(2031, 1, 1), 1 / 365),
    ],
)
def test_29_february_is_a_day_of_its_year(day, share):
    assert reporting.share_of_year_gone(day.year, day) == pytest.approx(share)


# --- 6. the call-back day for counsel about a concern -------------------------------------------


# The last day to call back about a concern that arrives at each instant (no closures).
CALL_BACK_BY = {
    "friday-23.59": date(2030, 9, 10),
    "saturday-00.01": date(2030, 9, 10),
    "sunday-23.30": date(2030, 9, 10),
    "winter-time-02.30-first": date(2030, 10, 29),
    "winter-time-02.30-second": date(2030, 10, 29),
    "saturday-00.10-after-winter-time": date(2030, 11, 5),
    "summer-time-01.59": date(2031, 4, 1),
    "summer-time-03.01": date(2031, 4, 1),
    "new-years-eve-23.59": date(2031, 1, 2),
    "29-february-12.00": date(2032, 3, 2),
    "autumn-holiday-wednesday-10.00": date(2030, 10, 18),
    "last-school-day-14.00": date(2031, 7, 1),
}


def _instant_id(request):
    return request.node.callspec.id


def test_every_instant_has_its_call_back_day():
    assert set(CALL_BACK_BY) == {param.id for param in SWEEP}


@pytest.mark.parametrize("instant", SWEEP)
def test_the_call_back_day_is_two_working_days_after_the_copenhagen_day_it_arrived(
    instant, travel, request
):
    travel(instant)
    received = clock.today()
    concern = make_concern()
    due = requests_service.callback_due_on(concern)
    assert due == CALL_BACK_BY[_instant_id(request)]
    assert due.weekday() < 5
    working = [
        received + timedelta(days=n)
        for n in range(1, (due - received).days + 1)
        if (received + timedelta(days=n)).weekday() < 5
    ]
    assert len(working) == 2 and working[-1] == due
    [receipt] = mails("concern_receipt")
    assert f"senest {_long_date(due)}" in " ".join(receipt.body_text.split())


@pytest.mark.parametrize("instant", SWEEP)
def test_the_call_back_day_skips_vinks_closures_and_is_never_inside_one(instant, travel):
    travel(instant)
    received = clock.today()
    first_weekday = received + timedelta(days=1)
    while first_weekday.weekday() >= 5:
        first_weekday += timedelta(days=1)
    # Closed from the first working day for three days, then again on the Monday after.
    closure = _closed(
        "Lukket",
        first_weekday,
        first_weekday + timedelta(days=2),
        kind=ClosedPeriodKind.CLOSURE,
    )
    after = closure.ends_on + timedelta(days=1)
    next_monday = after + timedelta(days=(7 - after.weekday()) % 7)
    again = _closed("Lukket igen", next_monday, next_monday, kind=ClosedPeriodKind.CLOSURE)
    # A school holiday is no closure: the secretariat works then.
    _closed("Skoleferie", received, received + timedelta(days=30))
    concern = make_concern()

    due = requests_service.callback_due_on(concern)
    closed = {
        period.starts_on + timedelta(days=n)
        for period in (closure, again)
        for n in range((period.ends_on - period.starts_on).days + 1)
    }
    assert due.weekday() < 5 and due not in closed
    assert due > closure.ends_on
    working = [
        received + timedelta(days=n)
        for n in range(1, (due - received).days + 1)
        if (received + timedelta(days=n)).weekday() < 5
        and received + timedelta(days=n) not in closed
    ]
    assert len(working) == 2 and working[-1] == due
    # The inbox and the receipt name the same day.
    assert inbox_service.callback_due_dates([concern]) == {concern.id: due}
    [receipt] = mails("concern_receipt")
    assert f"senest {_long_date(due)}" in " ".join(receipt.body_text.split())
