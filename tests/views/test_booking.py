"""The public booking form, with and without htmx."""

import re
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage, Request
from tests.factories import booking_form


def _book(client, **overrides):
    page = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    return client.post_form("/bestil", booking_form(started=started, **overrides))


def _requests():
    return db.session.scalar(db.select(db.func.count()).select_from(Request))


def test_the_start_page_links_to_a_form_per_offer(client):
    text = client.get("/").get_data(as_text=True)
    for code in ("talk", "dialogue", "advisory"):
        assert f'href="/bestil?tilbud={code}"' in text


def test_the_dialogue_form_asks_for_grade_and_students(client):
    text = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert "<h1>Bestil ung-til-ung dialog</h1>" in text
    assert 'name="grade"' in text
    assert "Antal elever" in text
    assert 'name="online"' not in text  # a dialogue is always held at the school
    assert "Københavns Kommune er dataansvarlig" in text  # the privacy notice beside the form
    assert "artikel 6, stk. 1, litra e" in text


def test_the_talk_form_asks_who_the_audience_is_and_allows_online(client):
    text = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    assert 'name="audience"' in text
    assert 'name="grade"' not in text
    assert 'name="online"' in text


def test_a_valid_booking_is_stored_and_the_requester_lands_on_the_private_page(client):
    response = _book(client)
    assert response.status_code == 302
    request = db.session.scalars(db.select(Request)).one()
    assert response.headers["Location"] == f"/bestilling/{request.id}?ny=1"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("vink_track="))
    assert f"Path=/bestilling/{request.id}" in cookie
    assert "HttpOnly" in cookie
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tak for jeres bestilling" in page
    assert "anne@example.org" in page
    assert "Modtaget" in page
    assert request.contact.phone == "+45 33 66 33 66"
    assert request.grade == "8. klasse"
    assert [d.ends_on - d.starts_on for d in request.date_proposals[0].dates] == [
        timedelta(0),
        timedelta(days=4),
    ]
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    assert receipt.to_address == "anne@example.org"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": "anne@"}, "Skriv en gyldig e-mailadresse"),
        ({"contact_phone": "12"}, "Skriv et gyldigt telefonnummer"),
        ({"expected_participants": "0"}, "mellem 1 og 500"),
        ({"expected_participants": "501"}, "mellem 1 og 500"),
        ({"dates-0-first": (clock.today() - timedelta(days=1)).isoformat()}, "efter i dag"),
        ({"dates-0-first": (clock.today() + timedelta(days=400)).isoformat()}, "12 måneder"),
        ({"dates-1-first": None, "dates-1-last": None}, "mindst to datoer"),
        ({"grade": ""}, "Vælg klassetrin"),
        ({"place": ""}, "Skriv adressen"),
        ({"consent": None}, "Bekræft, at du har læst"),
        ({"organisation_name": "   "}, "Skriv navnet på jeres organisation"),
        ({"offer_kind": "dialogue", "online": "y"}, "kan ikke holdes online"),
    ],
)
def test_bad_input_is_explained_kept_and_nothing_is_stored(client, overrides, message):
    response = _book(client, **overrides)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text
    assert "Der er fejl i formularen" in text  # the summary at the top
    assert 'value="Anne Mortensen"' in text  # what was typed is kept
    assert _requests() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_an_error_sits_next_to_its_field_and_the_summary_links_to_it(client):
    text = _book(client, contact_email="anne@").get_data(as_text=True)
    assert '<a href="#contact_email" class="function-link">' in text
    assert 'id="contact_email-error"' in text
    assert 'aria-describedby="contact_email-hint contact_email-error"' in text


def test_a_filled_honeypot_is_refused_plainly_and_nothing_is_stored(client):
    response = _book(client, website="http://spam.example")
    assert response.status_code == 422
    assert "sendt automatisk eller meget hurtigt" in response.get_data(as_text=True)
    assert _requests() == 0


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FILL_SECONDS", 60)
    response = _book(client)
    assert response.status_code == 422
    assert _requests() == 0


def test_a_form_without_a_genuine_start_time_is_refused(client):
    response = client.post_form("/bestil", booking_form(started="forged"))
    assert response.status_code == 422
    assert _requests() == 0


def test_submitting_is_rate_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    assert _book(client).status_code == 302
    assert _book(client, contact_email="b@example.org").status_code == 302
    assert _book(client, contact_email="c@example.org").status_code == 429
    assert _requests() == 2


def test_without_javascript_choosing_another_offer_shows_its_fields(client):
    response = client.post_form(
        "/bestil", booking_form(offer_kind="talk", action="change-offer", started="x")
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'name="audience"' in text
    assert "Der er fejl i formularen" not in text
    assert 'value="Husum Skole"' in text


def test_htmx_swaps_only_the_offer_specific_fields(client):
    response = client.get("/bestil/felter?tilbud=talk", headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="offer-fields">')
    assert "<html" not in text
    assert 'name="audience"' in text
    assert client.get("/bestil/felter?tilbud=nothing").status_code == 404


def test_htmx_checks_a_field_when_the_visitor_leaves_it(client):
    bad = client.post_form("/bestil/tjek/contact_email", booking_form(contact_email="anne@"))
    assert bad.status_code == 200
    assert "Skriv en gyldig e-mailadresse" in bad.get_data(as_text=True)
    assert bad.get_data(as_text=True).lstrip().startswith('<div class="form-group form-error"')
    good = client.post_form("/bestil/tjek/contact_email", booking_form())
    assert "form-error" not in good.get_data(as_text=True)
    assert client.post_form("/bestil/tjek/csrf_token", booking_form()).status_code == 404
    assert _requests() == 0


def test_booking_in_english_sends_an_english_receipt(client):
    client.get("/sprog/en")
    assert _book(client).status_code == 302
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    assert receipt.subject.startswith("Receipt:")


def test_a_booking_made_while_the_mail_server_is_down_is_kept_and_mailed_later(
    app, client, monkeypatch
):
    from tests.services.test_notifications import _free_port
    from tests.smtp_server import SMTPServer

    port = _free_port()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SEND_SYNC", True)
    response = _book(client)
    assert response.status_code == 302  # the requester notices nothing
    assert _requests() == 1
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    assert receipt.sent_at is None
    assert receipt.attempts == 1  # tried at once, failed, waits for the worker

    from portal.services import notifications

    with SMTPServer(port) as server:
        assert notifications.deliver_due(now=receipt.next_attempt_at) == (1, 0)
    assert server.messages[0]["To"] == "anne@example.org"


def test_switching_offer_with_htmx_keeps_what_was_typed(client):
    response = client.get(
        "/bestil/felter?tilbud=talk&offer_kind=talk&expected_participants=31",
        headers={"HX-Request": "true"},
    )
    text = response.get_data(as_text=True)
    assert 'name="audience"' in text
    assert 'value="31"' in text
