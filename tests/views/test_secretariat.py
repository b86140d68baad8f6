"""The secretariat's screens, through the test client."""

from datetime import time, timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, AvailabilityRule, DeclineReason, Event
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, Role, SeatRole
from portal.services import offers
from tests.asking import asking_page
from tests.browser_form import browser_form, forms_in, forms_on, pick
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_course,
    make_request,
    make_scheduled,
    make_school_holiday,
)

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
NEW_EVENT = "/sekretariat/arrangementer/nyt"


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def _session_data(start, minutes=90, place="Husum Skole, aulaen", **extra):
    """What a person types into the first session row and the place of a schedule form."""
    local = start.astimezone(clock.COPENHAGEN)
    end = local + timedelta(minutes=minutes)
    return {
        "sessions-0-day": local.date().isoformat(),
        "sessions-0-starts": local.strftime("%H:%M"),
        "sessions-0-ends": end.strftime("%H:%M"),
        "place": place,
        **extra,
    }


def _request_form(client, request, action):
    """One of the request page's forms ("planlaeg", "under-planlaegning"), as the page shows it."""
    page = f"/sekretariat/henvendelser/{request.id}"
    return browser_form(client, page, action=f"{page}/{action}")


def _event_form(client, event, action, **kwargs):
    """One of the event page's forms ("flyt", "aflys", "besked", "fremmoede", "forespoerg")."""
    page = f"/sekretariat/arrangementer/{event.id}"
    return browser_form(client, page, action=f"{page}/{action}", **kwargs)


def _form_on(response, client, url, action, **kwargs):
    """A form of the page a refused post answered with (it keeps what was typed)."""
    return pick(forms_in(client, url, response.get_data(as_text=True)), url, action, **kwargs)


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
    filters = browser_form(staff, "/sekretariat/indbakke", action="/sekretariat/indbakke")
    text = filters.fill(status="declined").submit().get_data(as_text=True)
    results = text.split('id="inbox-results"')[1]
    assert "Husum Skole" in results and "Tingbjerg" not in results
    assert "Afvist (1)" in text and "Modtaget (1)" in text
    filters = browser_form(staff, "/sekretariat/indbakke", action="/sekretariat/indbakke")
    searched = filters.fill(q="tingbjerg").submit().get_data(as_text=True)
    assert "Tingbjerg" in searched.split('id="inbox-results"')[1]
    assert "Husum" not in searched.split('id="inbox-results"')[1]


def test_the_inbox_filters_sent_as_shown_list_every_request(staff):
    make_request(organisation_name="Tingbjerg Skole")
    make_request(organisation_name="Husum Skole", contact_email="b@example.org")
    filters = browser_form(staff, "/sekretariat/indbakke", action="/sekretariat/indbakke")
    assert filters.method == "get"
    assert {filters.value(n) for n in ("q", "status", "tilbud", "orgtype", "bydel", "aar")} == {""}
    text = filters.submit().get_data(as_text=True)
    results = text.split('id="inbox-results"')[1]
    assert "Tingbjerg" in results and "Husum" in results
    assert "2 henvendelser" in text
    partial = filters.submit(headers=HTMX).get_data(as_text=True)  # hx-get, on every change
    assert partial.lstrip().startswith('<div id="inbox-results"')
    assert "Tingbjerg" in partial and "Husum" in partial


def test_an_old_bookmark_with_a_filter_no_longer_offered_keeps_the_other_filters(staff):
    make_request(organisation_name="Tingbjerg Skole")
    declined = make_request(organisation_name="Husum Skole", contact_email="b@example.org")
    declined.status = RequestStatus.DECLINED
    db.session.commit()
    url = "/sekretariat/indbakke?status=declined&aar=2001"  # years go back five
    text = staff.get(url).get_data(as_text=True)
    results = text.split('id="inbox-results"')[1]
    assert "Husum Skole" in results and "Tingbjerg" not in results
    filters = browser_form(staff, url, action="/sekretariat/indbakke")
    assert (filters.value("status"), filters.value("aar")) == ("declined", "")  # as applied


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


def _decline_form(client, request):
    """The form of the page that asks before declining (the request page only links to it)."""
    page = f"/sekretariat/henvendelser/{request.id}/afvis"
    return browser_form(client, page, action=page)


