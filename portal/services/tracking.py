"""The requester's private tracking link and page: the signed link and the cookie it is exchanged
for, how long they work, lost links sent again, and what the page shows of a request (who comes,
the public history, the one-word status). What the requester may do there (withdraw, ask for
other dates) are request rules, in requests.py."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock, links
from ..extensions import db
from ..links import tracking_url
from ..models import AuditEntry, Contact, Request
from ..models.enums import AssignmentStatus, EventStatus, RequestStatus
from ..normal_form import email_key
from . import audit, mail
from .remembered import remembered
from .requests import audit_about, events_of

LINK_PURPOSE = links.TRACKING
COOKIE_PURPOSE = "tracking-cookie"


class LinkExpired(Exception):
    """A genuine tracking link whose time is up."""


# --- the private link ---------------------------------------------------------------------------


def link_expires_at(request):
    """The tracking link works until N days (TRACKING_LINK_DAYS_AFTER_EVENT) after the event,
    or, before there is one, after the last date the requester wished for."""
    if request.contact.anonymised_at is not None:
        return request.contact.anonymised_at  # nothing personal is left to show
    days = timedelta(days=current_app.config["TRACKING_LINK_DAYS_AFTER_EVENT"])
    event = request.event
    if event is not None:
        return event.ends_at + days
    wished = [d.ends_on for proposal in request.date_proposals for d in proposal.dates]
    last_day = max(wished) if wished else request.submitted_at.astimezone(clock.COPENHAGEN).date()
    return datetime.combine(last_day, time(23, 59), clock.COPENHAGEN) + days


def open_tracking_link(signed):
    """The request a signed link opens. LinkError: not genuine; LinkExpired: time is up."""
    request = _request_for(*links.unsign(LINK_PURPOSE, signed))
    if clock.now() > _remembered_expiry(request):
        raise LinkExpired()
    return request


def tracking_cookie_value(request):
    return links.sign_timed(COOKIE_PURPOSE, [request.id, request.tracking_token])


def request_for_cookie(request_id, cookie_value):
    """The request a tracking cookie gives access to, if it is for `request_id`; else LinkError."""
    request = _request_for(*cookie_holds(request_id, cookie_value))
    if clock.now() > _remembered_expiry(request):
        raise LinkExpired()
    return request


def cookie_holds(request_id, cookie_value):
    """(request id, token): what a genuine tracking cookie for `request_id`, not older than
    TRACKING_COOKIE_MINUTES, holds; else LinkError. Reads nothing: whether the token is the
    request's, and the link still works, `request_for_cookie` checks."""
    if not cookie_value:
        raise links.LinkError(COOKIE_PURPOSE)
    max_age = current_app.config["TRACKING_COOKIE_MINUTES"] * 60
    value = links.unsign_timed(COOKIE_PURPOSE, cookie_value, max_age=max_age)
    if not isinstance(value, list) or len(value) != 2 or value[0] != request_id:
        raise links.LinkError(COOKIE_PURPOSE)
    return tuple(value)


def _remembered_expiry(request):
    """link_expires_at(request), remembered under the data version: a page opened again reads
    only the request (its contact, event and wished dates are read when something was written)."""

    def expiry():
        if not db.session.is_modified(request):
            db.session.expire(request)  # read after the data version, as what it is read with
        return link_expires_at(request)

    return remembered(("tracking link expires", request.id), expiry)


def _request_for(request_id, token):
    request = db.session.get(Request, request_id) if isinstance(request_id, int) else None
    if request is None or not links.tokens_match(request.tracking_token, str(token)):
        raise links.LinkError(LINK_PURPOSE)
    return request


def resend_tracking_links(email, *, locale):
    """Ask for every still-working tracking link of requests made with `email`, sent to that
    address. The lookup happens when the mail worker composes the message, so this does the
    same work, and takes the same time, whether or not the address has booked.

    Side effects: one composed outbox message to `email`, which becomes at most one email."""
    mail.send("tracking_links", to=email_key(email), locale=locale)


def compose_tracking_links(email, params):
    """(subject, body) with the working tracking links of `email`'s requests, or None."""
    requests = db.session.scalars(
        db.select(Request)
        .join(Request.contact)
        .where(db.func.lower(Contact.email) == email, Contact.anonymised_at.is_(None))
        .order_by(Request.submitted_at.desc())
    ).all()
    now = clock.now()
    working = [r for r in requests if link_expires_at(r) >= now]
    if not working:
        return None
    entries = [(r, tracking_url(r)) for r in working]
    return mail.render("tracking_links", params.get("locale", "da"), {"entries": entries})


