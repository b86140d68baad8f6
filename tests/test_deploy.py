"""The deploy/ files an operator installs: systemd units that systemd itself accepts, timers for
the jobs the README says to schedule, and a reverse proxy that serves static files and HSTS."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_accepts_every_unit(tmp_path):
    env = tmp_path / "vink.env"
    env.write_text("VINK_ENV=production\n")
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/vink", str(ROOT))
        (tmp_path / unit.name).write_text(text.replace("/etc/vink/vink.env", str(env)))
    units = sorted(str(p) for p in tmp_path.iterdir() if p.suffix in (".service", ".timer"))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_every_scheduled_job_has_a_timer_and_every_command_exists():
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").iterdir()}
    assert "OnCalendar=*:0/15" in units["vink-reminders.timer"]
    assert "OnCalendar=*-*-* 03:30:00" in units["vink-anonymise.timer"]
    assert "flask send-mail --loop" in units["vink-mail.service"]
    assert "gunicorn -c gunicorn.conf.py app:app" in units["vink-web.service"]
    from portal import cli

    commands = {cmd.name for cmd in vars(cli).values() if hasattr(cmd, "callback")}
    assert {"send-mail", "send-reminders", "anonymise", "backup"} <= commands


def test_the_proxy_serves_static_files_with_long_caching_and_sends_hsts():
    site = (DEPLOY / "nginx" / "vink.conf").read_text()
    assert "location /static/" in site
    assert "expires 30d" in site
    assert "Strict-Transport-Security" in site
    assert "proxy_set_header X-Forwarded-For" in site
    env = (DEPLOY / "vink.env.example").read_text()
    assert "PROXY_FIX_X_FOR=1" in env
    assert "VINK_ENV=production" in env
