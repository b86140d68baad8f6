"""The public booking form, with and without htmx."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage, Request
from portal.models.enums import Role
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import booking_answers

SEND = "Send bestilling"


def _form(client, offer="dialogue", **overrides):
    """The booking form of `offer` as the page shows it, filled as a person would."""
    form = browser_form(client, f"/bestil?tilbud={offer}", action="/bestil")
    return form.fill(**booking_answers(offer, **overrides))


def _book(client, offer="dialogue", button=SEND, **overrides):
    return _form(client, offer, **overrides).submit(button)


def _requests():
    return db.session.scalar(db.select(db.func.count()).select_from(Request))


def test_the_start_page_links_to_a_form_per_offer(client):
    text = client.get("/").get_data(as_text=True)
    for code in ("talk", "dialogue", "advisory"):
        assert f'href="/bestil?tilbud={code}"' in text


def test_the_dialogue_form_asks_for_grade_and_students(client):
    text = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert '<h1 id="booking-heading">Bestil ung-til-ung dialog</h1>' in text
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


@pytest.mark.parametrize(
    ("offer", "audience", "grade", "online_shown"),
    [
        ("dialogue", "students", "8. klasse", False),
        ("talk", "staff", "", True),
        ("advisory", "staff", "", True),
    ],
)
def test_every_offer_is_booked_with_exactly_the_fields_its_page_shows(
    client, offer, audience, grade, online_shown
):
    form = _form(client, offer)
    assert ("online" in form.names()) is online_shown
    response = form.submit(SEND)
    assert response.status_code == 302, response.get_data(as_text=True)
    request = db.session.scalars(db.select(Request)).one()
    assert request.offer_kind.code == offer
    assert request.audience.value == audience
    assert request.grade == grade


def test_a_field_the_chosen_offer_does_not_show_is_neither_checked_nor_stored(client):
    # A stale page or a forger sends a dialogue's grade with a talk, and `online` with a
    # dialogue: neither is asked for that offer, so neither is refused nor kept.
    talk = _form(client, "talk").tamper("grade", "not a grade")
    assert talk.submit(SEND).status_code == 302
    dialogue = _form(client, "dialogue", contact_email="b@example.org").tamper("online", "y")
    dialogue.tamper("place", "")
    response = dialogue.submit(SEND)
    assert response.status_code == 422  # a dialogue needs an address: online was not taken
    assert "Skriv adressen" in response.get_data(as_text=True)
    stored = db.session.scalars(db.select(Request)).one()
    assert stored.offer_kind.code == "talk"
    assert stored.grade == ""


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


def test_the_requester_suggests_practical_information_the_event_is_planned_with(client, as_role):
    """Typed at booking, it shows on the private page and the request page, and scheduling
    starts from it; the secretariat can still write its own."""
    text = "Indgang C ved cykelkælderen.\nSpørg efter Anne på lærerværelset."
    response = _book(client, practical_info=text)
    assert response.status_code == 302
    request = db.session.scalars(db.select(Request)).one()
    assert request.practical_info == text
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Praktisk information, I skrev" in page and "Indgang C ved cykelkælderen." in page
    staff = as_role(Role.SECRETARIAT)
    url = f"/sekretariat/henvendelser/{request.id}"
    page = staff.get(url).get_data(as_text=True)
    assert "Praktisk information fra bestilleren" in page
    planning = browser_form(staff, url, button="Planlæg arrangement")
    assert planning.value("practical_info") == text.replace("\n", "\r\n")


@pytest.mark.parametrize("where", ["practical_info", "notes"])
def test_a_cpr_number_in_practical_information_is_refused_like_in_the_notes(client, where):
    response = _book(client, **{where: "Spørg efter 010203-1234"})
    assert response.status_code == 422
    assert _requests() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": "anne@"}, "Skriv en gyldig e-mailadresse"),
        ({"contact_phone": "12"}, "Skriv et gyldigt telefonnummer"),
        ({"expected_participants": "0"}, "mellem 1 og 500"),
        ({"expected_participants": "501"}, "mellem 1 og 500"),
        ({"dates-0-first": timedelta(days=-1)}, "efter i dag"),
        ({"dates-0-first": timedelta(days=400)}, "12 måneder"),
        ({"dates-1-first": "", "dates-1-last": ""}, "mindst to datoer"),
        ({"grade": ""}, "Vælg klassetrin"),
        ({"place": ""}, "Skriv adressen"),
        ({"consent": False}, "Bekræft, at du har læst"),
        ({"organisation_name": "   "}, "Skriv navnet på jeres organisation"),
        ({"organisation_kind": ""}, "Vælg, hvilken type organisation I er"),
        ({"district": ""}, "Vælg bydel"),
        ({"expected_participants": "mange"}, "Skriv et helt tal"),
    ],
)
def test_bad_input_is_explained_kept_and_nothing_is_stored(client, overrides, message):
    # A date is given as days from the test's today (collection runs before the test's clock).
    overrides = {
        name: (clock.today() + value).isoformat() if isinstance(value, timedelta) else value
        for name, value in overrides.items()
    }
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


def test_a_filled_honeypot_is_refused_plainly_and_nothing_is_stored(client, travel):
    response = _book(client, website="http://spam.example")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "sendt automatisk eller meget hurtigt" in text
    assert _requests() == 0
    # A person whose browser filled in the field nobody sees is told to send it again: the
    # page they get back has it empty, so sending it as it stands goes through.
    assert "http://spam.example" not in text
    travel.shift(timedelta(seconds=5))
    again = pick(forms_in(client, "/bestil", text), "/bestil", action="/bestil")
    assert again.submit(SEND).status_code == 302
    assert _requests() == 1


def test_a_form_sent_very_fast_says_what_to_do_keeps_what_was_typed_and_goes_through_again(
    app, client, monkeypatch, travel
):
    monkeypatch.setitem(app.config, "MIN_FILL_SECONDS", 3)
    form = _form(client, contact_phone="12")  # autofilled, and one field wrong
    response = form.submit(SEND)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "sendt meget hurtigt" in text and "send den igen" in text
    assert "Skriv et gyldigt telefonnummer" in text  # what to fix is said at once
    assert 'value="Anne Mortensen"' in text
    assert _requests() == 0
    travel.shift(timedelta(seconds=5))  # a person reads the page
    again = pick(forms_in(client, "/bestil", text), "/bestil", action="/bestil")
    assert again.fill(contact_phone="33 66 33 66").submit(SEND).status_code == 302
    assert _requests() == 1


def test_a_form_without_a_genuine_start_time_is_refused(client):
    response = _form(client).tamper("started", "forged").submit(SEND)
    assert response.status_code == 422
    assert "sendt automatisk eller meget hurtigt" in response.get_data(as_text=True)
    assert _requests() == 0


def test_submitting_is_rate_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    assert _book(client).status_code == 302
    assert _book(client, contact_email="b@example.org").status_code == 302
    assert _book(client, contact_email="c@example.org").status_code == 429
    assert _requests() == 2


def test_forms_sent_back_to_be_corrected_never_use_up_the_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    for _ in range(5):  # a teacher correcting, again and again
        assert _book(client, contact_email="ikke-en-adresse").status_code == 422
    assert _book(client).status_code == 302
    assert _book(client, contact_email="b@example.org").status_code == 302
    refused = _book(client, contact_email="c@example.org")
    assert refused.status_code == 429
    # The page says when, by the limit's own window (an hour here), not "a few minutes".
    text = refused.get_data(as_text=True)
    assert "Du kan prøve igen kl. " in text and "et par minutter" not in text
    assert _requests() == 2


def test_forms_refused_as_spam_use_up_the_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    for _ in range(2):
        spam = _form(client).tamper("started", "forged").submit(SEND)
        assert spam.status_code == 422
    assert _book(client).status_code == 429
    assert _requests() == 0


def test_every_send_counts_against_a_looser_floor(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SEND_RATE_LIMIT", "3 per hour")
    statuses = [_book(client, contact_email="x").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_without_javascript_choosing_another_offer_shows_its_fields(client):
    form = _form(client, "dialogue")
    form.fill(offer_kind="talk")
    response = form.submit("Vis spørgsmål til det valgte tilbud")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'name="audience"' in text
    assert 'name="grade"' not in text
    assert "Der er fejl i formularen" not in text
    assert "Nu ser du spørgsmålene til det valgte tilbud" in text
    assert 'value="Husum Skole"' in text
    assert _requests() == 0


def test_without_javascript_enter_in_a_field_books_the_offer_shown(client):
    # Enter presses the form's first button: the <noscript> one that shows the chosen offer's
    # questions. With the offer unchanged, that is a booking, not a detour.
    assert _form(client, "talk").submit(button=None).status_code == 302
    assert _requests() == 1


def test_htmx_swaps_only_the_offer_specific_fields(client):
    form = _form(client, "dialogue").fill(offer_kind="talk")
    response = form.submit(to="/bestil/felter", headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    # The offer's questions, and the page's title (htmx reads <head>) and heading (out of band)
    # for the new offer, and its address.
    assert '<div id="offer-fields">' in text
    assert "<html" not in text
    assert "<title>Bestil: Vidensoplæg · VINK Booking</title>" in text
    assert '<h1 id="booking-heading" data-hx-swap-oob="true">Bestil vidensoplæg</h1>' in text
    assert response.headers["HX-Replace-Url"] == "/bestil?tilbud=talk"
    assert 'name="audience"' in text
    assert 'name="shown_offer" type="hidden" value="talk"' in text
    nothing = _form(client).tamper("offer_kind", "nothing")
    assert nothing.submit(to="/bestil/felter").status_code == 404
    assert _requests() == 0


def test_switching_offer_with_htmx_never_puts_what_was_typed_in_a_url(client):
    page = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert 'data-hx-post="/bestil/felter"' in page
    assert "hx-get" not in page
    assert client.get("/bestil/felter?offer_kind=talk").status_code == 405


def test_htmx_checks_a_field_when_the_visitor_leaves_it(client):
    bad = _form(client, contact_email="anne@").submit(to="/bestil/tjek/contact_email")
    assert bad.status_code == 200
    assert "Skriv en gyldig e-mailadresse" in bad.get_data(as_text=True)
    assert bad.get_data(as_text=True).lstrip().startswith('<div class="form-group form-error"')
    good = _form(client).submit(to="/bestil/tjek/contact_email")
    assert "form-error" not in good.get_data(as_text=True)
    assert _form(client).submit(to="/bestil/tjek/csrf_token").status_code == 404
    # A field the chosen offer does not show cannot be checked either.
    assert _form(client, "talk").submit(to="/bestil/tjek/grade").status_code == 404
    assert _requests() == 0


def test_booking_in_english_sends_an_english_receipt(client):
    client.get("/sprog/en")
    assert _book(client, button="Send booking").status_code == 302
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    assert receipt.subject.startswith("Receipt:")


def test_a_booking_made_while_the_mail_server_is_down_is_kept_and_mailed_later(
    app, client, monkeypatch, smtp_config
):
    from tests.smtp_server import SMTPServer

    port = smtp_config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_SEND_SYNC", True)
    response = _book(client)
    assert response.status_code == 302  # the requester notices nothing
    assert _requests() == 1
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    assert receipt.sent_at is None
    assert receipt.attempts == 1  # tried at once, failed, waits for the worker

    from portal.services.mail import outbox

    with SMTPServer(port) as server:
        assert outbox.deliver_due(now=receipt.next_attempt_at) == (1, 0)
    assert server.messages[0]["To"] == "anne@example.org"


def test_switching_offer_with_htmx_keeps_what_was_typed(client):
    form = _form(client, "advisory", expected_participants="31").fill(offer_kind="talk")
    text = form.submit(to="/bestil/felter", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="audience"' in text
    assert 'value="31"' in text


def test_the_receipts_link_comes_from_the_public_base_url_never_the_host_header(app):
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"  # what a forged request says it is
    assert client.get("/bestil?tilbud=talk").status_code == 200
    assert _book(client, "talk").status_code == 302
    receipt = db.session.scalars(db.select(OutboxMessage)).one()
    base = app.config["PUBLIC_BASE_URL"]
    assert f"{base}/b/" in receipt.body_text
    assert "evil.example" not in receipt.body_text


def _autumn_holiday():
    from portal.models.enums import ClosedPeriodKind
    from portal.services import reference

    today = clock.today()
    period = reference.add_closed_period(
        by=None,
        name="Efterårsferie",
        kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
        starts_on=today + timedelta(days=39),
        ends_on=today + timedelta(days=47),
    )
    db.session.commit()
    return period


def test_the_booking_form_of_a_class_offer_shows_the_holidays_ahead_beside_the_dates(client):
    holiday = _autumn_holiday()
    dialogue = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert "Ferier og lukkedage" in dialogue
    assert "Efterårsferie" in dialogue
    assert dialogue.index("Ferier og lukkedage") < dialogue.index('id="dates-0-first"')
    talk = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    assert "Ferier og lukkedage" not in talk  # a talk for adults is not held for a class
    assert holiday.name not in talk


def test_a_wished_date_in_a_holiday_is_taken_and_the_receipt_says_so(client):
    holiday = _autumn_holiday()
    in_it = holiday.starts_on + timedelta(days=2)
    response = _book(client, **{"dates-0-first": in_it.isoformat()})
    assert response.status_code == 302  # warned, not refused
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bemærk: dette ønske ligger i en ferie eller på en lukkedag" in receipt  # one wish
    assert "(Efterårsferie)" in receipt
    assert _requests() == 1
