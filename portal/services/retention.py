"""Data minimisation: requester contact details are anonymised RETENTION_MONTHS after the event
(or after the request, when there was none). Reports keep working on the anonymised rows."""

from datetime import timedelta

from flask import current_app

from .. import clock
from ..extensions import db
from ..models import Contact, Event, Request
from . import audit

ANONYMOUS_NAME = "Anonymiseret"


def cutoff(now=None):
    months = current_app.config["RETENTION_MONTHS"]
    return (now or clock.now()) - timedelta(days=round(months * 30.44))


def anonymise_expired_contacts(*, now=None):
    """Blank the name, email and phone of every contact whose request's event ended (or, with no
    event, whose request was sent) before the cutoff. Side effects: audit "contact.anonymised"
    per contact (without the personal data). Returns how many."""
    limit = cutoff(now)
    last_activity = db.func.coalesce(Event.ends_at, Request.submitted_at)
    contacts = (
        db.session.scalars(
            db.select(Contact)
            .join(Request, Request.contact_id == Contact.id)
            .outerjoin(Event, Event.request_id == Request.id)
            .where(Contact.anonymised_at.is_(None), last_activity < limit)
        )
        .unique()
        .all()
    )
    for contact in contacts:
        contact.name = ANONYMOUS_NAME
        contact.email = f"anonymiseret-{contact.id}@invalid"
        contact.phone = ""
        contact.anonymised_at = clock.now()
        audit.record("contact.anonymised", contact, actor_label="system")
    db.session.flush()
    return len(contacts)
