"""Who is free when: the one place the overlap rule is written (nobody holds two accepted
assignments closer than the travel buffer), the closed periods (school holidays, VINK's
closures) a time falls in, and the lock a staffing rule is checked under."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    ClosedPeriod,
    Event,
    EventSession,
    Person,
)
from ..models.enums import AssignmentStatus, ClosedPeriodKind, EventStatus


def travel_buffer():
    return timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])


def accepted_overlapping(sessions, *, exclude_event_id=None, statuses=(AssignmentStatus.ACCEPTED,)):
    """Accepted assignments (or those in `statuses`) on events (not cancelled) that overlap any
    of `sessions`, travel buffer included: the one place the overlap rule is written in SQL
    (`overlaps` is its twin in Python). Events touching at exactly the buffer's distance do not
    overlap.

    The overlapping events are a set of their own (an IN): the database finds the few sessions
    in the time window first, instead of joining every accepted assignment to its sessions."""
    buffer = travel_buffer()
    overlapping_events = (
        db.select(EventSession.event_id)
        .join(EventSession.event)
        .where(
            Event.status != EventStatus.CANCELLED,
            sa.or_(*(_session_overlaps(start, end, buffer) for start, end in sessions)),
        )
    )
    if exclude_event_id is not None:
        overlapping_events = overlapping_events.where(Event.id != exclude_event_id)
    return db.select(Assignment).where(
        Assignment.status.in_(statuses),
        Assignment.event_id.in_(overlapping_events),
    )


def _session_overlaps(start, end, buffer):
    """The SQL test that an event session overlaps start..end with the travel buffer."""
    return sa.and_(EventSession.starts_at < end + buffer, EventSession.ends_at > start - buffer)


def overlaps(held_start, held_end, start, end, buffer):
    """Whether a session held from `held_start` to `held_end` overlaps start..end with the
    travel buffer: `_session_overlaps` in Python, for a panel judged in memory
    (free_times.py; tests/services/test_free_times_oracle.py holds them equal)."""
    return held_start < end + buffer and held_end > start - buffer


def held_sessions(starts, ends):
    """[(person id, session start, session end)] of every session someone holds or is offered
    (a live assignment, on an event not cancelled) that overlaps `starts`..`ends` with the
    travel buffer: what makes a person busy for direkte booking, read once for a window."""
    return db.session.execute(
        db.select(Assignment.person_id, EventSession.starts_at, EventSession.ends_at)
        .join(EventSession, EventSession.event_id == Assignment.event_id)
        .join(Event, Event.id == Assignment.event_id)
        .where(
            Assignment.status.in_(AssignmentStatus.live_states()),
            Event.status != EventStatus.CANCELLED,
            _session_overlaps(starts, ends, travel_buffer()),
        )
    ).all()


def overlapping_assignment(person_id, sessions, *, exclude_event_id=None):
    """An accepted assignment of the person that overlaps `sessions`, or None."""
    query = accepted_overlapping(sessions, exclude_event_id=exclude_event_id)
    return db.session.scalar(query.where(Assignment.person_id == person_id).limit(1))


def busy_person_ids(sessions, *, exclude_event_id):
    """The ids of everyone holding an accepted assignment that overlaps `sessions`."""
    query = accepted_overlapping(sessions, exclude_event_id=exclude_event_id)
    return set(db.session.scalars(query.with_only_columns(Assignment.person_id)))


def _periods_that_matter(offer_kind):
    """Which closed periods concern `offer_kind`: VINK's own closures concern every offer (nobody
    is there to come), school holidays only one held for a school class."""
    if offer_kind is not None and offer_kind.for_a_class:
        return ()
    return (ClosedPeriod.kind == ClosedPeriodKind.CLOSURE,)


def closed_periods_during(sessions, *, offer_kind=None):
    """The closed periods (of those that concern `offer_kind`; all without one) that any of the
    sessions falls in (for the warning)."""
    days = {start.astimezone(clock.COPENHAGEN).date() for start, _end in sessions}
    if not days:
        return []
    conditions = _periods_that_matter(offer_kind) if offer_kind is not None else ()
    return db.session.scalars(
        db.select(ClosedPeriod)
        .where(ClosedPeriod.starts_on <= max(days), ClosedPeriod.ends_on >= min(days), *conditions)
        .order_by(ClosedPeriod.starts_on)
    ).all()


def closed_days_between(offer_kind, first, last):
    """The days from `first` to `last` that lie in a closed period concerning `offer_kind`."""
    days = set()
    for starts_on, ends_on in db.session.execute(
        db.select(ClosedPeriod.starts_on, ClosedPeriod.ends_on).where(
            ClosedPeriod.starts_on <= last,
            ClosedPeriod.ends_on >= first,
            *_periods_that_matter(offer_kind),
        )
    ):
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            days.add(day)
            day += timedelta(days=1)
    return days


def closed_period_warnings(offer_kind, sessions):
    """The closed periods a new time falls in, which make the secretariat confirm before
    saving: VINK's closures for every offer, school holidays too for one held for a class."""
    return closed_periods_during(sessions, offer_kind=offer_kind)