def test_declining_needs_a_reason_and_tells_the_requester(staff):
    request = make_request()
    empty = _decline_form(staff, request).submit()
    assert empty.status_code == 422
    assert "eller skriv den i beskeden til bestilleren." in empty.get_data(as_text=True)
    assert request.status == RequestStatus.SUBMITTED
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.scope == "request")
    ).first()
    done = _decline_form(staff, request).fill(reason=reason.id, note="Prøv SSP.").submit()
    assert done.status_code == 302
    assert request.status == RequestStatus.DECLINED
    [mail] = mails("requester_request_declined")
    assert reason.label_da in mail.body_text and "Prøv SSP." in mail.body_text


def test_scheduling_a_request_creates_the_event_and_shows_its_seats(staff):
    request = make_request()
    start = clock.local(2027, 2, 24, 10, 0)
    form = _request_form(staff, request, "planlaeg")
    assert {"offer_kind", "title", "version", "confirm_closed"}.isdisjoint(form.names())
    response = form.fill(**_session_data(start)).submit()
    assert response.status_code == 302
    event = request.event
    assert response.headers["Location"] == f"/sekretariat/arrangementer/{event.id}"
    assert event.starts_at == start
    assert request.status == RequestStatus.PLANNED
    page = staff.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    assert "Dialogambassadør 1 af 2" in page and "Dialogambassadør 2 af 2" in page
    assert "Ledig" in page


def _winter_holiday():
    """Ten o'clock on the first day of "Vinterferie 2027", a school holiday 40 days ahead."""
    day = clock.today() + timedelta(days=40)
    make_school_holiday(day)
    return clock.local(day.year, day.month, day.day, 10)


def test_a_dialogue_in_a_school_holiday_warns_before_saving(staff):
    request = make_request()
    start = _winter_holiday()
    warned = _request_form(staff, request, "planlaeg").fill(**_session_data(start)).submit()
    assert warned.status_code == 422
    assert "Vinterferie 2027" in warned.get_data(as_text=True)
    assert request.event is None
    # The warning page keeps what was typed and now shows the box to confirm the date.
    page = f"/sekretariat/henvendelser/{request.id}"
    again = _form_on(warned, staff, page, f"{page}/planlaeg")
    assert again.value("sessions-0-day") == _session_data(start)["sessions-0-day"]
    assert again.value("place") == "Husum Skole, aulaen"
    confirmed = again.fill(confirm_closed=True).submit()
    assert confirmed.status_code == 302
    assert request.event is not None
    assert request.event.starts_at == start


def test_moving_an_event_into_a_school_holiday_is_confirmed_from_the_warning_page(staff):
    event = make_scheduled()
    start = _winter_holiday()
    warned = _event_form(staff, event, "flyt").fill(**_session_data(start)).submit()
    assert warned.status_code == 422
    assert "Vinterferie 2027" in warned.get_data(as_text=True)
    page = f"/sekretariat/arrangementer/{event.id}"
    again = _form_on(warned, staff, page, f"{page}/flyt")
    assert again.value("version") == str(event.version)  # still the version the editor saw
    assert again.value("place") == "Husum Skole, aulaen"
    assert again.fill(confirm_closed=True).submit().status_code == 302
    assert event.starts_at == start
    assert event.place == "Husum Skole, aulaen"


def test_vinks_own_dialogue_in_a_school_holiday_is_confirmed_from_the_warning_page(staff):
    from tests.factories import offer_kind

    start = _winter_holiday()
    dialogue = offer_kind("dialogue").id
    form = browser_form(staff, NEW_EVENT, action=NEW_EVENT)
    warned = form.fill(**_session_data(start, offer_kind=dialogue, title="Temadag")).submit()
    assert warned.status_code == 422
    again = _form_on(warned, staff, NEW_EVENT, NEW_EVENT)
    assert (again.value("offer_kind"), again.value("title")) == (str(dialogue), "Temadag")
    assert again.fill(confirm_closed=True).submit().status_code == 302
    assert db.session.scalars(db.select(Event)).one().starts_at == start


def test_a_session_without_a_time_is_explained(staff):
    request = make_request()
    form = _request_form(staff, request, "planlaeg")
    response = form.fill(sessions_0_day="2027-02-24", place="x").submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Udfyld dato, start og slut" in text
    assert 'value="2027-02-24"' in text  # what was typed is kept


