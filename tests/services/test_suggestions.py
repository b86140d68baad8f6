"""The ranked suggestions of who to offer a seat, and who is free on a request's wished days
(free_on_days, wished_days: the same rules, counted per role the offer kind needs), tested on
the service directly."""

from datetime import time, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, AvailabilityRule, AwayPeriod
from portal.models.enums import EventStatus, SeatRole
from portal.services import offers, suggestions
from tests.factories import (
    accepted_on,
    make_ambassador,
    make_person,
    make_request,
    make_scheduled,
    offer_kind,
)

# --- suggestions ----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, 10])
def test_suggestions_put_free_available_and_matching_people_first(limit):
    from portal.models import AwayPeriod, Topic

    request = make_request()
    request.topic = db.session.scalars(db.select(Topic)).first()
    start = clock.now() + timedelta(days=12)
    event = make_scheduled(request=request, starts_at=start)
    busy = make_ambassador(first_name="Busy")
    away = make_ambassador(first_name="Away")
    make_ambassador(first_name="Plain")
    match = make_ambassador(first_name="Match")
    match.topics = [request.topic]
    away.away_periods = [
        AwayPeriod(
            starts_on=start.date() - timedelta(days=1), ends_on=start.date() + timedelta(days=1)
        )
    ]
    db.session.commit()
    accepted_on(make_scheduled(starts_at=start), busy)
    ranked = [
        s.person.first_name
        for s in suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=limit)
    ]
    assert (
        ranked.index("Match") < ranked.index("Plain") < ranked.index("Away") < ranked.index("Busy")
    )


def _at_ten(*, days_ahead):
    """10.00 Copenhagen time `days_ahead` days from today: a session that never crosses
    midnight, whenever the test runs."""
    day = clock.today() + timedelta(days=days_ahead)
    return clock.local(day.year, day.month, day.day, 10, 0)


def _worse_by(criterion, event, better, worse):
    """Make `worse` a worse fit than `better` for `event` by `criterion` alone."""
    from portal.models import AvailabilityRule, AwayPeriod, Topic

    start = event.starts_at.astimezone(clock.COPENHAGEN)
    if criterion == "busy":
        accepted_on(make_scheduled(starts_at=event.starts_at + timedelta(minutes=30)), worse)
    elif criterion == "away":
        worse.away_periods = [AwayPeriod(starts_on=start.date(), ends_on=start.date())]
    elif criterion == "weekly window":  # a window all day, but on another weekday
        worse.availability_rules = [
            AvailabilityRule(
                weekday=(start.weekday() + 1) % 7, starts_at=time(0), ends_at=time(23, 59)
            )
        ]
    elif criterion == "topic":
        event.request.topic = db.session.scalars(db.select(Topic)).first()
        better.topics = [event.request.topic]
    elif criterion == "language":
        event.request.language = "en"
        better.languages, worse.languages = "da en", "da"
    elif criterion == "events this term":
        accepted_on(make_scheduled(starts_at=event.starts_at + timedelta(days=9)), worse)
    db.session.commit()


@pytest.mark.parametrize(
    "criterion",
    ["busy", "away", "weekly window", "topic", "language", "events this term"],
)
@pytest.mark.parametrize("limit", [None, 1])
def test_suggestions_rank_by_each_criterion_of_fit(criterion, limit):
    event = make_scheduled(request=make_request(), starts_at=_at_ten(days_ahead=12))
    # "Aa" would come first by name: only the criterion can put "Zz" ahead of it.
    worse, better = make_ambassador(first_name="Aa"), make_ambassador(first_name="Zz")
    _worse_by(criterion, event, better, worse)
    ranked = suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=limit)
    names = [s.person.first_name for s in ranked]
    assert names[0] == "Zz", names
    if limit is None:
        assert names.index("Zz") < names.index("Aa")


@pytest.mark.parametrize("partner_experienced", [True, False])
def test_a_dialogue_pairs_an_ambassador_with_one_of_the_other_experience(partner_experienced):
    event = make_scheduled(request=make_request(), starts_at=_at_ten(days_ahead=12))
    accepted_on(event, make_ambassador(experienced_override=partner_experienced))
    same = make_ambassador(first_name="Aa", experienced_override=partner_experienced)
    other = make_ambassador(first_name="Zz", experienced_override=not partner_experienced)
    [first, *rest] = suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=2)
    assert (first.person, first.experienced) == (other, not partner_experienced)
    assert [s.person for s in rest] == [same]


