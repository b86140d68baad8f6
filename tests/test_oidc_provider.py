"""The test OpenID Connect provider (tests/oidc_provider.py) behaves as the portal will use it:
discovery, Authorization Code with PKCE (S256) through its login page, an RS256 ID token with the
account's claims, and RP-initiated logout.

The ID token is checked here by hand (RSASSA-PKCS1-v1_5 with SHA-256 against the provider's
JWKS, stdlib only) because the portal's OIDC library is not installed yet; the portal's own
login tests verify through it."""

import base64
import hashlib
import json
import os
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.clock import TERM_TIME_TUESDAY
from tests.oidc_provider import Browser, SignInFailed, account, running_oidc_provider

CALLBACK = "http://localhost/log-ind/oidc"
HOME = "http://localhost/"


@pytest.fixture(scope="module")
def module_provider(tmp_path_factory):
    # One provider for the module's tests (each test starts at TERM_TIME_TUESDAY, and so does
    # it); a test that needs other settings starts its own with `oidc_provider(...)`.
    with running_oidc_provider(
        tmp_path_factory.mktemp("oidc"),
        at=TERM_TIME_TUESDAY,
        accounts=[
            account(
                "7f3c-anna",
                email="anna.andersen@kk.dk",
                name="Anna Andersen",
                groups=["vink-sekretariat", "vink-admin"],
            ),
            account("bo", email="bo@kk.dk", email_verified=False, username="bob"),
        ],
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[HOME],
    ) as provider:
        yield provider


@pytest.fixture
def provider(module_provider):
    """The module's provider, seen by a new browser: no session from an earlier test."""
    module_provider.browser = module_provider.new_browser()
    return module_provider


def test_discovery_names_the_endpoints_and_methods_the_portal_uses(provider):
    metadata = provider.metadata

    assert metadata["issuer"] == provider.issuer
    for endpoint in (
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "end_session_endpoint",
    ):
        assert metadata[endpoint].startswith(f"{provider.issuer}/"), endpoint
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "email", "profile"} <= set(metadata["scopes_supported"])
    assert "groups" in metadata["claims_supported"]
    assert "RS256" in metadata["id_token_signing_alg_values_supported"]


def test_code_flow_with_pkce_gives_an_id_token_with_the_accounts_claims(provider):
    request = _authorization_request(provider)

    back = provider.sign_in(request.url, "anna.andersen@kk.dk")

    query = _query(back, CALLBACK)
    assert query["state"] == request.state
    assert query["iss"] == provider.issuer
    tokens = _token(provider, query["code"], request.verifier)
    claims = _verified_claims(provider, tokens["id_token"])
    assert {k: claims[k] for k in ("sub", "email", "email_verified", "name", "groups")} == {
        "sub": "7f3c-anna",
        "email": "anna.andersen@kk.dk",
        "email_verified": True,
        "name": "Anna Andersen",
        "groups": ["vink-sekretariat", "vink-admin"],
    }
    assert claims["nonce"] == request.nonce
    assert claims["aud"] == provider.client_id
    assert claims["iss"] == provider.issuer
    # The provider runs at the test's instant, as the portal checking the token will (within
    # the 15 seconds of skew both sides allow).
    assert abs(claims["iat"] - time.time()) < 15
    assert claims["exp"] > time.time()


def test_an_account_signs_in_with_its_username_and_unverified_email_is_said(provider):
    request = _authorization_request(provider)

    back = provider.sign_in(request.url, "bob")

    tokens = _token(provider, _query(back, CALLBACK)["code"], request.verifier)
    claims = _verified_claims(provider, tokens["id_token"])
    assert (claims["sub"], claims["email"], claims["email_verified"]) == ("bo", "bo@kk.dk", False)
    assert claims["groups"] == []


def test_the_login_page_has_labelled_fields_and_refuses_an_unknown_username(provider):
    browser = provider.new_browser()
    status, headers, _ = browser.request(_authorization_request(provider).url)
    assert status == 303
    status, _, page = browser.request(f"{provider.issuer}{headers['Location']}")
    assert status == 200
    assert '<label for="username">Brugernavn</label>' in page
    assert '<button type="submit">Log ind</button>' in page

    with pytest.raises(SignInFailed) as refused:
        provider.sign_in(_authorization_request(provider).url, "mallory@kk.dk")

    assert refused.value.status == 422
    assert "Ukendt brugernavn" in refused.value.body


