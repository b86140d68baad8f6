"""Following a request on its private link: exchange, access, actions, calendar, lost links."""

from datetime import timedelta

from icalendar import Calendar

from portal import clock, links
from portal.extensions import db
from portal.i18n import long_date
from portal.models import OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus
from portal.services import requests as requests_service
from portal.services import tracking as tracking_service
from tests.alike import answers_alike, mistyped_address_is_kept
from tests.browser_form import browser_form
from tests.factories import mails, make_assignment, make_event, make_request, make_scheduled

LOST_LINK = "/glemt-link"


def _signed(request):
    return links.sign("tracking", request.id, request.tracking_token)


def _open(client, request):
    response = client.get(f"/b/{_signed(request)}")
    assert response.status_code == 302
    return response


def _action_form(client, request, action):
    """The withdraw ("trak-tilbage") or new-dates ("ny-dato") form, as its page shows it."""
    page = f"/bestilling/{request.id}/{action}"
    return browser_form(client, page, action=page)


def test_the_emailed_link_is_exchanged_for_a_cookie_and_a_token_free_address(client):
    request = make_request()
    response = _open(client, request)
    assert response.headers["Location"] == f"/bestilling/{request.id}"
    assert request.tracking_token not in response.headers["Location"]
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("vink_track="))
    assert "HttpOnly" in cookie
    assert f"Path=/bestilling/{request.id}" in cookie
    assert "Max-Age=3600" in cookie
    page = client.get(f"/bestilling/{request.id}")
    assert page.status_code == 200
    assert "Husum Skole" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_the_emailed_link_keeps_working_after_it_was_used(app):
    request = make_request()
    for _ in range(2):
        client = app.test_client()
        _open(client, request)
        assert client.get(f"/bestilling/{request.id}").status_code == 200


def test_without_the_cookie_the_page_asks_for_the_link_and_reveals_nothing(client):
    request = make_request()
    response = client.get(f"/bestilling/{request.id}")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "Åbn linket fra jeres e-mail" in text
    assert "Husum Skole" not in text
    assert 'href="/glemt-link"' in text


def test_a_cookie_for_one_request_does_not_open_another(client):
    mine = make_request()
    other = make_request(contact_email="other@example.org", organisation_name="Tingbjerg Skole")
    _open(client, mine)
    client.set_cookie(
        "vink_track", tracking_service.tracking_cookie_value(mine), path=f"/bestilling/{other.id}"
    )
    response = client.get(f"/bestilling/{other.id}")
    assert response.status_code == 403
    assert "Tingbjerg" not in response.get_data(as_text=True)


def test_a_tampered_link_gets_a_clear_page_and_reveals_nothing(client):
    request = make_request()
    response = client.get(f"/b/{_signed(request)[:-3]}abc")
    assert response.status_code == 404
    assert "Husum Skole" not in response.get_data(as_text=True)
    assert "vink_track" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_an_expired_link_gets_410(client):
    request = make_request()
    make_event(
        kind="dialogue",
        request=request,
        starts_at=clock.now() - timedelta(days=120),
        status=EventStatus.HELD,
    )
    response = client.get(f"/b/{_signed(request)}")
    assert response.status_code == 410
    assert "Linket er udløbet" in response.get_data(as_text=True)


def test_the_page_shows_status_date_place_and_first_names_of_who_comes(client):
    request = make_request()
    event = make_event(
        kind="dialogue",
        request=request,
        place="Husum Skole, lokale 12",
        starts_at=clock.local(2031, 3, 4, 10, 0),
    )
    yasmin = make_assignment(event, status=AssignmentStatus.ACCEPTED, seat_number=1)
    yasmin.person.first_name, yasmin.person.last_name = "Yasmin", "Haddad"
    make_assignment(event, status=AssignmentStatus.OFFERED, seat_number=2)
    db.session.commit()
    _open(client, request)
    text = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "4. marts 2031, kl. 10.00–11.30" in text
    assert "Husum Skole, lokale 12" in text
    assert "Yasmin, dialogambassadør" in text
    assert "Haddad" not in text
    assert "Bestillingen er modtaget" in text  # the history
    assert f'href="/bestilling/{request.id}/kalender.ics"' in text


