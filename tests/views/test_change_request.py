"""The requester changes their booking from the private page, as a browser posts the form: only
the fields the page shows, filled in with what is stored."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models.enums import Role
from portal.services import requests as requests_service
from tests.browser_form import browser_form
from tests.factories import (
    accepted_on,
    mails,
    make_ambassador,
    make_concern,
    make_request,
    make_scheduled,
)
from tests.views.test_tracking import _open

CHANGE = "/bestilling/{}/ret"


def _form(client, request):
    page = CHANGE.format(request.id)
    return browser_form(client, page, action=page)


def test_the_form_starts_from_the_booking_as_it_is_and_shows_only_its_offers_questions(client):
    request = make_request(notes="Helst om formiddagen")
    _open(client, request)
    form = _form(client, request)
    assert form.value("expected_participants") == "24"
    assert form.value("contact_name") == "Anne Mortensen"
    assert form.value("grade") == "8. klasse"
    assert form.value("notes") == "Helst om formiddagen"
    assert "audience" not in form.names() and "online" not in form.names()  # a dialogue


def test_a_teacher_changes_the_pupils_and_the_contact_and_the_ambassador_is_told_once(client):
    request = make_request()
    event = make_scheduled(request=request)
    accepted_on(event, make_ambassador(first_name="Yasmin"))
    _open(client, request)
    response = (
        _form(client, request)
        .fill(expected_participants="27", contact_name="Bo Hansen")
        .submit("Gem ændringerne")
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ændringerne er gemt." in page
    assert "Bestillingen er ændret" in page  # the history
    db.session.expire_all()
    assert (request.expected_participants, request.contact.name) == (27, "Bo Hansen")
    [mail] = mails("assignee_request_changed")
    assert "- Deltagere: 24 → 27" in mail.body_text


def test_practical_information_of_several_lines_follows_onto_the_planned_event(client):
    """A browser sends a textarea's lines with CRLF: stored plain, so the event planned from
    the suggestion still knows it as the requester's and takes the next change too."""
    request = make_request(practical_info="Indgang C.\nSpørg på kontoret.")
    event = make_scheduled(request=request)
    accepted_on(event, make_ambassador(first_name="Yasmin"))
    assert event.practical_info == "Indgang C.\nSpørg på kontoret."
    _open(client, request)
    form = _form(client, request)
    assert form.value("practical_info") == "Indgang C.\r\nSpørg på kontoret."
    response = form.fill(practical_info="Indgang D.\nSpørg i receptionen.").submit(
        "Gem ændringerne"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert request.practical_info == event.practical_info == "Indgang D.\nSpørg i receptionen."
    [told] = mails("assignee_request_changed")
    assert "> Indgang D.\n> Spørg i receptionen." in told.body_text


def test_once_planned_the_requester_sees_and_changes_the_events_practical_information(client):
    """The private page shows one text (the event's), and the change page starts from it."""
    request = make_request(practical_info="Indgang C.")
    event = make_scheduled(request=request)
    event.practical_info = "Indgang C.\nSpørg efter Lise på lærerværelset."
    db.session.commit()
    _open(client, request)
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "Spørg efter Lise" in page
    assert "Praktisk information, I skrev" not in page
    form = _form(client, request)
    assert form.value("practical_info") == "Indgang C.\r\nSpørg efter Lise på lærerværelset."


def test_a_refused_change_is_explained_beside_the_form_and_nothing_is_stored(client):
    request = make_request()
    _open(client, request)
    response = _form(client, request).fill(notes="CPR 010203-1234").submit("Gem ændringerne")
    assert response.status_code == 422
    assert "Skriv ikke CPR-numre" in response.get_data(as_text=True)
    db.session.expire_all()
    assert request.notes == ""


def test_a_booking_withdrawn_while_the_secretariat_changes_it_is_refused_beside_the_form(
    client, as_role
):
    """Both sides go through one flow (portal/views/changes.py); the staff's refusal is a 409."""
    request = make_request()
    staff = as_role(Role.SECRETARIAT)
    page = f"/sekretariat/henvendelser/{request.id}/ret"
    form = browser_form(staff, page, action=page)
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    response = form.fill(expected_participants="22").submit("Gem ændringerne")
    assert response.status_code == 409
    assert "Bestillingen er lukket og kan ikke ændres." in response.get_data(as_text=True)
    db.session.expire_all()
    assert request.expected_participants == 24


def test_a_new_address_waits_for_its_link_which_opens_the_booking(app, client):
    request = make_request()
    _open(client, request)
    response = _form(client, request).fill(contact_email="bo@skole.dk").submit("Gem ændringerne")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vi har sendt et link til bo@skole.dk" in page
    [mail] = mails("requester_email_confirm")
    link = next(line for line in mail.body_text.splitlines() if "/ny-email/" in line).strip()
    stranger = app.test_client()  # the new mailbox may be on another device
    opened = stranger.get(link.split("5000", 1)[1])
    assert opened.status_code == 302
    assert "Den nye e-mailadresse er gemt" in stranger.get(opened.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert request.contact.email == "bo@skole.dk"


def test_a_broken_address_link_says_so_and_changes_nothing(client):
    request = make_request()
    response = client.get(f"/ny-email/{request.id}/noget-forkert")
    assert response.status_code == 404
    assert "Linket virker ikke" in response.get_data(as_text=True)


def test_a_concern_has_no_change_page(client):
    concern = make_concern()
    _open(client, concern)
    assert client.get(CHANGE.format(concern.id)).status_code == 409


def test_the_secretariat_sees_the_change_and_marks_it_seen(client, as_role):
    request = make_request()
    event = make_scheduled(request=request)
    accepted_on(event, make_ambassador())
    _open(client, request)
    _form(client, request).fill(expected_participants="26").submit("Gem ændringerne")
    staff = as_role(Role.SECRETARIAT)
    assert "Ændret af bestilleren" in staff.get("/sekretariat/indbakke").get_data(as_text=True)
    page = f"/sekretariat/henvendelser/{request.id}"
    assert "Bestilleren har ændret bestillingen" in staff.get(page).get_data(as_text=True)
    seen = browser_form(staff, page, action=f"{page}/aendring-set").submit()
    assert seen.status_code == 302
    db.session.expire_all()
    assert request.changed_by_requester_at is None


def test_once_the_event_has_started_the_secretariat_changes_the_booking(client, as_role, travel):
    request = make_request()
    event = make_scheduled(request=request)
    travel.shift(event.starts_at - clock.now() + timedelta(minutes=5))
    _open(client, request)
    assert client.get(CHANGE.format(request.id)).status_code == 409
    staff = as_role(Role.SECRETARIAT)
    page = f"/sekretariat/henvendelser/{request.id}"
    assert "/ret" in staff.get(page).get_data(as_text=True)
    form = browser_form(staff, f"{page}/ret", action=f"{page}/ret")
    response = form.fill(expected_participants="22").submit("Gem ændringerne")
    assert response.status_code == 302
    db.session.expire_all()
    assert request.expected_participants == 22
    assert request.changed_by_requester_at is None  # the secretariat's own change


def test_both_histories_say_what_changed_from_what_to_what(client, as_role):
    request = make_request()
    _open(client, request)
    _form(client, request).fill(
        expected_participants="27", place="Lokale 12", notes="Vi har en tolk med"
    ).submit("Gem ændringerne")
    mine = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "Deltagere: 24 → 27" in mine and "Sted: Husum Skole → Lokale 12" in mine
    assert "Jeres bemærkninger: – → Vi har en tolk med" in mine  # their own, in their words
    staff = as_role(Role.SECRETARIAT).get(f"/sekretariat/henvendelser/{request.id}")
    staff_text = staff.get_data(as_text=True)
    assert "Deltagere: 24 → 27" in staff_text
    assert "Bestillerens bemærkninger: – → Vi har en tolk med" in staff_text


def test_more_than_the_offer_takes_is_said_beside_the_field(client):
    request = make_request()
    request.offer_kind.max_participants = 28
    db.session.commit()
    _open(client, request)
    form = _form(client, request)
    response = form.fill(expected_participants="29").submit("Gem ændringerne")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mellem 1 og 28." in page
    assert 'id="expected_participants-error"' in page
    assert "er for højst 28 deltagere" in page
