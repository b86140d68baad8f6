"""Staff sign in through the municipality's identity provider: a real OpenID provider
(tests/oidc_provider.py), the whole dance over HTTP, and each refusal: a state that is not this
browser's (tampered or replayed), a wrong nonce, an expired ID token, one signed by a key the
provider never published, a person not invited, a deactivated user, and groups that would widen
a role."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal.extensions import db
from portal.models import AuditEntry, User
from portal.models.enums import Role
from tests.factories import make_user
from tests.oidc_provider import account

CALLBACK = "http://localhost/log-ind/kommune/svar"


@pytest.fixture
def provider(app, oidc_provider, monkeypatch):
    """A provider that knows Anna (secretariat group) and Bo (admin group), and the portal set up
    to sign in with it."""
    started = oidc_provider(
        accounts=[
            account("anna", name="Anna Andersen", groups=["vink-sekretariat"]),
            account("bo", name="Bo Bech", groups=["vink-admin"]),
            account("ukendt", email="ukendt@kk.dk"),
            account("uverificeret", email="uverificeret@kk.dk", email_verified=False),
        ],
        redirect_uris=[CALLBACK],
    )
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", started.discovery_url)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", started.client_id)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", started.client_secret)
    return started


def _local(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _back_from_provider(client, provider, username):
    """Start at the portal, sign in at the provider (in a browser of its own, so nobody is
    still signed in there); the portal's callback address."""
    start = client.get("/log-ind/kommune")
    assert start.status_code == 302
    assert "code_challenge_method=S256" in start.location and "nonce=" in start.location
    back = provider.sign_in(start.location, username, browser=provider.new_browser())
    assert back.startswith(CALLBACK)
    return _local(back)


def _sign_in(client, provider, username):
    return client.get(_back_from_provider(client, provider, username))


def test_an_invited_secretary_signs_in_and_is_linked_by_her_verified_address(client, provider):
    anna = make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    response = _sign_in(client, provider, "anna@kk.dk")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/sekretariat/"
    assert client.get("/sekretariat/").status_code == 200
    db.session.refresh(anna)
    assert anna.provider_subject == f"{provider.issuer} anna"
    [linked] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.provider_linked")
    ).all()
    assert linked.object_id == anna.id


def test_once_linked_the_subject_signs_in_whatever_the_address(app, client, provider):
    anna = make_user(email="anna.old@kk.dk", role=Role.SECRETARIAT)
    anna.provider_subject = f"{provider.issuer} anna"
    db.session.commit()
    assert _sign_in(client, provider, "anna@kk.dk").status_code == 302
    assert client.get("/sekretariat/").status_code == 200


def test_a_person_not_invited_gets_a_clear_page_and_no_account(client, provider):
    users_before = db.session.scalar(db.select(db.func.count(User.id)))
    response = _sign_in(client, provider, "ukendt@kk.dk")
    assert response.status_code == 403
    assert "Du er ikke oprettet som bruger" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == users_before
    assert client.get("/sekretariat/").status_code == 302  # not signed in


def test_an_unverified_address_is_not_linked(client, provider):
    user = make_user(email="uverificeret@kk.dk")
    response = _sign_in(client, provider, "uverificeret@kk.dk")
    assert response.status_code == 403
    assert "ikke bekræftet" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.provider_subject is None


def test_a_deactivated_user_is_refused(client, provider):
    anna = make_user(email="anna@kk.dk")
    anna.active = False
    db.session.commit()
    response = _sign_in(client, provider, "anna@kk.dk")
    assert response.status_code == 403
    assert "deaktiveret" in response.get_data(as_text=True)


def test_a_tampered_state_is_refused(client, provider):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    tampered = back.replace("state=", "state=x", 1)
    assert client.get(tampered).status_code == 400
    assert client.get("/sekretariat/").status_code == 302


def test_a_replayed_state_is_refused(client, provider):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    assert client.get(back).status_code == 302
    client.post_form("/log-ud")
    assert client.get(back).status_code == 400
    assert client.get("/sekretariat/").status_code == 302


def test_a_wrong_nonce_is_refused(client, provider):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    with client.session_transaction() as session:
        [key] = [k for k in session if k.startswith("_state_kommune_")]
        stored = session[key]
        stored["data"]["nonce"] = "not-the-one-sent"
        session[key] = stored
    response = client.get(back)
    assert response.status_code == 400
    assert client.get("/sekretariat/").status_code == 302


def test_an_expired_id_token_is_refused(client, provider, travel):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    travel.shift(timedelta(hours=3))  # the provider's token is long expired by the portal's clock
    assert client.get(back).status_code == 400


def test_an_id_token_signed_by_a_key_the_provider_never_published_is_refused(
    client, provider, oidc_provider
):
    """The portal checks the token against another provider's published keys: the signature is
    by a key the portal does not know."""
    other = oidc_provider(redirect_uris=[CALLBACK])
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    from portal.views.provider_login import _client

    with client.application.test_request_context():
        _client().server_metadata["jwks_uri"] = other.metadata["jwks_uri"]
    assert client.get(back).status_code == 400
    assert client.get("/sekretariat/").status_code == 302


def test_groups_never_widen_a_role(app, client, provider, monkeypatch):
    """Bo is a secretary in the portal and in the admin group at the provider: he signs in as a
    secretary. Anna is an admin in the portal whose groups grant only the secretariat: refused."""
    groups = {"vink-admin": "admin", "vink-sekretariat": "secretariat"}
    monkeypatch.setitem(app.config, "OIDC_GROUP_ROLES", groups)
    make_user(email="bo@kk.dk", role=Role.SECRETARIAT)
    assert _sign_in(client, provider, "bo@kk.dk").status_code == 302
    assert client.get("/admin/").status_code == 403  # the admin group made him no admin
    client.post_form("/log-ud")
    make_user(email="anna@kk.dk", role=Role.ADMIN)
    response = _sign_in(client, provider, "anna@kk.dk")
    assert response.status_code == 403
    assert "gruppe" in response.get_data(as_text=True)


def test_without_a_provider_there_is_no_button_and_no_route(client):
    assert "/log-ind/kommune" not in client.get("/log-ind").get_data(as_text=True)
    assert client.get("/log-ind/kommune").status_code == 404
    assert client.get("/log-ind/kommune/svar?code=x&state=y").status_code == 404


def test_the_login_page_offers_the_provider(client, provider):
    page = client.get("/log-ind").get_data(as_text=True)
    assert 'href="/log-ind/kommune"' in page
    assert "Log ind med Københavns Kommune" in page


def test_a_provider_sign_in_needs_no_second_factor_of_the_portals(
    app, client, provider, monkeypatch
):
    """Production asks staff who sign in with a password for the portal's second factor; the
    identity provider asks for its own (Entra ID's MFA), so its sign-ins go straight in."""
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)
    make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    assert _sign_in(client, provider, "anna@kk.dk").status_code == 302
    assert client.get("/sekretariat/").status_code == 200
