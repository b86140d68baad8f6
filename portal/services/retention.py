"""Data minimisation: everything personal a requester gave is erased RETENTION_MONTHS calendar
months after the day of the event (or of the request, when there was none), by Copenhagen
dates: the contact; what they and staff wrote about the request, on it, its event (place
included), that event's offers and attendance (BLANKED_WITH_REQUEST); the same in the audit
entries about those rows; and the mails about it. Sent mail is purged OUTBOX_KEEP_DAYS after
sending. Reports keep working on the anonymised rows: no count or date is touched."""

import calendar
from collections import defaultdict
from datetime import date, timedelta

from flask import current_app

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    Contact,
    EvaluationAnswer,
    EvaluationResponse,
    Event,
    EventEvaluation,
    OutboxMessage,
    Reflection,
    Request,
)
from ..models.enums import OutboxStatus
from . import audit, evaluations, requests

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
    Side effects: the free text of their requests and the rows about them blanked, and their
    audit entries kept to codes, dates and numbers (`_erase_free_text`); mail to them purged;
    audit "contact.anonymised" per contact (without the personal data). Returns how many."""
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
    anonymise_old_evaluations(limit)
    db.session.flush()
    return len(contacts)


def anonymise_old_evaluations(limit):
    """What was written about an event that ended before `limit`, whether a requester booked it
    or not: the evaluations' free text and the assignees' notes are blanked, the requester's
    link dies; every figure (scale, yes/no, rating, follow-up) stays, so the report is the
    same. Side effects: bulk UPDATEs; the responses say when."""
    old_events = db.select(Event.id).where(Event.ends_at < limit)
    responses = db.select(EvaluationResponse.id).where(
        EvaluationResponse.event_id.in_(old_events), EvaluationResponse.anonymised_at.is_(None)
    )
    db.session.execute(
        db.update(EvaluationAnswer)
        .where(EvaluationAnswer.response_id.in_(responses), EvaluationAnswer.text != "")
        .values(text="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.update(EvaluationResponse)
        .where(EvaluationResponse.id.in_(responses))
        .values(anonymised_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    old_reflections = Reflection.assignment_id.in_(
        db.select(Assignment.id).where(Assignment.event_id.in_(old_events))
    )
    db.session.execute(
        db.update(Reflection)
        .where(old_reflections, Reflection.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    # A note to follow up that is gone leaves "Kræver handling" (nothing is left to read).
    db.session.execute(
        db.update(Reflection)
        .where(old_reflections, Reflection.follow_up, Reflection.handled_at.is_(None))
        .values(handled_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.update(EventEvaluation)
        .where(
            EventEvaluation.event_id.in_(old_events), EventEvaluation.requester_token.is_not(None)
        )
        .values(requester_token=None)
        .execution_options(synchronize_session=False)
    )


def _erase_free_text(request):
    """Blank BLANKED_WITH_REQUEST on the request and the rows about it, and keep only codes,
    dates and numbers in the audit entries about those rows."""
    rows = _rows_about(request)
    for row in rows:
        for column in BLANKED_WITH_REQUEST[row.__tablename__]:
            setattr(row, column, "")
    _erase_history(rows)


def _rows_about(request):
    """The request, its date proposals and their dates, and every event it ever had with
    their assignments, attendance, evaluations and reflections. The events are the
    requester's: they asked for them at their place, and their notes are about them."""
    rows = [request]
    for proposal in request.date_proposals:
        rows += [proposal, *proposal.dates]
    for event in requests.events_of(request):
        rows += [event, *event.assignments]
        if event.attendance is not None:
            rows.append(event.attendance)
        rows += evaluations.written_about(event)
    return rows


def _erase_history(rows):
    """The audit entries about `rows` keep only codes, dates and numbers (`_codes_only`)."""
    ids = defaultdict(set)
    for row in rows:
        ids[row.__tablename__].add(row.id)
    entries = db.session.scalars(
        db.select(AuditEntry).where(
            db.or_(
                *(
                    (AuditEntry.object_type == object_type) & AuditEntry.object_id.in_(sorted(of))
                    for object_type, of in ids.items()
                )
            )
        )
    )
    for entry in entries:
        entry.before = _codes_only(entry.before)
        entry.after = _codes_only(entry.after)


def _codes_only(values):
    """An audit snapshot keeps states, ids, dates and counts: numbers, booleans and None under
    any key, text only under AUDIT_KEYS_KEPT. The rest goes (place, note, subject ...), so a
    key added later is erased until someone lists it."""
    if not values:
        return values
    return {
        key: value
        for key, value in values.items()
        if key in AUDIT_KEYS_KEPT or value is None or isinstance(value, (bool, int, float))
    }


# Audit snapshot keys whose value is a code or a date, never anyone's words.
AUDIT_KEYS_KEPT = {
    "status": "the state's code",
    "starts_at": "ISO time",
    "ends_at": "ISO time",
    "sessions": "ISO times of each sitting",
    "dates": "ISO dates proposed",
    "counselled_on": "ISO date",
    "seat": "role and number, 'ambassador:1'",
}


# Every text and JSON column of the schema is decided here: blanked with an expired request,
# erased otherwise, or kept and why. tests/services/test_retention.py walks db.metadata and
# fails on a column in none of them, so a new column waits until someone decides.

