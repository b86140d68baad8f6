"""Direkte booking: the times at which an offer kind's seats can be filled, and taking one.

A time can be taken when, for each role the kind needs, enough active people of that role are
free then (the weekly availability and away days of `suggestions._available_then`, nobody
holding or offered another event within the travel buffer: `availability.held_sessions`), a
person takes one seat at most, and a kind held for a school class has at least one experienced
ambassador among its ambassadors (the pairing the secretariat makes by hand). Times lie in the
school day, in slots of the kind's duration, on weekdays outside the closed periods that
concern the kind, from `instant_opens_days` to `instant_reach_days` after today.

The panel is read in a fixed number of queries, whatever its size: who has a weekly window
holding each weekday's hours (the database judges the windows, `suggestions.window_fits`, the
rule the staffing pages use), who has none, who is experienced, the away days and the sessions
held in the window. The rest is judged here, stopping at the first people who fill a time: a
page that shows five weeks never asks the database once per time or per person. The away days
and the travel buffer are judged by Python twins of their SQL rules (`suggestions.away_during`,
`availability.overlaps`); tests/services/test_free_times_oracle.py holds the free times equal
to a brute force by the SQL rules over random panels."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..models import AvailabilityRule, AwayPeriod, Person
from ..models.enums import AssignmentStatus, SeatRole
from .availability import closed_days_between, held_sessions, lock_instant_booking, overlaps
from .errors import DomainError
from .remembered import remembered
from .suggestions import (
    Span,
    away_during,
    experienced_expression,
    suggestions,
    window_fits,
)

# A form's value for a time: its Copenhagen day and wall-clock start.
KEY = re.compile(r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}", re.ASCII)


class TimeTaken(DomainError):
    """The time cannot be taken (any more): someone took it, or it is not a free time."""


@dataclass(frozen=True)
class FreeTime:
    """A time the kind's seats can be filled, in UTC, and the form's value for it."""

    starts_at: datetime
    ends_at: datetime

    @property
    def local_start(self):
        return self.starts_at.astimezone(clock.COPENHAGEN)

    @property
    def day(self):
        return self.local_start.date()

    @cached_property
    def span(self):
        return Span.of(self.starts_at, self.ends_at)

    @property
    def key(self):
        """The value a form sends for this time: its Copenhagen wall-clock start."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")


def school_day():
    """(first start, latest end) of a time, Copenhagen wall clock."""
    config = current_app.config
    return config["INSTANT_DAY_STARTS"], config["INSTANT_DAY_ENDS"]


def window(kind, *, today):
    """(first day, last day) a requester can take a time on."""
    return today + timedelta(days=kind.instant_opens_days), today + timedelta(
        days=kind.instant_reach_days
    )


def weeks(kind, *, today):
    """The Mondays of the weeks the window touches, first to last."""
    first, last = window(kind, today=today)
    monday = first - timedelta(days=first.weekday())
    found = []
    while monday <= last:
        found.append(monday)
        monday += timedelta(days=7)
    return found


def candidate_times(kind, first, last, *, closed=frozenset()):
    """Every time of the grid from `first` to `last` (local days): weekdays not in `closed`,
    from the school day's start in steps of the kind's duration, ending by its end."""
    day_starts, day_ends = school_day()
    length = timedelta(minutes=kind.default_duration_minutes)
    times = []
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            wall = datetime.combine(day, day_starts)
            while wall + length <= datetime.combine(day, day_ends):
                start = clock.local(day.year, day.month, day.day, wall.hour, wall.minute)
                times.append(FreeTime(start, start + length))
                wall += length
        day += timedelta(days=1)
    return times


def free_times(kind, *, today, first=None, last=None):
    """[FreeTime] of `kind` from `first` to `last` (local days, clipped to the window), in
    order: the times whose seats can be filled now. A fixed number of queries, whatever the
    panel and the number of days; one while nothing was written since it was last computed
    (`remembered`: the kind as this request holds it, the days and the rules' settings are
    the key, the database's data version keeps it exact)."""
    if not kind.takes_free_times:
        return []
    opens, reaches = window(kind, today=today)
    first, last = max(first or opens, opens), min(last or reaches, reaches)
    if first > last:
        return []
    config = current_app.config
    key = (
        "free_times",
        kind.id,
        kind.default_duration_minutes,
        kind.for_a_class,
        tuple(sorted((n.seat_role, kind.need(n.seat_role)) for n in kind.staffing_needs)),
        first,
        last,
        *school_day(),
        config["TRAVEL_BUFFER_MINUTES"],
        config["EXPERIENCED_AFTER_DIALOGUES"],
    )
    return list(remembered(key, lambda: _computed(kind, first, last)))


