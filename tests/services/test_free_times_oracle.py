"""Direkte booking against a brute force: over small random panels, the free times are exactly
the times of the grid whose seats the staffing rules, asked of the database, let be filled, and
a time taken is offered to people those rules allow.

free_times.py judges a panel in Python from four queries (Panel, and Counts with Hall's
condition for two roles); the staffing pages ask the database (`_available_then`,
`accepted_overlapping`, `experienced_expression`, `closed_period_warnings`). Here the grid is
restated plainly from the config, each time's free people come from the SQL rules, and every way
of seating distinct people is tried with itertools. Half the panels are tight (a person per
seat, and up to two more), where a rule about one person decides whether a time is free. Each
panel is flushed, never committed, and rolled back, so the next starts from the migrations' rows.

FREE_TIMES_EXAMPLES sets the number of panels (default 150); the seed is fixed so CI is
repeatable. For a deeper hunt, FREE_TIMES_EXAMPLES=2000 FREE_TIMES_RANDOM=1 with
`make test PYTEST_ARGS=tests/services/test_free_times_oracle.py`.
"""

import itertools
import os
from datetime import time, timedelta

import hypothesis
import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal import clock
from portal.extensions import db
from portal.models import (
    Assignment,
    AvailabilityRule,
    AwayPeriod,
    ClosedPeriod,
    Event,
    EventSession,
    OfferKind,
    Person,
    StaffingNeed,
)
from portal.models.enums import (
    AssignmentStatus,
    Audience,
    BookingForm,
    ClosedPeriodKind,
    EventStatus,
    OrganisationKind,
    SeatRole,
)
from portal.services import free_times
from portal.services import requests as requests_service
from portal.services.availability import accepted_overlapping, closed_period_warnings
from portal.services.suggestions import _available_then, _has_role, experienced_expression
from tests.factories import offer_kind

EXAMPLES = int(os.environ.get("FREE_TIMES_EXAMPLES", 150))

AMBASSADOR, RESOURCE = SeatRole.AMBASSADOR, SeatRole.RESOURCE_PERSON
# The kinds a panel is judged for: the seeded dialogue (two ambassadors, for a class), and
# made here: {role: seats}, the booking form. A class pairs its ambassadors by experience; one
# ambassador beside a resource person, with people holding both roles, asks Hall's condition.
KINDS = {
    "dialogue": None,
    "ambassador_and_resource_person_for_a_class": ({AMBASSADOR: 1, RESOURCE: 1}, BookingForm.CLASS),
    "two_ambassadors_and_a_resource_person_for_a_class": (
        {AMBASSADOR: 2, RESOURCE: 1},
        BookingForm.CLASS,
    ),
    "ambassador_and_resource_person_for_adults": (
        {AMBASSADOR: 1, RESOURCE: 1},
        BookingForm.ADULTS,
    ),
    "two_resource_persons_for_adults": ({RESOURCE: 2}, BookingForm.ADULTS),
}
ROLES = {"ambassador": {AMBASSADOR}, "resource_person": {RESOURCE}, "both": {AMBASSADOR, RESOURCE}}
FIRST_NAMES = ["Anna", "Bent", "Carl", "Dorte", "Emil", "Frida"]
# A wall-clock minute of the day on the quarter hour (the grid's, the buffer's and the rules'),
# sometimes a minute off it: an event ending exactly the travel buffer before a time, or one
# minute later.
QUARTER = st.integers(6 * 4, 17 * 4).map(lambda q: q * 15)
NUDGE = st.sampled_from([0, 0, 0, -1, 1])


