"""Logging in and out, and what keeps a session honest."""

import pytest

from portal.extensions import db
from portal.models.enums import Role
from portal.services import accounts
from tests.browser_form import browser_form
from tests.factories import PASSWORD

LOGIN = "/log-ind"


def _log_in(client, email, password, page=LOGIN):
    """Type into the login form of `page` (it posts to its own address, ?next= and all)."""
    form = browser_form(client, page, action=LOGIN)
    return form.fill(email=email, password=password).submit("Log ind")


def _log_out(client, page):
    return browser_form(client, page, action="/log-ud").submit()


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.ADMIN, "/admin/"), (Role.SECRETARIAT, "/sekretariat/"), (Role.ASSIGNEE, "/mig/")],
)
def test_login_lands_on_the_danish_start_page_of_the_role(client, make_user, role, home):
    user = make_user(role=role)
    response = _log_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    page = client.get(home).get_data(as_text=True)
    assert '<html lang="da">' in page
    assert user.name in page


def test_login_accepts_the_email_in_any_case(client, make_user):
    user = make_user(email="Sara@Example.org".lower())
    response = _log_in(client, "  SARA@example.ORG ", PASSWORD)
    assert response.status_code == 302
    assert user.last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = make_user()
    wrong_password = _log_in(client, user.email, "nope" * 4)
    unknown_email = _log_in(client, "nobody@example.org", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert f'value="{user.email}"' in wrong_password.get_data(as_text=True)  # kept
    assert "nope" not in wrong_password.get_data(as_text=True)  # a password never is
    message = "E-mail eller adgangskode er forkert."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    assert client.get("/sekretariat/").status_code == 302


def test_an_empty_login_form_names_each_missing_field(client):
    page = browser_form(client, LOGIN, action=LOGIN).submit()  # as shown: both empty
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Skriv din e-mailadresse." in text
    assert "Skriv din adgangskode." in text
    assert 'aria-invalid="true"' in text


def test_login_is_rate_limited(client, make_user):
    user = make_user()
    statuses = [_log_in(client, user.email, "wrong-" * 3).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    # Even the right password waits now.
    assert _log_in(client, user.email, PASSWORD).status_code == 429


def test_login_starts_a_new_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    _log_in(client, user.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_login_follows_a_local_next_but_not_another_site(client, make_user):
    user = make_user(role=Role.ADMIN)
    response = _log_in(client, user.email, PASSWORD, page="/log-ind?next=/sekretariat/")
    assert response.headers["Location"] == "/sekretariat/"
    assert _log_out(client, "/sekretariat/").status_code == 302
    response = _log_in(client, user.email, PASSWORD, page="/log-ind?next=//evil.example/x")
    assert response.headers["Location"] == "/admin/"


def test_logout_needs_a_post_with_a_csrf_token(as_role):
    client = as_role(Role.SECRETARIAT)
    assert client.get("/log-ud").status_code == 405
    assert client.post("/log-ud").status_code == 400  # what a forged page sends: no token
    assert client.get("/sekretariat/").status_code == 200
    assert _log_out(client, "/sekretariat/").status_code == 302
    assert client.get("/sekretariat/").status_code == 302


def test_deactivating_a_user_ends_their_session_at_once(client, login, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/sekretariat/").status_code == 200
    accounts.deactivate_user(user, by=None)
    db.session.commit()
    response = client.get("/sekretariat/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind")


def test_a_new_password_ends_other_sessions(client, login, make_user):
    user = make_user()
    login(client, user)
    accounts.set_password(user, "a brand new passphrase", by=user)
    db.session.commit()
    assert client.get("/sekretariat/").status_code == 302


def test_an_idle_session_times_out(client, login, app):
    login(client, Role.SECRETARIAT)
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["seen_at"] -= idle + 1
    response = client.get("/sekretariat/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/log-ind?next=/sekretariat/"
    assert "ikke har været aktiv" in client.get("/log-ind").get_data(as_text=True)


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(client, login, app):
    login(client, Role.SECRETARIAT)
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    with client.session_transaction() as session:
        session["login_at"] -= lifetime + 1
    assert client.get("/sekretariat/").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()
    response = _log_in(client, user.email, PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "vink_session=" in h)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_outside_development_the_session_cookie_is_secure(monkeypatch, tmp_path):
    from portal.config import load_config

    monkeypatch.setenv("VINK_ENV", "production")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert load_config(instance_dir=tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("VINK_ENV", "development")
    assert load_config(instance_dir=tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_in_development_the_secret_key_is_generated_once_into_the_instance_folder(
    monkeypatch, tmp_path
):
    from portal.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VINK_ENV", "production")
    assert load_config(instance_dir=tmp_path)["SECRET_KEY"] == ""  # production: set it
    monkeypatch.setenv("VINK_ENV", "development")
    first = load_config(instance_dir=tmp_path)["SECRET_KEY"]
    assert len(first) >= 64
    assert load_config(instance_dir=tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
