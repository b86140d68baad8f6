"""A real OpenID Connect provider for the tests: panva's oidc-provider (npm), on loopback.

`make test` installs the pinned package into .venv/oidc-provider-VERSION and passes its folder
as OIDC_PROVIDER_DIR; tests/oidc/provider.mjs runs it with one confidential client, the given
accounts and a login page of its own ("Brugernavn", "Log ind"). Without the package a test that
asks for the provider is skipped, and fails when CI is set: CI runs `make test`, which installs it.

`oidc_provider(...)` starts one provider for the test (at the test's instant, through
libfaketime, like every process a test starts) and stops it, with everything it started, at
teardown. Travel before starting it: its clock runs on from where the test's clock was.

    def test_...(oidc_provider):
        provider = oidc_provider(
            accounts=[account("anna", groups=["vink-sekretariat"])],
            redirect_uris=["http://localhost/log-ind/oidc"],
        )
        provider.issuer, provider.discovery_url, provider.client_id, provider.client_secret
        back = provider.sign_in(authorization_url, "anna@kk.dk")  # redirect_uri?code=...&state=...
        provider.sign_out(end_session_url)  # confirms the provider's "Log ud" page

`sign_in` and `sign_out` act as one browser (`provider.browser`, cookies kept: a second
`sign_in` needs no username while the provider's session lasts); another browser is
`provider.new_browser()`. A browser test drives the same pages with Playwright:
`page.get_by_label("Brugernavn").fill(...)`, `page.get_by_role("button", name="Log ind")`.
For a module- or session-wide provider, `with running_oidc_provider(folder, at=instant, ...)`
(start it at the instant its tests run at, e.g. TERM_TIME_TUESDAY).
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from tests.clock import faketime_env

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PROVIDER_DIR = os.environ.get("OIDC_PROVIDER_DIR", "")
# Node loads oidc-provider in about a second; on a machine running two suites at once a start
# once went past 20 s (no READY line, no error in its log).
STARTUP_SECONDS = 60


def account(sub, *, email=None, email_verified=True, name=None, groups=(), username=None):
    """An account of the provider; it signs in with `username`, or its email when it has none."""
    claims = {
        "sub": sub,
        "email": email or f"{sub}@kk.dk",
        "email_verified": email_verified,
        "name": name or sub.capitalize(),
        "groups": list(groups),
    }
    return claims | ({"username": username} if username else {})


DEFAULT_ACCOUNTS = (
    account("anna", name="Anna Andersen", groups=["vink-sekretariat"]),
    account("bo", name="Bo Bech", groups=["vink-admin", "vink-sekretariat"]),
)


def provider_dir():
    """The folder `make test` installed oidc-provider into, or None when it is not there."""
    if not PROVIDER_DIR:
        return None
    folder = Path(PROVIDER_DIR)
    folder = folder if folder.is_absolute() else ROOT / folder
    return folder if (folder / "node_modules" / "oidc-provider" / "package.json").exists() else None


def node_and_package():
    """(node, the installed package's folder); skips the test without them, fails it in CI."""
    node = shutil.which("node")
    folder = provider_dir()
    if node is None or folder is None:
        reason = (
            "oidc-provider not installed (OIDC_PROVIDER_DIR) or no node: run the suite with "
            "`make test`"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node, folder


@contextmanager
def running_oidc_provider(workdir, *, at=None, **settings):
    """A started OIDCProvider (see its arguments) at instant `at` (default: the test's clock),
    stopped on leaving: for a fixture of a wider scope than the test's."""
    node, folder = node_and_package()
    provider = OIDCProvider(node=node, package=folder, workdir=workdir, **settings)
    try:
        provider.start(at=at)
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def oidc_provider(tmp_path_factory):
    """oidc_provider(accounts=..., redirect_uris=..., post_logout_redirect_uris=..., client_id=...,
    client_secret=..., token_endpoint_auth_method=...) -> a running OIDCProvider, stopped after
    the test."""
    node_and_package()
    with ExitStack() as stack:

        def start(**settings):
            workdir = tmp_path_factory.mktemp("oidc")
            return stack.enter_context(running_oidc_provider(workdir, **settings))

        yield start


class OIDCProvider:
    """One oidc-provider process; `issuer` and the rest are known once `start()` returned."""

    def __init__(
        self,
        *,
        node,
        package,
        workdir,
        accounts=DEFAULT_ACCOUNTS,
        redirect_uris=("http://localhost/oidc/callback",),
        post_logout_redirect_uris=("http://localhost/",),
        client_id="vink-portal",
        client_secret=None,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S107 (a method, not a secret)
    ):
        self.node, self.package, self.workdir = node, package, Path(workdir)
        self.accounts = [dict(a) for a in accounts]
        self.redirect_uris = list(redirect_uris)
        self.post_logout_redirect_uris = list(post_logout_redirect_uris)
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(32)
        self.token_endpoint_auth_method = token_endpoint_auth_method
        self.issuer = None
        self.log = self.workdir / "provider.log"
        self._process = None
        self._metadata = None
        self.browser = None

    @property
    def discovery_url(self):
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def metadata(self):
        """The discovery document, fetched once."""
        if self._metadata is None:
            status, _headers, body = Browser(self.issuer).request(self.discovery_url)
            assert status == 200, body
            self._metadata = json.loads(body)
        return self._metadata

    def start(self, *, at=None):
        config = self.workdir / "config.json"
        config.write_text(
            json.dumps(
                {
                    "client": {
                        "client_id": self.client_id,
                        "client_secret": self.client_secret,
                        "redirect_uris": self.redirect_uris,
                        "post_logout_redirect_uris": self.post_logout_redirect_uris,
                        "token_endpoint_auth_method": self.token_endpoint_auth_method,
                    },
                    "accounts": self.accounts,
                }
            )
        )
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                [self.node, str(SCRIPT), "--config", str(config), "--provider-dir", self.package],
                cwd=ROOT,
                env=os.environ | faketime_env(at),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, ended whole by stop()
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while (ready := re.search(r"^READY (\S+)$", self.log.read_text(), re.M)) is None:
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"oidc-provider did not start:\n{self.log.read_text()}")
            time.sleep(0.02)
        self.issuer = ready.group(1)
        self.browser = self.new_browser()

    def stop(self):
        """End the provider's process group (SIGTERM, then SIGKILL); safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        process.wait()

    @property
    def pid(self):
        return self._process.pid if self._process else None

    def new_browser(self):
        return Browser(self.issuer)

    def sign_in(self, authorization_url, username=None, *, browser=None):
        return (browser or self.browser).sign_in(authorization_url, username)

    def sign_out(self, end_session_url, *, browser=None):
        return (browser or self.browser).sign_out(end_session_url)


class SignInFailed(AssertionError):
    """The provider answered with a page the helper does not know how to get past."""

    def __init__(self, status, url, body):
        super().__init__(f"{status} at {url}:\n{body[:2000]}")
        self.status, self.url, self.body = status, url, body


class Browser:
    """A cookie-keeping HTTP client that walks the provider's pages as a person would."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def request(self, url, data=None, headers=None):
        """(status, headers, text) of one request; `data` (a dict) makes it a form POST."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode()

    def sign_in(self, authorization_url, username=None):
        """Follow `authorization_url` through the provider's pages, typing `username` into its
        login page when it shows one, and return the URL the provider sends the browser back
        to: the redirect_uri with code, state and iss, or with error and error_description."""
        url, data = authorization_url, None
        for _ in range(10):
            status, headers, body = self.request(url, data)
            if status in (302, 303):
                url, data = urllib.parse.urljoin(url, headers["Location"]), None
                if not url.startswith(f"{self.issuer}/"):
                    return url
                continue
            form = _login_form(body)
            if status != 200 or form is None or username is None:
                raise SignInFailed(status, url, body)
            url, data = urllib.parse.urljoin(url, form.get("action")), {"username": username}
        raise SignInFailed(status, url, "too many redirects")

    def sign_out(self, end_session_url):
        """Open `end_session_url`, confirm "Log ud", and return where the provider ends up: the
        post_logout_redirect_uri (with state), or its own "Du er logget ud" page."""
        status, _headers, body = self.request(end_session_url)
        if status != 200:
            raise SignInFailed(status, end_session_url, body)
        page = lxml.html.fromstring(body)
        [button] = page.xpath("//button[normalize-space()='Log ud']")
        [form] = page.xpath("//form[@id=$id]", id=button.get("form"))
        fields = {i.get("name"): i.get("value", "") for i in form.xpath(".//input[@name]")}
        fields[button.get("name")] = button.get("value")
        url = urllib.parse.urljoin(end_session_url, form.get("action"))
        status, headers, body = self.request(url, fields)
        while status in (302, 303):
            url = urllib.parse.urljoin(url, headers["Location"])
            if not url.startswith(f"{self.issuer}/"):
                return url
            status, headers, body = self.request(url)
        if status != 200:
            raise SignInFailed(status, url, body)
        return url


def _login_form(body):
    """The provider's login form (a "Brugernavn" field and a "Log ind" button), or None."""
    try:
        page = lxml.html.fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return None
    for form in page.forms:
        labelled = form.xpath(".//label[normalize-space()='Brugernavn']")
        button = form.xpath(".//button[normalize-space()='Log ind']")
        if labelled and button:
            return form
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
