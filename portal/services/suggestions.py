"""Who could take a seat: the ranked suggestions for an event, a search of the whole panel,
and how many of each role are free on the days a requester wished for."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    AvailabilityRule,
    AwayPeriod,
    Event,
    Person,
)
from ..models.base import UTCDateTime
from ..models.enums import AssignmentStatus, EventStatus, SeatRole
from ..models.people import person_topics
from .availability import accepted_overlapping, busy_person_ids, closed_period_warnings
from .remembered import remembered


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
    away: bool = False  # away on a day of the event; not `available` for that reason


def term_start(day):
    """Terms run August-December and January-July."""
    return day.replace(month=8, day=1) if day.month >= 8 else day.replace(month=1, day=1)


# A search of the whole panel from a seat's suggestions finds at most this many.
PANEL_SEARCH_ROWS = 10
# The event page ranks this many suggestions per role, the first SHOWN_FIRST in view and the
# rest behind "Vis flere", so a phone's page stays a few screens long.
SHOWN = 12
SHOWN_FIRST = 4


def suggestions(event, seat_role, *, name=None, person_ids=None, limit=None):
    """Active persons of the seat's role not already on the event, best fit first, in a
    fixed number of queries; with `name`, only those whose name holds it (at most
    PANEL_SEARCH_ROWS): the search of the whole panel that finds someone the suggestions do
    not show; with `person_ids`, only those (the ones a refused offer had ticked, shown
    again); with `limit`, the best `limit` of them.

    Fit, in this order: free at that time (the overlap rule, buffer included), available by
    their weekly pattern and away dates, for a dialogue the experience that complements the
    ambassador already on it, topic match, language match, fewest events this term; then by
    first name. The database judges and ranks the whole panel: a page that shows a dozen
    never loads thousands."""
    live_on_event = [
        a.person_id for a in event.assignments if a.status in AssignmentStatus.live_states()
    ]
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    request = event.request
    threshold = current_app.config["EXPERIENCED_AFTER_DIALOGUES"]

    free = ~Person.id.in_(
        accepted_overlapping(sessions, exclude_event_id=event.id).with_only_columns(
            Assignment.person_id
        )
    )
    available = sa.and_(sa.true(), *(_available_then(start, end) for start, end in sessions))
    away = sa.or_(sa.false(), *(_away_then(start, end) for start, end in sessions))
    topic_match = (
        db.select(person_topics.c.person_id)
        .where(
            person_topics.c.person_id == Person.id,
            person_topics.c.topic_id == request.topic_id,
        )
        .exists()
        if request is not None and request.topic_id is not None
        else sa.true()
    )
    wanted_language = request.language if request else "da"
    language_match = (" " + Person.languages + " ").contains(
        f" {wanted_language} ", autoescape=True
    )
    held, experienced = experienced_expression()
    load = _events_since(term_start(clock.today()))
    events_this_term = db.func.coalesce(load.c.events, 0)

    order = [_flag(~free), _flag(~available)]
    partner = _partner_experience(event, seat_role, threshold)
    if partner is not None and event.offer_kind.for_a_class:
        # Complementary experience first: the same as the partner's sorts last.
        order.append(_flag(experienced if partner else sa.not_(experienced)))
    order += [
        _flag(~topic_match),
        _flag(~language_match),
        events_this_term,
        Person.first_name,
        Person.id,
    ]
    columns = [free, available, topic_match, language_match, away, events_this_term, experienced]
    rows = db.session.execute(
        db.select(Person, *(_flag(c) for c in columns[:5]), *columns[5:])
        .outerjoin(held, held.c.person_id == Person.id)
        .outerjoin(load, load.c.person_id == Person.id)
        .where(
            Person.active,
            _has_role(seat_role),
            Person.id.not_in(live_on_event) if live_on_event else sa.true(),
            (Person.first_name + " " + Person.last_name).icontains(name.strip(), autoescape=True)
            if name
            else sa.true(),
            Person.id.in_(person_ids) if person_ids is not None else sa.true(),
        )
        .order_by(*order)
        .limit(PANEL_SEARCH_ROWS if name or person_ids is not None else limit)
    ).all()
    return [
        Suggestion(
            person=person,
            free=bool(is_free),
            available=bool(is_available),
            topic_match=bool(on_topic),
            language_match=bool(speaks),
            events_this_term=count,
            experienced=bool(seasoned),
            away=bool(is_away),
        )
        for person, is_free, is_available, on_topic, speaks, is_away, count, seasoned in rows
    ]


def experienced_expression(threshold=None):
    """(the held-dialogues subquery to outer-join on its person_id, the SQL test on Person that
    they count as experienced): by the admin's word if given, else by the dialogues held
    (`threshold` of them, by default the configured number)."""
    held = _held_dialogues()
    if threshold is None:
        threshold = current_app.config["EXPERIENCED_AFTER_DIALOGUES"]
    return held, sa.case(
        (Person.experienced_override.is_not(None), Person.experienced_override),
        else_=db.func.coalesce(held.c.dialogues, 0) >= threshold,
    )


def _flag(condition):
    """1 where `condition` holds, else 0: a condition as a column on every database, and an
    ORDER BY term that puts the rows where it holds last."""
    return sa.case((condition, 1), else_=0)


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

    The same rules as `suggestions` (`_available_then` and the overlap rule), counted by the
    database in one query however many days and people (remembered under the data version),
    and the closed periods in one more: a panel of thousands is never loaded to be counted."""
    needed = {n.seat_role: offer_kind.need(n.seat_role) for n in offer_kind.staffing_needs}
    if not days or not needed:
        return []
    sessions = []
    for day in days:
        start = clock.local(day.year, day.month, day.day, start_time.hour, start_time.minute)
        sessions.append((start, start + timedelta(minutes=minutes)))
    roles = list(needed)
    key = (
        "free on days",
        tuple(sessions),
        tuple(roles),
        current_app.config["TRAVEL_BUFFER_MINUTES"],
    )
    found = remembered(key, lambda: _counted_free(roles, sessions))
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


