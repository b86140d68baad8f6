"""Who could take a seat: the ranked suggestions for an event, a search of the whole panel,
and how many of each role are free on the days a requester wished for."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    AvailabilityRule,
    AwayPeriod,
    Event,
    Person,
)
from ..models.enums import AssignmentStatus, EventStatus, SeatRole
from .scheduling import (
    _accepted_overlapping,
    _busy_person_ids,
    closed_period_warnings,
)


@dataclass
class Suggestion:
    person: Person
    free: bool
    available: bool
    topic_match: bool
    language_match: bool
    events_this_term: int
    experienced: bool
    reasons: list = field(default_factory=list)

    @property
    def rank(self):
        return (
            not self.free,
            not self.available,
            not self.topic_match,
            not self.language_match,
            self.events_this_term,
            self.person.first_name,
        )


def term_start(day):
    """Terms run August-December and January-July."""
    return day.replace(month=8, day=1) if day.month >= 8 else day.replace(month=1, day=1)


# A search of the whole panel from a seat's suggestions finds at most this many.
PANEL_SEARCH_ROWS = 10


def suggestions(event, seat_role, *, name=None, person_ids=None):
    """Active persons of the seat's role, best fit first, in a fixed number of queries; with
    `name`, only those whose name holds it (at most PANEL_SEARCH_ROWS): the search of the whole
    panel that finds someone the suggestions do not show; with `person_ids`, only those (the
    ones a refused offer had ticked, shown again).

    Fit: free at that time (the overlap rule, buffer included), available by their weekly
    pattern and away dates, topic and language match, fewest events this term; for a dialogue,
    an experienced ambassador pairs with a newer one.
    """
    live_on_event = {
        a.person_id for a in event.assignments if a.status in AssignmentStatus.live_states()
    }
    people = db.session.scalars(
        db.select(Person)
        .options(
            selectinload(Person.topics),
            selectinload(Person.availability_rules),
            selectinload(Person.away_periods),
        )
        .where(
            Person.active,
            _has_role(seat_role),
            (Person.first_name + " " + Person.last_name).icontains(name.strip(), autoescape=True)
            if name
            else sa.true(),
            Person.id.in_(person_ids) if person_ids is not None else sa.true(),
        )
        .order_by(Person.first_name, Person.id)
        .limit(PANEL_SEARCH_ROWS if name or person_ids is not None else None)
    ).all()
    people = [p for p in people if p.id not in live_on_event]
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    busy = _busy_person_ids(sessions, exclude_event_id=event.id)
    today = clock.today()
    load = _accepted_since(term_start(today))
    held_dialogues = _held_dialogues()
    threshold = current_app.config["EXPERIENCED_AFTER_DIALOGUES"]
    request = event.request
    wanted_language = request.language if request else "da"
    partner_experienced = _partner_experience(event, seat_role, held_dialogues, threshold)
    result = []
    for person in people:
        experienced = person.is_experienced(held_dialogues.get(person.id, 0), threshold)
        suggestion = Suggestion(
            person=person,
            free=person.id not in busy,
            available=_available(person, sessions),
            topic_match=request is None or request.topic is None or request.topic in person.topics,
            language_match=wanted_language in person.language_codes,
            events_this_term=load.get(person.id, 0),
            experienced=experienced,
        )
        result.append(suggestion)
    result.sort(key=lambda s: s.rank)
    if partner_experienced is not None and event.offer_kind.for_a_class:
        # Pair an experienced ambassador with a newer one: complementary experience first
        # among those equally free and available.
        result.sort(
            key=lambda s: (not s.free, not s.available, s.experienced == partner_experienced)
        )
    return result


def _has_role(seat_role):
    """The SQL test that a person can take a seat of `seat_role`."""
    return Person.is_ambassador if seat_role == SeatRole.AMBASSADOR else Person.is_resource_person


@dataclass
class DayAvailability:
    """How many of each role the offer kind needs are free at one time on one day."""

    day: object
    starts_at: object
    ends_at: object
    free: dict  # {SeatRole: active persons of that role free then}
    active: dict  # {SeatRole: active persons of that role in all}
    needed: dict  # {SeatRole: seats the kind needs}
    closed: list = field(default_factory=list)  # closed periods the day falls in

    @property
    def short_roles(self):
        """The roles with fewer people free than the kind needs."""
        return [role for role, need in self.needed.items() if self.free[role] < need]


def free_on_days(offer_kind, days, *, start_time, minutes):
    """[DayAvailability] for each of `days` (local dates), a session at `start_time` lasting
    `minutes`: per role the kind needs, the active persons of that role available by their
    weekly pattern and away dates and holding no accepted event within the travel buffer.

    The same rules as `suggestions` (`_available` and the overlap rule), counted by the
    database in one query however many days and people, and the closed periods in one more:
    a panel of thousands is never loaded to be counted."""
    needed = {n.seat_role: offer_kind.need(n.seat_role) for n in offer_kind.staffing_needs}
    if not days or not needed:
        return []
    sessions = []
    for day in days:
        start = clock.local(day.year, day.month, day.day, start_time.hour, start_time.minute)
        sessions.append((start, start + timedelta(minutes=minutes)))
    roles = list(needed)
    counts = [
        db.select(db.func.count(Person.id)).where(Person.active, _has_role(role)) for role in roles
    ] + [
        db.select(db.func.count(Person.id)).where(
            Person.active,
            _has_role(role),
            _available_then(start, end),
            # Those busy then, found once per day (not searched for per person).
            Person.id.not_in(
                _accepted_overlapping([(start, end)]).with_only_columns(Assignment.person_id)
            ),
        )
        for start, end in sessions
        for role in roles
    ]
    found = list(db.session.execute(db.select(*(c.scalar_subquery() for c in counts))).one())
    active, free = found[: len(roles)], found[len(roles) :]
    closed = closed_period_warnings(offer_kind, sessions)
    result = []
    for index, (day, session) in enumerate(zip(days, sessions, strict=True)):
        result.append(
            DayAvailability(
                day=day,
                starts_at=session[0],
                ends_at=session[1],
                free=dict(
                    zip(roles, free[index * len(roles) : (index + 1) * len(roles)], strict=True)
                ),
                active=dict(zip(roles, active, strict=True)),
                needed=needed,
                closed=[c for c in closed if c.starts_on <= day <= c.ends_on],
            )
        )
    return result


def _available_then(start, end):
    """`_available` as SQL on Person, for one session: not away that day, and a weekly
    window that holds the session (or no weekly pattern at all)."""
    local_start, local_end = start.astimezone(clock.COPENHAGEN), end.astimezone(clock.COPENHAGEN)
    day = local_start.date()
    away = (
        db.select(AwayPeriod.id)
        .where(
            AwayPeriod.person_id == Person.id,
            AwayPeriod.starts_on <= day,
            AwayPeriod.ends_on >= day,
        )
        .exists()
    )
    any_rule = db.select(AvailabilityRule.id).where(AvailabilityRule.person_id == Person.id)
    fitting_rule = any_rule.where(
        AvailabilityRule.weekday == day.weekday(),
        AvailabilityRule.starts_at <= local_start.time(),
        AvailabilityRule.ends_at >= local_end.time(),
    )
    return sa.and_(~away, sa.or_(~any_rule.exists(), fitting_rule.exists()))


# The time the wished dates' counts assume unless the page is asked for another: the schedule
# form has no time of its own until one is typed, and a school visit often starts in the morning.
WISHED_DAY_START = time(9, 0)

WISHED_DAYS_PER_DATE = 10


def wished_day_hours(offer_kind, start_time=WISHED_DAY_START):
    """(start, end) wall-clock times of a session on a wished day, as the counts assume."""
    start = datetime.combine(date.min, start_time)
    return start_time, (start + timedelta(minutes=offer_kind.default_duration_minutes)).time()


def wished_days(request, *, today, start_time=WISHED_DAY_START, per_date=WISHED_DAYS_PER_DATE):
    """{proposed date id: ([DayAvailability], days left out)} for the request's wished dates
    from `today` on: a single date as it is, a period by its weekdays, the first `per_date` of
    them. Counts assume a session from `start_time` for the kind's default duration."""
    chosen = {}
    for proposal in request.date_proposals:
        for wished in proposal.dates:
            days = [
                wished.starts_on + timedelta(days=n)
                for n in range((wished.ends_on - wished.starts_on).days + 1)
            ]
            days = [
                d
                for d in days
                if d >= today and (wished.starts_on == wished.ends_on or d.weekday() < 5)
            ]
            chosen[wished.id] = (days[:per_date], len(days[per_date:]))
    all_days = sorted({d for days, _more in chosen.values() for d in days})
    counted = free_on_days(
        request.offer_kind,
        all_days,
        start_time=start_time,
        minutes=request.offer_kind.default_duration_minutes,
    )
    by_day = {availability.day: availability for availability in counted}
    return {
        wished_id: ([by_day[d] for d in days if d in by_day], more)
        for wished_id, (days, more) in chosen.items()
    }


