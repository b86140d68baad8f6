"""Counsel about a concern through the pages: the short public form, and the secretariat
calling back and recording the talk."""

import re
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, OutboxMessage, Request
from portal.models.enums import RequestStatus, Role
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import make_concern

ASK = "Bed om at blive ringet op"
ANSWERS = {
    "contact_name": "Mads Holm",
    "organisation_name": "Fritidsklubben Nørrebro",
    "administration": "kff",
    "contact_email": "Mads@Example.org",
    "contact_phone": "33 66 33 66",
    "callback_time": "afternoon",
    "concern_kind": "online",
    "notes": "En dreng i klubben deler videoer fra en ekstrem gruppe.",
    "consent": "y",
}


def _form(client, **overrides):
    form = browser_form(client, "/sparring", action="/sparring")
    return form.fill(**(ANSWERS | overrides))


def _refused_form(client, html):
    """The form as the refused post re-rendered it, with what was typed."""
    return pick(forms_in(client, "/sparring", html), "/sparring", action="/sparring")


def _stored():
    return db.session.scalar(db.select(db.func.count(Request.id)))


def test_the_start_page_leads_to_the_concern_form_and_the_booking_form_does_not_offer_it(client):
    start = client.get("/").get_data(as_text=True)
    assert 'href="/sparring?tilbud=concern"' in start
    booking = client.get("/bestil").get_data(as_text=True)
    assert 'value="concern"' not in booking
    response = client.get("/bestil?tilbud=concern")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sparring?tilbud=concern")


def test_the_concern_form_asks_nothing_about_the_citizen(client):
    form = browser_form(client, "/sparring", action="/sparring")
    assert set(form.names()) >= {"organisation_name", "administration", "contact_phone"}
    assert not {"dates-0-first", "place", "expected_participants", "grade"} & set(form.names())
    assert "no_names" not in form.names()  # asked only when the text looks like a name


def test_a_concern_sent_as_the_page_shows_it_is_stored_and_the_writer_sees_the_call_back_day(
    client,
):
    response = _form(client).submit(ASK)
    assert response.status_code == 302
    concern = db.session.scalar(db.select(Request).order_by(Request.id.desc()))
    assert concern.offer_kind.code == "concern"
    assert concern.contact.email == "mads@example.org"
    assert concern.contact.phone == "+45 33 66 33 66"
    assert concern.administration.value == "kff"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tak for din henvendelse" in page
    assert "ringer dig op senest" in page
    assert "Ønskede datoer" not in page
    # A call-back request is no booking: its page speaks of the request.
    assert "linket er din adgang til henvendelsen" in page
    assert "Henvendelsen er modtaget" in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main")[1].split("</main>")[0])
    assert "bestilling" not in shown.lower()


@pytest.mark.parametrize(
    "notes", ["Drengen har CPR-nummer 010203-1234", "Det er 3112991234 vi taler om"]
)
def test_a_cpr_number_is_refused_in_danish_and_nothing_is_kept(client, notes):
    response = _form(client, notes=notes).submit(ASK)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv ikke CPR-numre" in text
    assert _stored() == 0
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_a_name_like_line_is_refused_until_the_writer_has_checked_it(client):
    response = _form(client, notes="Ahmed Hansen i klubben ser videoer fra IS.").submit(ASK)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "»Ahmed Hansen«" in text
    assert _stored() == 0
    # The page now asks for a tick; the writer takes the name out instead and sends again.
    again = _refused_form(client, text)
    assert "no_names" in again.names()
    again.fill(notes="En dreng i klubben ser videoer fra IS.")
    assert again.submit(ASK).status_code == 302
    assert db.session.scalar(db.select(Request.notes)) == "En dreng i klubben ser videoer fra IS."


def test_a_name_like_line_that_is_no_name_is_kept_once_the_writer_ticks_so(client):
    response = _form(client, notes="Han taler meget om Nordisk Modstand.").submit(ASK)
    assert response.status_code == 422
    again = _refused_form(client, response.get_data(as_text=True))
    assert again.fill(no_names="y").submit(ASK).status_code == 302
    assert _stored() == 1


def test_the_secretariat_sees_the_concern_with_its_deadline_and_records_the_talk(as_role):
    concern = make_concern()
    client = as_role(Role.SECRETARIAT)
    inbox = client.get("/sekretariat/indbakke").get_data(as_text=True)
    assert "Ring tilbage" in inbox
    assert "ring senest" in inbox
    page = client.get(f"/sekretariat/henvendelser/{concern.id}").get_data(as_text=True)
    assert "Planlæg arrangement" not in page
    assert "En dreng i klubben deler videoer" in page
    form = browser_form(
        client,
        f"/sekretariat/henvendelser/{concern.id}",
        action=f"/sekretariat/henvendelser/{concern.id}/sparring-givet",
    )
    response = form.submit()
    assert response.status_code == 302
    db.session.refresh(concern)
    assert concern.status == RequestStatus.COUNSELLED
    assert concern.counselled_on == clock.today()
    assert db.session.scalar(
        db.select(AuditEntry.action).where(AuditEntry.action == "request.counselled")
    )
    assert "Ring tilbage" not in client.get("/sekretariat/indbakke").get_data(as_text=True)


def test_a_talk_dated_tomorrow_is_refused_in_danish_and_nothing_changes(as_role):
    concern = make_concern()
    client = as_role(Role.SECRETARIAT)
    form = browser_form(
        client,
        f"/sekretariat/henvendelser/{concern.id}",
        action=f"/sekretariat/henvendelser/{concern.id}/sparring-givet",
    )
    form.fill(talked_on=(clock.today() + timedelta(days=1)).isoformat())
    response = form.submit()
    assert response.status_code == 422
    assert "Samtalen kan ikke ligge i fremtiden" in response.get_data(as_text=True)
    db.session.refresh(concern)
    assert concern.status == RequestStatus.SUBMITTED


@pytest.mark.parametrize("role", [None, Role.ASSIGNEE])
def test_only_staff_may_record_a_talk(app, as_role, role):
    concern = make_concern()
    client = app.test_client() if role is None else as_role(role)
    response = client.post(f"/sekretariat/henvendelser/{concern.id}/sparring-givet")
    assert response.status_code in (302, 400, 403)
    db.session.refresh(concern)
    assert concern.status == RequestStatus.SUBMITTED


def test_a_concern_filled_in_by_the_browser_and_sent_at_once_is_kept_until_it_goes_through(
    app, client, monkeypatch, travel
):
    """The time trap (PublicForm.spam_reason) never loses a person: each refusal keeps what was
    typed and the form's first start time, so a later send goes through."""
    monkeypatch.setitem(app.config, "MIN_FILL_SECONDS", 3)
    response = _form(client).submit(ASK)
    for wait in (1, 2):  # sent at once, and again a second later: refused, nothing lost
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "sendt meget hurtigt" in text and "send den igen" in text
        assert "En dreng i klubben deler videoer" in text
        assert 'value="Mads Holm"' in text
        assert _stored() == 0
        travel.shift(timedelta(seconds=wait))
        response = _refused_form(client, text).submit(ASK)
    assert response.status_code == 302  # three seconds after the page was first shown
    assert _stored() == 1