# Table: columns blanked on the rows about an expired request (_rows_about).
BLANKED_WITH_REQUEST = {
    "requests": (
        "place",
        "meeting_url",
        "accessibility_needs",
        "practical_info",
        "notes",
        "decline_note",
        "withdraw_note",
    ),
    "date_proposals": ("note",),
    "proposed_dates": ("time_note",),
    # Only a request's event: VINK's own (no request) keep the venue and talk name staff chose.
    # A request's event has no title today (the request page asks for none); blanked anyway.
    "events": ("place", "title", "cancel_note", "practical_info", "meeting_url"),
    "assignments": ("decline_note",),
    "attendances": ("note",),
    # What the requester, the participants and the assignees wrote about the event; the
    # figures stay. VINK's own events' are blanked by anonymise_old_evaluations.
    "evaluation_responses": (),
    "evaluation_answers": ("text",),
    "reflections": ("note",),
}

ERASED_OTHERWISE = {
    "contacts.name": "anonymise_expired_contacts: ANONYMOUS_NAME",
    "contacts.email": "anonymise_expired_contacts: an address that reaches nobody",
    "contacts.phone": "anonymise_expired_contacts",
    "audit_entries.before": "_erase_history: entries about the rows of an expired request",
    "audit_entries.after": "_erase_history: entries about the rows of an expired request",
    "outbox_messages.to_address": "_purge_mail_to the contact; purge_old_mail for all mail",
    "outbox_messages.subject": "_purge_mail_to the contact; purge_old_mail for all mail",
    "outbox_messages.body_text": "_purge_mail_to the contact; purge_old_mail for all mail",
    "outbox_messages.calendar_ics": "_purge_mail_to the contact; purge_old_mail for all mail",
    "outbox_messages.last_error": "_purge_mail_to, purge_old_mail: the server names the address",
}

_REFERENCE = "reference data the admin keeps: names of things, not of people"
_CODE = "a code the portal writes, never typed"
_RANDOM = "a random secret or hash; says nothing about anyone"
_STAFF = "a staff or panel member's own data, kept while they work with VINK; not a requester's"
KEPT = {
    "budget_lines.name_da": _REFERENCE,
    "budget_lines.name_en": _REFERENCE,
    "closed_periods.name": _REFERENCE,
    "decline_reasons.label_da": _REFERENCE,
    "decline_reasons.label_en": _REFERENCE,
    "districts.name": _REFERENCE,
    "offer_kinds.code": _CODE,
    "offer_kinds.name_da": _REFERENCE,
    "offer_kinds.name_en": _REFERENCE,
    "offer_kinds.description_da": _REFERENCE,
    "offer_kinds.description_en": _REFERENCE,
    "support_course_kinds.code": _CODE,
    "support_course_kinds.name_da": _REFERENCE,
    "support_course_kinds.name_en": _REFERENCE,
    "topics.name_da": _REFERENCE,
    "topics.name_en": _REFERENCE,
    "ssp_committees.name_da": _REFERENCE,
    "ssp_committees.name_en": _REFERENCE,
    "email_templates.kind": _CODE,
    "email_templates.language": _CODE,
    "email_templates.subject": "the admin's wording of a mail, with placeholders, to anyone",
    "email_templates.body": "the admin's wording of a mail, with placeholders, to anyone",
    "outbox_messages.kind": _CODE,
    "outbox_messages.dedupe_key": "what a reminder was about, by ids and times (reminders.py)",
    "organisations.name": "a school or unit, not a person; reports count by it",
    "organisations.name_key": "the organisation's name, folded",
    "requests.grade": "a class level from the booking form's list (GRADES)",
    "requests.language": "a language code from the booking form's list",
    "requests.locale": _CODE,
    "requests.tracking_token": _RANDOM + "; its link refuses an anonymised request",
    "assignments.answer_token": _RANDOM,
    "audit_entries.actor_label": "'requester', 'system' or a staff or panel member's email",
    "audit_entries.action": _CODE,
    "audit_entries.object_type": _CODE,
    "persons.first_name": _STAFF,
    "persons.last_name": _STAFF,
    "persons.email": _STAFF,
    "persons.phone": _STAFF,
    "persons.languages": _STAFF,
    "persons.mail_locale": _CODE,
    "persons.bio": _STAFF,
    "persons.calendar_token": _RANDOM,
    "away_periods.note": _STAFF,
    "users.email": _STAFF,
    "users.name": _STAFF,
    "users.password_hash": _RANDOM,
    "users.password_token": _RANDOM,
    "users.totp_secret": _RANDOM,
    "users.provider_subject": "the identity provider's id of a staff member's work account",
    "recovery_codes.code_hash": _RANDOM,
    "evaluation_questions.key": _CODE,
    "evaluation_questions.text_da": _REFERENCE,
    "evaluation_questions.text_en": _REFERENCE,
    "event_evaluations.requester_token": _RANDOM + "; blanked with the event's free text",
}


def _purge_mail_to(address):
    """Mail to the contact that has been sent or given up: its address and text go now."""
    db.session.execute(
        db.update(OutboxMessage)
        .where(
            db.func.lower(OutboxMessage.to_address) == address.lower(),
            OutboxMessage.status != OutboxStatus.PENDING,
        )
        .values(
            to_address=PURGED_ADDRESS, subject="", body_text="", calendar_ics=None, last_error=""
        )
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
        .values(
            to_address=PURGED_ADDRESS, subject="", body_text="", calendar_ics=None, last_error=""
        )
        .execution_options(synchronize_session=False)
    ).rowcount