def _accepted_since(day):
    start = clock.local(day.year, day.month, day.day)
    rows = db.session.execute(
        db.select(Assignment.person_id, db.func.count())
        .join(Assignment.event)
        .where(
            Assignment.status == AssignmentStatus.ACCEPTED,
            Event.status != EventStatus.CANCELLED,
            Event.starts_at >= start,
        )
        .group_by(Assignment.person_id)
    ).all()
    return dict(rows)


def _held_dialogues():
    rows = db.session.execute(
        db.select(Assignment.person_id, db.func.count())
        .join(Assignment.event)
        .where(
            Assignment.status == AssignmentStatus.ACCEPTED,
            Assignment.seat_role == SeatRole.AMBASSADOR,
            Event.status == EventStatus.HELD,
        )
        .group_by(Assignment.person_id)
    ).all()
    return dict(rows)


def _partner_experience(event, seat_role, held_dialogues, threshold):
    """Whether the ambassador already on the event is experienced (None if nobody is yet)."""
    for assignment in event.assignments:
        if (
            assignment.seat_role == seat_role
            and assignment.status in AssignmentStatus.live_states()
        ):
            return assignment.person.is_experienced(
                held_dialogues.get(assignment.person_id, 0), threshold
            )
    return None


def _available(person, sessions):
    """By the person's weekly pattern (none set: any time) and away dates."""
    for start, end in sessions:
        local_start = start.astimezone(clock.COPENHAGEN)
        local_end = end.astimezone(clock.COPENHAGEN)
        day = local_start.date()
        if any(p.starts_on <= day <= p.ends_on for p in person.away_periods):
            return False
        if person.availability_rules and not any(
            rule.weekday == day.weekday()
            and rule.starts_at <= local_start.time()
            and local_end.time() <= rule.ends_at
            for rule in person.availability_rules
        ):
            return False
    return True


def unavailable(persons, event):
    """Those of `persons` whose weekly pattern or away dates say they cannot at the event's time."""
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    return [person for person in persons if not _available(person, sessions)]


def busy(persons, event):
    """Those of `persons` who have said yes to another event overlapping this one (travel
    buffer included): offered anyway, they could not accept until that one lets them go."""
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    taken = _busy_person_ids(sessions, exclude_event_id=event.id)
    return [person for person in persons if person.id in taken]
