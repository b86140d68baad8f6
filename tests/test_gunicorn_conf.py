"""The gunicorn configuration the repository ships: it serves the app, and its access log never
holds a secret from a path or a Referer, while it does hold the request id."""

import subprocess

import pytest

from bench.run import ENVIRONMENT as BENCH_ENVIRONMENT
from tests.gunicorn_server import BIN, ROOT, Browser, environment, serve
from tests.smtp_server import free_port


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


def _hook(name, config):
    """A hook of the shipped configuration, reading `config` as the preloaded app's."""
    hook = _shipped_configuration()[name]
    hook.__globals__["_app_config"] = lambda: config
    return hook


def _config(env_name="development", storage="memory://", enabled=True):
    return {
        "ENV_NAME": env_name,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_ENABLED": enabled,
    }


def test_several_workers_without_redis_are_warned_about_their_separate_limits():
    several, one, shared = _Server(4), _Server(1), _Server(4)
    _hook("when_ready", _config())(several)
    _hook("when_ready", _config())(one)
    _hook("when_ready", _config(storage="redis://127.0.0.1:6379/0"))(shared)
    assert len(several.warnings) == 1 and "REDIS_URL" in several.warnings[0][0]
    assert one.warnings == [] and shared.warnings == []


def test_production_refuses_several_workers_whose_limits_would_each_be_their_own():
    with pytest.raises(SystemExit, match="REDIS_URL"):
        _hook("on_starting", _config("production"))(_Server(2))
    _hook("on_starting", _config("production"))(_Server(1))
    _hook("on_starting", _config("production", storage="redis://127.0.0.1:6379/0"))(_Server(4))
    _hook("on_starting", _config("production", enabled=False))(_Server(4))
    _hook("on_starting", _config("development"))(_Server(4))  # warned only (when_ready)


def test_gunicorn_itself_stops_at_once_with_the_reason(tmp_path):
    """The hook as gunicorn runs it: a production start with two workers and no REDIS_URL ends
    before it serves, and says why."""
    env = environment(
        f"sqlite:///{tmp_path / 'g.sqlite3'}",
        **{name: value for name, value in BENCH_ENVIRONMENT.items() if name != "RATELIMIT_ENABLED"},
        GUNICORN_BIND=f"127.0.0.1:{free_port()}",
    )
    env.pop("REDIS_URL", None)
    started = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode != 0
    assert "Set REDIS_URL" in started.stderr