@pytest.mark.parametrize(
    "pkce",
    [
        pytest.param({}, id="no-code-challenge"),
        pytest.param({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, id="plain"),
    ],
)
def test_an_authorization_request_without_s256_pkce_is_refused(provider, pkce):
    request = _authorization_request(provider, pkce=pkce)

    back = provider.sign_in(request.url)

    query = _query(back, CALLBACK)
    assert query["error"] == "invalid_request"
    assert "code" not in query


def test_the_code_is_refused_without_the_matching_code_verifier(provider):
    request = _authorization_request(provider)
    code = _query(provider.sign_in(request.url, "bob"), CALLBACK)["code"]

    status, answer = _post_token(provider, code, secrets.token_urlsafe(48))

    assert (status, answer["error"]) == (400, "invalid_grant")


def test_logout_ends_the_providers_session_and_returns_to_the_portal(provider):
    request = _authorization_request(provider)
    code = _query(provider.sign_in(request.url, "bob"), CALLBACK)["code"]
    id_token = _token(provider, code, request.verifier)["id_token"]
    # Signed in at the provider: a second authorization needs no login page.
    again = _authorization_request(provider)
    assert "code" in _query(provider.sign_in(again.url), CALLBACK)

    end_session = provider.metadata["end_session_endpoint"]
    back = provider.sign_out(
        f"{end_session}?"
        + urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": HOME, "state": "bye"})
    )

    assert _query(back, HOME) == {"state": "bye"}
    with pytest.raises(SignInFailed, match="Brugernavn"):
        provider.sign_in(_authorization_request(provider).url)  # the login page again


def test_a_test_starts_a_provider_of_its_own_settings_and_it_stops(oidc_provider):
    provider = oidc_provider(
        accounts=[account("carl", groups=["vink-konsulent"])],
        redirect_uris=["http://127.0.0.1:5000/cb"],
        client_id="another-portal",
    )
    request = _authorization_request(provider, redirect_uri="http://127.0.0.1:5000/cb")
    code = _query(provider.sign_in(request.url, "carl@kk.dk"), "http://127.0.0.1:5000/cb")["code"]
    tokens = _token(provider, code, request.verifier, redirect_uri="http://127.0.0.1:5000/cb")
    claims = _verified_claims(provider, tokens["id_token"])
    assert (claims["aud"], claims["sub"], claims["groups"]) == (
        "another-portal",
        "carl",
        ["vink-konsulent"],
    )
    pid = provider.pid

    provider.stop()

    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)  # the whole process group is gone


# --- The client's side, as the portal does it with its OIDC library -------------------------


class _Request:
    def __init__(self, url, state, nonce, verifier):
        self.url, self.state, self.nonce, self.verifier = url, state, nonce, verifier


def _authorization_request(provider, *, pkce=None, redirect_uri=CALLBACK):
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    if pkce is None:
        digest = hashlib.sha256(verifier.encode()).digest()
        pkce = {"code_challenge": _b64(digest), "code_challenge_method": "S256"}
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        **pkce,
    }
    url = f"{provider.metadata['authorization_endpoint']}?{urlencode(params)}"
    return _Request(url, state, nonce, verifier)


def _query(url, expected_base):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == expected_base, url
    return {k: v for k, [v] in parse_qs(parts.query).items()}


def _post_token(provider, code, verifier, redirect_uri=CALLBACK):
    credentials = f"{provider.client_id}:{provider.client_secret}".encode()
    status, _headers, body = Browser(provider.issuer).request(
        provider.metadata["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        {"Authorization": f"Basic {base64.b64encode(credentials).decode()}"},
    )
    return status, json.loads(body)


def _token(provider, code, verifier, redirect_uri=CALLBACK):
    status, answer = _post_token(provider, code, verifier, redirect_uri)
    assert status == 200, answer
    assert answer["token_type"].lower() == "bearer"
    return answer


def _verified_claims(provider, token):
    """The claims of an RS256 JWT whose signature a key of the provider's JWKS verifies."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_unb64(header_b64))
    assert header["alg"] == "RS256"
    _status, _headers, body = Browser(provider.issuer).request(provider.metadata["jwks_uri"])
    [key] = [k for k in json.loads(body)["keys"] if k["kid"] == header["kid"]]
    assert key["kty"] == "RSA"
    assert "d" not in key, "the JWKS publishes a private key"
    n, e = (int.from_bytes(_unb64(key[name]), "big") for name in ("n", "e"))
    size = (n.bit_length() + 7) // 8
    signed = pow(int.from_bytes(_unb64(signature_b64), "big"), e, n).to_bytes(size, "big")
    # EMSA-PKCS1-v1_5 (RFC 8017, 9.2) of SHA-256 over "header.payload", compared whole.
    digest_info = bytes.fromhex("3031300d060960864801650304020105000420")
    digest = hashlib.sha256(f"{header_b64}.{payload_b64}".encode()).digest()
    padding = b"\xff" * (size - 3 - len(digest_info) - len(digest))
    assert signed == b"\x00\x01" + padding + b"\x00" + digest_info + digest, "bad signature"
    return json.loads(_unb64(payload_b64))


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