@st.composite
def people(draw, days, seat=None, seasoned=False):
    """A person of the panel. For a tight panel, one meant for a `seat` role (active, of that
    role or both; `seasoned`: experienced, by the admin's word or the dialogues held)."""
    roles = ["ambassador" if seat == AMBASSADOR else "resource_person", "both"]
    return {
        "first_name": draw(st.sampled_from(FIRST_NAMES)),
        "roles": draw(st.sampled_from(sorted(ROLES) if seat is None else roles)),
        "experienced_override": draw(
            st.sampled_from([True, None] if seasoned else [None, True, False])
        ),
        # Held dialogues count towards experience from EXPERIENCED_AFTER_DIALOGUES (3).
        "dialogues_held": draw(st.sampled_from([3, 4] if seasoned else [0, 1, 2, 3, 4])),
        "active": seat is not None or draw(st.sampled_from([True, True, True, False])),
        # Half say nothing of their weeks (free any time), the rest a few windows.
        "rules": draw(some(weekly_rules(), [0, 0, 0, 1, 3, 5])),
        "away": draw(some(st.tuples(days, st.integers(0, 2)), [0, 0, 0, 0, 1])),
    }


def some(strategy, counts):
    """A list of `strategy`'s values, as many as one of `counts` (repeated: more often)."""
    return st.sampled_from(counts).flatmap(lambda n: st.lists(strategy, min_size=n, max_size=n))


@st.composite
def weekly_rules(draw):
    """(weekday, from, to) of a weekly window, in minutes after midnight."""
    weekday = draw(st.sampled_from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6]))
    # From the morning to the afternoon, on the quarter hour: the edges meet the grid's.
    starts = draw(st.integers(7 * 4, 11 * 4))
    ends = draw(st.integers(max(starts + 1, 10 * 4), 16 * 4))
    return weekday, starts * 15, ends * 15


@st.composite
def events(draw, persons, days):
    """An event on `days` of one or two sessions, some ending or starting exactly the travel
    buffer from a time of the grid (or a minute nearer or further), with one to three of the
    `persons` offered a seat, holding it or having let it go."""
    sessions = []
    for _ in range(draw(st.integers(1, 2))):
        starts = draw(QUARTER) + draw(NUDGE)
        length = draw(st.integers(2, 12)) * 15 + draw(NUDGE)
        sessions.append((draw(days), starts, length))
    return {
        "status": draw(
            st.sampled_from([EventStatus.PLANNED, EventStatus.CANCELLED, EventStatus.HELD])
        ),
        "sessions": sessions,
        "assignments": draw(
            st.lists(
                st.tuples(
                    st.integers(0, persons - 1),
                    st.sampled_from(
                        [
                            AssignmentStatus.ACCEPTED,
                            AssignmentStatus.OFFERED,
                            AssignmentStatus.DECLINED,
                            AssignmentStatus.WITHDRAWN,
                            AssignmentStatus.LAPSED,
                        ]
                    ),
                ),
                min_size=1,
                max_size=3,
                unique_by=lambda a: a[0],
            )
        ),
    }


@st.composite
def worlds(draw):
    kind = draw(st.sampled_from(sorted(KINDS)))
    needs, form = KINDS[kind] or ({AMBASSADOR: 2}, BookingForm.CLASS)
    opens = draw(st.integers(1, 2))
    reach = draw(st.integers(opens + 1, 8))
    # Days from today: events on the window's, away days and closed periods from the day
    # before it to the day after.
    window = st.integers(opens, reach)
    around = st.integers(opens - 1, reach + 1)
    if draw(st.booleans(), label="tight"):
        # A person for each seat, of its role (for a class, most often one of the ambassadors
        # experienced), and up to two more: each rule about one person decides whether the
        # seats can be filled.
        seats = [role for role, count in needs.items() for _ in range(count)]
        ambassadors = [n for n, role in enumerate(seats) if role == AMBASSADOR]
        seasoned = (
            draw(st.sampled_from([*ambassadors, None])) if form == BookingForm.CLASS else None
        )
        panel = [
            draw(people(around, seat=role, seasoned=number == seasoned))
            for number, role in enumerate(seats)
        ] + draw(st.lists(people(around), max_size=2))
    else:
        panel = draw(st.lists(people(around), min_size=1, max_size=6))
    return {
        "kind": kind,
        "minutes": 90 if kind == "dialogue" else draw(st.sampled_from([45, 60, 90, 120])),
        "opens": opens,
        "reach": reach,
        "people": panel,
        "events": draw(some(events(len(panel), window), [0, 1, 2, 3, 4, 5])),
        "closed": draw(
            some(
                st.tuples(st.sampled_from(list(ClosedPeriodKind)), around, st.integers(0, 2)),
                [0, 0, 1, 2],
            )
        ),
    }