def test_the_declined_reason_is_shown(client):
    from portal.models import DeclineReason

    request = make_request()
    request.status = RequestStatus.DECLINED
    request.decline_reason = db.session.scalars(db.select(DeclineReason)).first()
    request.decline_note = "Prøv SSP i jeres bydel."
    db.session.commit()
    _open(client, request)
    text = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "Afvist" in text
    assert request.decline_reason.label_da in text
    assert "Prøv SSP i jeres bydel." in text


def test_the_calendar_file_has_the_event_in_copenhagen_time(client):
    request = make_request()
    make_event(kind="dialogue", request=request, starts_at=clock.local(2031, 3, 31, 9, 0))
    _open(client, request)
    response = client.get(f"/bestilling/{request.id}/kalender.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    [entry] = Calendar.from_ical(response.data).walk("VEVENT")
    start = entry.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 0, "Europe/Copenhagen")
    assert "Ung-til-ung dialog" in str(entry["summary"])


def test_the_calendar_file_is_the_entry_the_invitations_update(client):
    """The file uses the UID of the invitation mailed when the event was planned, so opening
    both makes one entry, and the next move or cancel mailed updates it."""
    request = make_request()
    event = make_scheduled(request=request)
    _open(client, request)
    [entry] = Calendar.from_ical(client.get(f"/bestilling/{request.id}/kalender.ics").data).walk(
        "VEVENT"
    )
    [planned] = mails("requester_event_scheduled")
    [invited] = Calendar.from_ical(planned.calendar_ics).walk("VEVENT")
    assert str(entry["uid"]) == str(invited["uid"]) == f"vink-event-{event.id}@vink.kk.dk"
    assert entry.decoded("sequence") == invited.decoded("sequence")


def test_no_calendar_file_before_there_is_an_event(client):
    request = make_request()
    _open(client, request)
    assert client.get(f"/bestilling/{request.id}/kalender.ics").status_code == 404


def test_withdrawing_is_confirmed_first_and_then_done_once(client):
    request = make_request()
    _open(client, request)
    confirm = client.get(f"/bestilling/{request.id}/trak-tilbage")
    assert confirm.status_code == 200
    assert "Ja, træk bestillingen tilbage" in confirm.get_data(as_text=True)
    assert request.status == RequestStatus.SUBMITTED
    form = _action_form(client, request, "trak-tilbage")
    stale = _action_form(client, request, "trak-tilbage")  # the same page in another tab
    done = form.fill(note="Lejrskole").submit("Ja, træk bestillingen tilbage")
    assert done.status_code == 302
    assert request.status == RequestStatus.WITHDRAWN
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "Bestillingen er trukket tilbage. Sekretariatet har fået besked." in page
    assert "Træk bestillingen tilbage</a>" not in page
    assert client.get(f"/bestilling/{request.id}/trak-tilbage").status_code == 409
    again = stale.fill(note="igen").submit()
    assert again.status_code == 409
    assert request.withdraw_note == "Lejrskole"


def test_the_page_that_asks_before_withdrawing_says_who_is_told_and_what_is_cancelled(client):
    request = make_request()
    make_event(kind="dialogue", request=request, starts_at=clock.local(2031, 3, 31, 9, 0))
    _open(client, request)
    asking = client.get(f"/bestilling/{request.id}/trak-tilbage").get_data(as_text=True)
    assert "Hvem får besked" in asking
    assert "Sekretariatet i VINK får besked med det samme." in asking
    assert "Den planlagte dato, 31. marts 2031, bliver aflyst" in asking
    assert "button-warning" in asking  # it does not look like an ordinary button


def test_withdrawing_after_the_event_is_refused_with_409(client):
    request = make_request()
    make_event(
        kind="dialogue",
        request=request,
        starts_at=clock.now() - timedelta(hours=3),
        status=EventStatus.HELD,
    )
    _open(client, request)
    assert client.get(f"/bestilling/{request.id}/trak-tilbage").status_code == 409
    # No page offers withdrawing a held event: what an old tab or a forger sends.
    response = client.post_form(f"/bestilling/{request.id}/trak-tilbage", {"note": ""})
    assert response.status_code == 409
    assert "allerede holdt" in response.get_data(as_text=True)
    assert request.status == RequestStatus.SUBMITTED


