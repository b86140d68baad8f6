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
from tests.browser_form import browser_form
from tests.factories import make_user
from tests.oidc_provider import account
from tests.views.test_valid_html import checker_missing, nu_errors, write_page

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


def test_an_invited_secretary_signs_in_and_is_linked_by_her_verified_address(
    client, provider, security_log
):
    anna = make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    response = _sign_in(client, provider, "anna@kk.dk")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/sekretariat/"
    security_log(response, "login.succeeded", f"user_id={anna.id}", "method=provider")
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


def test_a_person_not_invited_gets_a_clear_page_and_no_account(client, provider, security_log):
    users_before = db.session.scalar(db.select(db.func.count(User.id)))
    response = _sign_in(client, provider, "ukendt@kk.dk")
    assert response.status_code == 403
    assert "Du er ikke oprettet som bruger" in response.get_data(as_text=True)
    security_log(response, "login.refused", "method=provider", "reason=not_invited")
    assert db.session.scalar(db.select(db.func.count(User.id))) == users_before
    assert client.get("/sekretariat/").status_code == 302  # not signed in


def test_an_unverified_address_is_not_linked(client, provider, security_log):
    user = make_user(email="uverificeret@kk.dk")
    response = _sign_in(client, provider, "uverificeret@kk.dk")
    assert response.status_code == 403
    assert "ikke bekræftet" in response.get_data(as_text=True)
    security_log(response, "login.refused", "reason=email_not_verified")
    db.session.refresh(user)
    assert user.provider_subject is None


def test_a_deactivated_user_is_refused(client, provider, security_log):
    anna = make_user(email="anna@kk.dk")
    anna.active = False
    db.session.commit()
    response = _sign_in(client, provider, "anna@kk.dk")
    assert response.status_code == 403
    assert "deaktiveret" in response.get_data(as_text=True)
    security_log(response, "login.refused", "reason=deactivated")


def test_a_tampered_state_is_refused(client, provider, security_log):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    tampered = back.replace("state=", "state=x", 1)
    response = client.get(tampered)
    assert response.status_code == 400
    security_log(response, "login.refused", "reason=MismatchingStateError")
    assert client.get("/sekretariat/").status_code == 302


def test_a_replayed_state_is_refused(client, provider, security_log):
    """The callback used once, then again in the same browser while it waits on another
    sign-in (a state of its own in the session): the portal's state check refuses it, before
    the provider is asked about its code."""
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    assert client.get(back).status_code == 302
    client.post_form("/log-ud")
    assert client.get("/log-ind/kommune").status_code == 302  # another sign-in begun
    response = client.get(back)
    assert response.status_code == 400
    security_log(response, "login.refused", "reason=MismatchingStateError")
    assert client.get("/sekretariat/").status_code == 302


def test_a_wrong_nonce_is_refused(client, provider, security_log):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    with client.session_transaction() as session:
        [key] = [k for k in session if k.startswith("_state_kommune_")]
        stored = session[key]
        stored["data"]["nonce"] = "not-the-one-sent"
        session[key] = stored
    response = client.get(back)
    assert response.status_code == 400
    security_log(response, "login.refused", "reason=InvalidClaimError", "claim=nonce")
    assert client.get("/sekretariat/").status_code == 302


def test_an_expired_id_token_is_refused(client, provider, travel, security_log):
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    travel.shift(timedelta(hours=3))  # the provider's token is long expired by the portal's clock
    response = client.get(back)
    assert response.status_code == 400
    security_log(response, "login.refused", "reason=ExpiredTokenError")


def test_an_id_token_signed_by_a_key_the_provider_never_published_is_refused(
    client, provider, oidc_provider, security_log
):
    """The portal checks the token against another provider's published keys: the signature is
    by a key the portal does not know."""
    other = oidc_provider(redirect_uris=[CALLBACK])
    make_user(email="anna@kk.dk")
    back = _back_from_provider(client, provider, "anna@kk.dk")
    from portal.views.provider_login import _client

    with client.application.test_request_context():
        _client().server_metadata["jwks_uri"] = other.metadata["jwks_uri"]
    response = client.get(back)
    assert response.status_code == 400
    security_log(response, "login.refused", "reason=InvalidKeyIdError")
    assert client.get("/sekretariat/").status_code == 302


