"""An event's life: scheduled (for a request or VINK's own), moved with a version check,
cancelled, written to; and the lists of events the secretariat works from."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import clock, event_details, i18n, links
from ..extensions import db
from ..labels import label
from ..models import (
    Assignment,
    AuditEntry,
    Event,
    EventSession,
    OfferKind,
    Request,
)
from ..models.enums import AssignmentStatus, CancelledBy, EventStatus, RequestStatus
from . import audit, mail
from .availability import lock_people, overlapping_assignment
from .errors import EditConflict, SchedulingError, all_or_nothing
from .pages import least, paginate
from .request_states import move_request
from .seats import accepted_counts
from .transitions import move_assignment, move_event


def for_the_event_page(event_id):
    """The event with all its page shows of it (None if there is no such event): a handful
    of queries instead of one lazy load per assignment's person."""
    return db.session.scalar(
        db.select(Event)
        .where(Event.id == event_id)
        .options(
            joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
            selectinload(Event.sessions),
            selectinload(Event.assignments).joinedload(Assignment.person),
            joinedload(Event.attendance),
            joinedload(Event.request).joinedload(Request.organisation),
            joinedload(Event.request).joinedload(Request.contact),
            joinedload(Event.request).joinedload(Request.topic),
        )
    )


def upcoming_events(*, now, days=14, limit=None):
    """([(event, accepted, needed)], how many in all): planned events starting within `days`,
    soonest first, at most `limit` of them. Two queries (the total rides on the rows)."""
    # The first `limit` ids with the count of all, from the events alone; then only those
    # joined to what the page shows (joined first, all of them would be: 2.7 ms at 100x).
    first = (
        db.select(Event.id, db.func.count().over().label("total"))
        .where(
            Event.status == EventStatus.PLANNED,
            Event.starts_at >= now,
            Event.starts_at < now + timedelta(days=days),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Event, first.c.total)
        .join(first, first.c.id == Event.id)
        .options(
            joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
            joinedload(Event.request).joinedload(Request.organisation),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    events = [event for event, _total in rows]
    accepted = accepted_counts([event.id for event in events])
    rows_shown = [(e, accepted.get(e.id, 0), e.offer_kind.seats_needed) for e in events]
    return rows_shown, rows[0][1] if rows else 0


def overview_next_change(*, now, days=14):
    """The first moment at or after `now` at which `upcoming_events(days=days)` or the events
    awaiting attendance could change with nothing written: a planned event starting (it leaves
    the upcoming), one coming within `days` (it joins them), or a planned or held event ending
    (it awaits attendance), or the next Copenhagen midnight at the latest. One query."""
    planned = Event.status == EventStatus.PLANNED
    starts, ends, coming = db.session.execute(
        db.select(
            least(Event.starts_at, planned, Event.starts_at >= now),
            least(
                Event.ends_at,
                Event.status.in_([EventStatus.PLANNED, EventStatus.HELD]),
                Event.ends_at >= now,
            ),
            least(Event.starts_at, planned, Event.starts_at >= now + timedelta(days=days)),
        )
    ).one()
    if coming is not None:
        coming -= timedelta(days=days)
    return clock.held_until(now, starts, ends, coming)


def awaiting_attendance_query(now):
    """Events that have ended without attendance: planned ones (recording it makes them held)
    and any marked held without it (as older data has). The one definition, for the
    overview's list and the event list's filter."""
    return db.select(Event).where(
        Event.ends_at <= now,
        db.or_(
            Event.status == EventStatus.PLANNED,
            db.and_(Event.status == EventStatus.HELD, ~Event.attendance.has()),
        ),
    )


def _check_sessions(offer_kind, sessions):
    if not sessions:
        raise SchedulingError(_l("Angiv mindst ét tidspunkt."))
    if len(sessions) > offer_kind.max_sessions:
        raise SchedulingError(
            _l(
                "%(offer)s har højst %(n)s møder.",
                offer=offer_kind.name(),
                n=offer_kind.max_sessions,
            )
        )
    for start, end in sessions:
        if end <= start:
            raise SchedulingError(_l("Sluttidspunktet skal ligge efter starttidspunktet."))


def _set_sessions(event, sessions):
    event.sessions = [EventSession(starts_at=s, ends_at=e) for s, e in sorted(sessions)]
    event.starts_at = min(s for s, _e in sessions)
    event.ends_at = max(e for _s, e in sessions)


def schedule_event(
    *,
    by,
    offer_kind,
    sessions,
    place,
    online,
    title="",
    request=None,
    practical_info=None,
    meeting_url=None,
    actor_label="",
    tell=True,
    tentative=False,
    staff_by=None,
):
    """Create an event (from a request, or VINK's own with none), with its practical
    information and meeting link; `practical_info` or `meeting_url` None takes what the
    requester suggested.
    A link that is not https is refused (SchedulingError), and nothing is stored.

    A direkte booking's event is `tentative` until every seat has said yes, and to be staffed
    by `staff_by`.

    Side effects: the request moves to planned; audit "event.scheduled" (by `by`, or
    `actor_label` naming who acted); the requester gets the date by email unless `tell` is
    False (a direkte booking's own receipt tells them).
    """
    _check_sessions(offer_kind, sessions)
    if meeting_url is None:
        meeting_url = request.meeting_url if request is not None else ""
    if practical_info is None:
        practical_info = request.practical_info if request is not None else ""
    practical_info, meeting_url = _checked_details(practical_info, meeting_url)
    if request is not None:
        if request.event is not None and request.event.status != EventStatus.CANCELLED:
            raise SchedulingError(_l("Henvendelsen har allerede et arrangement."))
        replaced = request.event
        # Refused here, before anything is written, when the request cannot be planned.
        move_request(request, RequestStatus.PLANNED, by=by, actor_label=actor_label)
        if replaced is not None:
            # A cancelled event makes way for the new one (one event per request), and keeps
            # which request it was for.
            replaced.request, replaced.former_request = None, request
            db.session.flush()
    event = Event(
        offer_kind=offer_kind,
        request=request,
        title=title.strip(),
        place="" if online else place.strip(),
        online=online,
        practical_info=practical_info,
        meeting_url=meeting_url,
        status=EventStatus.PLANNED,
        tentative=tentative,
        staff_by=staff_by,
    )
    _set_sessions(event, sessions)
    db.session.add(event)
    db.session.flush()
    after = _event_snapshot(event)
    if tentative:
        after |= {"tentative": True, "staff_by": staff_by.isoformat() if staff_by else None}
    audit.record("event.scheduled", event, by=by, actor_label=actor_label, after=after)
    if request is not None:
        _mark_proposals_handled(request)
        if tell:
            tell_requester(event, "requester_event_scheduled")
    return event


def reschedule_event(
    event,
    *,
    by,
    sessions,
    place,
    online,
    expected_version,
    practical_info=None,
    meeting_url=None,
):
    """Move an event or change its place, practical information or meeting link (None keeps
    them). Refused when someone else saved it since `expected_version` (EditConflict with their
    changes), when an accepted person would then be booked twice, or when the link is not
    https (SchedulingError): nothing is stored.

    Side effects: audit "event.rescheduled"; the requester and every accepted or offered person
    are told by email.
    """
    if event.version != expected_version:
        raise EditConflict(event, changes_since(event, expected_version))
    if event.status != EventStatus.PLANNED:
        raise SchedulingError(
            _l("Arrangementet er %(status)s og kan ikke ændres.", status=label(event.status))
        )
    _check_sessions(event.offer_kind, sessions)
    practical_info, meeting_url = _checked_details(
        event.practical_info if practical_info is None else practical_info,
        event.meeting_url if meeting_url is None else meeting_url,
    )
    # The same lock as accept: an accept of one of these people elsewhere cannot slip in between.
    lock_people(
        [a.person_id for a in event.assignments if a.status == AssignmentStatus.ACCEPTED], event.id
    )
    for assignment in event.assignments:
        if assignment.status == AssignmentStatus.ACCEPTED:
            clash = overlapping_assignment(
                assignment.person_id, sessions, exclude_event_id=event.id
            )
            if clash is not None:
                raise SchedulingError(
                    _l(
                        "%(name)s er optaget på det nye tidspunkt (%(when)s).",
                        name=assignment.person.full_name,
                        when=i18n.date_and_time(clash.event.starts_at),
                    )
                )
    before = _event_snapshot(event)
    try:
        with all_or_nothing():
            _set_sessions(event, sessions)
            event.place = "" if online else place.strip()
            event.online = online
            event.practical_info = practical_info
            event.meeting_url = meeting_url
            for assignment in event.assignments:
                # An open offer never outlives the (new) start.
                if assignment.status == AssignmentStatus.OFFERED and assignment.expires_at:
                    assignment.expires_at = min(assignment.expires_at, event.starts_at)
            db.session.flush()  # bumps event.version
    except StaleDataError:
        # Somebody saved between the version check and this write: the same conflict, found
        # later. The event reads as they left it.
        raise EditConflict(event, changes_since(event, expected_version)) from None
    audit.record("event.rescheduled", event, by=by, before=before, after=_event_snapshot(event))
    if event.request is not None:
        _mark_proposals_handled(event.request)
        tell_requester(event, "requester_event_rescheduled")
    for assignment in event.assignments:
        if assignment.status in AssignmentStatus.live_states():
            mail.send(
                "assignee_event_rescheduled",
                to=assignment.person.email,
                locale=assignment.person.mail_locale,
                event=event,
                person=assignment.person,
            )


def _checked_details(practical_info, meeting_url):
    """(practical information, meeting link) as stored, or SchedulingError saying why not."""
    try:
        return (
            event_details.clean_practical_info(practical_info),
            event_details.clean_meeting_url(meeting_url),
        )
    except ValueError as error:
        raise SchedulingError(str(error)) from None


def changes_since(event, version):
    """Audit entries that moved the event past `version` (what the other person changed)."""
    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == "events", AuditEntry.object_id == event.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    return [e for e in entries if (e.after or {}).get("version", 0) > version]


def _event_snapshot(event):
    return {
        "version": event.version,
        "status": event.status.value,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "sessions": [[s.starts_at.isoformat(), s.ends_at.isoformat()] for s in event.sessions],
        "place": event.place,
        "online": event.online,
        "practical_info": event.practical_info,
        "meeting_url": event.meeting_url,
    }


def cancel_event(event, *, by, actor_label="", note=""):
    """Cancel an event that has not been held: by the secretariat, or, with `actor_label`
    "requester", because its requester withdrew the booking.

    Side effects: status cancelled, with the note and who cancelled it (`cancelled_by`, which
    says why on every page and mail when there is no note); live assignments withdrawn, each
    person told by email; the requester told (unless they cancelled it themselves); audit
    "event.cancelled".
    """
    before = audit.snapshot(event, ["status"])
    move_event(event, EventStatus.CANCELLED)
    event.cancel_note = str(note)
    event.cancelled_by = (
        CancelledBy.REQUESTER if actor_label == "requester" else CancelledBy.SECRETARIAT
    )
    for assignment in event.assignments:
        if assignment.status in AssignmentStatus.live_states():
            was_accepted = assignment.status == AssignmentStatus.ACCEPTED
            move_assignment(assignment, AssignmentStatus.WITHDRAWN)
            mail.send(
                "assignee_event_cancelled",
                to=assignment.person.email,
                locale=assignment.person.mail_locale,
                event=event,
                person=assignment.person,
                was_accepted=was_accepted,
            )
    db.session.flush()
    audit.record(
        "event.cancelled",
        event,
        by=by,
        actor_label=actor_label,
        before=before,
        after={
            "status": event.status.value,
            "note": event.cancel_note,
            "cancelled_by": event.cancelled_by.value,
            "version": event.version,
        },
    )
    if event.request is not None and event.cancelled_by != CancelledBy.REQUESTER:
        tell_requester(event, "requester_event_cancelled")


def _mark_proposals_handled(request):
    """Scheduling or moving the event answers the dates the requester proposed."""
    for proposal in request.date_proposals:
        if proposal.handled_at is None:
            proposal.handled_at = clock.now()


def tell_requester(event, kind):
    """Mail the event's requester the `kind` of mail about it, with their tracking link."""
    request = event.request
    mail.send(
        kind,
        to=request.contact.email,
        locale=request.locale,
        request=request,
        event=event,
        tracking_url=links.tracking_url(request),
    )


def history_for_staff(event):
    """([the audit entries about the event, its assignments and its attendance, newest first,
    at most audit.STAFF_HISTORY_SHOWN], how many there are in all). One query."""
    assignment_ids = [a.id for a in event.assignments]
    conditions = [(AuditEntry.object_type == "events") & (AuditEntry.object_id == event.id)]
    if assignment_ids:
        conditions.append(
            (AuditEntry.object_type == "assignments") & AuditEntry.object_id.in_(assignment_ids)
        )
    if event.attendance is not None:
        conditions.append(
            (AuditEntry.object_type == "attendances")
            & (AuditEntry.object_id == event.attendance.id)
        )
    return audit.newest_for_staff(sa.or_(*conditions))


def event_list(*, now, which="upcoming", page=1, per_page=50):
    """A Page of (event, accepted seats, seats needed): upcoming soonest first, past latest
    first, or those awaiting attendance latest first. Three queries, whatever the page."""
    if which == "upcoming":
        query, order = db.select(Event).where(Event.ends_at >= now), [Event.starts_at, Event.id]
    else:
        query = (
            awaiting_attendance_query(now)
            if which == "awaiting_attendance"
            else db.select(Event).where(Event.ends_at < now)
        )
        order = [Event.starts_at.desc(), Event.id.desc()]
    result = paginate(
        query,
        order_by=order,
        page=page,
        per_page=per_page,
        options=[
            joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
            joinedload(Event.request).joinedload(Request.organisation),
            joinedload(Event.attendance),
        ],
    )
    accepted = accepted_counts([e.id for e in result.items])
    result.items = [(e, accepted.get(e.id, 0), e.offer_kind.seats_needed) for e in result.items]
    return result


def told_of_a_change(event):
    """(the request whose requester is told, or None; the assignments whose persons are told):
    who a cancellation or a message to everyone reaches."""
    request = event.request
    if request is not None and request.contact.anonymised_at is not None:
        request = None
    live = [a for a in event.assignments if a.status in AssignmentStatus.live_states()]
    return request, sorted(live, key=lambda a: (a.seat_role.value, a.seat_number))


def message_everyone(event, *, by, subject, body):
    """Write to the requester and every accepted or offered person at once: the text as typed,
    then the event it is about (what, when, where, the meeting link and the practical
    information), each in its reader's language. One mail per address.

    Side effects: one outbox message per recipient; audit "event.messaged" keeping who was
    written to (name, address, role), the subject and the text. Returns how many."""
    request, live = told_of_a_change(event)
    recipients = {}  # address -> (whom, the mail's context, its language)
    if request is not None:
        whom = {"name": request.contact.name, "email": request.contact.email, "role": "requester"}
        context = {"request": request, "tracking_url": links.tracking_url(request)}
        recipients[request.contact.email] = (whom, context, request.locale)
    for a in live:
        whom = {"name": a.person.full_name, "email": a.person.email, "role": a.seat_role.value}
        recipients.setdefault(a.person.email, (whom, {"person": a.person}, a.person.mail_locale))
    for address in sorted(recipients):
        _whom, context, locale = recipients[address]
        mail.send(
            "event_message",
            to=address,
            locale=locale,
            event=event,
            subject=subject,
            body=body,
            **context,
        )
    audit.record(
        "event.messaged",
        event,
        by=by,
        after={
            "subject": subject,
            "body": body,
            "recipients": len(recipients),
            "to": [whom for whom, _context, _locale in recipients.values()],
        },
    )
    return len(recipients)
