"""The gunicorn configuration the repository ships: it serves the app, and its access log never
holds a secret from a path or a Referer, while it does hold the request id."""

from tests.gunicorn_server import Browser, environment, serve


def test_the_access_log_redacts_secrets_and_carries_the_request_id(tmp_path):
    log = tmp_path / "access.log"
    env = environment(f"sqlite:///{tmp_path / 'g.sqlite3'}", GUNICORN_ACCESS_LOG=str(log))
    with serve(env) as base:
        browser = Browser(base)
        status, headers, _page = browser.get(
            "/svar/SECRETSIGNED.abc/ja", Referer=f"{base}/b/SECRETLINK.xyz"
        )
        assert status in (404, 405)
        browser.get("/kalender/SECRETFEED.ics")
        browser.get("/svar/fremmoede/SECRETATTEND.x")
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


class _Server:
    def __init__(self, workers):
        self.cfg = type("Config", (), {"workers": workers})()
        self.warnings = []
        self.log = type("Log", (), {"warning": lambda _self, *args: self.warnings.append(args)})()


def _shipped_configuration():
    import runpy
    from pathlib import Path

    return runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))


def test_several_workers_without_redis_are_warned_about_their_separate_limits(monkeypatch):
    when_ready = _shipped_configuration()["when_ready"]
    monkeypatch.delenv("REDIS_URL", raising=False)
    several, one = _Server(4), _Server(1)
    when_ready(several)
    when_ready(one)
    assert len(several.warnings) == 1 and "REDIS_URL" in several.warnings[0][0]
    assert one.warnings == []
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    shared = _Server(4)
    when_ready(shared)
    assert shared.warnings == []