def _counted_free(roles, sessions):
    """(active persons of each role, then those free at each session in each role), counted
    in one query."""
    counts = [
        db.select(db.func.count(Person.id)).where(Person.active, _has_role(role)) for role in roles
    ] + [
        db.select(db.func.count(Person.id)).where(
            Person.active,
            _has_role(role),
            _available_then(start, end),
            # Those busy then, found once per day (not searched for per person).
            Person.id.not_in(
                accepted_overlapping([(start, end)]).with_only_columns(Assignment.person_id)
            ),
        )
        for start, end in sessions
        for role in roles
    ]
    return tuple(db.session.execute(db.select(*(c.scalar_subquery() for c in counts))).one())


def window_fits(weekday, starts, latest):
    """The SQL test that a weekly window (AvailabilityRule) holds a session on `weekday` from
    the wall-clock `starts` to `latest` (values or columns): the one place the window rule is
    written, for `_available_then` and the free times of direkte booking."""
    return sa.and_(
        AvailabilityRule.weekday == weekday,
        AvailabilityRule.starts_at <= starts,
        AvailabilityRule.ends_at >= latest,
    )


def _available_then(start, end):
    """The SQL test on Person that they can at a session by their own word: not away on any
    day it touches, and a weekly window that holds the session (or no weekly pattern at all).
    The one place this rule is written."""
    local_start, wall_end, day, last_day = _session_days(start, end)
    any_rule = db.select(AvailabilityRule.id).where(AvailabilityRule.person_id == Person.id)
    # A window lies within its day and ends by 23.59: it holds a session to midnight, never one
    # that runs on past it.
    fitting_rule = sa.false()
    if last_day == day:
        latest = wall_end.time() if wall_end.date() == day else time(23, 59)
        fitting_rule = any_rule.where(
            window_fits(day.weekday(), local_start.time(), latest)
        ).exists()
    return sa.and_(~_away_then(start, end), sa.or_(~any_rule.exists(), fitting_rule))