def test_asking_for_another_date_reaches_the_secretariat(client):
    request = make_request()
    _open(client, request)
    day = (clock.today() + timedelta(days=45)).isoformat()
    form = _action_form(client, request, "ny-dato")
    response = form.fill(dates_0_first=day, note="Gerne tirsdag").submit("Send forslag")
    assert response.status_code == 302
    assert requests_service.open_proposal(request) is not None
    kinds = [m.kind for m in db.session.scalars(db.select(OutboxMessage))]
    assert "secretariat_dates_proposed" in kinds
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert "I har foreslået nye datoer" in page
    assert client.get(f"/bestilling/{request.id}/ny-dato").status_code == 200  # to change them


def test_asking_for_another_date_needs_a_valid_date(client):
    request = make_request()
    _open(client, request)
    response = _action_form(client, request, "ny-dato").fill(note="Gerne tirsdag").submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Foreslå mindst én dato" in text
    assert "Gerne tirsdag" in text  # what was typed is kept
    # A browser without a date picker sends what the person typed.
    typed = _action_form(client, request, "ny-dato").fill(dates_0_first="31.02.2027")
    response = typed.submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skriv en gyldig dato, fx 24.12.2026." in text
    assert 'value="31.02.2027"' in text
    assert requests_service.open_proposal(request) is None


def test_lost_link_answers_and_works_alike_for_a_known_and_an_unknown_address(
    client, count_queries
):
    """The same page, the same statements (so the same time), one queued ask either way:
    the lookup happens in the mail worker, not while the visitor waits."""
    make_request(contact_email="anne@example.org")
    answer = answers_alike(
        client, count_queries, LOST_LINK, ["anne@example.org", "nobody@example.org"]
    )
    assert "Hvis der er bestillinger med" in answer
    asks = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "tracking_links")
    ).all()
    assert sorted(m.to_address for m in asks) == ["anne@example.org", "nobody@example.org"]


def test_lost_link_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOST_LINK_RATE_LIMIT", "2 per hour")

    def ask():
        form = browser_form(client, LOST_LINK, action=LOST_LINK)
        return form.fill(email="a@example.org").submit()

    for _ in range(2):
        assert ask().status_code == 200
    assert ask().status_code == 429


def test_a_lost_link_form_with_a_mistyped_address_is_explained_and_kept(client):
    mistyped_address_is_kept(client, LOST_LINK, "anne@")
    assert "tracking_links" not in db.session.scalars(db.select(OutboxMessage.kind)).all()


def test_the_status_page_repeats_the_accessibility_needs_and_notes(client):
    request = make_request(accessibility_needs="Trinfri adgang", notes="Fokus på sociale medier")
    page = client.get(_open(client, request).headers["Location"]).get_data(as_text=True)
    assert "Trinfri adgang" in page
    assert "Fokus på sociale medier" in page


def test_the_link_in_an_english_receipt_opens_the_page_in_english(client):
    request = make_request(locale="en")
    response = client.get(f"/b/{_signed(request)}")
    assert any(h.startswith("vink_lang=en;") for h in response.headers.getlist("Set-Cookie"))
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert 'lang="en"' in page


def test_a_language_the_visitor_chose_is_kept_when_they_open_the_link(client):
    request = make_request(locale="en")
    client.get("/sprog/da")
    response = client.get(f"/b/{_signed(request)}")
    assert not any(h.startswith("vink_lang=") for h in response.headers.getlist("Set-Cookie"))


def test_after_asking_for_another_date_the_page_shows_the_new_dates_and_they_can_be_changed(
    client,
):
    request = make_request()
    _open(client, request)
    first, later = clock.today() + timedelta(days=40), clock.today() + timedelta(days=47)
    for day in (first, later):
        form = _action_form(client, request, "ny-dato")
        assert form.fill(dates_0_first=day.isoformat()).submit("Send forslag").status_code == 302
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert f"I har foreslået nye datoer: {long_date(later)}." in page
    wished = page.split("Ønskede datoer", 1)[1].split("</dd>", 1)[0]
    assert long_date(later) in wished and long_date(first) not in wished
    assert "Ret de foreslåede datoer" in page
