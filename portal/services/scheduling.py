"""Events and their staffing.

Scheduling and the overlap rule arrive with the secretariat issue."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..labels import label
from ..models import Assignment, Event
from ..models.enums import AssignmentStatus, EventStatus
from . import audit, notifications


def accepted_counts(event_ids):
    """{event_id: number of accepted seats} for the given events, in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        db.select(Assignment.event_id, db.func.count())
        .where(Assignment.event_id.in_(event_ids), Assignment.status == AssignmentStatus.ACCEPTED)
        .group_by(Assignment.event_id)
    ).all()
    return dict(rows)


def upcoming_events(*, now, days=14):
    """Planned events starting within `days`, soonest first, each with (event, accepted, needed)."""
    events = db.session.scalars(
        db.select(Event)
        .options(joinedload(Event.offer_kind), joinedload(Event.request))
        .where(
            Event.status == EventStatus.PLANNED,
            Event.starts_at >= now,
            Event.starts_at < now + timedelta(days=days),
        )
        .order_by(Event.starts_at)
    ).all()
    accepted = accepted_counts([event.id for event in events])
    return [(event, accepted.get(event.id, 0), event.offer_kind.seats_needed) for event in events]


# Every allowed move of an event's status ("fully staffed" is derived, not stored).
EVENT_TRANSITIONS = {
    EventStatus.PLANNED: {EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}


class SchedulingError(Exception):
    """An event or assignment cannot make this move; the message says why."""


def cancel_event(event, *, by, actor_label="", note=""):
    """Cancel an event that has not been held.

    Side effects: status cancelled; live assignments withdrawn, each person told by email;
    audit "event.cancelled".
    """
    if EventStatus.CANCELLED not in EVENT_TRANSITIONS[event.status]:
        raise SchedulingError(
            _l(
                "Arrangementet kan ikke aflyses, fordi det er %(status)s.",
                status=label(event.status),
            )
        )
    before = audit.snapshot(event, ["status"])
    event.status = EventStatus.CANCELLED
    event.cancel_note = str(note)
    for assignment in event.assignments:
        if assignment.status in AssignmentStatus.live_states():
            assignment.status = AssignmentStatus.WITHDRAWN
            assignment.responded_at = assignment.responded_at or clock.now()
            notifications.queue_templated(
                "assignee_event_cancelled",
                to=assignment.person.email,
                locale="da",
                event=event,
                person=assignment.person,
            )
    db.session.flush()
    audit.record(
        "event.cancelled",
        event,
        by=by,
        actor_label=actor_label,
        before=before,
        after={"status": event.status.value, "note": event.cancel_note},
    )
