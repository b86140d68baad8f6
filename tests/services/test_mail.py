"""Mail as the services use it: one function sends every kind, a kind the portal does not know is
refused before anything is queued, and a mail the worker writes is never sent without its text."""

import pytest

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import OutboxStatus
from portal.services import mail
from portal.services.mail import outbox


def _outbox():
    return db.session.scalars(db.select(OutboxMessage)).all()


def test_sending_a_kind_the_portal_does_not_know_is_refused_and_queues_nothing():
    with pytest.raises(mail.MailError):
        mail.send("no_such_mail", to="a@example.org")
    assert _outbox() == []


def test_sending_a_danish_only_mail_in_english_is_refused():
    with pytest.raises(mail.MailError):
        mail.send("secretariat_dates_proposed", to="vink@example.org", locale="en")
    assert _outbox() == []


def test_what_the_secretariat_writes_to_everyone_goes_as_written():
    mail.send("event_message", to="a@example.org", subject="Ny  tid\n", body="Hej {navn}\n\nKl. 9")
    [message] = _outbox()
    assert (message.subject, message.body_text) == ("Ny tid", "Hej {navn}\n\nKl. 9\n")


def test_a_mail_the_worker_writes_is_queued_with_its_parameters_only():
    mail.send("tracking_links", to="a@example.org", locale="en")
    [message] = _outbox()
    assert message.subject == ""
    assert '"locale": "en"' in message.body_text


def test_a_mail_without_text_whose_writer_is_not_registered_is_never_sent(monkeypatch):
    monkeypatch.setattr(outbox, "COMPOSERS", {})
    mail.send("tracking_links", to="a@example.org")
    db.session.commit()
    sent = []
    assert mail.deliver_due(backend=lambda m, _c: sent.append(m)) == (0, 0)
    [message] = _outbox()
    assert sent == []
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "no composer for 'tracking_links'" in message.last_error


def test_only_a_mail_the_worker_writes_can_have_a_writer():
    with pytest.raises(mail.MailError):
        mail.register_composer("request_receipt", lambda to, params: ("S", "B"))
    with pytest.raises(mail.MailError):
        mail.register_composer("no_such_mail", lambda to, params: ("S", "B"))


def test_the_app_registers_every_mail_the_worker_writes():
    composed = {kind for kind, spec in mail.KINDS.items() if spec.composed}
    assert composed == set(outbox.COMPOSERS) == {"tracking_links"}


def test_every_kind_has_wording_in_each_of_its_languages_using_only_its_placeholders():
    for kind, spec in mail.KINDS.items():
        for language in spec.languages:
            subject, body = mail.filling.shipped_text(kind, language)
            used = set(mail.filling.placeholders_in(subject + body))
            assert used <= set(spec.placeholders), (kind, language)
            assert set(spec.required) <= set(mail.filling.placeholders_in(body)), kind
