"""Events: scheduled (for a request or VINK's own), rescheduled with a version check, and
cancelled, tested on the service directly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, Event
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, SeatRole
from portal.services import errors, events, seats
from portal.services import requests as requests_service
from portal.services.request_states import RequestError
from tests.factories import (
    accepted_on,
    mails,
    make_ambassador,
    make_event,
    make_request,
    make_scheduled,
    move_to,
    offer_kind,
)

# --- scheduling -----------------------------------------------------------------------------


def test_scheduling_a_request_plans_it_and_tells_the_requester():
    request = make_request()
    event = make_scheduled(request=request)
    assert request.status == RequestStatus.PLANNED
    assert request.event == event
    assert len(event.sessions) == 1
    assert [m.to_address for m in mails("requester_event_scheduled")] == ["anne@example.org"]
    assert (
        db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.object_type == "events"))
        == "event.scheduled"
    )


def test_vink_can_schedule_its_own_talk_without_a_request():
    event = make_scheduled("talk")
    assert event.request is None
    assert mails("requester_event_scheduled") == []


def test_an_advisory_course_has_several_sessions_up_to_its_maximum():
    start = clock.now() + timedelta(days=10)
    weekly = [(start + timedelta(weeks=i), start + timedelta(weeks=i, hours=2)) for i in range(4)]
    event = events.schedule_event(
        by=None, offer_kind=offer_kind("advisory"), sessions=weekly, place="SSP", online=False
    )
    assert (event.starts_at, event.ends_at) == (weekly[0][0], weekly[-1][1])
    too_many = [*weekly, (start + timedelta(weeks=5), start + timedelta(weeks=5, hours=2))]
    with pytest.raises(errors.SchedulingError):
        events.schedule_event(
            by=None, offer_kind=offer_kind("advisory"), sessions=too_many, place="SSP", online=False
        )
    db.session.rollback()


def test_a_session_must_end_after_it_starts():
    start = clock.now() + timedelta(days=3)
    with pytest.raises(errors.SchedulingError):
        events.schedule_event(
            by=None,
            offer_kind=offer_kind("talk"),
            sessions=[(start, start)],
            place="x",
            online=False,
        )


def test_the_seats_come_from_the_offer_kinds_staffing_needs():
    event = make_scheduled("dialogue")
    assert [(s.role, s.number, s.of, s.state) for s in seats.seats(event)] == [
        (SeatRole.AMBASSADOR, 1, 2, "open"),
        (SeatRole.AMBASSADOR, 2, 2, "open"),
    ]
    talk = make_scheduled("talk", starts_at=clock.now() + timedelta(days=20))
    assert [(s.role, s.of) for s in seats.seats(talk)] == [(SeatRole.RESOURCE_PERSON, 1)]


# --- rescheduling and cancelling --------------------------------------------------------------


def test_rescheduling_tells_everyone_and_bumps_the_version():
    request = make_request()
    event = make_scheduled(request=request)
    assignment = accepted_on(event, make_ambassador())
    version = event.version
    start = event.starts_at + timedelta(days=1)
    move_to(event, start, place="Aulaen")
    db.session.commit()
    assert event.version > version
    assert event.place == "Aulaen"
    assert [m.to_address for m in mails("requester_event_rescheduled")] == ["anne@example.org"]
    assert [m.to_address for m in mails("assignee_event_rescheduled")] == [assignment.person.email]


def test_a_stale_save_is_refused_with_what_the_other_person_changed():
    event = make_scheduled()
    seen = event.version
    start = event.starts_at + timedelta(hours=2)
    move_to(event, start, place="Ny adresse", version=seen)
    db.session.commit()
    with pytest.raises(errors.EditConflict) as conflict:
        move_to(event, start, place="Min adresse", version=seen)
    db.session.rollback()
    [change] = conflict.value.changes
    assert change.after["place"] == "Ny adresse"
    assert event.place == "Ny adresse"


def test_a_save_between_the_version_check_and_the_write_is_refused_as_the_same_conflict():
    """Somebody saves after the version was checked, before this write: the write finds their
    version and is refused as an EditConflict, nothing of it kept, and the event reads as they
    left it, so the page can show it."""
    event = make_scheduled()
    db.session.commit()
    seen, sessions_before = event.version, [(s.starts_at, s.ends_at) for s in event.sessions]
    with db.engine.begin() as theirs:
        theirs.execute(
            sa.update(Event)
            .where(Event.id == event.id)
            .values(place="Deres adresse", version=seen + 1)
        )
    with pytest.raises(errors.EditConflict) as conflict:
        move_to(event, event.starts_at + timedelta(hours=2), place="Min adresse", version=seen)
    assert conflict.value.event is event
    assert (event.place, event.version) == ("Deres adresse", seen + 1)
    assert [(s.starts_at, s.ends_at) for s in event.sessions] == sessions_before
    assert mails("requester_event_rescheduled") == []
    db.session.rollback()


def test_rescheduling_into_a_clash_for_an_accepted_person_is_refused():
    start = clock.local(2030, 9, 11, 9, 0)
    first = make_scheduled(starts_at=start)
    second = make_scheduled(starts_at=start + timedelta(days=1))
    person = make_ambassador()
    accepted_on(first, person)
    accepted_on(second, person)
    with pytest.raises(errors.SchedulingError, match="optaget"):
        move_to(second, start)
    db.session.rollback()


def test_a_held_event_cannot_be_cancelled():
    event = make_event(status=EventStatus.HELD, starts_at=clock.now() - timedelta(days=1))
    with pytest.raises(errors.SchedulingError):
        events.cancel_event(event, by=None)
    db.session.rollback()


def test_cancelling_tells_the_requester_and_the_people():
    request = make_request()
    event = make_scheduled(request=request)
    assignment = accepted_on(event, make_ambassador())
    events.cancel_event(event, by=None, note="Skolen er lukket")
    db.session.commit()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert len(mails("requester_event_cancelled")) == 1
    assert len(mails("assignee_event_cancelled")) == 1


def test_scheduling_a_withdrawn_request_again_is_refused_before_anything_is_written():
    request = make_request()
    event = make_scheduled(request=request)
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    assert event.status == EventStatus.CANCELLED
    with pytest.raises(RequestError):
        make_scheduled(request=request)
    assert event.request == request and event.former_request is None