@dataclass(frozen=True)
class Span:
    """Where a session falls in Copenhagen, worked out once for a panel judged in memory:
    its first day, the last day it touches, its wall-clock start, and the wall-clock time a
    weekly window must reach (None when it runs on past its day)."""

    day: date
    last_day: date
    starts: time
    latest: time | None

    @classmethod
    def of(cls, start, end):
        local_start, wall_end, day, last_day = _session_days(start, end)
        latest = None
        if last_day == day:
            latest = wall_end.time() if wall_end.date() == day else time(23, 59)
        touched = (end.astimezone(clock.COPENHAGEN) - timedelta(microseconds=1)).date()
        return cls(day, touched, local_start.time(), latest)


def away_during(periods, span):
    """Whether one of the away `periods` [(first day, last day)] holds a Copenhagen day the
    session (its Span) touches: `away_over` in Python, for a panel judged in memory
    (free_times.py; tests/services/test_free_times_oracle.py holds them equal)."""
    return any(first <= span.last_day and last >= span.day for first, last in periods)


def _away_then(start, end):
    """The SQL test on Person that they are away on a day the session touches."""
    return (
        db.select(AwayPeriod.id)
        .where(
            AwayPeriod.person_id == Person.id,
            away_over(AwayPeriod, sa.literal(start, UTCDateTime()), sa.literal(end, UTCDateTime())),
        )
        .exists()
    )


def away_over(period, starts_at, ends_at):
    """The SQL test that the away `period` (the AwayPeriod entity or an alias) holds a
    Copenhagen day that the session from `starts_at` to `ends_at` touches (a session ending
    at midnight does not touch the next day). The times are SQL expressions, a session's
    columns or bound instants: the one place the away-day rule is written, for the
    suggestions and staffing warnings here and the event page and inbox
    (`assignments.away_conflicts_query` and `away_on_event`)."""
    return sa.and_(
        period.starts_on <= CopenhagenLastDay(ends_at),
        period.ends_on >= CopenhagenDay(starts_at),
    )


class CopenhagenDay(FunctionElement):
    """The Copenhagen date of a UTC instant (an SQL expression). PostgreSQL asks its time
    zone database; SQLite, which has none, is given Denmark's rule since 1996 (summer time
    from 01.00 UTC on the last Sunday of March to 01.00 UTC on the last Sunday of October)."""

    type = sa.Date()
    name = "copenhagen_day"
    inherit_cache = True
    just_before = False


class CopenhagenLastDay(CopenhagenDay):
    """The Copenhagen date of the instant just before a UTC instant: the last day that a
    session ending then touches. (A class of its own, so the statement cache tells the two
    apart.)"""

    name = "copenhagen_last_day"
    inherit_cache = True
    just_before = True


@compiles(CopenhagenDay, "postgresql")
@compiles(CopenhagenLastDay, "postgresql")
def _copenhagen_day_postgresql(element, compiler, **kw):
    instant = compiler.process(element.clauses.clauses[0], **kw)
    if element.just_before:
        instant = f"({instant} - INTERVAL '1 microsecond')"
    return f"CAST(({instant} AT TIME ZONE 'Europe/Copenhagen') AS DATE)"


