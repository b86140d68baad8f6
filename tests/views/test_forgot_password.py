"""A staff member or an assignee who forgot the password gets back in without an admin: the
login page's "Glemt adgangskode?" asks for a link (the same answer, in the same statements,
whether or not the address is a user's), the mail worker sends a link that works once and
within the hour, and choosing a password from it ends every other session."""

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry, OutboxMessage
from portal.models.enums import Role
from portal.services import accounts
from portal.services.mail import outbox
from tests.alike import answers_alike, mistyped_address_is_kept
from tests.browser_form import browser_form
from tests.factories import PASSWORD, make_user

FORGOT = "/glemt-adgangskode"
NEW = "en helt ny og lang adgangssætning"


def _ask(client, email):
    form = browser_form(client, "/log-ind", action="/log-ind")
    assert form  # the login page is where a person starts
    page = client.get("/log-ind").get_data(as_text=True)
    assert f'href="{FORGOT}"' in page and "Glemt adgangskode?" in page
    return browser_form(client, FORGOT, action=FORGOT).fill(email=email).submit()


def _deliver():
    """Let the mail worker write and send what is due; the messages it sent."""
    sent = []
    outbox.deliver_due(backend=lambda message, _config: sent.append(message))
    return sent


def _link(message):
    return re.search(r"https?://\S+(/glemt-adgangskode/\S+)", message.body_text).group(1)


def test_the_answer_is_the_same_whether_or_not_the_address_is_a_users(client, count_queries):
    make_user(email="sara@kk.dk")
    answer = answers_alike(client, count_queries, FORGOT, ["sara@kk.dk", "nobody@kk.dk"])
    assert "har vi sendt et link til den adresse" in answer
    sent = _deliver()
    assert [m.to_address for m in sent] == ["sara@kk.dk"]  # nothing goes to an unknown address
    assert db.session.scalars(db.select(OutboxMessage.to_address)).all() == ["sara@kk.dk"]


def test_no_link_for_a_deactivated_user(client):
    user = make_user(email="gone@kk.dk")
    user.active = False
    db.session.commit()
    assert _ask(client, "Gone@KK.dk").status_code == 200
    assert _deliver() == []


def test_the_link_lets_the_user_choose_a_password_once_and_ends_other_sessions(app, client, login):
    user = make_user(email="sara@kk.dk")
    elsewhere = app.test_client()
    login(elsewhere, user)
    assert elsewhere.get("/sekretariat/").status_code == 200
    _ask(client, "sara@kk.dk")
    [message] = _deliver()
    assert message.subject == "Vælg en ny adgangskode til VINKs bookingportal"
    assert "Linket virker én gang og i 60 minutter." in message.body_text
    link = _link(message)

    form = browser_form(client, link, action=link)
    response = form.fill(password=NEW, repeat=NEW).submit()
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    assert accounts.authenticate("sara@kk.dk", NEW) == user
    assert accounts.authenticate("sara@kk.dk", PASSWORD) is None
    # The other browser's session is over.
    assert elsewhere.get("/sekretariat/").status_code == 302
    # Used once: the second visit says so and offers a new link.
    again = client.get(link)
    assert again.status_code == 410
    assert "Linket er allerede brugt." in again.get_data(as_text=True)
    assert f'href="{FORGOT}"' in again.get_data(as_text=True)
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "user.password_reset_sent" in actions and "user.password_chosen" in actions


def test_the_link_expires_within_the_hour(client, travel):
    make_user(email="sara@kk.dk")
    _ask(client, "sara@kk.dk")
    link = _link(*_deliver())
    travel.shift(timedelta(minutes=59))
    assert client.get(link).status_code == 200
    travel.shift(timedelta(minutes=2))
    response = client.get(link)
    assert response.status_code == 410
    assert "Linket er udløbet." in response.get_data(as_text=True)


def test_a_newer_link_replaces_the_older_one(client):
    make_user(email="sara@kk.dk")
    _ask(client, "sara@kk.dk")
    first = _link(*_deliver())
    _ask(client, "sara@kk.dk")
    second = _link(*_deliver())
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_an_invitation_link_is_not_a_reset_link_nor_the_other_way_round(client):
    user = make_user(email="sara@kk.dk")
    _ask(client, "sara@kk.dk")
    reset = _link(*_deliver())
    signed = reset.rsplit("/", 1)[1]
    assert client.get(f"/adgangskode/{signed}").status_code == 404
    invitation = accounts.links.sign_timed(accounts.PASSWORD_LINK, [user.id, "x"])
    assert client.get(f"/glemt-adgangskode/{invitation}").status_code == 404
    assert client.get("/glemt-adgangskode/noget-forkert").status_code == 404


def test_a_mistyped_address_is_explained_and_kept(client):
    mistyped_address_is_kept(client, FORGOT, "sara@")
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_asking_is_rate_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "2 per hour")
    for _ in range(2):
        assert _ask(client, "sara@kk.dk").status_code == 200
    assert _ask(client, "sara@kk.dk").status_code == 429


@pytest.mark.parametrize("locale", ["en"])
def test_the_pages_and_the_mail_read_in_english(client, locale):
    make_user(email="sara@kk.dk")
    client.get(f"/sprog/{locale}")
    page = client.get(FORGOT).get_data(as_text=True)
    assert "Forgot your password" in page or "Forgotten password" in page
    response = browser_form(client, FORGOT, action=FORGOT).fill(email="sara@kk.dk").submit()
    assert "Check your email" in response.get_data(as_text=True)
    [message] = _deliver()
    assert message.subject == "Choose a new password for VINK's booking portal"


def test_no_link_for_a_user_who_signs_in_at_the_identity_provider(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", "https://login.example.org/.well-known")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "vink")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "hemmelig")
    user = make_user(email="anna@kk.dk")
    user.provider_subject = "https://login.example.org anna"
    db.session.commit()
    assert _ask(client, "anna@kk.dk").status_code == 200  # the same answer as ever
    assert _deliver() == []


def test_no_link_for_staff_who_have_not_set_up_the_second_factor_yet(app, client, monkeypatch):
    """Their mailbox alone would be the whole account: an admin sends them a link instead."""
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)
    make_user(email="sara@kk.dk", role=Role.SECRETARIAT)
    make_user(email="karin@kk.dk", role=Role.ASSIGNEE)
    _ask(client, "sara@kk.dk")
    _ask(client, "karin@kk.dk")
    assert [m.to_address for m in _deliver()] == ["karin@kk.dk"]