def test_vink_creates_its_own_event(staff):
    from tests.factories import offer_kind

    start = clock.local(2027, 3, 3, 14, 0)
    form = browser_form(staff, NEW_EVENT, action=NEW_EVENT)
    assert "version" not in form.names()
    form.fill(**_session_data(start, offer_kind=offer_kind("talk").id, title="Temadag for SSP"))
    response = form.submit()
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.title == "Temadag for SSP"
    assert event.request is None


# --- staffing ---------------------------------------------------------------------------------


def test_offering_a_seat_from_the_suggestions(staff):
    event = make_scheduled()
    yasmin, amina = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Amina")
    page = staff.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    assert "Dialogambassadør: 2 ledige pladser" in page and "Yasmin" in page
    form = _event_form(staff, event, "forespoerg")
    response = form.fill(ambassador=[yasmin.id, amina.id]).submit()
    assert response.status_code == 302
    # One send, a seat each: the best-ranked (Amina, by first name) the first seat.
    assert {(a.person_id, a.seat_number) for a in event.assignments} == {
        (amina.id, 1),
        (yasmin.id, 2),
    }
    assert len(mails("assignee_offer")) == 2


def test_an_offer_refused_for_one_of_the_persons_offers_nobody(staff):
    event = make_scheduled()
    yasmin, amina = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Amina")
    form = _event_form(staff, event, "forespoerg")
    offers.offer_seat(event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=2, persons=[amina])
    db.session.commit()  # a colleague asked Amina while the page was open
    response = form.fill(ambassador=[yasmin.id, amina.id]).submit()
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "En anden har forespurgt pladserne, mens du valgte" in text
    # The page says it as it is: Amina asked for the other seat, Yasmin not asked.
    assert f"<li>{amina.full_name}:" in text and f"<li>{yasmin.full_name}:" not in text
    db.session.expire_all()
    assert [a.person_id for a in event.assignments] == [amina.id]
    assert [m.to_address for m in mails("assignee_offer")] == [amina.email]


def test_offering_without_choosing_anyone_is_explained(staff):
    event = make_scheduled()
    make_ambassador()
    response = _event_form(staff, event, "forespoerg").submit()
    assert response.status_code == 422
    assert "Vælg mindst én person" in response.get_data(as_text=True)
    assert event.assignments == []


def test_withdrawing_an_offer(staff):
    event = make_scheduled()
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    asking = f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage"  # the event page links here
    response = browser_form(staff, asking, action=asking).submit()
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert len(mails("assignee_offer_withdrawn")) == 1


def test_a_started_event_offers_no_staffing_change_it_would_refuse(staff):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=1))
    make_ambassador()  # would be a suggestion for the open seat
    accepted = make_assignment(event, make_ambassador(), seat_number=1)
    claimed = make_assignment(
        event, make_ambassador(), seat_number=2, status=AssignmentStatus.OFFERED, claimed=True
    )
    page = f"/sekretariat/arrangementer/{event.id}"
    actions = {urlsplit(form.action).path for form in forms_on(staff, page)}
    assert f"/sekretariat/tildelinger/{accepted.id}/traek-tilbage" not in staff.get(page).text
    assert f"/sekretariat/tildelinger/{claimed.id}/godkend" not in actions
    assert f"{page}/forespoerg" not in actions
    assert f"{page}/fremmoede" in actions  # what can be done now is still there


# --- lost updates -----------------------------------------------------------------------------


def test_the_second_of_two_editors_gets_a_conflict_showing_what_changed(app, login, make_user):
    event = make_scheduled()
    seen = event.version
    first, second = app.test_client(), app.test_client()
    login(first, make_user(name="Sara Lindberg"))
    login(second, make_user(name="Jonas Madsen"))
    start = event.starts_at + timedelta(days=1)
    # Both open the event page; the move form carries the version each of them saw.
    first_form, second_form = _event_form(first, event, "flyt"), _event_form(second, event, "flyt")
    assert first_form.value("version") == second_form.value("version") == str(seen)
    ok = first_form.fill(**_session_data(start, place="Aulaen")).submit()
    assert ok.status_code == 302
    second_form.fill(**_session_data(start, place="Gymnastiksalen"))
    late = second_form.submit(to=f"/sekretariat/arrangementer/{event.id}/flyt", headers=HTMX)
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "En anden har ændret arrangementet" in text
    assert "Sara Lindberg" in text and "Aulaen" in text
    assert "<html" not in text  # htmx gets the event's part of the page
    assert event.place == "Aulaen"


