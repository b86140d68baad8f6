"""The outbox against a real SMTP server that misbehaves: refusing half a batch, answering
slowly or too slowly, a worker dying mid-batch, two workers at once. Nothing is lost and
nothing is sent twice."""

import threading
from collections import Counter
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import OutboxStatus
from portal.services.mail import outbox
from tests.smtp_server import SMTPServer


def _queue(count):
    messages = [
        outbox.queue_email(
            to=f"{'fail' if n % 2 else 'ok'}{n}@example.org",
            subject=f"Besked {n}",
            body="Tekst",
            kind="test",
        )
        for n in range(count)
    ]
    db.session.commit()
    return messages


def _received(server):
    return Counter(str(m["To"]) for m in server.messages)


def test_a_server_refusing_half_a_batch_gets_that_half_again_later_and_only_that(smtp_config):
    messages = _queue(6)
    refusing = SMTPServer(smtp_config["MAIL_PORT"], refuse=lambda a: a.startswith("fail"))
    with refusing as server:
        assert outbox.deliver_due() == (3, 0)
    assert set(_received(server)) == {"ok0@example.org", "ok2@example.org", "ok4@example.org"}
    waiting = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).all()
    assert len(waiting) == 3
    assert all(m.attempts == 1 and "451" in m.last_error for m in waiting)
    assert all(m.to_address not in m.last_error for m in waiting)  # masked: f***@example.org
    assert all(m.next_attempt_at > clock.now() for m in waiting)  # a pause before the retry
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        assert outbox.deliver_due() == (0, 0)  # not before the pause is over
        assert outbox.deliver_due(now=clock.now() + timedelta(hours=1)) == (3, 0)
    assert set(_received(server)) == {"fail1@example.org", "fail3@example.org", "fail5@example.org"}
    assert all(m.status == OutboxStatus.SENT for m in messages)


def test_a_slow_server_within_the_timeout_gets_each_message_once(smtp_config):
    _queue(3)
    with SMTPServer(smtp_config["MAIL_PORT"], delay=0.3) as server:
        assert outbox.deliver_due() == (3, 0)
    assert set(_received(server).values()) == {1}


def test_a_server_slower_than_the_timeout_keeps_the_message_for_a_retry(
    app, smtp_config, monkeypatch
):
    [message] = _queue(1)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.2)
    with SMTPServer(smtp_config["MAIL_PORT"], delay=0.6) as server:
        assert outbox.deliver_due() == (0, 0)
    assert server.messages == []  # the client hung up before the server took it
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 10)
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        outbox.deliver_due(now=clock.now() + timedelta(hours=1))
    assert _received(server) == {"ok0@example.org": 1}


class WorkerKilled(BaseException):
    """What SIGKILL does to a worker: no `except Exception` runs."""


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(smtp_config):
    _queue(5)
    sent_before_dying = []

    def dies_at_the_third(message, config):
        if len(sent_before_dying) == 2:
            raise WorkerKilled
        outbox.send_smtp(message, config)
        sent_before_dying.append(message.id)

    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        with pytest.raises(WorkerKilled):
            outbox.deliver_due(backend=dies_at_the_third)
        db.session.rollback()
        # Restarted at once: the message the dead worker held is leased, the rest go.
        assert outbox.deliver_due() == (2, 0)
        # Once its lease has run out, the held message goes too.
        later = clock.now() + outbox.LEASE + timedelta(seconds=1)
        assert outbox.deliver_due(now=later) == (1, 0)
    assert len(server.messages) == 5
    assert set(_received(server).values()) == {1}


def test_two_workers_at_once_send_each_message_once(app, smtp_config):
    _queue(8)
    results = []

    def worker():
        with app.app_context():
            results.append(outbox.deliver_due())
            db.session.remove()

    with SMTPServer(smtp_config["MAIL_PORT"], delay=0.05) as server:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(sent for sent, _failed in results) == 8
    assert len(server.messages) == 8
    assert set(_received(server).values()) == {1}