def closed_periods_ahead(offer_kind, *, today, days=365, limit=12):
    """The closed periods the public form shows beside its dates: those that concern the offer
    and end within the year the form lets a requester wish in."""
    if offer_kind is None:
        return []
    return db.session.scalars(
        db.select(ClosedPeriod)
        .where(
            ClosedPeriod.ends_on >= today,
            ClosedPeriod.starts_on <= today + timedelta(days=days),
            *_periods_that_matter(offer_kind),
        )
        .order_by(ClosedPeriod.starts_on)
        .limit(limit)
    ).all()


def closed_wishes(offer_kind, wishes):
    """[(first, last, period)] for each wished date (or period) that lies wholly in a closed
    period that concerns the offer: the requester is told, nothing is refused. A wished period
    that only touches one leaves other days to choose from."""
    if not wishes:
        return []
    periods = db.session.scalars(
        db.select(ClosedPeriod)
        .where(
            ClosedPeriod.starts_on <= max(last for _first, last in wishes),
            ClosedPeriod.ends_on >= min(first for first, _last in wishes),
            *_periods_that_matter(offer_kind),
        )
        .order_by(ClosedPeriod.starts_on)
    ).all()
    return [
        (first, last, period)
        for first, last in wishes
        for period in periods
        if period.starts_on <= first and last <= period.ends_on
    ]


# The key of PostgreSQL's advisory lock that one direkte booking holds while it takes a time.
INSTANT_BOOKING_LOCK = 0x56494E4B


def lock_instant_booking():
    """Make a direkte booking wait for any other until its transaction ends, so that of two
    requesters taking the last free time at once, the second sees the first's offers: on
    PostgreSQL a transaction-level advisory lock, on SQLite the database's write lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.select(db.func.pg_advisory_xact_lock(INSTANT_BOOKING_LOCK)))
    else:
        lock_people([])


def lock_people(person_ids, event_id=None):
    """Hold what a staffing rule checks until the transaction ends: on PostgreSQL the persons'
    rows and the event's row (SELECT ... FOR UPDATE, in id order so two transactions never wait
    on each other in a circle); on SQLite the database's write lock, taken before anything is
    read (the equivalent of BEGIN IMMEDIATE)."""
    person_ids = sorted(set(person_ids))
    if db.session.get_bind().dialect.name == "postgresql":
        if person_ids:
            db.session.execute(
                db.select(Person.id).where(Person.id.in_(person_ids)).with_for_update()
            )
        if event_id is not None:
            db.session.execute(db.select(Event.id).where(Event.id == event_id).with_for_update())
    else:
        db.session.execute(
            sa.update(Person)
            .where(Person.id.in_(person_ids or [0]))
            .values(id=Person.id)
            .execution_options(synchronize_session=False)
        )
