"""The portal served by gunicorn with the repository's gunicorn.conf.py, on loopback, for tests
that need real processes (shared limits across instances, the access log)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.clock import faketime_env
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def environment(database_url, **overrides):
    """The environment of a process a test starts: at the test's own instant (libfaketime)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    return (
        env
        | faketime_env()
        | {
            "VINK_ENV": "development",
            "FLASK_APP": "app.py",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "gunicorn-test-secret-key-of-32-bytes",
            "WEB_CONCURRENCY": "1",
            "MAIL_SEND_SYNC": "false",
        }
        | overrides
    )


def migrate(env):
    subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def serve(env, log=None):
    """Yield the base URL of a gunicorn serving the app with `env`; stop it afterwards. The
    server's own output goes to the file `log`, if given."""
    port = free_port()
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                Browser(base).get("/healthz")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            output.close()


class Browser:
    """A cookie-keeping HTTP client on loopback."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )

    def request(self, path, data=None, **headers):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read().decode()

    def get(self, path, **headers):
        return self.request(path, **headers)

    def csrf_token(self, path="/"):
        _status, _headers, page = self.get(path)
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