def test_moving_a_course_of_two_sessions_shows_and_keeps_both(staff):
    first = clock.local(2027, 3, 2, 9, 0)
    event = make_course(first)
    form = _event_form(staff, event, "flyt")
    assert form.value("sessions-0-day") == "2027-03-02"
    assert form.value("sessions-1-day") == "2027-03-09"
    response = form.fill(sessions_1_starts="10:00", sessions_1_ends="12:00").submit()
    assert response.status_code == 302
    assert [s.starts_at for s in event.sessions] == [first, clock.local(2027, 3, 9, 10, 0)]


# --- cancel, message, attendance -------------------------------------------------------------


def _cancel_form(client, event):
    """The form of the page that asks before cancelling (the event page only links to it)."""
    page = f"/sekretariat/arrangementer/{event.id}/aflys"
    return browser_form(client, page, action=page)


def test_cancelling_an_event_asks_first_on_a_page_that_says_who_is_told(staff):
    request = make_request(contact_name="Anne Mortensen")
    event = make_scheduled(request=request)
    offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=[make_ambassador(first_name="Yasmin", last_name="Haddad")],
    )
    db.session.commit()
    # Nothing on the event page cancels: it links to the page that asks.
    page = f"/sekretariat/arrangementer/{event.id}"
    asking = asking_page(staff, page, f"{page}/aflys")
    assert "kan ikke fortrydes" in asking.text
    assert "Anne Mortensen, Husum Skole" in asking.text
    assert "Yasmin Haddad, dialogambassadør (forespurgt)" in asking.text
    assert event.status == EventStatus.PLANNED  # opening the page changes nothing
    # A post without the asking page's confirmation (an old event page's button) cancels nothing.
    unconfirmed = _cancel_form(staff, event).tamper("bekraeftet", None).submit()
    assert unconfirmed.status_code == 200
    assert event.status == EventStatus.PLANNED
    assert "button-warning" in unconfirmed.text
    form = _cancel_form(staff, event)
    stale = _cancel_form(staff, event)  # the same page, open in another tab
    response = form.fill(cancel_note="Sygdom").submit()
    assert response.status_code == 302
    assert event.status == EventStatus.CANCELLED
    assert len(mails("requester_event_cancelled")) == 1
    assert len(mails("assignee_event_cancelled")) == 1
    assert "Aflys arrangementet" not in staff.get(f"/sekretariat/arrangementer/{event.id}").text
    again = stale.submit()
    assert again.status_code == 409
    assert event.cancel_note == "Sygdom"
    assert "kan ikke aflyses" in staff.get(f"/sekretariat/arrangementer/{event.id}/aflys").text


def test_writing_to_everyone_on_an_event(staff):
    request = make_request()
    event = make_scheduled(request=request)
    [a] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    form = _event_form(staff, event, "besked")
    response = form.fill(subject="Husk navneskilte", body="Vi mødes ved indgangen.").submit()
    assert response.status_code == 302
    assert {m.to_address for m in mails("event_message")} == {"anne@example.org", a.person.email}


def test_attendance_only_once_the_event_has_started_then_corrected_with_a_log(staff):
    future = make_scheduled()
    assert "Gem fremmøde" not in staff.get(f"/sekretariat/arrangementer/{future.id}").text
    # No page offers attendance before the event: a forged (or very early stale) post.
    too_early = staff.post_form(
        f"/sekretariat/arrangementer/{future.id}/fremmoede",
        {"students": 20, "staff": 1, "parents": 0, "other": 0},
    )
    assert too_early.status_code == 409
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    form = _event_form(staff, event, "fremmoede")
    assert form.value("students") == ""  # empty: saving by mistake records nothing
    first = form.fill(students=22, staff=2).submit()
    assert first.status_code == 302
    assert event.status == EventStatus.HELD
    assert event.attendance.total == 24
    form = _event_form(staff, event, "fremmoede")
    assert (form.value("students"), form.value("staff")) == ("22", "2")  # shows what is stored
    fixed = form.fill(students=21, note="Talt om").submit()
    assert fixed.status_code == 302
    assert event.attendance.students == 21
    correction = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "attendance.corrected")
    ).one()
    assert correction.before["students"] == 22 and correction.after["students"] == 21
    assert correction.actor is not None


def test_negative_attendance_is_refused(staff):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    response = _event_form(staff, event, "fremmoede").fill(students=-1, staff=3).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skriv et tal fra 0." in text
    assert 'value="-1"' in text and 'value="3"' in text  # what was typed is kept
    assert event.attendance is None