def _computed(kind, first, last):
    """The free times from `first` to `last`, computed: a tuple, kept by `remembered`."""
    candidates = candidate_times(kind, first, last, closed=closed_days_between(kind, first, last))
    if not candidates:
        return ()
    panel = Panel.load(kind, candidates)
    return tuple(t for t in candidates if panel.can_fill(t))


def time_for(kind, key, *, today):
    """The FreeTime of the grid whose form value is `key`, or None: a time outside the window,
    off the grid, on a weekend or in a closed period that concerns the kind is none."""
    found = KEY.fullmatch(key or "")
    try:
        day = date.fromisoformat(found[1]) if found else None
    except ValueError:
        day = None
    opens, reaches = window(kind, today=today)
    if day is None or not opens <= day <= reaches:
        return None
    grid = candidate_times(kind, day, day, closed=closed_days_between(kind, day, day))
    return next((t for t in grid if t.key == key), None)


# --- the panel --------------------------------------------------------------------------------


class Panel:
    """Who could take the kind's seats at a set of times, as plain data: for each weekday and
    hours the times fall on, who of the kind's roles has a weekly window that holds them (the
    database judges the windows: `suggestions.window_fits`), who has no weekly pattern at all,
    who is experienced, and the away days and held sessions over the times' span."""

    def __init__(self, kind, *, windows, unruled, experienced, away, held):
        self.needs = {n.seat_role: kind.need(n.seat_role) for n in kind.staffing_needs}
        # The role whose seats need an experienced person among them (None: no such rule).
        self.paired = (
            SeatRole.AMBASSADOR if kind.for_a_class and SeatRole.AMBASSADOR in self.needs else None
        )
        self.windows = windows  # {(weekday, starts, latest): {person id: roles}}
        self.unruled = unruled  # {person id: roles}: no weekly pattern, free any time by it
        self.experienced = experienced  # {person id}
        self.away, self.held = away, held  # {person id: [(first, last)]}
        self.buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])

    @classmethod
    def load(cls, kind, times):
        """The panel for `times` (FreeTimes): three queries, whatever the panel's size."""
        roles = sorted({n.seat_role for n in kind.staffing_needs})
        keys = sorted({(t.span.day.weekday(), t.span.starts, t.span.latest) for t in times})
        keys = [key for key in keys if key[2] is not None]  # a window never runs past its day
        windows = {key: defaultdict(set) for key in keys}
        unruled = defaultdict(set)
        experienced = set()
        # Only a paired seat asks who is experienced (a count over every dialogue held).
        paired = kind.for_a_class and SeatRole.AMBASSADOR in roles
        threshold = current_app.config["EXPERIENCED_AFTER_DIALOGUES"] if paired else None
        statement = _in_windows(tuple(keys), tuple(roles), threshold)
        for index, role, ids in db.session.execute(statement):
            person_ids = map(int, ids.split(","))
            if index == EXPERIENCED:
                experienced.update(person_ids)
                continue
            found = unruled if index == UNRULED else windows[keys[index]]
            for person_id in person_ids:
                found[person_id].add(SeatRole(role))
        starts = min(t.starts_at for t in times)
        ends = max(t.ends_at for t in times)
        first_day = starts.astimezone(clock.COPENHAGEN).date()
        last_day = ends.astimezone(clock.COPENHAGEN).date()
        away = defaultdict(list)
        for person_id, from_, to in db.session.execute(
            db.select(AwayPeriod.person_id, AwayPeriod.starts_on, AwayPeriod.ends_on).where(
                AwayPeriod.starts_on <= last_day, AwayPeriod.ends_on >= first_day
            )
        ):
            away[person_id].append((from_, to))
        held = defaultdict(list)
        for person_id, from_, to in held_sessions(starts, ends):
            held[person_id].append((from_, to))
        return cls(
            kind,
            windows={key: dict(found) for key, found in windows.items()},
            unruled=dict(unruled),
            experienced=experienced,
            away=away,
            held=held,
        )

    def _candidates(self, when):
        """(person id, roles) of those whose weekly pattern lets them come at `when`."""
        span = when.span
        yield from self.windows.get((span.day.weekday(), span.starts, span.latest), {}).items()
        yield from self.unruled.items()

    def _free(self, person_id, when):
        """Whether a person whose weekly pattern lets them come at `when` is free then: not
        away on a day it touches, holding no other event within the travel buffer."""
        if away_during(self.away.get(person_id, ()), when.span):
            return False
        return not any(
            overlaps(from_, to, when.starts_at, when.ends_at, self.buffer)
            for from_, to in self.held.get(person_id, ())
        )

    def free_people(self, when):
        """{person id: roles} of everyone free at `when`."""
        return {p: roles for p, roles in self._candidates(when) if self._free(p, when)}

    def can_fill(self, when):
        """Whether the kind's seats can all be filled at `when`, stopping at the first people
        who fill them."""
        count = Counts(self)
        for person_id, roles in self._candidates(when):
            if self._free(person_id, when):
                count.add(roles, person_id in self.experienced)
                if count.fills(self.needs):
                    return True
        return False

    def choose(self, event, when):
        """{(role, seat number): person id} for every seat of the kind at `when`, each seat to
        the best-ranked free person (the staffing page's order, `suggestions`) who still lets
        the other seats be filled; None if they cannot all be filled."""
        free = self.free_people(when)
        chosen = {}
        left = dict(self.needs)
        placed = False  # an experienced person holds a paired seat
        for role in sorted(self.needs, key=lambda r: r != self.paired):
            for number in range(1, self.needs[role] + 1):
                pool = {p for p, roles in free.items() if role in roles} - set(chosen.values())
                ranked = [
                    s.person.id
                    for s in suggestions(event, role, person_ids=sorted(pool))
                    if s.person.id in pool
                ]
                left[role] -= 1
                for person_id in ranked + sorted(pool - set(ranked)):
                    now_placed = placed or (role == self.paired and person_id in self.experienced)
                    taken = {*chosen.values(), person_id}
                    count = Counts(self, placed=now_placed)
                    for other, roles in free.items():
                        if other not in taken:
                            count.add(roles, other in self.experienced)
                    if count.fills(left):
                        chosen[(role, number)] = person_id
                        placed = now_placed
                        break
                else:
                    return None
        return chosen


