"""Rules a review found bypassable, each pinned by a test."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, Role, SeatRole
from portal.services import assignments, reminders, requests, scheduling
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
)


def _offer(event, *people, seat_number=1):
    offered = scheduling.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=seat_number, persons=list(people)
    )
    db.session.commit()
    return offered


def _mails(kind):
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_a_claim_cannot_be_accepted_by_the_claimer_only_by_the_secretariat():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    claim = assignments.claim_seat(
        person, event, seat_role=SeatRole.AMBASSADOR, seat_number=1, by=None
    )
    db.session.commit()
    assert [m.kind for m in _mails("secretariat_seat_claimed")] == ["secretariat_seat_claimed"]
    assert event in scheduling.follow_up_events(now=clock.now())
    with pytest.raises(scheduling.SchedulingError, match="godkende"):
        scheduling.accept_offer(claim, by=None)
    db.session.rollback()
    overview = assignments.overview_for(person, now=clock.now())
    assert overview["offers"] == []
    assert overview["claims"] == [claim]
    scheduling.accept_offer(claim, by=make_user(role=Role.SECRETARIAT))
    assert claim.status == AssignmentStatus.ACCEPTED


def test_a_withdrawn_person_cannot_claim_the_seat_back():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    [offer] = _offer(event, person)
    scheduling.withdraw_assignment(offer, by=None)
    db.session.commit()
    assert assignments.open_seats_for(person, now=clock.now()) == []


def test_a_planned_request_cannot_be_declined_while_its_event_stands():
    request = make_request()
    make_scheduled(request=request)
    with pytest.raises(requests.RequestError):
        requests.start_planning(request, by=None)
    db.session.rollback()
    with pytest.raises(requests.RequestError):
        requests.decline_request(request, by=None, reason=None, note="Nej")
    db.session.rollback()
    assert request.status == RequestStatus.PLANNED


def test_an_offer_cannot_be_accepted_once_the_event_has_started():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=3))
    [offer] = _offer(event, make_ambassador())
    start = clock.now() - timedelta(minutes=30)
    scheduling.reschedule_event(
        event,
        by=None,
        sessions=[(start, start + timedelta(hours=1))],
        place="x",
        online=False,
        expected_version=event.version,
    )
    db.session.commit()
    assert offer.expires_at <= event.starts_at
    assert scheduling.answerable(offer) == "expired"
    with pytest.raises(scheduling.SchedulingError):
        scheduling.accept_offer(offer)
    db.session.rollback()


def test_an_expired_offer_cannot_be_declined_either():
    event = make_scheduled()
    [offer] = _offer(event, make_ambassador())
    offer.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        scheduling.decline_offer(offer)
    db.session.rollback()
    assert offer.status == AssignmentStatus.OFFERED


def test_the_staffing_of_a_held_event_is_not_rewritten():
    event = make_scheduled(starts_at=clock.now() - timedelta(days=2))
    assignment = make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    event.status = EventStatus.HELD
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        scheduling.withdraw_assignment(assignment, by=None)
    db.session.rollback()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_an_inactive_person_cannot_accept():
    event = make_scheduled()
    person = make_ambassador()
    [offer] = _offer(event, person)
    person.active = False
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError, match="aktiv"):
        scheduling.accept_offer(offer)
    db.session.rollback()


def test_the_requester_hears_who_comes_once_the_event_is_fully_staffed():
    request = make_request()
    event = make_scheduled(request=request)
    for seat in (1, 2):
        [offer] = _offer(event, make_ambassador(first_name=f"Amb{seat}"), seat_number=seat)
        scheduling.accept_offer(offer)
        db.session.commit()
    [mail] = _mails("requester_event_staffed")
    assert mail.to_address == "anne@example.org"
    assert "Amb1" in mail.body_text and "Amb2" in mail.body_text


def test_a_moved_event_is_reminded_again_for_its_new_date():
    request = make_request()
    event = make_scheduled(request=request, starts_at=clock.now() + timedelta(hours=40))
    assert reminders.remind_upcoming_events(now=clock.now()) == 1
    start = event.starts_at + timedelta(hours=3)
    scheduling.reschedule_event(
        event,
        by=None,
        sessions=[(start, start + timedelta(hours=1))],
        place="x",
        online=False,
        expected_version=event.version,
    )
    db.session.commit()
    assert reminders.remind_upcoming_events(now=clock.now()) == 1


def test_the_withdrawal_note_to_assignees_is_danish_whatever_the_requester_spoke():
    request = make_request(locale="en")
    event = make_scheduled(request=request)
    make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    requests.withdraw_request(request, note="")
    db.session.commit()
    assert event.cancel_note == "Bestilleren har trukket bestillingen tilbage."
    [mail] = _mails("assignee_event_cancelled")
    assert "Tak fordi du sagde ja" in mail.body_text


def test_the_feed_shows_a_cancelled_event_only_to_those_who_had_said_yes(app):
    event = make_scheduled()
    accepted_person, asked_person = make_ambassador(), make_ambassador()
    [yes] = _offer(event, accepted_person, seat_number=1)
    scheduling.accept_offer(yes)
    _offer(event, asked_person, seat_number=2)
    scheduling.cancel_event(event, by=None)
    db.session.commit()
    assert [a.event for a in assignments.feed_assignments(accepted_person)] == [event]
    assert assignments.feed_assignments(asked_person) == []
    offered_only = next(
        m for m in _mails("assignee_event_cancelled") if m.to_address == asked_person.email
    )
    assert "Tak fordi du sagde ja" not in offered_only.body_text


def test_the_answer_page_hides_the_requesters_notes_from_someone_taken_off(client):
    request = make_request(notes="Bekymring om en elev")
    event = make_scheduled(request=request)
    [offer] = _offer(event, make_ambassador())
    scheduling.withdraw_assignment(offer, by=None)
    db.session.commit()
    signed = links.sign(scheduling.ANSWER_LINK, offer.id, offer.answer_token)
    text = client.get(f"/svar/{signed}").get_data(as_text=True)
    assert "Bekymring" not in text
