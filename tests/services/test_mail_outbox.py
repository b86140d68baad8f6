"""The outbox: nothing is lost when the mail server is down, nothing is sent twice."""

import email
from datetime import timedelta
from email import policy
from pathlib import Path

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import OutboxStatus
from portal.services.mail import outbox
from tests.smtp_server import SMTPServer


def _queue(**overrides):
    values = {
        "to": "laerer@example.org",
        "subject": "Kvittering for jeres bestilling",
        "body": "Tak for jeres henvendelse.\nMed venlig hilsen VINK",
        "kind": "receipt",
    } | overrides
    message = outbox.queue_email(**values)
    db.session.commit()
    return message


def test_queue_email_stores_a_pending_message_and_sends_nothing(app):
    message = _queue()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    assert message.sent_at is None
    assert not list(Path(app.config["MAIL_DIR"]).glob("*.eml"))


def test_a_newline_cannot_sneak_into_the_subject():
    message = _queue(subject="Hej\r\nBcc: victim@example.org")
    assert message.subject == "Hej Bcc: victim@example.org"


def test_one_broken_message_is_retried_and_does_not_stop_the_others():
    broken, fine = _queue(kind="broken"), _queue(kind="fine")
    delivered = []

    def backend(message, _config):
        if message.kind == "broken":
            raise ValueError("cannot build this one")
        delivered.append(message.id)

    assert outbox.deliver_due(backend=backend) == (1, 0)
    assert delivered == [fine.id]
    assert broken.status == OutboxStatus.PENDING
    assert broken.attempts == 1
    assert "cannot build this one" in broken.last_error


def test_only_one_worker_can_claim_a_message():
    message = _queue()
    now = clock.now()
    assert outbox._claim(message.id, now) is not None
    assert outbox._claim(message.id, now) is None  # the second worker loses


def test_a_message_another_worker_sent_meanwhile_cannot_be_claimed():
    """Worker A read the due ids; worker B claimed, sent and released the message before A
    got to it: A must not win the claim, or the message goes out twice."""
    message = _queue()
    message.status = OutboxStatus.SENT
    message.sent_at = clock.now()
    message.lease_until = None
    db.session.commit()
    assert outbox._claim(message.id, clock.now()) is None


def test_a_dedupe_key_queues_a_reminder_only_once():
    assert _queue(dedupe_key="reminder:event:1") is not None
    assert _queue(dedupe_key="reminder:event:1") is None
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_deliver_due_sends_over_smtp_and_marks_the_message_sent(smtp_config):
    message = _queue()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        assert outbox.deliver_due() == (1, 0)
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    [received] = server.messages
    assert received["Subject"] == "Kvittering for jeres bestilling"
    assert received["To"] == "laerer@example.org"
    assert "Tak for jeres henvendelse." in received.get_content()


def test_a_message_waits_while_the_mail_server_is_down_and_goes_once_it_is_back(smtp_config):
    message = _queue()
    assert outbox.deliver_due() == (0, 0)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > clock.now()

    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        # Not due yet: the backoff holds it back.
        assert outbox.deliver_due() == (0, 0)
        assert outbox.deliver_due(now=message.next_attempt_at) == (1, 0)
    assert message.status == OutboxStatus.SENT
    assert len(server.messages) == 1


def test_the_backoff_grows_and_a_message_fails_after_the_last_attempt(app, smtp_config):
    message = _queue()
    now = clock.now()
    waits = []
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        outbox.deliver_due(now=now)
        if message.status == OutboxStatus.FAILED:
            break
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert waits == sorted(waits)
    assert waits[0] < waits[-1]


def test_a_message_leased_by_another_worker_is_left_alone(smtp_config):
    message = _queue()
    message.lease_until = clock.now() + timedelta(minutes=5)
    db.session.commit()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        assert outbox.deliver_due() == (0, 0)
    assert server.messages == []


def test_sent_messages_are_never_sent_again(smtp_config):
    _queue()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        outbox.deliver_due()
        outbox.deliver_due(now=clock.now() + timedelta(days=1))
    assert len(server.messages) == 1


def test_the_file_backend_writes_a_readable_eml_into_the_mail_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    _queue(subject="Ny forespørgsel: Ung-til-ung dialog")
    assert outbox.deliver_due() == (1, 0)
    [path] = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Ny forespørgsel: Ung-til-ung dialog"
    assert parsed["To"] == "laerer@example.org"
    assert "Tak for jeres henvendelse." in parsed.get_content()


def test_send_mail_command_reports_what_it_sent(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    _queue()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "1 sendt, 0 opgivet" in result.output
