"""An assignee's own offers and events. The rules for answering live in scheduling.py and are
reused here, never copied."""

from datetime import timedelta

from sqlalchemy.orm import joinedload

from .. import clock, links
from ..extensions import db
from ..models import Assignment, Event, Person
from ..models.enums import AssignmentStatus, EventStatus
from . import audit

ATTENDANCE_LINK = "attendance"
FEED_LINK_BYTES = 24


def overview_for(person, *, now):
    """What "my page" shows: open offers, upcoming events, past events without attendance, and
    this year's history (held, cancelled, declined)."""
    assignments = db.session.scalars(
        db.select(Assignment)
        .join(Assignment.event)
        .options(
            joinedload(Assignment.event).joinedload(Event.offer_kind),
            joinedload(Assignment.event).joinedload(Event.attendance),
            joinedload(Assignment.event).joinedload(Event.request),
        )
        .where(Assignment.person_id == person.id)
        .order_by(Event.starts_at)
    ).all()
    year_start = clock.local(clock.today().year, 1, 1)
    offers, upcoming, awaiting_attendance, history = [], [], [], []
    for assignment in assignments:
        event = assignment.event
        live = assignment.status in AssignmentStatus.live_states()
        if live and event.status != EventStatus.CANCELLED:
            if assignment.status == AssignmentStatus.OFFERED:
                if event.starts_at > now:
                    offers.append(assignment)
            elif event.starts_at > now:
                upcoming.append(assignment)
            elif event.attendance is None:
                awaiting_attendance.append(assignment)
            else:
                history.append(assignment)
        elif event.starts_at >= year_start:
            history.append(assignment)
    history = [a for a in history if a.event.starts_at >= year_start]
    history.sort(key=lambda a: a.event.starts_at, reverse=True)
    return {
        "offers": offers,
        "upcoming": upcoming,
        "awaiting_attendance": awaiting_attendance,
        "history": history,
    }


def own_assignment(person, assignment_id):
    """The person's own assignment, or None (someone else's id is simply not found)."""
    return db.session.scalar(
        db.select(Assignment).where(
            Assignment.id == assignment_id, Assignment.person_id == person.id
        )
    )


def own_event(person, event_id):
    """(event, the person's assignment on it) when they were offered or hold a seat; else None."""
    assignment = db.session.scalar(
        db.select(Assignment)
        .where(
            Assignment.event_id == event_id,
            Assignment.person_id == person.id,
            Assignment.status.in_(
                [AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED, AssignmentStatus.WITHDRAWN]
            ),
        )
        .order_by(Assignment.id.desc())
        .limit(1)
    )
    return (assignment.event, assignment) if assignment is not None else None


def can_record_attendance(assignment):
    return (
        assignment.status == AssignmentStatus.ACCEPTED
        and assignment.event.status != EventStatus.CANCELLED
        and assignment.event.starts_at <= clock.now()
    )


# --- the personal calendar feed -----------------------------------------------------------------


def feed_token(person):
    """The secret in the person's calendar feed URL, made on first use."""
    if not person.calendar_token:
        person.calendar_token = links.new_token()
        db.session.flush()
    return person.calendar_token


def regenerate_feed_token(person):
    """A new secret: old subscriptions stop updating. Side effects: audit entry."""
    person.calendar_token = links.new_token()
    db.session.flush()
    audit.record("person.calendar_link_renewed", person, actor_label=person.email)
    return person.calendar_token


def person_for_feed(token):
    if not token:
        return None
    person = db.session.scalar(db.select(Person).where(Person.calendar_token == token))
    return person if person is not None and person.active else None


def feed_assignments(person):
    """Accepted events, and the ones cancelled after the person had said yes (to show them
    cancelled in the calendar rather than silently gone)."""
    return db.session.scalars(
        db.select(Assignment)
        .join(Assignment.event)
        .options(joinedload(Assignment.event).joinedload(Event.offer_kind))
        .where(
            Assignment.person_id == person.id,
            db.or_(
                Assignment.status == AssignmentStatus.ACCEPTED,
                db.and_(
                    Assignment.status == AssignmentStatus.WITHDRAWN,
                    Event.status == EventStatus.CANCELLED,
                    Assignment.responded_at.is_not(None),
                ),
            ),
        )
        .order_by(Event.starts_at)
    ).all()


# --- the attendance link sent the day after -----------------------------------------------------


def attendance_url(assignment):
    return links.external_url(
        "offers.attendance",
        signed=links.sign(ATTENDANCE_LINK, assignment.id, assignment.answer_token or ""),
    )


def assignment_for_attendance_link(signed):
    """The accepted assignment an attendance link is for; LinkError if not genuine or no longer
    usable (used once attendance is recorded, expired 14 days after the event)."""
    assignment_id, token = links.unsign(ATTENDANCE_LINK, signed)
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or not assignment.answer_token
        or not links.tokens_match(assignment.answer_token, token)
        or assignment.status != AssignmentStatus.ACCEPTED
    ):
        raise links.LinkError(ATTENDANCE_LINK)
    return assignment


def attendance_link_state(assignment):
    """None if the link can be used, else "used", "expired" or "not_started"."""
    event = assignment.event
    if event.attendance is not None:
        return "used"
    if clock.now() > event.ends_at + timedelta(days=14):
        return "expired"
    if event.starts_at > clock.now():
        return "not_started"
    return None