# --- what the tracking page shows ---------------------------------------------------------------


def who_comes(event):
    """First name and seat role of each accepted person: nothing more is shown to requesters."""
    if event is None:
        return []
    return [
        (a.person.first_name, a.seat_role)
        for a in event.assignments
        if a.status == AssignmentStatus.ACCEPTED
    ]


PUBLIC_HISTORY_ACTIONS = (
    "request.submitted",
    "request.withdrawn",
    "request.dates_proposed",
    "request.changed",
    "request.email_changed",
    "request.planning",
    "request.declined",
    "request.counselled",
    "event.scheduled",
    "event.rescheduled",
    "event.cancelled",
    "event.held",
    "event.messaged",
)


@dataclass(frozen=True)
class HistoryLine:
    """One line of the requester's history: what happened and when, and for an event the time
    it was (or is) for and, when cancelled, why."""

    at: datetime
    action: str
    event_at: datetime | None = None
    note: str = ""
    changes: tuple = ()  # what the requester (or the secretariat) changed: audit.Change
    subject: str = ""  # of a message the secretariat wrote to everyone (its text is the note)


# The requester reads their own notes as theirs, not as "the requester's".
FIELDS_TO_REQUESTER = {"notes": _l("Jeres bemærkninger")}


def public_history(request, *, limit=200):
    """What a requester may see of the history of their request and of every event it ever had
    (one cancelled and replaced included), oldest first, at most `limit` lines."""
    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(audit_about(request), AuditEntry.action.in_(PUBLIC_HISTORY_ACTIONS))
        .order_by(AuditEntry.at, AuditEntry.id)
        .limit(limit)
    ).all()
    events = {event.id: event for event in events_of(request)}
    changes = audit.changes_shown(entries, field_labels=FIELDS_TO_REQUESTER)
    return [
        HistoryLine(entry.at, entry.action, changes=tuple(changes[entry.id]))
        if entry.id in changes
        else _history_line(entry, events)
        for entry in entries
        if entry.action != "event.messaged" or _written_to_requester(entry)
    ]


def _written_to_requester(entry):
    """Whether a message to everyone at the event reached the requester (not one written after
    the requester was anonymised, nor one before the messages kept who they reached)."""
    whom = (entry.after or {}).get("to") or []
    return any(isinstance(w, dict) and w.get("role") == "requester" for w in whom)


def _history_line(entry, events):
    after = entry.after or {}
    if entry.action == "event.messaged":
        return HistoryLine(
            entry.at, entry.action, note=after.get("body") or "", subject=after.get("subject") or ""
        )
    if entry.action == "request.withdrawn":  # with the requester's own reason
        return HistoryLine(entry.at, entry.action, note=after.get("note") or "")
    if entry.object_type != "events" or entry.object_id not in events:
        return HistoryLine(entry.at, entry.action)
    starts_at = after.get("starts_at")
    event_at = datetime.fromisoformat(starts_at) if starts_at else events[entry.object_id].starts_at
    return HistoryLine(entry.at, entry.action, event_at, after.get("note") or "")


def next_change(request, *, now):
    """The first moment at or after `now` at which the requester's page could read otherwise
    with nothing written: its event starting (no more changes or withdrawal from the page) or
    ending (held), the link ceasing to work (the page is refused), or the next Copenhagen
    midnight (the closed periods ahead)."""
    event = request.event
    moments = (event.starts_at, event.ends_at) if event else ()
    return clock.held_until(now, *moments, link_expires_at(request))


def public_status(request):
    """The one word a requester sees: received, planning, reserved, planned, staffed, held,
    declined, cancelled, withdrawn or counselled (the event's state wins once there is an event)."""
    if request.status == RequestStatus.COUNSELLED:
        return "counselled"
    if request.status == RequestStatus.WITHDRAWN:
        return "withdrawn"
    if request.status == RequestStatus.DECLINED:
        return "declined"
    event = request.event
    if event is not None:
        if event.status == EventStatus.CANCELLED:
            return "cancelled"
        if event.status == EventStatus.HELD or event.ends_at <= clock.now():
            return "held"
        if event.tentative:
            return "reserved"  # a time taken by direkte booking, until everyone has said yes
        accepted = sum(1 for a in event.assignments if a.status == AssignmentStatus.ACCEPTED)
        return "staffed" if accepted >= event.offer_kind.seats_needed else "planned"
    return "planning" if request.status == RequestStatus.PLANNING else "received"
