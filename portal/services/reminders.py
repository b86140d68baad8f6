"""Reminders and the offer chain, run by one scheduled command (`flask send-reminders`).

Idempotent: running it twice sends nothing twice (outbox dedupe keys and status changes)."""

from datetime import timedelta

from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from .. import clock, links
from ..extensions import db
from ..models import Assignment, Event, Person
from ..models.enums import AssignmentStatus, EventStatus
from . import assignments, evaluations, mail, offers, tracking

ANSWER_REMINDER_AFTER = timedelta(hours=48)
# What a reminded person has left to answer: an offer due sooner is reminded earlier.
ANSWER_TIME_AFTER_REMINDER = timedelta(hours=12)
EVENT_REMINDER_BEFORE = timedelta(days=2)
ATTENDANCE_REMINDER_AFTER = timedelta(hours=12)
ATTENDANCE_REMINDER_UNTIL = timedelta(days=7)


def send_reminders(*, now=None):
    """Remind unanswered offers, lapse expired ones (and offer the seat on), remind people two
    days before their event, ask for attendance the day after, and remind a requester once of
    their evaluation a week after. Returns counts. Flushes."""
    now = now or clock.now()
    lapsed, chained = lapse_expired_offers(now=now)
    return {
        "svar_ønskes": remind_unanswered_offers(now=now),
        "udløbet": lapsed,
        "sendt_videre": chained,
        "påmindelser": remind_upcoming_events(now=now),
        "fremmøde": ask_for_attendance(now=now),
        "evalueringer": evaluations.remind_requesters(now=now),
    }


def answer_reminder_due(offered_at, expires_at):
    """When an unanswered offer is reminded: 48 hours after it was made, or, when its deadline
    comes sooner (a dialogue's 48 hours, an admin's 24, an event in a few days), at the latest
    moment that still leaves 12 hours to answer; an offer open for less than a day, halfway."""
    window = expires_at - offered_at
    latest = max(window - ANSWER_TIME_AFTER_REMINDER, window / 2)
    return offered_at + min(ANSWER_REMINDER_AFTER, latest)


def remind_unanswered_offers(*, now):
    """One reminder, "Svar ønskes" first in the subject, for an offer unanswered when
    `answer_reminder_due` says (48 hours, or sooner for a shorter deadline)."""
    candidates = db.session.scalars(
        db.select(Assignment)
        .join(Assignment.event)
        .join(Assignment.person)
        .where(
            Assignment.status == AssignmentStatus.OFFERED,
            Assignment.claimed.is_(False),
            Person.active,  # a deactivated person's links are dead: no mail to them either
            Assignment.reminded_at.is_(None),
            # Every due offer is among these (either bound of answer_reminder_due has passed).
            or_(
                Assignment.offered_at <= now - ANSWER_REMINDER_AFTER,
                Assignment.expires_at <= now + ANSWER_TIME_AFTER_REMINDER,
            ),
            Assignment.expires_at > now,
            Event.status == EventStatus.PLANNED,
        )
    ).all()
    due = [a for a in candidates if answer_reminder_due(a.offered_at, a.expires_at) <= now]
    for assignment in due:
        assignment.reminded_at = now
        mail.send(
            "assignee_offer_reminder",
            to=assignment.person.email,
            locale=assignment.person.mail_locale,
            dedupe_key=f"offer-reminder:{assignment.id}",
            assignment=assignment,
            event=assignment.event,
            person=assignment.person,
            answer_url=offers.answer_url(assignment),
        )
    db.session.flush()
    return len(due)


def lapse_expired_offers(*, now):
    """Offers past their deadline lapse; where the offer kind chains, the seat is offered to the
    next suggested person nobody has asked yet. Returns (lapsed, offered on)."""
    expired = db.session.scalars(
        db.select(Assignment)
        .options(joinedload(Assignment.event))
        .where(Assignment.status == AssignmentStatus.OFFERED, Assignment.expires_at <= now)
        .order_by(Assignment.expires_at)
    ).all()
    chained = 0
    for assignment in expired:
        offers.lapse_offer(assignment)
        if offers.chain_offer(assignment, now=now) is not None:
            chained += 1
    db.session.flush()
    return len(expired), chained


def remind_upcoming_events(*, now):
    """Two days before: the assigned persons and the requester get a reminder, once each."""
    events = db.session.scalars(
        db.select(Event).where(
            Event.status == EventStatus.PLANNED,
            Event.starts_at > now,
            Event.starts_at <= now + EVENT_REMINDER_BEFORE,
        )
    ).all()
    sent = 0
    for event in events:
        for assignment in event.assignments:
            if assignment.status == AssignmentStatus.ACCEPTED and assignment.person.active:
                sent += _queued(
                    mail.send(
                        "assignee_event_reminder",
                        to=assignment.person.email,
                        locale=assignment.person.mail_locale,
                        dedupe_key=f"event-reminder:{event.id}:{event.starts_at:%Y%m%d%H%M}:"
                        f"person:{assignment.person_id}",
                        event=event,
                        person=assignment.person,
                    )
                )
        request = event.request
        if request is not None and request.contact.anonymised_at is None:
            sent += _queued(
                mail.send(
                    "requester_event_reminder",
                    to=request.contact.email,
                    locale=request.locale,
                    dedupe_key=f"event-reminder:{event.id}:{event.starts_at:%Y%m%d%H%M}:requester",
                    event=event,
                    request=request,
                    tracking_url=tracking.tracking_url(request),
                )
            )
    db.session.flush()
    return sent


def ask_for_attendance(*, now):
    """The day after an event without attendance: each assigned person gets a signed link that
    opens the attendance form without logging in (works once)."""
    events = (
        db.session.scalars(
            db.select(Event)
            .options(joinedload(Event.attendance))
            .where(
                Event.status == EventStatus.PLANNED,
                Event.ends_at <= now - ATTENDANCE_REMINDER_AFTER,
                Event.ends_at >= now - ATTENDANCE_REMINDER_UNTIL,
            )
        )
        .unique()
        .all()
    )
    sent = 0
    for event in events:
        if event.attendance is not None:
            continue
        for assignment in event.assignments:
            if assignment.status != AssignmentStatus.ACCEPTED or not assignment.person.active:
                continue
            if not assignment.answer_token:
                assignment.answer_token = links.new_token()
                db.session.flush()
            sent += _queued(
                mail.send(
                    "assignee_attendance_reminder",
                    to=assignment.person.email,
                    locale=assignment.person.mail_locale,
                    dedupe_key=f"attendance-reminder:{event.id}:{assignment.person_id}",
                    event=event,
                    person=assignment.person,
                    attendance_url=assignments.attendance_url(assignment),
                )
            )
    db.session.flush()
    return sent


def _queued(message):
    return 0 if message is None else 1