def test_groups_never_widen_a_role(app, client, provider, monkeypatch, security_log):
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
    security_log(response, "login.refused", "reason=group_does_not_grant_role")


def test_without_a_provider_there_is_no_button_and_no_route(client):
    assert "/log-ind/kommune" not in client.get("/log-ind").get_data(as_text=True)
    assert client.get("/log-ind/kommune").status_code == 404
    assert client.get("/log-ind/kommune/svar?code=x&state=y").status_code == 404


def test_the_login_page_offers_the_provider(client, provider):
    page = client.get("/log-ind").get_data(as_text=True)
    assert 'href="/log-ind/kommune"' in page
    assert "Log ind med Københavns Kommune" in page


def test_a_provider_that_vouches_for_a_second_factor_is_trusted_for_it(
    app, client, provider, monkeypatch
):
    """Production asks staff for a second factor. A provider whose policy asks every sign-in
    for one (OIDC_PROVIDER_ENFORCES_MFA, or amr "mfa" in the ID token) is trusted for it."""
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)
    monkeypatch.setitem(app.config, "OIDC_PROVIDER_ENFORCES_MFA", True)
    make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    assert _sign_in(client, provider, "anna@kk.dk").status_code == 302
    assert client.get("/sekretariat/").status_code == 200


def test_without_the_providers_second_factor_the_portal_asks_for_its_own(
    app, client, provider, monkeypatch
):
    """This provider's ID tokens say nothing of a second factor: a secretary without one is
    sent to set one up, and one with one is asked for its code before any session."""
    import pyotp

    from portal.services import second_factor
    from tests.browser_form import browser_form

    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)
    anna = make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    assert _sign_in(client, provider, "anna@kk.dk").status_code == 302
    response = client.get("/sekretariat/")
    assert urlsplit(response.location).path == "/konto/totrinsbekraeftelse"
    client = app.test_client()  # another browser, for the second sign-in

    secret = second_factor.start_enrolment(anna)
    second_factor.enrol(anna, pyotp.TOTP(secret).now())
    db.session.commit()
    response = _sign_in(client, provider, "anna@kk.dk")
    assert urlsplit(response.location).path == "/log-ind/kode"
    assert client.get("/sekretariat/").status_code == 302  # no session before the code
    form = browser_form(client, "/log-ind/kode", action="/log-ind/kode")
    later = pyotp.TOTP(secret).at(second_factor.clock.now() + timedelta(seconds=30))
    answer = form.fill(code=later).submit()
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert urlsplit(answer.location).path == "/sekretariat/"
    page = client.get("/sekretariat/")
    assert page.status_code == 200, page.location
    # Begun at the provider, the session still ends there too after the portal's own code.
    goodbye = client.post_form("/log-ud")
    assert 'href="/log-ud/kommune"' in goodbye.get_data(as_text=True)
    assert "id_token_hint=" in client.get("/log-ud/kommune").location


def test_logout_ends_the_portals_session_and_offers_the_providers(client, provider):
    """RP-initiated logout: the portal's session ends at once; the page offers the provider's
    logout, which gets the ID token as hint and comes back to the start page; after it, the
    provider asks who you are again."""
    from tests.oidc_provider import SignInFailed

    make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    browser = provider.new_browser()
    back = provider.sign_in(client.get("/log-ind/kommune").location, "anna@kk.dk", browser=browser)
    assert client.get(_local(back)).status_code == 302
    page = client.post_form("/log-ud")
    assert page.status_code == 200
    assert 'href="/log-ud/kommune"' in page.get_data(as_text=True)
    assert client.get("/sekretariat/").status_code == 302  # the portal's session is over
    to_provider = client.get("/log-ud/kommune")
    assert to_provider.location.startswith(provider.metadata["end_session_endpoint"])
    assert "id_token_hint=" in to_provider.location
    assert provider.sign_out(to_provider.location, browser=browser).startswith("http://localhost/")
    assert urlsplit(client.get("/log-ud/kommune").location).path == "/"  # once only
    with pytest.raises(SignInFailed):  # no username given, and the provider wants one again
        provider.sign_in(client.get("/log-ind/kommune").location, browser=browser)


