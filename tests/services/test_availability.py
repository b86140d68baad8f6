"""Who is free when: the overlap rule with its travel buffer, and the closed periods a time
falls in, tested on the service directly."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus, SeatRole
from portal.services import availability, errors, events, offers
from tests.factories import (
    accept,
    accepted_on,
    make_ambassador,
    make_scheduled,
    offer_kind,
    offer_to,
)


def test_a_dialogue_in_a_school_holiday_is_found_for_the_warning():
    from portal.models import ClosedPeriod
    from portal.models.enums import ClosedPeriodKind

    day = clock.today() + timedelta(days=30)
    db.session.add(
        ClosedPeriod(
            name="Vinterferie",
            kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
            starts_on=day - timedelta(days=2),
            ends_on=day + timedelta(days=2),
        )
    )
    db.session.commit()
    start = clock.local(day.year, day.month, day.day, 10)
    assert [p.name for p in availability.closed_periods_during([(start, start)])] == ["Vinterferie"]
    later = start + timedelta(days=10)
    assert availability.closed_periods_during([(later, later)]) == []


# --- the overlap rule at its edges ----------------------------------------------------------


def _two_events(first_start, first_minutes, second_start, second_minutes=90):
    first = make_scheduled("dialogue", starts_at=first_start, minutes=first_minutes)
    second = make_scheduled("dialogue", starts_at=second_start, minutes=second_minutes)
    return first, second


@pytest.mark.parametrize(
    ("gap_minutes", "allowed"),
    [(-30, False), (0, False), (30, False), (59, False), (60, True), (120, True)],
)
def test_a_person_cannot_accept_events_closer_than_the_travel_buffer(gap_minutes, allowed):
    start = clock.local(2030, 9, 11, 9, 0)
    first, second = _two_events(start, 90, start + timedelta(minutes=90 + gap_minutes))
    person = make_ambassador()
    accepted_on(first, person)
    [offer] = offer_to(second, person)
    if allowed:
        accept(offer)
        assert offer.status == AssignmentStatus.ACCEPTED
    else:
        with pytest.raises(errors.OfferError, match="optaget"):
            offers.accept_offer(offer)
        db.session.rollback()
        assert offer.status == AssignmentStatus.OFFERED


def test_every_session_of_a_course_counts_for_the_overlap():
    person = make_ambassador(is_resource_person=True)
    start = clock.local(2030, 9, 16, 9, 0)
    sessions = [
        (start, start + timedelta(hours=2)),
        (start + timedelta(weeks=1), start + timedelta(weeks=1, hours=2)),
    ]
    course = events.schedule_event(
        by=None, offer_kind=offer_kind("advisory"), sessions=sessions, place="SSP", online=False
    )
    db.session.commit()
    [held] = offers.offer_seat(
        course, by=None, seat_role=SeatRole.RESOURCE_PERSON, seat_number=1, persons=[person]
    )
    accept(held)
    talk = make_scheduled("talk", starts_at=start + timedelta(weeks=1, hours=1))
    [offer] = offers.offer_seat(
        talk, by=None, seat_role=SeatRole.RESOURCE_PERSON, seat_number=1, persons=[person]
    )
    with pytest.raises(errors.OfferError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_the_overlap_rule_counts_real_time_across_the_change_to_winter_time():
    # 27 October 2030: clocks go back at 03.00 CEST to 02.00 CET. Stored in UTC, so an event at
    # 01.00-02.00 and one at 03.00 are three real hours apart, not one.
    first_start = clock.local(2030, 10, 27, 1, 0)
    second_start = clock.local(2030, 10, 27, 3, 0)
    assert second_start - first_start == timedelta(hours=3)
    first, second = _two_events(first_start, 60, second_start)
    person = make_ambassador()
    accepted_on(first, person)
    [offer] = offer_to(second, person)
    accept(offer)
    assert offer.status == AssignmentStatus.ACCEPTED


def test_the_overlap_rule_counts_real_time_across_the_change_to_summer_time():
    # 30 March 2031: clocks jump from 02.00 CET to 03.00 CEST. 00.30-01.30 and 03.00 look 90
    # minutes apart on the wall, but only 30 real minutes pass: less than the buffer.
    first_start = clock.local(2031, 3, 30, 0, 30)
    second_start = clock.local(2031, 3, 30, 3, 0)
    first, second = _two_events(first_start, 60, second_start)
    person = make_ambassador()
    accepted_on(first, person)
    [offer] = offer_to(second, person)
    with pytest.raises(errors.OfferError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_a_cancelled_event_does_not_block_the_person():
    start = clock.local(2030, 9, 11, 9, 0)
    first, second = _two_events(start, 90, start)
    person = make_ambassador()
    accepted_on(first, person)
    events.cancel_event(first, by=None, note="Sygdom")
    db.session.commit()
    [offer] = offer_to(second, person)
    accept(offer)
    assert offer.status == AssignmentStatus.ACCEPTED


def test_vinks_own_closure_concerns_every_offer_and_a_school_holiday_only_a_class():
    """A talk for staff on a day VINK is closed warns the secretariat and is named on the
    public form; a school holiday does neither for a talk, and both for a dialogue."""
    from portal.models import ClosedPeriod
    from portal.models.enums import ClosedPeriodKind

    today = clock.today()
    closure_day, holiday_day = today + timedelta(days=20), today + timedelta(days=40)
    closure = ClosedPeriod(
        name="VINK lukket: personaledag",
        kind=ClosedPeriodKind.CLOSURE,
        starts_on=closure_day,
        ends_on=closure_day,
    )
    holiday = ClosedPeriod(
        name="Vinterferie",
        kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
        starts_on=holiday_day,
        ends_on=holiday_day,
    )
    db.session.add_all([closure, holiday])
    db.session.commit()

    def at(day):
        start = clock.local(day.year, day.month, day.day, 10)
        return [(start, start + timedelta(hours=1))]

    talk, dialogue = offer_kind("talk"), offer_kind("dialogue")
    assert availability.closed_period_warnings(talk, at(closure_day)) == [closure]
    assert availability.closed_period_warnings(talk, at(holiday_day)) == []
    assert availability.closed_period_warnings(dialogue, at(closure_day)) == [closure]
    assert availability.closed_period_warnings(dialogue, at(holiday_day)) == [holiday]
    assert availability.closed_periods_ahead(talk, today=today) == [closure]
    assert availability.closed_periods_ahead(dialogue, today=today) == [closure, holiday]
    wishes = [(closure_day, closure_day), (holiday_day, holiday_day)]
    assert availability.closed_wishes(talk, wishes) == [(closure_day, closure_day, closure)]
    assert len(availability.closed_wishes(dialogue, wishes)) == 2
