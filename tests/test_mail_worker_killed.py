"""The mail worker as it runs in production (`flask send-mail --loop`, a process of its own):
killed with SIGKILL in the middle of a batch and started again, nothing is lost and nothing is
sent twice; two of them at once send each message once. The SMTP server is real (aiosmtpd) and
slow, so the kill lands mid-delivery."""

import signal
import subprocess
import sys
import textwrap
import time

from tests.gunicorn_server import BIN, ROOT, environment, migrate
from tests.smtp_server import SMTPServer, free_port

MESSAGES = 6


def _python(env, code):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def _worker(env):
    return subprocess.Popen(
        [str(BIN / "flask"), "send-mail", "--loop", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _outbox_with_messages(tmp_path, count):
    """(SMTP port, environment) of a fresh database whose outbox holds `count` messages."""
    port = free_port()
    env = environment(
        f"sqlite:///{tmp_path / 'mail.sqlite3'}",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_USE_TLS="false",
    )
    migrate(env)
    _python(
        env,
        f"""
        from app import app
        from portal.extensions import db
        from portal.services.mail import outbox
        with app.app_context():
            for n in range({count}):
                outbox.queue_email(
                    to=f"modtager{{n}}@example.org", subject=f"Besked {{n}}", body="Tekst",
                    kind="test",
                )
            db.session.commit()
        """,
    )
    return port, env


def test_a_worker_process_killed_mid_batch_and_restarted_sends_each_message_once(tmp_path):
    port, env = _outbox_with_messages(tmp_path, MESSAGES)
    with SMTPServer(port, delay=0.4) as server:
        worker = _worker(env)
        try:
            # Into the third message's DATA (which takes 0.4 s), so the second is marked sent.
            # Killed between a server's 250 and that commit, a message would go again: that
            # window of a few milliseconds is SMTP's own, and no outbox can close it.
            assert _wait_for(lambda: server.data_begun >= 3, 30)
        finally:
            worker.send_signal(signal.SIGKILL)  # no except, no finally, no rollback runs
            worker.wait(timeout=10)
        assert len(server.messages) == 2  # the third was in DATA: never handed over

        restarted = _worker(env)
        try:
            # The message the dead worker held stays leased; the rest go at once.
            assert _wait_for(lambda: len(server.messages) >= MESSAGES - 1, 30)
            time.sleep(1.5)  # another round of the loop: it leaves the leased message alone
            held = len(server.messages)
            # Five minutes later (the lease, shortened here by moving it): the held one goes.
            _python(
                env,
                """
                from app import app
                from portal import clock
                from portal.extensions import db
                from portal.models import OutboxMessage
                from portal.models.enums import OutboxStatus
                with app.app_context():
                    db.session.execute(
                        db.update(OutboxMessage)
                        .where(OutboxMessage.status == OutboxStatus.PENDING)
                        .values(lease_until=clock.now())
                    )
                    db.session.commit()
                """,
            )
            assert _wait_for(lambda: len(server.messages) >= MESSAGES, 30)
            time.sleep(1.5)  # and nothing more comes
        finally:
            restarted.terminate()
            restarted.wait(timeout=10)
    received = sorted(str(m["To"]) for m in server.messages)
    assert received == sorted(f"modtager{n}@example.org" for n in range(MESSAGES))
    assert held == MESSAGES - 1  # until its lease ran out, the third waited
    statuses = _python(
        env,
        """
        from app import app
        from portal.extensions import db
        from portal.models import OutboxMessage
        with app.app_context():
            print(sorted(s.value for s in db.session.scalars(db.select(OutboxMessage.status))))
        """,
    )
    assert statuses.strip() == str(["sent"] * MESSAGES)


def test_two_worker_processes_at_once_send_each_message_once(tmp_path):
    port, env = _outbox_with_messages(tmp_path, 10)
    with SMTPServer(port, delay=0.1) as server:
        workers = [_worker(env) for _ in range(2)]
        try:
            assert _wait_for(lambda: len(server.messages) >= 10, 60)
            time.sleep(1.5)  # another round of both loops: nothing more comes
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=10)
    received = sorted(str(m["To"]) for m in server.messages)
    assert received == sorted(f"modtager{n}@example.org" for n in range(10))