def test_a_refused_form_leaves_the_other_forms_of_the_event_page_as_they_were(staff):
    # The attendance and the cancel form both have a note: a refused attendance must not put
    # its note in the cancel form, where pressing "Aflys" would send it to everyone.
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=1))
    attendance = _event_form(staff, event, "fremmoede").fill(students=-1, note="Kun 8.b kom")
    refused = attendance.submit()
    assert refused.status_code == 422
    page = f"/sekretariat/arrangementer/{event.id}"
    assert _form_on(refused, staff, page, f"{page}/fremmoede").value("note") == "Kun 8.b kom"
    assert _form_on(refused, staff, page, f"{page}/besked").value("subject") == ""


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


# --- each page's schedule form checks only what that page shows ------------------------------


def test_a_schedule_field_the_request_page_does_not_show_is_neither_checked_nor_used(staff):
    # A stale page or a forger sends the new-event page's offer and title with a request.
    request = make_request()
    start = clock.local(2027, 2, 24, 10, 0)
    form = _request_form(staff, request, "planlaeg").fill(**_session_data(start))
    form.tamper("offer_kind", "999").tamper("title", "x" * 300)
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert request.event.offer_kind == request.offer_kind
    assert request.event.title in ("", None)


def test_a_new_event_needs_an_offer_and_says_so_in_danish(staff):
    start = clock.local(2027, 3, 3, 14, 0)
    form = browser_form(staff, NEW_EVENT, action=NEW_EVENT).fill(**_session_data(start))
    response = form.tamper("offer_kind", None).submit()  # no page sends it empty
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vælg et tilbud." in text
    assert 'value="Husum Skole, aulaen"' in text
    assert db.session.scalars(db.select(Event)).all() == []


def test_the_overview_leads_to_the_filtered_inbox_the_events_and_missing_attendance(as_role):
    from portal.models.enums import EventStatus
    from portal.services import attendance
    from tests.factories import make_event, make_request

    request = make_request(organisation_name="Tingbjerg Skole")
    soon = make_scheduled(request=request, starts_at=clock.now() + timedelta(days=3))
    ended = make_event(kind="talk", starts_at=clock.now() - timedelta(days=2), title="Temadag")
    recorded = make_event(
        kind="talk", starts_at=clock.now() - timedelta(days=3), status=EventStatus.HELD
    )
    attendance.record_attendance(recorded, counts={"students": 12})
    # Marked held without head counts (as older data is): attendance is what is missing.
    held_without = make_event(
        kind="talk", starts_at=clock.now() - timedelta(days=4), status=EventStatus.HELD
    )
    db.session.commit()
    client = as_role(Role.SECRETARIAT)
    text = client.get("/sekretariat/").get_data(as_text=True)
    assert 'href="/sekretariat/indbakke?status=submitted"' in text
    assert f'href="/sekretariat/arrangementer/{soon.id}"' in text
    missing = text.split("Mangler fremmøde", 1)[1]
    assert f'href="/sekretariat/arrangementer/{ended.id}#fremmoede"' in missing
    assert f"/sekretariat/arrangementer/{recorded.id}#" not in missing
    assert f'href="/sekretariat/arrangementer/{held_without.id}#fremmoede"' in missing


def test_the_request_page_says_whether_the_organisation_has_booked_before(as_role):
    from tests.factories import make_request

    staff = as_role(Role.SECRETARIAT)
    first = make_request(organisation_name="Brønshøj Skole", contact_email="a@example.org")
    text = staff.get(f"/sekretariat/henvendelser/{first.id}").get_data(as_text=True)
    assert "Nej, det er første henvendelse fra organisationen." in text
    second = make_request(organisation_name="Brønshøj Skole", contact_email="b@example.org")
    text = staff.get(f"/sekretariat/henvendelser/{second.id}").get_data(as_text=True)
    assert f'href="/sekretariat/henvendelser/{first.id}"' in text


