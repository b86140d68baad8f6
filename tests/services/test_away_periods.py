"""An away period over an event the person has said yes to (issue 21.1): added, not refused,
and found for her warning, the secretariat's "Kræver handling" and the event page."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models.base import UTCDateTime
from portal.models.enums import AssignmentStatus
from portal.services import assignments, events, offers, suggestions
from portal.services import inbox as inbox_service
from tests.factories import make_ambassador, make_assignment, make_request, make_scheduled


def _event_on(day, hour=10, minutes=90):
    return make_scheduled(
        request=make_request(),
        starts_at=clock.local(day.year, day.month, day.day, hour, 0),
        minutes=minutes,
    )


def _away(person, first, last=None):
    period = assignments.add_away_period(person, starts_on=first, ends_on=last or first)
    db.session.commit()
    return period


def test_add_away_period_over_an_accepted_event_adds_it_and_names_the_event():
    person = make_ambassador()
    day = clock.today() + timedelta(days=20)
    accepted = _event_on(day)
    make_assignment(accepted, person)
    offered = _event_on(day, hour=14)
    make_assignment(offered, person, status=AssignmentStatus.OFFERED)
    later = _event_on(day + timedelta(days=1))
    make_assignment(later, person)

    period = _away(person, day)

    assert period.id is not None
    assert assignments.accepted_events_while_away(period, now=clock.now()) == [accepted]


def test_accepted_events_while_away_counts_the_copenhagen_day_not_the_utc_one():
    person = make_ambassador()
    day = clock.today() + timedelta(days=20)
    # 00.30 in Copenhagen is the evening before in UTC.
    just_after_midnight = _event_on(day, hour=0, minutes=60)
    make_assignment(just_after_midnight, person)
    late_the_day_before = make_scheduled(
        request=make_request(),
        starts_at=clock.local(day.year, day.month, day.day, 0, 0) - timedelta(hours=2),
        minutes=60,
    )
    make_assignment(late_the_day_before, person)

    period = _away(person, day)

    assert assignments.accepted_events_while_away(period, now=clock.now()) == [just_after_midnight]


def test_a_cancelled_or_past_event_is_no_conflict():
    person = make_ambassador()
    day = clock.today() + timedelta(days=20)
    cancelled = _event_on(day)
    make_assignment(cancelled, person)
    events.cancel_event(cancelled, by=None, note="")
    db.session.commit()
    past = _event_on(clock.today() - timedelta(days=2))
    make_assignment(past, person)

    period = _away(person, clock.today() - timedelta(days=3), day)

    assert assignments.accepted_events_while_away(period, now=clock.now()) == []
    assert inbox_service.needs_action(now=clock.now())[1]["away"] == 0


def test_needs_action_lists_the_event_once_with_who_is_away():
    yasmin, ahmad = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Ahmad")
    day = clock.today() + timedelta(days=20)
    event = _event_on(day)
    make_assignment(event, yasmin)
    make_assignment(event, ahmad, seat_number=2)
    _away(yasmin, day - timedelta(days=1), day + timedelta(days=1))
    _away(yasmin, day)
    _away(ahmad, day)

    items, totals = inbox_service.needs_action(now=clock.now())

    away = [item for reason, item in items if reason == "away"]
    assert [item.event for item in away] == [event]
    assert [p.first_name for p in away[0].people] == ["Yasmin", "Ahmad"]  # in seat order
    assert totals["away"] == 1


def test_an_event_listed_as_away_is_not_listed_again_to_follow_up():
    yasmin, ahmad = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Ahmad")
    day = clock.today() + timedelta(days=3)
    event = _event_on(day)
    make_assignment(event, yasmin)
    make_assignment(event, ahmad, seat_number=2, status=AssignmentStatus.DECLINED)
    # Starting within the week with a seat declined: a seat to follow up, were nobody away.
    assert offers.follow_up_events(now=clock.now()) == [event]
    _away(yasmin, day)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert [(reason, getattr(item, "event", item)) for reason, item in items] == [("away", event)]
    assert totals["follow_up"] == 0
    assert sum(totals.values()) == len(items) == 1


def test_away_people_on_the_event_page_are_the_accepted_ones_away():
    yasmin, ahmad = make_ambassador(), make_ambassador()
    day = clock.today() + timedelta(days=20)
    event = _event_on(day)
    make_assignment(event, yasmin)
    make_assignment(event, ahmad, seat_number=2, status=AssignmentStatus.OFFERED)
    _away(yasmin, day)
    _away(ahmad, day)

    assert assignments.away_on_event(event) == {yasmin.id}


def _instants_around_the_changes():
    """Every quarter of an hour around New Year and the nights the clocks change (2026-2031),
    and the midnights in between: where a UTC and a Copenhagen day part."""
    days = []
    for year in range(2026, 2032):
        days += [date(year, 1, 1), date(year, 6, 30), date(year, 12, 31)]
        for month in (3, 10):
            last_sunday = max(
                date(year, month, d) for d in range(25, 32) if date(year, month, d).weekday() == 6
            )
            days.append(last_sunday)
    return [
        datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=15 * n)
        for d in days
        for n in range(-12, 4 * 24 + 12)
    ]


def test_the_databases_copenhagen_day_is_pythons_around_midnight_and_the_clock_changes(app):
    instants = _instants_around_the_changes()
    columns = [
        column
        for instant in instants
        for column in (
            suggestions.CopenhagenDay(sa.literal(instant, UTCDateTime())),
            suggestions.CopenhagenLastDay(sa.literal(instant, UTCDateTime())),
        )
    ]
    found = []
    for chunk in range(0, len(columns), 500):
        found += db.session.execute(db.select(*columns[chunk : chunk + 500])).one()
    found = [date.fromisoformat(d) if isinstance(d, str) else d for d in found]
    expected = [
        day
        for instant in instants
        for day in (
            instant.astimezone(clock.COPENHAGEN).date(),
            (instant - timedelta(microseconds=1)).astimezone(clock.COPENHAGEN).date(),
        )
    ]
    wrong = [
        (instants[n // 2], "last day" if n % 2 else "day", got, day)
        for n, (got, day) in enumerate(zip(found, expected, strict=True))
        if got != day
    ]
    assert wrong == []


# Sessions at the awkward instants, (start, minutes) in Copenhagen, and the away day.
AWKWARD = {
    "just-after-midnight": ((2030, 9, 23, 0, 30), 60, date(2030, 9, 23), True),
    "ending-at-midnight": ((2030, 9, 22, 23, 0), 60, date(2030, 9, 23), False),
    "over-midnight": ((2030, 9, 22, 23, 30), 60, date(2030, 9, 23), True),
    "the-day-before-in-utc": ((2030, 9, 23, 1, 0), 30, date(2030, 9, 22), False),
    "new-years-eve": ((2030, 12, 31, 23, 30), 60, date(2031, 1, 1), True),
    "clocks-go-back": ((2030, 10, 27, 1, 30), 120, date(2030, 10, 27), True),
    "clocks-go-forward": ((2031, 3, 30, 0, 30), 180, date(2031, 3, 29), False),
    "clocks-go-forward-that-day": ((2031, 3, 30, 0, 30), 180, date(2031, 3, 30), True),
}


@pytest.mark.parametrize(
    ("start", "minutes", "away_on", "away"), AWKWARD.values(), ids=list(AWKWARD)
)
def test_the_event_page_and_the_staffing_warnings_agree_who_is_away(start, minutes, away_on, away):
    person = make_ambassador()
    event = make_scheduled(request=make_request(), starts_at=clock.local(*start), minutes=minutes)
    make_assignment(event, person)
    _away(person, away_on)

    on_the_page = person.id in assignments.away_on_event(event)
    warned = [p for p, is_away in suggestions.why_unavailable([person], event) if is_away]

    assert on_the_page == (warned == [person]) == away
