""" "Kræver handling" for direkte booking: a time the requester took comes first once its
staffing deadline has passed with a seat not filled, while the event is still ahead; then the
secretariat is in charge. Listed once: neither to follow up again nor under its request's
reasons, but beside someone accepted who is away."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus
from portal.services import assignments, events, seats
from portal.services import inbox as inbox_service
from portal.services import requests as requests_service
from tests.factories import (
    accepted_on,
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    offer_to,
)
from tests.instant_booked import DEADLINE, make_instant_booking


def _listed(items, obj):
    """The reasons `obj` (a request or an event) is listed under."""
    return [
        reason for reason, item in items if item is obj or (reason == "away" and item.event is obj)
    ]


def _days_ahead(days, hour=10):
    day = clock.today() + timedelta(days=days)
    return clock.local(day.year, day.month, day.day, hour)


def test_a_direct_booking_with_a_seat_open_is_listed_once_its_deadline_has_passed(travel):
    _request, event = make_instant_booking()
    accepted_on(event, make_ambassador())  # one of the two seats said yes
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert items == [("instant_unstaffed", event)]
    assert totals["instant_unstaffed"] == 1
    assert sum(totals.values()) == len(items) == 1
    assert seats.past_staffing_deadline(event, now=clock.now())


@pytest.mark.parametrize(
    ("after_deadline", "listed"),
    [(-timedelta(minutes=1), False), (timedelta(0), True), (timedelta(seconds=1), True)],
    ids=["a-minute-before", "at-the-deadline", "a-second-after"],
)
def test_the_deadline_is_the_instant_it_is_listed_from(travel, after_deadline, listed):
    _request, event = make_instant_booking()
    travel(event.staff_by + after_deadline, tick=False)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert (("instant_unstaffed", event) in items) is listed
    assert totals["instant_unstaffed"] == int(listed)
    assert seats.past_staffing_deadline(event, now=clock.now()) is listed


def test_offers_still_unanswered_at_the_deadline_are_not_enough(travel):
    _request, event = make_instant_booking()
    offer_to(event, make_ambassador(), seat_number=1)
    offer_to(event, make_ambassador(), seat_number=2)
    travel(event.staff_by + timedelta(minutes=1))

    assert _listed(inbox_service.needs_action(now=clock.now())[0], event) == ["instant_unstaffed"]


def test_a_fully_staffed_direct_booking_is_not_listed(travel):
    _request, event = make_instant_booking()
    accepted_on(event, make_ambassador(), seat_number=1)
    accepted_on(event, make_ambassador(), seat_number=2)
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert items == []
    assert totals["instant_unstaffed"] == 0
    assert not seats.past_staffing_deadline(event, now=clock.now())


def test_a_cancelled_direct_booking_is_to_rebook_not_to_staff(travel):
    request, event = make_instant_booking()
    events.cancel_event(event, by=None, note="")
    db.session.commit()
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, event) == [] and _listed(items, request) == ["rebook"]
    assert totals["instant_unstaffed"] == 0


def test_a_direct_booking_whose_time_has_come_is_not_listed(travel):
    _request, event = make_instant_booking(
        starts_at=_days_ahead(2), staff_by=clock.now() + timedelta(hours=1)
    )
    travel(event.starts_at + timedelta(minutes=10))  # started, seats still open

    items, totals = inbox_service.needs_action(now=clock.now())

    assert totals["instant_unstaffed"] == 0
    assert _listed(items, event) == []
    assert not seats.past_staffing_deadline(event, now=clock.now())


def test_an_event_the_secretariat_planned_is_not_listed_however_late(travel):
    # A deadline alone does not make a direct booking: the request says how it was booked.
    request, event = make_instant_booking()
    request.booked_instantly = False
    db.session.commit()
    travel(event.staff_by + timedelta(minutes=1))

    assert inbox_service.needs_action(now=clock.now())[1]["instant_unstaffed"] == 0


def test_direct_bookings_past_their_deadline_come_first_before_every_other_reason(travel):
    # Older and sooner things to do than the direct booking: a new request, an event starting
    # the day after its deadline with a seat declined.
    new = make_request(organisation_name="Ny skole")
    soon = make_scheduled(request=make_request(), starts_at=_days_ahead(4))
    make_assignment(soon, status=AssignmentStatus.DECLINED)
    _request, event = make_instant_booking(organisation_name="Direkte skole")
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert items[0] == ("instant_unstaffed", event)
    assert ("new", new) in items and ("follow_up", soon) in items
    assert next(iter(totals)) == "instant_unstaffed"
    assert sum(totals.values()) == len(items) == 3


def test_a_direct_booking_to_follow_up_is_listed_once_as_past_its_deadline(travel):
    # Starting within the week with a seat declined, it would be followed up; past its
    # deadline it is listed as that, once.
    request, event = make_instant_booking(
        starts_at=_days_ahead(5), staff_by=clock.now() + timedelta(hours=1)
    )
    make_assignment(event, status=AssignmentStatus.DECLINED)
    travel.shift(timedelta(hours=2))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, event) + _listed(items, request) == ["instant_unstaffed"]
    assert totals["follow_up"] == 0
    assert sum(totals.values()) == len(items) == 1


def test_before_its_deadline_a_direct_booking_is_followed_up_like_any_other(travel):
    _request, event = make_instant_booking(starts_at=_days_ahead(5))
    make_assignment(event, status=AssignmentStatus.DECLINED)

    items, _totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, event) == ["follow_up"]


def test_new_dates_asked_for_a_direct_booking_past_its_deadline_wait_behind_it(travel):
    # The event's row leads to the request: one booking, one row, under the first reason.
    request, event = make_instant_booking()
    requests_service.propose_dates(
        request, dates=[(clock.today() + timedelta(days=30), None)], note=""
    )
    db.session.commit()
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, event) + _listed(items, request) == ["instant_unstaffed"]
    assert sum(totals.values()) == len(items) == 1
    # Once staffed, the new dates are what is left to do.
    accepted_on(event, make_ambassador(), seat_number=1)
    accepted_on(event, make_ambassador(), seat_number=2)
    items, _totals = inbox_service.needs_action(now=clock.now())
    assert _listed(items, event) + _listed(items, request) == ["new_dates"]


def test_someone_accepted_and_away_on_a_direct_booking_is_listed_beside_it(travel):
    _request, event = make_instant_booking()
    yasmin = make_ambassador(first_name="Yasmin")
    accepted_on(event, yasmin)
    day = event.starts_at.astimezone(clock.COPENHAGEN).date()
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    db.session.commit()
    travel(event.staff_by + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, event) == ["instant_unstaffed", "away"]
    assert sum(totals.values()) == len(items) == 2


def test_the_first_ten_are_shown_soonest_first_and_the_rest_counted(travel):
    made = [
        make_instant_booking(starts_at=_days_ahead(30 - n))[1]
        for n in range(inbox_service.NEEDS_ACTION_ROWS + 2)
    ]
    travel(clock.now() + DEADLINE + timedelta(minutes=1))

    items, totals = inbox_service.needs_action(now=clock.now())

    soonest_first = sorted(made, key=lambda event: event.starts_at)
    assert [item for reason, item in items if reason == "instant_unstaffed"] == soonest_first[:10]
    assert totals["instant_unstaffed"] == 12
