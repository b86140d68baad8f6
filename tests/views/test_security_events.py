"""Failed logins are slowed per account, whatever the address; security events are logged with
the request id, and never with a password or a link's secret."""

import logging
import re

import pytest

from portal.models.enums import Role
from portal.security import redact_path
from tests.factories import PASSWORD, make_user


def _attempt(client, email, password, address):
    return client.post(
        "/log-ind",
        data={"csrf_token": client.csrf_token(), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failed_logins_are_throttled_per_account_from_any_address(app, client):
    target = make_user(role=Role.SECRETARIAT)
    bystander = make_user(role=Role.SECRETARIAT)
    for n in range(10):
        response = _attempt(client, target.email, f"guess-{n}", f"10.0.0.{n}")
        assert response.status_code == 422
    # The eleventh try, from yet another address, and even with the right password, waits.
    assert _attempt(client, target.email, PASSWORD, "10.0.1.1").status_code == 429
    assert _attempt(client, target.email.upper(), PASSWORD, "10.0.1.2").status_code == 429
    # Another account is not locked out by it.
    assert _attempt(client, bystander.email, PASSWORD, "10.0.1.3").status_code == 302


def _variants(email):
    """One address as a robot or a paste sends it: control characters anywhere, case, Unicode
    compatibility forms (full-width letters), and white space around and inside."""
    local, domain = email.split("@")
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in local)
    return [
        email + "\x01",
        "\x00" + email,
        email.replace("@", "\x7f@"),
        email.replace("@", "@\x03"),
        email.upper(),
        f"{full_width}@{domain}",
        f"  {email}\t",
        email.replace("@", "\u200b@"),
        f"{local}@\u00a0{domain}",
        email.title(),
    ]


def test_every_variant_of_one_address_counts_against_that_one_account(app, client):
    target = make_user(role=Role.SECRETARIAT)
    for n, variant in enumerate(_variants(target.email)):
        response = _attempt(client, variant, f"guess-{n}", f"10.0.4.{n}")
        assert response.status_code == 422, repr(variant)
    # Throttled now, whichever way the address is written, the right password included.
    for n, variant in enumerate([target.email, *_variants(target.email)]):
        response = _attempt(client, variant, PASSWORD, f"10.0.5.{n}")
        assert response.status_code == 429, repr(variant)


def test_a_variant_of_the_address_logs_in_as_the_address_does(app):
    user = make_user(role=Role.SECRETARIAT)
    for n, variant in enumerate(_variants(user.email)):
        response = _attempt(app.test_client(), variant, PASSWORD, f"10.0.6.{n}")
        assert response.status_code == 302, repr(variant)


def test_a_successful_login_does_not_count_against_the_account(app):
    user = make_user(role=Role.SECRETARIAT)
    for n in range(12):
        client = app.test_client()
        assert _attempt(client, user.email, PASSWORD, f"10.0.2.{n}").status_code == 302


def test_security_events_carry_the_request_id_and_never_the_password(client, caplog):
    user = make_user(role=Role.SECRETARIAT)
    caplog.set_level(logging.WARNING, logger="portal.security")
    response = _attempt(client, user.email, "hemmelig-kode-123", "10.0.3.1")
    request_id = response.headers["X-Request-Id"]
    [line] = [r.getMessage() for r in caplog.records if "login.failed" in r.getMessage()]
    assert f"request_id={request_id}" in line
    assert user.email not in line  # a keyed tag, the same for the same account
    from portal.security import account_tag

    with client.application.app_context():
        assert f"account={account_tag(user.email.upper())}" in line
    assert "hemmelig-kode-123" not in caplog.text
    client.post("/log-ud")  # no CSRF token: refused and logged
    assert any("csrf.refused" in r.getMessage() for r in caplog.records)


def _events(caplog, name):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(name + " ")]


def test_logins_refused_access_and_rate_limits_are_security_events_with_the_request_id(
    app, client, caplog
):
    caplog.set_level(logging.WARNING, logger="portal.security")
    user = make_user(role=Role.ASSIGNEE)
    response = _attempt(client, user.email, PASSWORD, "10.0.4.1")
    [line] = _events(caplog, "login.succeeded")
    assert f"request_id={response.headers['X-Request-Id']}" in line
    assert f"user_id={user.id}" in line and PASSWORD not in line
    refused = client.get("/sekretariat/")  # an assignee on the secretariat's pages
    assert refused.status_code == 403
    [line] = _events(caplog, "access.refused")
    assert f"request_id={refused.headers['X-Request-Id']}" in line
    assert "path=/sekretariat/" in line
    stranger = app.test_client()
    for n in range(30):
        limited = _attempt(stranger, "ingen@example.org", f"gæt-{n}", "10.0.4.2")
        if limited.status_code == 429:
            break
    assert limited.status_code == 429
    [line] = _events(caplog, "rate_limit.hit")
    assert f"request_id={limited.headers['X-Request-Id']}" in line
    assert "path=/log-ind" in line


def test_a_request_id_given_by_the_proxy_is_kept_and_a_forged_one_replaced(client):
    assert (
        client.get("/", headers={"X-Request-Id": "abc12345-proxy"}).headers["X-Request-Id"]
        == "abc12345-proxy"
    )
    forged = client.get("/", headers={"X-Request-Id": "<script> or a very long ; one"})
    assert forged.headers["X-Request-Id"].isalnum()
    assert len(forged.headers["X-Request-Id"]) == 32


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/b/WzEsImFiYyJd.sig", "/b/<redacted>"),
        ("/svar/WzEsImFiYyJd.sig/ja", "/svar/<redacted>/ja"),
        ("/svar/fremmoede/WzEsImFiYyJd.sig", "/svar/fremmoede/<redacted>"),
        ("/kalender/mlmCm5qkNAKWYwDS.ics", "/kalender/<redacted>.ics"),
        ("/adgangskode/WzEsImFiYyJd.sig", "/adgangskode/<redacted>"),
        ("/glemt-adgangskode/WzEsImFiYyJd.sig", "/glemt-adgangskode/<redacted>"),
        ("/evaluering/WzEsImFiYyJd.sig", "/evaluering/<redacted>"),
        ("/e/12-e09336d7/tak", "/e/<redacted>/tak"),
        ("/E/12-E09336D7", "/e/<redacted>"),
        ("/glemt-adgangskode", "/glemt-adgangskode"),
        (
            '"GET /log-ind/kommune/svar?code=abc&state=xyz&iss=http HTTP/1.1" 302',
            '"GET /log-ind/kommune/svar?<redacted> HTTP/1.1" 302',
        ),
        ("/log-ind/kommune", "/log-ind/kommune"),
        ("/sekretariat/henvendelser/12", "/sekretariat/henvendelser/12"),
    ],
)
def test_secrets_in_paths_never_reach_a_log(path, logged):
    assert redact_path(path) == logged


# The routes whose text argument is not a secret: a field's name, a language, a kind of row.
NOT_SECRET = {"filename", "name", "code", "kind", "language"}


def test_every_route_that_carries_a_secret_in_its_path_is_redacted(app):
    """A new route with a signed link or a token in its path is covered by name, not by
    someone remembering to add it: every text argument but the few known harmless ones."""
    for rule in app.url_map.iter_rules():
        secrets = [a for a in rule.arguments if a not in NOT_SECRET]
        texts = [a for a in secrets if "Integer" not in type(rule._converters[a]).__name__]
        if not texts:
            continue
        path = rule.rule
        for argument in rule.arguments:
            value = "SECRETVALUE.x" if argument in texts else "7"
            path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", value, path)
        assert "SECRETVALUE" not in redact_path(path), rule.rule
