"""What an assignee may see and do on an event depends on their assignment's state, not on
knowing the event's id: attendance only once it started and only on a seat they hold; the
requester's notes only while they are on the event."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import Attendance
from portal.models.enums import AssignmentStatus, EventStatus, Role
from portal.services import events, offers
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
)

NOTES = "Klassen har arbejdet med demokrati i dansk."


@pytest.fixture
def me(app, login):
    person = make_ambassador()
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=person))
    client.person = person
    return client


def _event_with_notes(starts_at):
    request = make_request(notes=NOTES)
    return make_scheduled(request=request, starts_at=starts_at)


def _seat(person, event, status):
    return make_assignment(event, person, status=status, answer_token=links.new_token())


def _attendance_rows():
    return db.session.scalar(db.select(db.func.count()).select_from(Attendance))


def test_attendance_cannot_be_posted_before_the_event_starts(me):
    event = _event_with_notes(clock.now() + timedelta(days=2))
    _seat(me.person, event, AssignmentStatus.ACCEPTED)
    response = me.post_form(
        f"/mig/arrangementer/{event.id}/fremmoede",
        {"students": "20", "staff": "1", "parents": "0", "other": "0"},
    )
    assert response.status_code == 404
    assert _attendance_rows() == 0
    db.session.refresh(event)
    assert event.status == EventStatus.PLANNED


@pytest.mark.parametrize(
    "status", [AssignmentStatus.OFFERED, AssignmentStatus.DECLINED, AssignmentStatus.WITHDRAWN]
)
def test_attendance_is_only_for_a_seat_the_person_holds(me, status):
    event = _event_with_notes(clock.now() - timedelta(hours=3))
    _seat(me.person, event, status)
    response = me.post_form(
        f"/mig/arrangementer/{event.id}/fremmoede",
        {"students": "20", "staff": "1", "parents": "0", "other": "0"},
    )
    assert response.status_code == 404
    assert _attendance_rows() == 0


def test_someone_on_the_event_sees_the_requesters_notes(me):
    event = _event_with_notes(clock.now() + timedelta(days=5))
    _seat(me.person, event, AssignmentStatus.ACCEPTED)
    assert NOTES in me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)


def test_a_person_taken_off_an_event_no_longer_sees_it(me):
    event = _event_with_notes(clock.now() + timedelta(days=5))
    seat = _seat(me.person, event, AssignmentStatus.ACCEPTED)
    offers.withdraw_assignment(seat, by=None)
    db.session.commit()
    response = me.get(f"/mig/arrangementer/{event.id}")
    assert response.status_code == 404
    assert NOTES not in response.get_data(as_text=True)
    assert me.get(f"/mig/arrangementer/{event.id}/kalender.ics").status_code == 404


def test_a_person_taken_off_a_cancelled_event_learns_it_is_cancelled_but_not_the_notes(me):
    event = _event_with_notes(clock.now() + timedelta(days=5))
    seat = _seat(me.person, event, AssignmentStatus.ACCEPTED)
    events.cancel_event(event, by=None, note="Skolen er lukket")
    db.session.commit()
    db.session.refresh(seat)
    assert seat.status == AssignmentStatus.WITHDRAWN
    text = me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)
    assert "Arrangementet er aflyst" in text
    assert NOTES not in text
    assert event.request.contact.name not in text


def test_the_calendar_addresses_come_from_the_public_base_url_never_the_host_header(me, app):
    from portal.views.assignee import calendar_feed_url

    base = app.config["PUBLIC_BASE_URL"]
    with app.test_request_context("/mig/", base_url="http://evil.example"):
        assert calendar_feed_url(me.person).startswith(f"{base}/kalender/")
    event = _event_with_notes(clock.now() + timedelta(days=5))
    _seat(me.person, event, AssignmentStatus.ACCEPTED)
    assert f"{base}/kalender/" in me.get("/mig/").get_data(as_text=True)
    ics = me.get(f"/mig/arrangementer/{event.id}/kalender.ics").get_data(as_text=True)
    assert f"{base}/mig/arrangementer/{event.id}" in ics.replace("\r\n ", "")


def test_my_year_lists_the_events_i_held_and_nothing_else(me):
    from portal.services import attendance as attendance_service

    start = clock.now() - timedelta(days=1)
    if start.year != clock.now().year:  # 1 January: yesterday was last year
        start = clock.now() - timedelta(hours=3)
    held = _event_with_notes(start)
    _seat(me.person, held, AssignmentStatus.ACCEPTED)
    attendance_service.record_attendance(held, counts={"students": 22, "staff": 2}, note="")
    declined = _event_with_notes(start - timedelta(hours=2))
    _seat(me.person, declined, AssignmentStatus.DECLINED)
    lapsed = _event_with_notes(clock.now() + timedelta(days=4))
    _seat(me.person, lapsed, AssignmentStatus.LAPSED)
    reoffered = _seat(me.person, lapsed, AssignmentStatus.OFFERED)
    db.session.commit()
    page = me.get("/mig/").get_data(as_text=True)
    year = page.split("Afholdt i år", 1)[1].split("<h2", 1)[0]
    assert "24 deltog" in year
    assert year.count('class="event-line"') == 1
    assert "Udløbet" not in page  # the lapsed offer is not shown beside the open one
    assert f"/mig/tildelinger/{reoffered.id}/ja" in page