def _has_role(role):
    return Person.is_ambassador if role == SeatRole.AMBASSADOR else Person.is_resource_person


# The key indexes `_in_windows` gives those with no weekly pattern at all, and the experienced.
UNRULED = -1
EXPERIENCED = -2


@lru_cache(maxsize=64)
def _in_windows(keys, roles, threshold):
    """One query, its statement built once per keys, roles and threshold (a statement, never
    its rows): (key index, role, comma-separated ids) of the active people of each role whose
    weekly windows hold each key (weekday, start, latest end), (UNRULED, role, ids) of those
    with no weekly pattern at all, and unless `threshold` is None (no paired seat),
    (EXPERIENCED, ambassador, ids) of the active ambassadors who count as experienced after
    `threshold` dialogues. The keys are a UNION ALL of literal rows, and the index on the
    windows answers each."""
    parts = []
    if keys:
        keyed = sa.union_all(
            *(
                db.select(
                    sa.literal(index).label("key"),
                    sa.literal(weekday).label("weekday"),
                    sa.literal(starts, sa.Time()).label("starts"),
                    sa.literal(latest, sa.Time()).label("latest"),
                )
                for index, (weekday, starts, latest) in enumerate(keys)
            )
        ).cte("window_keys")
        parts += [
            db.select(
                keyed.c.key,
                sa.literal(role.value).label("role"),
                db.func.aggregate_strings(sa.cast(AvailabilityRule.person_id, sa.String), ","),
            )
            .select_from(keyed)
            .join(AvailabilityRule, window_fits(keyed.c.weekday, keyed.c.starts, keyed.c.latest))
            .join(Person, Person.id == AvailabilityRule.person_id)
            .where(Person.active, _has_role(role))
            .group_by(keyed.c.key)
            for role in roles
        ]
    parts += [
        db.select(
            sa.literal(UNRULED),
            sa.literal(role.value),
            db.func.aggregate_strings(sa.cast(Person.id, sa.String), ","),
        )
        .where(
            Person.active,
            _has_role(role),
            ~db.select(AvailabilityRule.id).where(AvailabilityRule.person_id == Person.id).exists(),
        )
        .having(db.func.count(Person.id) > 0)
        for role in roles
    ]
    if threshold is not None:
        held_dialogues, seasoned = experienced_expression(threshold)
        parts.append(
            db.select(
                sa.literal(EXPERIENCED),
                sa.literal(SeatRole.AMBASSADOR.value),
                db.func.aggregate_strings(sa.cast(Person.id, sa.String), ","),
            )
            .outerjoin(held_dialogues, held_dialogues.c.person_id == Person.id)
            .where(Person.active, Person.is_ambassador, seasoned)
            .having(db.func.count(Person.id) > 0)
        )
    return sa.union_all(*parts)


