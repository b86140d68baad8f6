from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, Request
from portal.models.enums import EventStatus
from portal.services import retention
from tests.factories import make_event, make_request


def test_contacts_are_anonymised_after_the_retention_period_and_the_counts_stay(app):
    old = make_request(contact_email="old@example.org")
    make_event(
        kind="dialogue",
        request=old,
        status=EventStatus.HELD,
        starts_at=clock.now() - timedelta(days=800),
    )
    recent = make_request(contact_email="recent@example.org", organisation_name="Tingbjerg Skole")
    make_event(
        kind="dialogue",
        request=recent,
        status=EventStatus.HELD,
        starts_at=clock.now() - timedelta(days=30),
    )
    assert retention.anonymise_expired_contacts() == 1
    db.session.commit()
    assert old.contact.name == "Anonymiseret"
    assert "old@example.org" not in old.contact.email
    assert old.contact.phone == ""
    assert old.expected_participants == 24  # the numbers the reports use are kept
    assert recent.contact.email == "recent@example.org"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "contact.anonymised")
    ).one()
    assert entry.after is None  # the log does not keep what was erased
    assert retention.anonymise_expired_contacts() == 0


def test_a_request_without_an_event_counts_from_when_it_was_sent(app):
    request = make_request()
    request.submitted_at = clock.now() - timedelta(days=800)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["anonymise"])
    assert "1 kontaktpersoner anonymiseret" in result.output
    assert db.session.get(Request, request.id).contact.name == "Anonymiseret"
