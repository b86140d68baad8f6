"""The secretariat's screens, through the test client."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, ClosedPeriod, DeclineReason, Event, OutboxMessage
from portal.models.enums import (
    AssignmentStatus,
    ClosedPeriodKind,
    EventStatus,
    RequestStatus,
    Role,
    SeatRole,
)
from portal.services import scheduling
from tests.factories import make_ambassador, make_request, make_scheduled

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def _mails(kind):
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def _session_data(start, minutes=90, place="Husum Skole, aulaen", **extra):
    local = start.astimezone(clock.COPENHAGEN)
    end = local + timedelta(minutes=minutes)
    return {
        "sessions-0-day": local.date().isoformat(),
        "sessions-0-starts": local.strftime("%H:%M"),
        "sessions-0-ends": end.strftime("%H:%M"),
        "place": place,
        **extra,
    }


# --- inbox ------------------------------------------------------------------------------------


def test_new_requests_come_first_in_the_inbox(staff):
    request = make_request(organisation_name="Tingbjerg Skole")
    text = staff.get("/sekretariat/indbakke").get_data(as_text=True)
    needs = text.split("Kræver handling")[1].split("Alle henvendelser")[0]
    assert "Ny henvendelse" in needs
    assert f"/sekretariat/henvendelser/{request.id}" in needs


def test_the_inbox_filters_by_status_offer_and_text_and_counts_each_choice(staff):
    make_request(organisation_name="Tingbjerg Skole")
    declined = make_request(organisation_name="Husum Skole", contact_email="b@example.org")
    declined.status = RequestStatus.DECLINED
    db.session.commit()
    text = staff.get("/sekretariat/indbakke?status=declined").get_data(as_text=True)
    results = text.split('id="inbox-results"')[1]
    assert "Husum Skole" in results and "Tingbjerg" not in results
    assert "Afvist (1)" in text and "Modtaget (1)" in text
    searched = staff.get("/sekretariat/indbakke?q=tingbjerg").get_data(as_text=True)
    assert "Tingbjerg" in searched.split('id="inbox-results"')[1]
    assert "Husum" not in searched.split('id="inbox-results"')[1]


def test_the_inbox_is_paginated_and_htmx_gets_only_the_results(staff):
    for n in range(27):
        make_request(contact_email=f"c{n}@example.org", organisation_name=f"Skole {n:02d}")
    first = staff.get("/sekretariat/indbakke").get_data(as_text=True)
    assert "27 henvendelser" in first and "side 1 af 2" in first
    second = staff.get("/sekretariat/indbakke?side=2", headers=HTMX).get_data(as_text=True)
    assert second.lstrip().startswith('<div id="inbox-results"')
    assert "side 2 af 2" in second
    assert second.count("/sekretariat/henvendelser/") == 2


# --- triage -----------------------------------------------------------------------------------


def test_a_request_page_shows_everything_the_requester_wrote(staff):
    request = make_request(notes="Klassen har talt om konspirationsteorier.")
    text = staff.get(f"/sekretariat/henvendelser/{request.id}").get_data(as_text=True)
    for expected in (
        "Husum Skole",
        "anne@example.org",
        "8. klasse",
        "konspirationsteorier",
        "Henvendelsen er modtaget",
    ):
        assert expected in text


def test_declining_needs_a_reason_and_tells_the_requester(staff):
    request = make_request()
    empty = staff.post_form(f"/sekretariat/henvendelser/{request.id}/afvis", {})
    assert empty.status_code == 422
    assert request.status == RequestStatus.SUBMITTED
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.scope == "request")
    ).first()
    done = staff.post_form(
        f"/sekretariat/henvendelser/{request.id}/afvis", {"reason": reason.id, "note": "Prøv SSP."}
    )
    assert done.status_code == 302
    assert request.status == RequestStatus.DECLINED
    [mail] = _mails("requester_request_declined")
    assert reason.label_da in mail.body_text and "Prøv SSP." in mail.body_text


def test_scheduling_a_request_creates_the_event_and_shows_its_seats(staff):
    request = make_request()
    start = clock.local(2027, 2, 24, 10, 0)
    response = staff.post_form(
        f"/sekretariat/henvendelser/{request.id}/planlaeg", _session_data(start)
    )
    assert response.status_code == 302
    event = request.event
    assert response.headers["Location"] == f"/sekretariat/arrangementer/{event.id}"
    assert event.starts_at == start
    assert request.status == RequestStatus.PLANNED
    page = staff.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    assert "Dialogambassadør 1 af 2" in page and "Dialogambassadør 2 af 2" in page
    assert "Ledig" in page


def test_a_dialogue_in_a_school_holiday_warns_before_saving(staff):
    request = make_request()
    day = clock.today() + timedelta(days=40)
    db.session.add(
        ClosedPeriod(
            name="Vinterferie 2027",
            kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
            starts_on=day,
            ends_on=day + timedelta(days=4),
        )
    )
    db.session.commit()
    start = clock.local(day.year, day.month, day.day, 10)
    warned = staff.post_form(
        f"/sekretariat/henvendelser/{request.id}/planlaeg", _session_data(start)
    )
    assert warned.status_code == 422
    assert "Vinterferie 2027" in warned.get_data(as_text=True)
    assert request.event is None
    confirmed = staff.post_form(
        f"/sekretariat/henvendelser/{request.id}/planlaeg", _session_data(start, confirm_closed="y")
    )
    assert confirmed.status_code == 302
    assert request.event is not None


def test_a_session_without_a_time_is_explained(staff):
    request = make_request()
    response = staff.post_form(
        f"/sekretariat/henvendelser/{request.id}/planlaeg",
        {"sessions-0-day": "2027-02-24", "place": "x"},
    )
    assert response.status_code == 422
    assert "Udfyld dato, start og slut" in response.get_data(as_text=True)


def test_vink_creates_its_own_event(staff):
    from tests.factories import offer_kind

    start = clock.local(2027, 3, 3, 14, 0)
    response = staff.post_form(
        "/sekretariat/arrangementer/nyt",
        _session_data(start, offer_kind=str(offer_kind("talk").id), title="Temadag for SSP"),
    )
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.title == "Temadag for SSP"
    assert event.request is None


# --- staffing ---------------------------------------------------------------------------------


def test_offering_a_seat_from_the_suggestions(staff):
    event = make_scheduled()
    yasmin, amina = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Amina")
    page = staff.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    assert "Forslag til dialogambassadør 1 af 2" in page and "Yasmin" in page
    response = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/forespoerg",
        {"seat": "ambassador:1", "persons": [yasmin.id, amina.id]},
    )
    assert response.status_code == 302
    assert {a.person_id for a in event.assignments} == {yasmin.id, amina.id}
    assert len(_mails("assignee_offer")) == 2


def test_offering_without_choosing_anyone_is_explained(staff):
    event = make_scheduled()
    response = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/forespoerg", {"seat": "ambassador:1"}
    )
    assert response.status_code == 422
    assert "Vælg mindst én person" in response.get_data(as_text=True)


def test_withdrawing_an_offer(staff):
    event = make_scheduled()
    [assignment] = scheduling.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    response = staff.post_form(f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage")
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert len(_mails("assignee_offer_withdrawn")) == 1


# --- lost updates -----------------------------------------------------------------------------


def test_the_second_of_two_editors_gets_a_conflict_showing_what_changed(app, login, make_user):
    event = make_scheduled()
    seen = event.version
    first, second = app.test_client(), app.test_client()
    login(first, make_user(name="Sara Lindberg"))
    login(second, make_user(name="Jonas Madsen"))
    start = event.starts_at + timedelta(days=1)
    ok = first.post_form(
        f"/sekretariat/arrangementer/{event.id}/flyt",
        _session_data(start, place="Aulaen", version=seen),
    )
    assert ok.status_code == 302
    late = second.post_form(
        f"/sekretariat/arrangementer/{event.id}/flyt",
        _session_data(start, place="Gymnastiksalen", version=seen),
        headers=HTMX,
    )
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "En anden har ændret arrangementet" in text
    assert "Sara Lindberg" in text and "Aulaen" in text
    assert "<html" not in text  # htmx gets the event's part of the page
    assert event.place == "Aulaen"


# --- cancel, message, attendance -------------------------------------------------------------


def test_cancelling_an_event(staff):
    request = make_request()
    event = make_scheduled(request=request)
    response = staff.post_form(f"/sekretariat/arrangementer/{event.id}/aflys", {"note": "Sygdom"})
    assert response.status_code == 302
    assert event.status == EventStatus.CANCELLED
    assert len(_mails("requester_event_cancelled")) == 1
    again = staff.post_form(f"/sekretariat/arrangementer/{event.id}/aflys", {"note": ""})
    assert again.status_code == 409


def test_writing_to_everyone_on_an_event(staff):
    request = make_request()
    event = make_scheduled(request=request)
    [a] = scheduling.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    response = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/besked",
        {"subject": "Husk navneskilte", "body": "Vi mødes ved indgangen."},
    )
    assert response.status_code == 302
    assert {m.to_address for m in _mails("event_message")} == {"anne@example.org", a.person.email}


def test_attendance_only_once_the_event_has_started_then_corrected_with_a_log(staff):
    future = make_scheduled()
    too_early = staff.post_form(
        f"/sekretariat/arrangementer/{future.id}/fremmoede",
        {"students": 20, "staff": 1, "parents": 0, "other": 0},
    )
    assert too_early.status_code == 409
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    first = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/fremmoede",
        {"students": 22, "staff": 2, "parents": 0, "other": 0},
    )
    assert first.status_code == 302
    assert event.status == EventStatus.HELD
    assert event.attendance.total == 24
    fixed = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/fremmoede",
        {"students": 21, "staff": 2, "parents": 0, "other": 0, "note": "Talt om"},
    )
    assert fixed.status_code == 302
    assert event.attendance.students == 21
    correction = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "attendance.corrected")
    ).one()
    assert correction.before["students"] == 22 and correction.after["students"] == 21
    assert correction.actor is not None


def test_negative_attendance_is_refused(staff):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    response = staff.post_form(
        f"/sekretariat/arrangementer/{event.id}/fremmoede",
        {"students": -1, "staff": 0, "parents": 0, "other": 0},
    )
    assert response.status_code == 422
    assert event.attendance is None


def test_the_calendar_shows_events_as_links_with_their_state(staff):
    start = clock.now() + timedelta(days=1)
    event = make_scheduled(starts_at=start)
    day = start.astimezone(clock.COPENHAGEN).date().isoformat()
    week = staff.get(f"/sekretariat/kalender?dato={day}").get_data(as_text=True)
    assert f"/sekretariat/arrangementer/{event.id}" in week
    assert "Planlagt" in week
    month = staff.get(f"/sekretariat/kalender?visning=maaned&dato={day}").get_data(as_text=True)
    assert f"/sekretariat/arrangementer/{event.id}" in month
    assert staff.get("/sekretariat/kalender?dato=nonsense").status_code == 400


def test_unknown_ids_are_404(staff):
    assert staff.get("/sekretariat/henvendelser/999").status_code == 404
    assert staff.get("/sekretariat/arrangementer/999").status_code == 404