def test_a_password_logout_goes_straight_to_the_start_page(client, login):
    login(client, Role.SECRETARIAT)
    response = client.post_form("/log-ud")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/"


def test_a_linked_user_signs_in_at_the_provider_only_while_it_is_configured(
    app, client, provider, monkeypatch
):
    """A portal password must not get round the provider (its groups, its MFA, a leaver's
    closed account); an admin kept unlinked is the way in when the provider is down."""
    from tests.factories import PASSWORD

    anna = make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    anna.provider_subject = f"{provider.issuer} anna"
    make_user(email="noedadgang@kk.dk", role=Role.ADMIN)
    db.session.commit()
    refused = client.post_form("/log-ind", {"email": "anna@kk.dk", "password": PASSWORD})
    assert refused.status_code == 422
    assert "brug knappen »Log ind med Københavns Kommune«" in refused.get_data(as_text=True)
    glass = client.post_form("/log-ind", {"email": "noedadgang@kk.dk", "password": PASSWORD})
    assert glass.status_code == 302
    client.post_form("/log-ud")
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", "")  # the provider switched off
    again = client.post_form("/log-ind", {"email": "anna@kk.dk", "password": PASSWORD})
    assert again.status_code == 302


def test_entra_ids_own_verified_claim_links_the_first_sign_in(app):
    """Entra ID sends no email_verified; xms_edov says the domain owner verified the address."""
    from portal.services import provider_login

    anna = make_user(email="anna@kk.dk")
    claims = {
        "iss": "https://login.microsoftonline.com/tenant/v2.0",
        "sub": "abc",
        "email": "Anna@KK.dk",
        "xms_edov": True,
    }
    with app.test_request_context():
        assert provider_login.user_for(claims) == anna
        assert anna.provider_subject == "https://login.microsoftonline.com/tenant/v2.0 abc"
        other = claims | {"sub": "def", "email": "bo@kk.dk", "xms_edov": False}
        make_user(email="bo@kk.dk")
        with pytest.raises(provider_login.ProviderLoginRefused) as refused:
            provider_login.user_for(other)
        assert refused.value.reason == "email_not_verified"


@pytest.mark.skipif(checker_missing(), reason="VNU_JAR not set: run the suite with `make test`")
def test_the_sign_in_pages_are_valid_html_in_danish_and_english(app, provider, as_role, tmp_path):
    """Every page of signing in with the provider beside a password, in both languages: the
    login page with its button and its refusal, "Tjek din e-mail", the provider's refusal of
    someone not invited, the page after logout that offers the provider's, and the admin's
    rules with their refusal."""
    make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    written = []
    for language in ("da", "en"):
        visitor = app.test_client()
        visitor.get(f"/sprog/{language}")
        pages = {"log-ind": visitor.get("/log-ind")}
        pages["log-ind-422"] = (
            browser_form(visitor, "/log-ind", action="/log-ind")
            .fill(email="ingen@kk.dk", password="forkert-adgangskode")
            .submit()
        )
        pages["glemt-sendt"] = (
            browser_form(visitor, "/glemt-adgangskode").fill(email="ingen@kk.dk").submit()
        )
        pages["ikke-inviteret"] = _sign_in(visitor, provider, "ukendt@kk.dk")
        assert _sign_in(visitor, provider, "anna@kk.dk").status_code == 302
        pages["logget-ud"] = visitor.post_form("/log-ud")
        admin = as_role(Role.ADMIN)
        admin.get(f"/sprog/{language}")
        pages["admin-log-ind"] = admin.get("/admin/log-ind")
        rules = browser_form(admin, "/admin/log-ind", action="/admin/log-ind")
        pages["admin-log-ind-422"] = rules.fill(provider_only=["admin"]).submit(
            "Gem" if language == "da" else "Save"
        )
        expected = {"log-ind-422": 422, "ikke-inviteret": 403, "admin-log-ind-422": 422}
        for name, response in pages.items():
            assert response.status_code == expected.get(name, 200), (language, name)
            html = response.get_data(as_text=True)
            assert f'<html lang="{language}"' in html, (language, name)
            written.append(write_page(tmp_path, None, language, name, html))
        english = pages["ikke-inviteret"].get_data(as_text=True)
        assert ("Du er ikke oprettet" in english) == (language == "da")
    assert nu_errors(written) == []