class Counts:
    """How many free people there are of each kind that matters, so that whether the seats can
    be filled is known at once (Hall's condition for two roles): for roles P (the paired one,
    if any) and Q, those of P only, of Q only and of both, and the experienced among them."""

    def __init__(self, panel, *, placed=False):
        roles = sorted(panel.needs, key=lambda r: r != panel.paired)
        self.p = roles[0]
        self.q = roles[1] if len(roles) > 1 else None
        self.paired = panel.paired == self.p
        self.only_p = self.only_q = self.both = 0
        self.experienced_only_p = self.experienced_both = 0
        self.experienced_placed = placed  # an experienced person already holds a paired seat

    def add(self, roles, experienced):
        in_p, in_q = self.p in roles, self.q in roles
        if in_p and in_q:
            self.both += 1
            self.experienced_both += experienced
        elif in_p:
            self.only_p += 1
            self.experienced_only_p += experienced
        elif in_q:
            self.only_q += 1

    def fills(self, needs):
        need_p, need_q = needs.get(self.p, 0), needs.get(self.q, 0) if self.q else 0
        if not self.paired or self.experienced_placed:
            return _hall(self.only_p, self.only_q, self.both, need_p, need_q)
        if need_p == 0:
            return False  # the paired seats are all given, none to someone experienced
        # One experienced person takes a paired seat; the rest must fill the others.
        return (
            self.experienced_only_p > 0
            and _hall(self.only_p - 1, self.only_q, self.both, need_p - 1, need_q)
        ) or (
            self.experienced_both > 0
            and _hall(self.only_p, self.only_q, self.both - 1, need_p - 1, need_q)
        )


def _hall(only_p, only_q, both, need_p, need_q):
    """Whether need_p seats of P and need_q of Q can go to different people."""
    return (
        only_p + both >= need_p
        and only_q + both >= need_q
        and only_p + only_q + both >= need_p + need_q
    )


# --- taking a time ----------------------------------------------------------------------------


def hold(kind, key, *, today):
    """(the FreeTime whose form value is `key`, the Panel that can fill it), taken under the
    lock that makes one direkte booking wait for another (`lock_instant_booking`), in the
    booking's transaction; TimeTaken if it is not a free time (any more)."""
    when = time_for(kind, key, today=today) if kind.takes_free_times else None
    if when is None:
        raise TimeTaken(_l("Den tid kan ikke bookes. Vælg en af de ledige tider."))
    lock_instant_booking()
    panel = Panel.load(kind, [when])
    if not panel.can_fill(when):
        raise TimeTaken(_l("Tiden er lige blevet taget. Vælg en anden tid."))
    return when, panel


def replacement(event, seat_role):
    """The person to offer a seat of a direkte booked event to after a no or a lapse, by the
    rules its time was taken by: free then (nobody holding or offered another event within the
    travel buffer), not asked before on the event, and one who still lets the seats left be
    filled, an experienced one among the paired seats included; best-ranked first. None when
    nobody fits, or the event has more than one session."""
    if len(event.sessions) != 1:
        return None
    when = FreeTime(event.starts_at, event.ends_at)
    panel = Panel.load(event.offer_kind, [when])
    free = panel.free_people(when)
    asked = {a.person_id for a in event.assignments}
    live = [a for a in event.assignments if a.status in AssignmentStatus.live_states()]
    placed = any(a.seat_role == panel.paired and a.person_id in panel.experienced for a in live)
    left = {
        role: need - sum(1 for a in live if a.seat_role == role) - (role == seat_role)
        for role, need in panel.needs.items()
    }
    pool = {p for p, roles in free.items() if seat_role in roles} - asked
    ranked = [
        s.person.id
        for s in suggestions(event, seat_role, person_ids=sorted(pool))
        if s.person.id in pool
    ]
    order = ranked + sorted(pool - set(ranked))
    if seat_role == panel.paired and not placed:
        # Nobody experienced holds a paired seat yet: the experienced first, so the pair has one.
        order.sort(key=lambda person_id: person_id not in panel.experienced)
    for person_id in order:
        count = Counts(
            panel,
            placed=placed or (seat_role == panel.paired and person_id in panel.experienced),
        )
        for other, roles in free.items():
            if other not in asked and other != person_id:
                count.add(roles, other in panel.experienced)
        if count.fills(left):
            return person_id
    return None


def week_of(day):
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """The week of free times a booking form shows."""

    monday: date
    mondays: list  # the Mondays of the window, for the pager
    times: list  # the week's FreeTimes
    kept: FreeTime | None  # the time chosen in another week, still free


def week_to_show(kind, *, today, asked="", chosen=""):
    """The Week to show: the one `asked` for (its Monday as YYYY-MM-DD) if the window has it,
    else the one of the `chosen` time (a form value) if it is still free, else the first with
    a free time, else the window's first; with the chosen time kept if it is in another week,
    so that paging loses no choice."""
    times = free_times(kind, today=today)
    kept = next((t for t in times if t.key == chosen), None) if chosen else None
    mondays = weeks(kind, today=today)
    monday = next((m for m in mondays if m.isoformat() == asked), None)
    if monday is None:
        monday = next((week_of(t.day) for t in ([kept] if kept else times)), mondays[0])
    week = [t for t in times if week_of(t.day) == monday]
    return Week(monday, mondays, week, None if kept in week else kept)