def test_all_of_an_organisations_requests_are_one_link_away_and_no_other_with_its_words(as_role):
    from tests.factories import make_request

    staff = as_role(Role.SECRETARIAT)
    ours = [make_request(organisation_name="Husum Skole") for _ in range(8)]
    other = make_request(organisation_name="Husum Skoles Forældreforening")
    page = staff.get(f"/sekretariat/henvendelser/{ours[-1].id}").get_data(as_text=True)
    link = f"/sekretariat/indbakke?org={ours[0].organisation_id}"
    assert f'href="{link}"' in page
    inbox = staff.get(link).get_data(as_text=True)
    results = inbox.split('id="inbox-results"')[1]
    assert "Kun henvendelser fra Husum Skole." in results
    assert "Husum Skoles Forældreforening" not in results  # a text search would find it
    assert f"/sekretariat/henvendelser/{other.id}" not in results
    assert all(f"/sekretariat/henvendelser/{r.id}" in results for r in ours)
    # The other filters keep the organisation: the filter form carries it.
    form = browser_form(staff, link, action="/sekretariat/indbakke")
    assert form.value("org") == str(ours[0].organisation_id)


@pytest.mark.parametrize("org", ["abc", "99999999999999999999", "0", " "])
def test_a_broken_organisation_filter_shows_every_request(as_role, org):
    staff = as_role(Role.SECRETARIAT)
    response = staff.get("/sekretariat/indbakke", query_string={"org": org})
    assert response.status_code == 200
    for other in ("status", "tilbud", "orgtype", "bydel", "aar"):  # blank is "Alle" there too
        assert staff.get("/sekretariat/indbakke", query_string={other: " "}).status_code == 200
    assert "Kun henvendelser fra" not in response.get_data(as_text=True)


def test_needs_action_shows_the_oldest_ten_of_a_kind_and_counts_the_rest(as_role):
    from portal.services.inbox import NEEDS_ACTION_ROWS
    from tests.factories import make_request

    staff = as_role(Role.SECRETARIAT)
    made = [make_request(organisation_name=f"Skole {n:02d}") for n in range(NEEDS_ACTION_ROWS + 3)]
    page = staff.get("/sekretariat/indbakke").get_data(as_text=True)
    needs = page.split("Kræver handling")[1].split("Alle henvendelser")[0]
    assert f'<span class="badge">{len(made)}</span>' in needs
    assert needs.count('class="action-item action-new"') == NEEDS_ACTION_ROWS
    assert "Skole 00" in needs and "Skole 12" not in needs  # the oldest first
    assert "3 nye henvendelser mere" in needs
    assert 'href="/sekretariat/indbakke?status=submitted"' in needs


def test_the_event_list_is_paged_and_the_pages_keep_past_or_upcoming(staff):
    from tests.factories import make_event

    for day in range(1, 53):
        make_event(starts_at=clock.now() - timedelta(days=day))
    db.session.commit()
    first = staff.get("/sekretariat/arrangementer?vis=tidligere").get_data(as_text=True)
    rows = first.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 50
    assert "52 arrangementer · side 1 af 2" in first
    assert 'href="/sekretariat/arrangementer?vis=tidligere&amp;side=2"' in first
    second = staff.get("/sekretariat/arrangementer?vis=tidligere&side=2").get_data(as_text=True)
    assert second.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 2
    assert "Ingen arrangementer." in staff.get("/sekretariat/arrangementer").get_data(as_text=True)


def _talks_on(day, *hours):
    """A talk at each of `hours` (a time or a whole hour) on `day` in Copenhagen, made latest
    first so that the order of their ids is not the order of their times; soonest first."""
    from tests.factories import make_event

    times = sorted(h if isinstance(h, time) else time(h) for h in hours)
    talks = [
        make_event(
            starts_at=clock.local(day.year, day.month, day.day, t.hour, t.minute),
            title=f"Kl {t:%H.%M}",
        )
        for t in reversed(times)
    ]
    return talks[::-1]


def _calendar_day(html, day):
    """The text and the links of `day` in a calendar page: its column of a week, or its cell
    of a month (the month of the day asked for, in whole weeks from Monday)."""
    page = lxml.html.fromstring(html)
    week = page.xpath("//ol[contains(@class, 'calendar-week')]/li")
    if week:
        cell = week[day.weekday()]
    else:
        first = day.replace(day=1)
        cell = page.xpath("//table[contains(@class, 'calendar-month')]//td")[
            (day - first).days + first.weekday()
        ]
    text = " ".join(cell.text_content().split())
    assert f"{day.day}." in text.split()[:2], text  # "15. ..." (month), "tir. 15. dec." (week)
    return text, [a.get("href") for a in cell.iter("a")]


def _shown(html, day, talks):
    """Which of `talks` the calendar shows on `day`, and the day's text."""
    text, hrefs = _calendar_day(html, day)
    return [t for t in talks if f"/sekretariat/arrangementer/{t.id}" in hrefs], text


