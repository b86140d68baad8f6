"""The assignee side of staffing as services: claims from the open-seats board, the
open seats a person may take, and the calendar feed."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus, Role, SeatRole
from portal.services import assignments, events, offers, scheduling
from tests.factories import mails, make_ambassador, make_scheduled, make_user, offer_to


def test_a_claim_cannot_be_accepted_by_the_claimer_only_by_the_secretariat():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    claim = assignments.claim_seat(
        person, event, seat_role=SeatRole.AMBASSADOR, seat_number=1, by=None
    )
    db.session.commit()
    assert [m.kind for m in mails("secretariat_seat_claimed")] == ["secretariat_seat_claimed"]
    assert event in offers.follow_up_events(now=clock.now())
    with pytest.raises(scheduling.SchedulingError, match="godkende"):
        offers.accept_offer(claim, by=None)
    db.session.rollback()
    overview = assignments.overview_for(person, now=clock.now())
    assert overview["offers"] == []
    assert overview["claims"] == [claim]
    offers.accept_offer(claim, by=make_user(role=Role.SECRETARIAT))
    assert claim.status == AssignmentStatus.ACCEPTED


def test_a_withdrawn_person_cannot_claim_the_seat_back():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    [offer] = offer_to(event, person)
    offers.withdraw_assignment(offer, by=None)
    db.session.commit()
    assert assignments.open_seats_for(person, now=clock.now()) == []


def test_the_feed_shows_a_cancelled_event_only_to_those_who_had_said_yes(app):
    event = make_scheduled()
    accepted_person, asked_person = make_ambassador(), make_ambassador()
    [yes] = offer_to(event, accepted_person, seat_number=1)
    offers.accept_offer(yes)
    offer_to(event, asked_person, seat_number=2)
    events.cancel_event(event, by=None)
    db.session.commit()
    assert [a.event for a in assignments.feed_assignments(accepted_person)] == [event]
    assert assignments.feed_assignments(asked_person) == []
    offered_only = next(
        m for m in mails("assignee_event_cancelled") if m.to_address == asked_person.email
    )
    assert "Tak fordi du sagde ja" not in offered_only.body_text
