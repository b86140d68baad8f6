"""Mail as the services use it: one function sends every kind, a kind the portal does not know is
refused before anything is queued, and a mail the worker writes is never sent without its text."""

import ast
from pathlib import Path

import pytest

from portal import i18n
from portal.extensions import db
from portal.links import tracking_url
from portal.models import OutboxMessage
from portal.models.enums import OutboxStatus
from portal.services import mail
from portal.services.mail import outbox
from tests.factories import mails, make_event, make_request, make_scheduled

SERVICES = Path(__file__).resolve().parents[2] / "portal" / "services"


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
    event = make_event()
    mail.send(
        "event_message",
        to="a@example.org",
        event=event,
        subject="Ny  tid\n",
        body="Hej {navn}\n\nKl. 9",
    )
    [message] = _outbox()
    # The subject as typed (on one line), then what the message is about.
    assert (
        message.subject == f"Ny tid ({event.offer_kind.name()} {i18n.long_date(event.starts_at)})"
    )
    # As typed, then the event it is about (tests/services/test_event_details.py).
    assert message.body_text.startswith("Hej {navn}\n\nKl. 9\n\n---\n")


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
    assert composed == set(outbox.COMPOSERS) == {"tracking_links", "user_password_reset"}


def test_every_kind_has_wording_in_each_of_its_languages_using_only_its_placeholders():
    for kind, spec in mail.KINDS.items():
        for language in spec.languages:
            subject, body = mail.filling.shipped_text(kind, language)
            used = set(mail.filling.placeholders_in(subject + body))
            assert used <= set(spec.placeholders), (kind, language)
            assert set(spec.required) <= set(mail.filling.placeholders_in(body)), kind


@pytest.mark.parametrize("kind", [k for k in mail.KINDS if k.startswith("assignee_")])
def test_every_mail_to_an_assignee_says_how_to_reach_the_secretariat(kind):
    """A resource person or ambassador can always write back: even the cancellation, which
    asks nothing of them, ends with the secretariat's address and phone."""
    for language in mail.KINDS[kind].languages:
        _subject, body = mail.filling.shipped_text(kind, language)
        assert "{kontakt}" in body.splitlines()[-1], (kind, language)


def test_a_message_the_secretariat_wrote_keeps_its_blank_lines_and_signature_dash():
    body = "Kære alle\n\n\n\nVi ses.\n-- \nSekretariatet"
    mail.send("event_message", to="a@example.org", event=make_event(), subject="Hej", body=body)
    [message] = _outbox()
    assert body in message.body_text


def test_the_queued_mail_is_the_rendered_mail():
    event = make_scheduled(request=make_request())
    [queued] = mails("requester_event_scheduled")
    context = {
        "request": event.request,
        "event": event,
        "tracking_url": tracking_url(event.request),
    }
    assert (queued.subject, queued.body_text) == mail.render(
        "requester_event_scheduled", "da", context
    )


def _kinds_sent_in(tree):
    """Every string literal passed first to mail.send(...) or tell_requester(..., kind)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        args = node.args if name == "send" else node.args[1:] if name == "tell_requester" else []
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            yield args[0].value


def test_every_kind_a_service_sends_is_a_mail_the_portal_knows():
    sent = set()
    for path in SERVICES.rglob("*.py"):
        sent |= set(_kinds_sent_in(ast.parse(path.read_text(encoding="utf-8"))))
    assert len(sent) > 15
    assert sent <= set(mail.KINDS), sent - set(mail.KINDS)