def at(day, minute):
    """The instant of `minute` after midnight on the Copenhagen `day`."""
    return clock.local(day.year, day.month, day.day, minute // 60, minute % 60)


_emails = itertools.count(1)


def build(world, today):
    """Add the world's kind, panel, events and closed periods (flushed); the kind."""
    if world["kind"] == "dialogue":
        kind = offer_kind("dialogue")
    else:
        needs, form = KINDS[world["kind"]]
        kind = OfferKind(
            code="oracle",
            name_da=world["kind"],
            name_en=world["kind"],
            booking_form=form,
            default_duration_minutes=world["minutes"],
        )
        kind.staffing_needs = [StaffingNeed(seat_role=r, count=n) for r, n in needs.items()]
        db.session.add(kind)
    kind.instant_booking = True
    kind.instant_opens_days, kind.instant_reach_days = world["opens"], world["reach"]
    persons = []
    for spec in world["people"]:
        roles = ROLES[spec["roles"]]
        person = Person(
            first_name=spec["first_name"],
            last_name="Prøve",
            email=f"oracle{next(_emails)}@example.org",
            is_ambassador=AMBASSADOR in roles,
            is_resource_person=RESOURCE in roles,
            active=spec["active"],
            experienced_override=spec["experienced_override"],
        )
        person.availability_rules = [
            AvailabilityRule(weekday=w, starts_at=_wall(a), ends_at=_wall(b))
            for w, a, b in spec["rules"]
        ]
        person.away_periods = [
            AwayPeriod(starts_on=today + timedelta(days=d), ends_on=today + timedelta(days=d + n))
            for d, n in spec["away"]
        ]
        persons.append(person)
    db.session.add_all(persons)
    # Dialogues held long ago: the n-th holds everyone with more than n of them.
    for n in range(max(spec["dialogues_held"] for spec in world["people"])):
        held = _event(
            offer_kind("dialogue"),
            EventStatus.HELD,
            [(today - timedelta(days=60 + n), 10 * 60, 90)],
        )
        held.assignments = [
            Assignment(
                person=person,
                seat_role=AMBASSADOR,
                seat_number=number,
                status=AssignmentStatus.ACCEPTED,
            )
            for number, (person, spec) in enumerate(zip(persons, world["people"], strict=True), 1)
            if spec["dialogues_held"] > n
        ]
    for spec in world["events"]:
        event = _event(
            offer_kind("talk"),
            spec["status"],
            [(today + timedelta(days=d), minute, length) for d, minute, length in spec["sessions"]],
        )
        event.assignments = [
            Assignment(
                person=persons[index],
                seat_role=RESOURCE if persons[index].is_resource_person else AMBASSADOR,
                seat_number=number,
                status=status,
            )
            for number, (index, status) in enumerate(spec["assignments"], 1)
        ]
    db.session.add_all(
        ClosedPeriod(
            name="Lukket",
            kind=closed,
            starts_on=today + timedelta(days=d),
            ends_on=today + timedelta(days=d + n),
        )
        for closed, d, n in world["closed"]
    )
    db.session.flush()
    return kind


def _wall(minute):
    return time(minute // 60, minute % 60)


def _event(kind, status, sessions):
    spans = sorted(
        (at(day, minute), at(day, minute) + timedelta(minutes=length))
        for day, minute, length in sessions
    )
    event = Event(
        offer_kind=kind,
        starts_at=spans[0][0],
        ends_at=max(end for _start, end in spans),
        place="Rådhuspladsen 1",
        status=status,
    )
    event.sessions = [EventSession(starts_at=start, ends_at=end) for start, end in spans]
    db.session.add(event)
    return event


# --- the brute force ----------------------------------------------------------------------------


def grid(kind, *, today, first=None, last=None):
    """[(form value, start, end)] of every time a requester could be shown, from the config:
    the weekdays from `instant_opens_days` to `instant_reach_days` after today (from `first`
    to `last` of them) outside the closed periods that concern the kind, from
    INSTANT_DAY_STARTS in steps of the kind's duration, ending by INSTANT_DAY_ENDS."""
    day_starts = current_app.config["INSTANT_DAY_STARTS"]
    day_ends = current_app.config["INSTANT_DAY_ENDS"]
    length = kind.default_duration_minutes
    times = []
    for offset in range(kind.instant_opens_days, kind.instant_reach_days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or not (first or day) <= day <= (last or day):
            continue
        minute = day_starts.hour * 60 + day_starts.minute
        while minute + length <= day_ends.hour * 60 + day_ends.minute:
            key = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"
            times.append((key, at(day, minute), at(day, minute) + timedelta(minutes=length)))
            minute += length
    # The closed periods the secretariat is warned of at these times (asked once, as the
    # wished days' counts do), each keeping out the times on its days.
    closed = closed_period_warnings(kind, [(start, end) for _key, start, end in times])
    return [
        (key, start, end)
        for key, start, end in times
        if not any(c.starts_on <= date_of(start) <= c.ends_on for c in closed)
    ]


def date_of(instant):
    return instant.astimezone(clock.COPENHAGEN).date()


def free_people(times):
    """[{person id: (roles, experienced)}] for each (start, end) of `times`: the active people
    free then by the rules the staffing pages ask the database (available by their weekly
    windows and away days, holding no live assignment on an event, not cancelled, within the
    travel buffer), a column per time in one query."""
    if not times:
        return []
    held, experienced = experienced_expression()
    free_then = [
        sa.case(
            (
                sa.and_(
                    _available_then(start, end),
                    Person.id.not_in(
                        accepted_overlapping(
                            [(start, end)], statuses=AssignmentStatus.live_states()
                        ).with_only_columns(Assignment.person_id)
                    ),
                ),
                1,
            ),
            else_=0,
        )
        for start, end in times
    ]
    rows = db.session.execute(
        db.select(Person.id, _has_role(AMBASSADOR), _has_role(RESOURCE), experienced, *free_then)
        .outerjoin(held, held.c.person_id == Person.id)
        .where(Person.active)
    ).all()
    return [
        {
            person_id: (
                {role for role, has in ((AMBASSADOR, ambassador), (RESOURCE, resource)) if has},
                bool(seasoned),
            )
            for person_id, ambassador, resource, seasoned, *free in rows
            if free[index]
        }
        for index in range(len(times))
    ]


def seats(kind):
    """[role] of every seat of the kind."""
    return [need.seat_role for need in kind.staffing_needs for _ in range(need.count)]


def seating_allowed(kind, seated, free):
    """Whether the people `seated` (a person id per seat of `seats(kind)`) may take those
    seats: different people, each free then and of the seat's role, and for a kind held for a
    class at least one experienced person among the ambassadors."""
    roles = seats(kind)
    if len(set(seated)) != len(seated) or len(seated) != len(roles):
        return False
    if not all(p in free and role in free[p][0] for p, role in zip(seated, roles, strict=True)):
        return False
    ambassadors = [p for p, role in zip(seated, roles, strict=True) if role == AMBASSADOR]
    paired = kind.booking_form == BookingForm.CLASS and ambassadors
    return not paired or any(free[p][1] for p in ambassadors)


def staffable(kind, free):
    """Whether some distinct free people can take every seat: every way tried."""
    return any(
        seating_allowed(kind, seated, free)
        for seated in itertools.permutations(free, len(seats(kind)))
    )


def brute_force(kind, times):
    """[form value] of those of the grid's `times` whose seats can be filled, found slowly."""
    free = free_people([(start, end) for _key, start, end in times])
    return [key for (key, _s, _e), then in zip(times, free, strict=True) if staffable(kind, then)]


# --- the property -------------------------------------------------------------------------------


def book(kind, key):
    return requests_service.book_a_time(
        time_key=key,
        offer_kind=kind,
        organisation_name="Husum Skole",
        organisation_kind=OrganisationKind.SCHOOL,
        district=None,
        contact_name="Anne Mortensen",
        contact_email="anne@example.org",
        contact_phone="+45 33 66 33 66",
        topic=None,
        audience=Audience.STUDENTS,
        grade="8. klasse",
        expected_participants=24,
        place="Husum Skole, lokale 12",
        online=False,
        language="da",
        accessibility_needs="",
        notes="",
        locale="da",
    )


def _person(first_name, roles, **overrides):
    """A person of an explicit example: active, free any time, new."""
    return {
        "first_name": first_name,
        "roles": roles,
        "experienced_override": None,
        "dialogues_held": 0,
        "active": True,
        "rules": [],
        "away": [],
    } | overrides


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("FREE_TIMES_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), pick=st.integers(0, 99))
# Kept whatever the random panels: the two cases the random ones found least often when the
# rule was broken (about one run in four, and three in four, of 150 panels).
# A new ambassador who can also be the resource person ranks first: the ambassador's seat is
# still the experienced one's (`Panel.choose` gave it to the new one, leaving the class
# without an experienced ambassador).
@example(
    world={
        "kind": "ambassador_and_resource_person_for_a_class",
        "minutes": 90,
        "opens": 1,
        "reach": 2,
        "people": [
            _person("Anna", "both", experienced_override=False),
            _person("Bent", "both", experienced_override=True),
        ],
        "events": [],
        "closed": [],
    },
    pick=0,
)
# An offer on an event the secretariat cancelled holds nobody, even the only resource person.
@example(
    world={
        "kind": "ambassador_and_resource_person_for_adults",
        "minutes": 45,
        "opens": 1,
        "reach": 2,
        "people": [_person("Anna", "ambassador"), _person("Bent", "both")],
        "events": [
            {
                "status": EventStatus.CANCELLED,
                "sessions": [(1, 6 * 60, 75)],
                "assignments": [(1, AssignmentStatus.OFFERED)],
            }
        ],
        "closed": [],
    },
    pick=0,
)
def test_the_free_times_are_the_times_the_staffing_rules_can_fill_and_a_time_taken_is_so_filled(
    world, pick
):
    today = clock.today()
    try:
        kind = build(world, today)
        shown = [t.key for t in free_times.free_times(kind, today=today)]
        times = grid(kind, today=today)
        staffed = brute_force(kind, times)
        assert [k for k in shown if k not in staffed] == [], "shown, but cannot be staffed"
        assert [k for k in staffed if k not in shown] == [], "can be staffed, but not shown"
        assert shown == staffed
        hypothesis.event(world["kind"])
        hypothesis.event(
            "free: " + ("none" if not shown else "all" if len(shown) == len(times) else "some")
        )
        if not shown:
            return
        key = shown[pick % len(shown)]
        [(_key, start, end)] = [t for t in times if t[0] == key]
        [free] = free_people([(start, end)])  # before the offers make them busy
        event = book(kind, key).event
        offered = [
            (a.seat_role, a.seat_number, a.person_id)
            for a in event.assignments
            if a.status == AssignmentStatus.OFFERED
        ]
        kind_seats = [(n.seat_role, k) for n in kind.staffing_needs for k in range(1, n.count + 1)]
        assert sorted((role, k) for role, k, _p in offered) == sorted(kind_seats), (
            "one offer per seat"
        )
        person_on = {(role, k): person_id for role, k, person_id in offered}
        assert seating_allowed(kind, [person_on[seat] for seat in kind_seats], free), (
            "the offers seat people the rules do not allow"
        )
        # Their offers hold them now (the time stays free only if others can fill it again):
        # that day is judged again, by both.
        day = date_of(event.starts_at)
        again = [t.key for t in free_times.free_times(kind, today=today, first=day, last=day)]
        assert again == brute_force(kind, grid(kind, today=today, first=day, last=day))
    finally:
        db.session.rollback()