def test_the_best_few_chosen_by_the_database_are_the_head_of_the_full_ranking():
    # The event page asks for the best SHOWN; the chain walks the whole ranking. Over the demo
    # data's events (free, busy, away, weekly windows, topics, languages, load this term,
    # experienced partners) the LIMIT changes the length of the list and nothing else.
    from portal import demo
    from portal.models import Event, Person

    demo.load(scale=1)
    # Languages vary too: some speak Danish only, some English only, some both.
    for person in db.session.scalars(db.select(Person)):
        person.languages = ("da", "en", "da en")[person.id % 3]
    db.session.commit()
    events = db.session.scalars(
        db.select(Event)
        .where(Event.status == EventStatus.PLANNED, Event.starts_at > clock.now())
        .order_by(Event.starts_at)
    ).all()
    compared = 0
    for event in events:
        if event.request is not None:
            event.request.language = ("da", "en")[event.id % 2]
        for role in {need.seat_role for need in event.offer_kind.staffing_needs}:
            everyone = suggestions.suggestions(event, role)
            for limit in (3, 8):
                best = suggestions.suggestions(event, role, limit=limit)
                assert [s.person.id for s in best] == [s.person.id for s in everyone[:limit]], (
                    event.id,
                    role,
                    limit,
                )
                compared += 1
    assert compared >= 10


def test_suggestions_take_a_constant_number_of_queries(count_queries):
    event = make_scheduled()
    for _ in range(3):
        make_ambassador()
    db.session.expire_all()
    with count_queries() as few:
        suggestions.suggestions(event, SeatRole.AMBASSADOR)
    for _ in range(12):
        make_ambassador()
    db.session.expire_all()
    with count_queries() as many:
        suggestions.suggestions(event, SeatRole.AMBASSADOR)
    assert many.count == few.count


# --- who is free on a request's wished days -----------------------------------------------------


def _weekday(days_ahead):
    day = clock.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _accepted_at(person, day, hour, minute=0):
    """An accepted dialogue for `person` at hour:minute on `day`, 90 minutes long."""
    event = make_scheduled(starts_at=clock.local(day.year, day.month, day.day, hour, minute))
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )
    offers.accept_offer(assignment)
    db.session.commit()


def _count(day, **kwargs):
    [availability] = suggestions.free_on_days(
        offer_kind("dialogue"), [day], start_time=time(9, 0), minutes=90, **kwargs
    )
    return availability


def test_free_on_days_counts_only_ambassadors_free_by_pattern_away_dates_and_other_events():
    day = _weekday(14)
    make_ambassador(first_name="Free")
    away = make_ambassador(first_name="Away")
    away.away_periods = [AwayPeriod(starts_on=day, ends_on=day + timedelta(days=2))]
    other_weekday = make_ambassador(first_name="Pattern")
    other_weekday.availability_rules = [
        AvailabilityRule(weekday=(day.weekday() + 1) % 5, starts_at=time(8), ends_at=time(16))
    ]
    right_weekday = make_ambassador(first_name="Tuesdays")
    right_weekday.availability_rules = [
        AvailabilityRule(weekday=day.weekday(), starts_at=time(8), ends_at=time(16))
    ]
    make_ambassador(first_name="Gone", active=False)
    make_person(first_name="Speaker")  # a resource person: a dialogue needs none
    db.session.commit()
    # 9.00-10.30 with a 60-minute travel buffer: an event starting 11.00 is too close.
    _accepted_at(make_ambassador(first_name="Busy"), day, 11, 0)
    # ...but one starting 11.30 is exactly the buffer away, and does not count.
    _accepted_at(make_ambassador(first_name="Later"), day, 11, 30)

    availability = _count(day)

    assert availability.needed == {SeatRole.AMBASSADOR: 2}
    assert availability.active == {SeatRole.AMBASSADOR: 6}
    # Free, Tuesdays (its weekday) and Later; not Away, Pattern, Busy.
    assert availability.free == {SeatRole.AMBASSADOR: 3}
    assert availability.short_roles == []


