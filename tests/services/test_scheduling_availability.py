"""Who is free on a request's wished days (suggestions.free_on_days, suggestions.wished_days):
the same rules as the suggestions, counted per role the offer kind needs."""

from datetime import time, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, AvailabilityRule, AwayPeriod
from portal.models.enums import EventStatus, SeatRole
from portal.services import offers, suggestions
from tests.factories import (
    make_ambassador,
    make_person,
    make_request,
    make_scheduled,
    offer_kind,
)


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