def test_a_busy_day_shows_its_first_four_in_the_week_and_three_in_the_month_then_more(staff):
    day = clock.today() + timedelta(days=14)
    day -= timedelta(days=day.weekday() - 1)  # a Tuesday, so the Wednesday is in its week
    busy = _talks_on(day, 8, 9, 10, 12, 14, 16)
    four = _talks_on(day + timedelta(days=1), 9, 11, 13, 15)
    to_list = f"/sekretariat/kalender/dag?dato={day.isoformat()}"

    week = staff.get(f"/sekretariat/kalender?dato={day}").get_data(as_text=True)
    shown, text = _shown(week, day, busy)
    assert shown == busy[:4]
    assert text.index("08.00 Vidensoplæg: Kl 08.00") < text.index("10.00 Vidensoplæg: Kl 10.00")
    assert "+2 flere" in text
    [more] = lxml.html.fromstring(week).xpath(f"//a[@class='calendar-more'][@href='{to_list}']")
    assert " ".join(more.text_content().split()) == f"+2 flere den {_long_date(day)}"
    shown, text = _shown(week, day + timedelta(days=1), four)
    assert shown == four and "flere" not in text and "mere" not in text

    month = staff.get(f"/sekretariat/kalender?visning=maaned&dato={day}").get_data(as_text=True)
    shown, text = _shown(month, day, busy)
    assert shown == busy[:3]
    assert "+3 flere" in text
    assert f'href="{to_list}"' in month
    shown, text = _shown(month, day + timedelta(days=1), four)
    assert shown == four[:3] and "+1 mere" in text


def _long_date(day):
    months = "januar februar marts april maj juni juli august september oktober november december"
    return f"{day.day}. {months.split()[day.month - 1]} {day.year}"


