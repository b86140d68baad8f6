"""Data minimisation: everything personal a requester gave is erased RETENTION_MONTHS calendar
months after the day of the event (or of the request, when there was none), by Copenhagen
dates: the contact, the request's free text, the notes in its history, and the mails about it.
Sent mail is purged OUTBOX_KEEP_DAYS after sending. Reports keep working on the anonymised
rows: no count or date is touched."""

import calendar
from datetime import date, timedelta

from flask import current_app

from .. import clock
from ..extensions import db
from ..models import AuditEntry, Contact, DateProposal, Event, OutboxMessage, Request
from ..models.enums import OutboxStatus
from . import audit

ANONYMOUS_NAME = "Anonymiseret"


def cutoff(now=None):
    """The first moment that is kept: midnight in Copenhagen after the day RETENTION_MONTHS
    calendar months before today (a month's last day where it is shorter: on 29 February, the
    28th). Counting days (months x 30.44) from the clock kept a request up to a day past it."""
    months = current_app.config["RETENTION_MONTHS"]
    today = (now or clock.now()).astimezone(clock.COPENHAGEN).date()
    year, month_index = divmod(today.year * 12 + today.month - 1 - months, 12)
    month = month_index + 1
    last_day = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    kept_from = last_day + timedelta(days=1)
    return clock.local(kept_from.year, kept_from.month, kept_from.day)


def anonymise_expired_contacts(*, now=None):
    """Blank the name, email and phone of every contact whose request's event ended (or, with no
    event, whose request was sent) on or before the day RETENTION_MONTHS ago (see `cutoff`).
    Side effects: audit "contact.anonymised" per contact (without the personal data). Returns
    how many."""
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
        _purge_mail_to(contact.email)
        contact.name = ANONYMOUS_NAME
        contact.email = f"anonymiseret-{contact.id}@invalid"
        contact.phone = ""
        contact.anonymised_at = clock.now()
        for request in db.session.scalars(db.select(Request).where(Request.contact == contact)):
            _erase_free_text(request)
        audit.record("contact.anonymised", contact, actor_label="system")
    db.session.flush()
    return len(contacts)


def _erase_free_text(request):
    """What the requester (or the secretariat, to them) wrote in their own words."""
    request.notes = ""
    request.accessibility_needs = ""
    request.withdraw_note = ""
    request.decline_note = ""
    db.session.execute(
        db.update(DateProposal).where(DateProposal.request_id == request.id).values(note="")
    )
    objects = [(Request.__tablename__, request.id)]
    if request.event is not None:
        request.event.cancel_note = ""  # the secretariat's words to the requester
        objects.append((Event.__tablename__, request.event.id))
    for object_type, object_id in objects:
        entries = db.session.scalars(
            db.select(AuditEntry).where(
                AuditEntry.object_type == object_type, AuditEntry.object_id == object_id
            )
        )
        for entry in entries:
            entry.before = _without_free_text(entry.before)
            entry.after = _without_free_text(entry.after)


def _without_free_text(values):
    """An audit snapshot keeps states, ids, dates and counts; free text goes."""
    if not values:
        return values
    return {
        key: value
        for key, value in values.items()
        if not (isinstance(value, str) and key in FREE_TEXT_KEYS)
    }


# Keys of audit snapshots that hold text someone typed.
FREE_TEXT_KEYS = {"note", "notes", "decline_note", "withdraw_note", "subject", "body", "reason"}


def _purge_mail_to(address):
    """Mail to the contact that has been sent or given up: its address and text go now."""
    db.session.execute(
        db.update(OutboxMessage)
        .where(
            db.func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.status != OutboxStatus.PENDING,
        )
        .values(to_address=PURGED_ADDRESS, subject="", body_text="", last_error="")
        .execution_options(synchronize_session=False)
    )


PURGED_ADDRESS = "slettet@invalid"


def purge_old_mail(*, now=None):
    """Sent or failed mail older than OUTBOX_KEEP_DAYS keeps only its kind, times and dedupe key
    (so a reminder is never sent twice); pending mail keeps until it is sent or given up.
    Returns how many messages were purged."""
    limit = (now or clock.now()) - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    return db.session.execute(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.status != OutboxStatus.PENDING,
            OutboxMessage.created_at < limit,
            OutboxMessage.to_address != PURGED_ADDRESS,
        )
        .values(to_address=PURGED_ADDRESS, subject="", body_text="", last_error="")
        .execution_options(synchronize_session=False)
    ).rowcount