@compiles(CopenhagenDay, "sqlite")
@compiles(CopenhagenLastDay, "sqlite")
def _copenhagen_day_sqlite(element, compiler, **kw):
    # SQLite keeps the instant as UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff', which compares as
    # text with the changes' instants; the last Sunday of a month is the first from the 25th.
    instant = compiler.process(element.clauses.clauses[0], **kw)
    after, before = (">", "<=") if element.just_before else (">=", "<")
    change = "date(strftime('%Y', {0}) || '-{1}-25', 'weekday 0') || ' 01:00:00'"
    offset = (
        f"CASE WHEN {instant} {after} {change.format(instant, '03')} "
        f"AND {instant} {before} {change.format(instant, '10')} "
        "THEN '+2 hours' ELSE '+1 hours' END"
    )
    back = ", '-0.001 seconds'" if element.just_before else ""
    return f"date({instant}, {offset}{back})"


def _session_days(start, end):
    """(local start, wall-clock end, first day, last day) of a session in Copenhagen."""
    local_start, local_end = start.astimezone(clock.COPENHAGEN), end.astimezone(clock.COPENHAGEN)
    day = local_start.date()
    # The wall-clock time a window must reach: the session's end or, where the clocks go back
    # during it (02.30 comes twice), its start plus its length, so the hour it runs twice counts.
    wall_start = local_start.replace(tzinfo=None)
    wall_end = max(local_end.replace(tzinfo=None), wall_start + (end - start))
    last_day = (wall_end - timedelta(microseconds=1)).date()  # ending at midnight: not the next
    return local_start, wall_end, day, last_day


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


def _events_since(day):
    """Each person's accepted events (not cancelled) from `day` on, counted once for all as
    a subquery to join (a correlated count per person makes SQLite walk every accepted
    assignment for each)."""
    return (
        db.select(Assignment.person_id, db.func.count().label("events"))
        .join(Assignment.event)
        .where(
            Assignment.status == AssignmentStatus.ACCEPTED,
            Event.status != EventStatus.CANCELLED,
            Event.starts_at >= clock.local(day.year, day.month, day.day),
        )
        .group_by(Assignment.person_id)
        .subquery()
    )


def _held_dialogues():
    """Each person's dialogues held as an ambassador, a subquery to join."""
    return (
        db.select(Assignment.person_id, db.func.count().label("dialogues"))
        .join(Assignment.event)
        .where(
            Assignment.status == AssignmentStatus.ACCEPTED,
            Assignment.seat_role == SeatRole.AMBASSADOR,
            Event.status == EventStatus.HELD,
        )
        .group_by(Assignment.person_id)
        .subquery()
    )


def _partner_experience(event, seat_role, threshold):
    """Whether the ambassador already on the event is experienced (None if nobody is yet)."""
    for assignment in event.assignments:
        if (
            assignment.seat_role == seat_role
            and assignment.status in AssignmentStatus.live_states()
        ):
            held = _held_dialogues()
            dialogues = db.session.scalar(
                db.select(held.c.dialogues).where(held.c.person_id == assignment.person_id)
            )
            return assignment.person.is_experienced(dialogues or 0, threshold)
    return None


def unavailable(persons, event):
    """Those of `persons` whose weekly pattern or away dates say they cannot at the event's
    time (the rule of `_available_then`, asked of the database)."""
    return [person for person, _away in why_unavailable(persons, event)]


def why_unavailable(persons, event):
    """[(person, away)] for those of `persons` who cannot at the event's time by their own
    word: `away` True for an away day, False for outside their weekly availability."""
    if not persons:
        return []
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    available = sa.and_(sa.true(), *(_available_then(start, end) for start, end in sessions))
    away = sa.or_(sa.false(), *(_away_then(start, end) for start, end in sessions))
    cannot = dict(
        db.session.execute(
            db.select(Person.id, _flag(away)).where(
                Person.id.in_([p.id for p in persons]), ~available
            )
        ).all()
    )
    return [(person, bool(cannot[person.id])) for person in persons if person.id in cannot]


def busy(persons, event):
    """Those of `persons` who have said yes to another event overlapping this one (travel
    buffer included): offered anyway, they could not accept until that one lets them go."""
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    taken = busy_person_ids(sessions, exclude_event_id=event.id)
    return [person for person in persons if person.id in taken]