def test_a_days_list_shows_every_session_of_the_day_a_page_at_a_time(staff):
    day = clock.today() + timedelta(days=20)
    # 26, every 20 minutes from 8.00: a page of 25, and one more.
    talks = _talks_on(day, *(time(8 + n // 3, 20 * (n % 3)) for n in range(26)))
    _talks_on(day + timedelta(days=1), 0)  # the next day's first hour is not this day's
    page = f"/sekretariat/kalender/dag?dato={day.isoformat()}"

    first = staff.get(page).get_data(as_text=True)
    html = lxml.html.fromstring(first)
    assert _long_date(day) in html.xpath("string(//h2)")
    assert "26 arrangementer · side 1 af 2" in first
    rows = html.xpath("//div[@id='calendar-day-list']//tbody/tr")
    assert [r.xpath("string(.//a/@href)") for r in rows] == [
        f"/sekretariat/arrangementer/{t.id}" for t in talks[:25]
    ]
    assert rows[0].xpath("string(td[1])") == "08.00–09.30"
    # The pager works without JavaScript (a link) and with htmx (the list alone, swapped).
    [next_page] = html.xpath("//nav[@aria-label='Sider']//a[text()='Næste']")
    assert next_page.get("href") == f"{page}&side=2"
    assert next_page.get("data-hx-get") == f"{page}&side=2"
    assert next_page.get("data-hx-target") == "#calendar-day-list"

    second = staff.get(f"{page}&side=2").get_data(as_text=True)
    assert "26 arrangementer · side 2 af 2" in second
    assert f"/sekretariat/arrangementer/{talks[25].id}" in second
    assert lxml.html.fromstring(second).xpath("count(//tbody/tr)") == 1
    swapped = staff.get(f"{page}&side=2", headers=HTMX).get_data(as_text=True)
    assert lxml.html.fragment_fromstring(swapped).get("id") == "calendar-day-list"
    assert "<html" not in swapped and f"/sekretariat/arrangementer/{talks[25].id}" in swapped


def test_a_day_is_a_copenhagen_day_on_both_sides_of_midnight(staff):
    day = clock.today() + timedelta(days=30)
    late = _talks_on(day, 23)
    early_next = _talks_on(day + timedelta(days=1), 0)
    listed = staff.get(f"/sekretariat/kalender/dag?dato={day}").get_data(as_text=True)
    assert f"/sekretariat/arrangementer/{late[0].id}" in listed
    assert f"/sekretariat/arrangementer/{early_next[0].id}" not in listed
    week = staff.get(f"/sekretariat/kalender?dato={day}").get_data(as_text=True)
    assert _shown(week, day, late + early_next)[0] == late


def test_a_days_list_refuses_a_day_out_of_reach_and_is_empty_on_a_quiet_day(staff):
    assert staff.get("/sekretariat/kalender/dag?dato=1999-12-31").status_code == 400
    assert staff.get("/sekretariat/kalender/dag?dato=nonsense").status_code == 400
    quiet = staff.get("/sekretariat/kalender/dag").get_data(as_text=True)
    assert "Ingen arrangementer." in quiet and 'aria-label="Sider"' not in quiet


def test_a_wished_date_link_fills_the_schedule_form_and_shows_who_is_free(staff):
    day = clock.today() + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    request = make_request(preferred_dates=[(day, None)])
    for _ in range(3):
        make_ambassador()
    page = f"/sekretariat/henvendelser/{request.id}"
    html = lxml.html.fromstring(staff.get(page).get_data(as_text=True))
    [link] = html.xpath(f"//a[contains(@href, 'dato={day.isoformat()}')]")
    assert "Ambassadører ledige: 3 af 3" in link.getparent().text_content()
    href = link.get("href")
    assert urlsplit(href).fragment == "planlaeg" and html.get_element_by_id("planlaeg") is not None

    # Following the link as a browser does, the form comes back with the day and the hours the
    # counts assume; pressing the button schedules exactly that.
    chosen = urlsplit(href)
    form = browser_form(staff, f"{chosen.path}?{chosen.query}", action=f"{page}/planlaeg")
    assert (form.value("sessions-0-day"), form.value("sessions-0-starts")) == (
        day.isoformat(),
        "09:00",
    )
    response = form.submit()
    if response.status_code == 422:  # the day fell in a school holiday: confirm, as a person would
        response = _form_on(response, staff, page, f"{page}/planlaeg").fill(confirm_closed=True)
        response = response.submit()
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event).where(Event.request_id == request.id)).one()
    assert event.starts_at == clock.local(day.year, day.month, day.day, 9, 0)
    assert event.ends_at - event.starts_at == timedelta(minutes=90)


def test_a_wished_date_with_too_few_free_says_so_in_words(staff):
    day = clock.today() + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    request = make_request(preferred_dates=[(day, day + timedelta(days=13))])
    make_ambassador()
    text = staff.get(f"/sekretariat/henvendelser/{request.id}").get_data(as_text=True)
    assert "Ambassadører ledige: 1 af 1" in text
    assert "For få: 2 skal bruges" in text
    assert "+0 flere" not in text


def test_a_wished_date_out_of_reach_is_a_bad_request(staff):
    request = make_request()
    response = staff.get(f"/sekretariat/henvendelser/{request.id}?dato=3000-01-01")
    assert response.status_code == 400


def test_counting_free_people_at_another_time_carries_that_time_into_the_schedule_form(staff):
    day = clock.today() + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    request = make_request(preferred_dates=[(day, None)])
    student = make_ambassador()
    student.availability_rules = [
        AvailabilityRule(weekday=day.weekday(), starts_at=time(12), ends_at=time(16))
    ]
    db.session.commit()
    page = f"/sekretariat/henvendelser/{request.id}"
    assert "Ambassadører ledige: 0 af 1" in staff.get(page).get_data(as_text=True)

    recount = browser_form(staff, page, action=page)
    assert recount.value("kl") == "09:00"
    afternoon = recount.fill(kl="12:30").submit()
    text = afternoon.get_data(as_text=True)
    assert "Ambassadører ledige: 1 af 1" in text
    assert "Ledige kl. 12.30–14.00" in text

    chosen = f"{page}?dato={day.isoformat()}&kl=12:30"
    [href] = lxml.html.fromstring(text).xpath(f"//a[contains(@href, 'dato={day}')]/@href")
    chosen = urlsplit(href)
    form = browser_form(staff, f"{chosen.path}?{chosen.query}", action=f"{page}/planlaeg")
    assert (form.value("sessions-0-starts"), form.value("sessions-0-ends")) == ("12:30", "14:00")


def test_a_time_that_is_no_time_is_shown_as_an_error_and_the_usual_time_counts(staff):
    request = make_request()
    page = f"/sekretariat/henvendelser/{request.id}"
    response = staff.get(f"{page}?kl=25:99")
    assert response.status_code == 200
    assert "form-error" in response.get_data(as_text=True)
