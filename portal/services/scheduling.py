"""Events and their staffing.

Scheduling and the overlap rule arrive with the secretariat issue."""

from datetime import timedelta

from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Assignment, Event
from ..models.enums import AssignmentStatus, EventStatus


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
