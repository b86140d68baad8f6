"""Input no person types is answered with a clear message, never a server error, and stores
nothing it should not. (tests/test_route_walk.py throws arbitrary input at every route; these
pin each kind of input by name.)"""

import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from portal import clock
from portal.extensions import db
from portal.models import District, Event, Request
from portal.models.enums import Role
from portal.services import inbox as inbox_service
from tests.browser_form import browser_form
from tests.factories import PASSWORD, booking_answers, make_event, make_user

SEND = "Send bestilling"


def _booking(client, **overrides):
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    return form.fill(**booking_answers("talk", **overrides))


def test_a_file_sent_for_a_text_field_is_a_missing_field_not_a_crash(client):
    form = _booking(client)
    data = dict(form.values())
    data["contact_name"] = (io.BytesIO(b"%PDF-1.4"), "cv.pdf")
    response = client.post("/bestil", data=data)
    assert response.status_code == 422
    assert "Skriv dit navn" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 0
    login = client.post(
        "/log-ind",
        data={
            "csrf_token": client.csrf_token(),
            "email": (io.BytesIO(b"x"), "a.txt"),
            "password": "x",
        },
    )
    assert login.status_code == 422
    assert "Skriv din e-mailadresse" in login.get_data(as_text=True)


def test_a_json_body_is_not_taken_for_a_form(client):
    response = client.post(
        "/glemt-link",
        json=["not", "a", "form"],
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 422


def test_nul_and_control_characters_are_dropped_and_line_breaks_folded(client):
    response = _booking(
        client,
        contact_name="Anne\x00 Mortensen\x07",
        organisation_name="Husum Skole\r\nBcc: alle@example.org",
        notes="Første linje\nAnden linje\x00",
    ).submit(SEND)
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.scalars(db.select(Request)).one()
    assert stored.contact.name == "Anne Mortensen"
    assert stored.organisation.name == "Husum Skole Bcc: alle@example.org"
    assert stored.notes == "Første linje\nAnden linje"  # a text area keeps its lines


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999"])
def test_an_id_beyond_any_row_is_a_404_on_both_databases(as_role, number):
    client = as_role(Role.SECRETARIAT)
    for path in (
        f"/sekretariat/henvendelser/{number}",
        f"/sekretariat/arrangementer/{number}",
        f"/bestilling/{number}",
    ):
        assert client.get(path).status_code == 404, path
    token = client.csrf_token()
    post = client.post(f"/sekretariat/arrangementer/{number}/aflys", data={"csrf_token": token})
    assert post.status_code == 404


def test_a_page_number_beyond_reason_shows_the_last_page(as_role):
    client = as_role(Role.SECRETARIAT)
    assert client.get("/sekretariat/indbakke?side=99999999999999999999").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "i morgen"])
def test_a_calendar_date_out_of_reach_is_refused_with_a_message(as_role, day):
    client = as_role(Role.SECRETARIAT)
    response = client.get(f"/sekretariat/kalender?visning=maaned&dato={day}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    if day != "i morgen":
        assert "Vælg en dato mellem år 2000 og" in text


def test_a_new_event_in_year_9999_is_refused_with_a_message(as_role):
    client = as_role(Role.SECRETARIAT)
    form = browser_form(
        client, "/sekretariat/arrangementer/nyt", action="/sekretariat/arrangementer/nyt"
    )
    form.fill(
        **{
            "sessions-0-day": "9999-06-01",
            "sessions-0-starts": "10:00",
            "sessions-0-ends": "11:30",
            "place": "Rådhuset",
        }
    )
    response = form.submit()
    assert response.status_code == 422
    assert "Vælg en dato mellem år 2000 og" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_a_preferred_date_in_year_9999_is_refused(client):
    response = _booking(client, **{"dates-1-first": "9999-12-31"}).submit(SEND)
    assert response.status_code == 422
    assert "12 måneder" in response.get_data(as_text=True)


def test_a_move_with_a_version_that_is_no_number_is_refused(as_role):
    client = as_role(Role.SECRETARIAT)
    event = make_event(starts_at=clock.now() + timedelta(days=10))
    form = browser_form(
        client,
        f"/sekretariat/arrangementer/{event.id}",
        action=f"/sekretariat/arrangementer/{event.id}/flyt",
    )
    response = form.tamper("version", "abc").submit()
    assert response.status_code == 400
    assert "Siden var for gammel" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.version == 1


@pytest.mark.parametrize(
    "target", ["/sekretariat/\r\nSet-Cookie: x=1", "/\nhttps://evil.example", "/\x00"]
)
def test_a_next_address_with_line_breaks_is_a_bad_request(client, target):
    # The input gate refuses a control character in any query before anything reads it.
    response = client.get("/sprog/en", query_string={"next": target})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Set-Cookie: x=1" not in str(response.headers)


def test_a_next_address_that_leaves_the_site_goes_to_the_default(client):
    response = client.get("/sprog/en", query_string={"next": "//evil.example"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("//evil.example", "/sekretariat/"),
        ("https://evil.example/", "/sekretariat/"),
        ("/sekretariat/kalender", "/sekretariat/kalender"),  # a safe one is followed
    ],
)
def test_a_login_whose_next_address_is_unsafe_goes_to_the_users_home(client, target, lands):
    user = make_user(role=Role.SECRETARIAT, password=PASSWORD)
    url = "/log-ind?" + urlencode({"next": target})
    form = browser_form(client, url)
    response = form.fill(email=user.email, password=PASSWORD).submit()
    assert response.status_code == 302
    assert response.headers["Location"] == lands


def test_a_body_over_the_limit_gets_a_danish_413_page(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = client.post(
        "/glemt-link", data={"csrf_token": client.csrf_token(), "email": "a" * 20_000}
    )
    assert response.status_code == 413
    assert "større, end portalen tager imod" in response.get_data(as_text=True)


def test_the_error_page_works_after_a_failed_statement(as_role, app, monkeypatch):
    """A failed write leaves the session needing a rollback; the 500 page must still render
    (its menu asks the database who is logged in)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def broken(*_args, **_kwargs):
        db.session.add(District(name=None))  # NOT NULL: the flush fails
        db.session.flush()

    monkeypatch.setattr(inbox_service, "count_by_status", broken)
    client = as_role(Role.SECRETARIAT)
    response = client.get("/sekretariat/")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Noget gik galt hos os" in text
    assert "Log ud" in text  # the menu rendered, with the user


def test_a_calendar_file_is_never_cached(app, login):
    from tests.factories import make_assignment, make_person, make_user

    person = make_person(is_ambassador=True)
    event = make_event(kind="dialogue", starts_at=clock.now() + timedelta(days=3))
    make_assignment(event, person)
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=person))
    response = client.get(f"/mig/arrangementer/{event.id}/kalender.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_inbox_search_takes_percent_and_underscore_as_characters(as_role):
    from tests.factories import make_request

    make_request(organisation_name="100% Fællesskab")
    make_request(organisation_name="Husum Skole", contact_email="b@example.org")
    client = as_role(Role.SECRETARIAT)
    htmx = {"HX-Request": "true"}  # the results alone, not the "needs action" list

    def results(q):
        return client.get(f"/sekretariat/indbakke?q={q}", headers=htmx).get_data(as_text=True)

    percent = results("%25")
    assert "100% Fællesskab" in percent
    assert "Husum Skole" not in percent
    assert "Husum Skole" not in results("_")
    assert "Husum Skole" in results("Husum")
