"""The gunicorn configuration the repository ships: it serves the app, and its access log never
holds a secret from a path or a Referer, while it does hold the request id."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers)


def test_the_access_log_redacts_secrets_and_carries_the_request_id(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")} | {
        "VINK_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                _get(f"{base}/healthz")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        status, headers = _get(
            f"{base}/svar/SECRETSIGNED.abc/ja", Referer=f"{base}/b/SECRETLINK.xyz"
        )
        assert status in (404, 405)
        _get(f"{base}/kalender/SECRETFEED.ics")
        _get(f"{base}/svar/fremmoede/SECRETATTEND.x")
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    assert "SECRET" not in text
    assert "/svar/<redacted>/ja" in text
    assert "/kalender/<redacted>.ics" in text
    assert "/b/<redacted>" in text  # the Referer
    assert f"request_id={headers['X-Request-Id']}" in text


def test_the_apps_own_log_lines_redact_secrets(app, caplog):
    with app.test_request_context("/svar/SECRETSIGNED.abc/ja", method="POST"):
        app.logger.error("Exception on %s [%s]", "/svar/SECRETSIGNED.abc/ja", "POST")
    assert "SECRET" not in caplog.text
    assert "/svar/<redacted>/ja" in caplog.text