def test_free_on_days_counts_each_day_on_its_own_and_marks_a_day_short_of_people():
    first = _weekday(14)
    second = _weekday((first - clock.today()).days + 1)  # the weekday after, whatever today is
    mostly_busy = make_ambassador()
    make_ambassador()
    _accepted_at(mostly_busy, second, 9)

    one, two = suggestions.free_on_days(
        offer_kind("dialogue"), [first, second], start_time=time(9, 0), minutes=90
    )

    assert (one.day, one.free, one.short_roles) == (first, {SeatRole.AMBASSADOR: 2}, [])
    assert (two.day, two.free, two.short_roles) == (
        second,
        {SeatRole.AMBASSADOR: 1},
        [SeatRole.AMBASSADOR],
    )


def test_free_on_days_counts_resource_persons_for_a_talk():
    day = _weekday(14)
    make_person()
    make_person()
    make_ambassador()

    [availability] = suggestions.free_on_days(
        offer_kind("talk"), [day], start_time=time(9, 0), minutes=90
    )

    assert availability.free == {SeatRole.RESOURCE_PERSON: 2}
    assert availability.needed == {SeatRole.RESOURCE_PERSON: 1}


def test_free_on_days_takes_a_fixed_number_of_queries_however_many_days_and_people(
    count_queries,
):
    kind = offer_kind("dialogue")

    def measure(days):
        db.session.expire_all()
        kind_again = offer_kind("dialogue")
        with count_queries() as counted:
            suggestions.free_on_days(kind_again, days, start_time=time(9, 0), minutes=90)
        return counted.count

    day = _weekday(14)
    away = make_ambassador()
    away.away_periods = [AwayPeriod(starts_on=day, ends_on=day)]
    db.session.commit()
    _accepted_at(make_ambassador(), day, 9)
    few = measure([day])
    for n in range(8):
        person = make_ambassador()
        person.availability_rules = [
            AvailabilityRule(weekday=n % 5, starts_at=time(8), ends_at=time(16))
        ]
        db.session.commit()
        _accepted_at(person, _weekday(15 + n), 9)
    many = measure([_weekday(14 + n) for n in range(10)])
    assert kind is not None
    assert many == few


def test_wished_days_lists_a_periods_weekdays_capped_and_a_single_date_as_it_is():
    today = clock.today()
    monday = today + timedelta(days=14 - today.weekday())
    single = monday + timedelta(days=5)  # a Saturday: a single wished date is shown as asked
    request = make_request(preferred_dates=[(single, None), (monday, monday + timedelta(days=20))])
    make_ambassador()

    wished = suggestions.wished_days(request, today=today, per_date=10)

    by_start = {d.starts_on: wished[d.id] for d in request.date_proposals[0].dates}
    single_days, single_more = by_start[single]
    assert ([a.day for a in single_days], single_more) == ([single], 0)
    period_days, period_more = by_start[monday]
    assert [a.day.weekday() for a in period_days] == [0, 1, 2, 3, 4] * 2
    assert period_more == 5  # 15 weekdays in three weeks, the first 10 shown
    assert period_days[0].free == {SeatRole.AMBASSADOR: 1}


def test_wished_days_leaves_out_days_already_past():
    today = clock.today()
    request = make_request(preferred_dates=[(today - timedelta(days=3), today + timedelta(days=1))])

    [(days, more)] = suggestions.wished_days(request, today=today).values()

    assert all(a.day >= today for a in days)
    assert more == 0


@pytest.mark.parametrize(
    ("window", "free"),
    [
        ((time(8), time(16)), True),
        ((time(9), time(10, 30)), True),  # exactly the session
        ((time(9, 15), time(16)), False),  # starts after the session does
        ((time(8), time(10)), False),  # ends before the session does
    ],
)
def test_a_weekly_window_counts_only_when_it_holds_the_whole_session(window, free):
    day = _weekday(14)
    person = make_ambassador()
    person.availability_rules = [
        AvailabilityRule(weekday=day.weekday(), starts_at=window[0], ends_at=window[1])
    ]
    db.session.commit()
    assert _count(day).free == {SeatRole.AMBASSADOR: 1 if free else 0}


def test_a_cancelled_event_keeps_nobody_busy():
    day = _weekday(14)
    person = make_ambassador()
    _accepted_at(person, day, 9, 0)
    assert _count(day).free == {SeatRole.AMBASSADOR: 0}
    assignment = db.session.scalar(db.select(Assignment).where(Assignment.person_id == person.id))
    assignment.event.status = EventStatus.CANCELLED
    db.session.commit()
    assert _count(day).free == {SeatRole.AMBASSADOR: 1}
