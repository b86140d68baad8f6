"""An assignee's offers and events. (Answering offers arrives with the assignee issue.)"""

from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Assignment, Event
from ..models.enums import AssignmentStatus, EventStatus


def overview_for(person, *, now):
    """What "my page" shows: open offers, upcoming events, and past events without attendance."""
    assignments = db.session.scalars(
        db.select(Assignment)
        .join(Assignment.event)
        .options(
            joinedload(Assignment.event).joinedload(Event.offer_kind),
            joinedload(Assignment.event).joinedload(Event.attendance),
        )
        .where(
            Assignment.person_id == person.id,
            Assignment.status.in_(AssignmentStatus.live_states()),
            Event.status != EventStatus.CANCELLED,
        )
        .order_by(Event.starts_at)
    ).all()
    offers, upcoming, awaiting_attendance = [], [], []
    for assignment in assignments:
        event = assignment.event
        if assignment.status == AssignmentStatus.OFFERED:
            if event.starts_at > now:
                offers.append(assignment)
        elif event.starts_at > now:
            upcoming.append(assignment)
        elif event.attendance is None:
            awaiting_attendance.append(assignment)
    return {"offers": offers, "upcoming": upcoming, "awaiting_attendance": awaiting_attendance}
