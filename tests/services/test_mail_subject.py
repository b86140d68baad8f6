"""A long Danish subject arrives word for word: folding the encoded header never eats a space."""

from portal.extensions import db
from portal.services.mail import outbox
from tests.smtp_server import SMTPServer

SENTENCE = "Påmindelse: Ung-til-ung dialog hos Mødrenetværket på Nørrebro, Åbenrå Skole og Ørestad"


def _subjects():
    """The same Danish subject behind organisation names of every length from 1 to 40, so each
    place the header is folded lands beside a space somewhere among them."""
    return [f"{'Ærø' * (n // 3)}{'x' * (n % 3)} {SENTENCE}" for n in range(1, 41)] + [
        "Kvittering: Mødrenetværket på Nørrebro har bestilt et oplæg om trivsel og fællesskab",
        "Invitation: " + "æøå " * 40,
    ]


def test_long_danish_subjects_arrive_with_every_space(smtp_config):
    subjects = _subjects()
    for number, subject in enumerate(subjects):
        outbox.queue_email(
            to=f"laerer{number}@example.org", subject=subject, body="Hej\n", kind="receipt"
        )
    db.session.commit()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        assert outbox.deliver_due() == (len(subjects), 0)
    received = {message["To"]: message["Subject"] for message in server.messages}
    garbled = [
        (subject, received[f"laerer{number}@example.org"])
        for number, subject in enumerate(subjects)
        if received[f"laerer{number}@example.org"] != " ".join(subject.split())
    ]
    assert garbled == []


def test_an_english_subject_stays_plain_text(smtp_config):
    outbox.queue_email(
        to="teacher@example.org", subject="Receipt for your booking", body="Hi\n", kind="receipt"
    )
    db.session.commit()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        outbox.deliver_due()
    [message] = server.messages
    assert message["Subject"] == "Receipt for your booking"
    assert "Subject: Receipt for your booking" in message.as_string()
