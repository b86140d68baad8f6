"""An assignee's own offers and events. The rules for answering live in offers.py, transitions.py
and availability.py and are reused here, never copied."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, links
from ..extensions import db
from ..models import (
    Assignment,
    Attendance,
    AuditEntry,
    AvailabilityRule,
    AwayPeriod,
    Event,
    EventSession,
    OfferKind,
    Person,
    Request,
)
from ..models.enums import AssignmentStatus, EventStatus, SeatRole
from ..models.people import person_topics
from . import audit, mail, offers, seats, suggestions
from .availability import overlapping_assignment
from .errors import OfferError, all_or_nothing
from .pages import Page, by_id, first_of_each, least

ATTENDANCE_LINK = "attendance"
FEED_LINK_BYTES = 24


# What "my page" shows of each list (the soonest, the oldest or the latest); the rest are
# counted. Offers come with their answer forms, so a few at a time.
OVERVIEW_ROWS = {
    "offers": 5,
    "claims": 15,
    "upcoming": 15,
    "awaiting_attendance": 15,
    "history": 15,
}


def overview_for(person, *, now):
    """What "my page" shows: open offers and claims, upcoming events, past events without
    attendance, and this year's events held (what the person did, nothing else), each the
    first OVERVIEW_ROWS of it, with "totals" of each. An offer is open while
    `offers.answerable` says so: one past its deadline is gone from the page before the
    reminder command marks it lapsed, as the link in its mail says it expired.

    Two queries however long the person's history: the first rows of every list with its
    total (one UNION ALL), then those assignments with their events (three when the person has
    none: the moments then asked alone). "until" is the first moment at or after `now` at which
    the lists could change with nothing written."""
    year_start = clock.local(clock.today().year, 1, 1)
    # The person's offered and accepted seats, read once (by person, not by status: SQLite
    # would otherwise walk everybody's accepted seats) and shared by every list.
    mine = (
        db.select(
            Assignment.id,
            Assignment.event_id,
            Assignment.status,
            Assignment.claimed,
            Assignment.expires_at,
        )
        .where(
            Assignment.person_id == person.id,
            Assignment.status.in_(AssignmentStatus.live_states()),
        )
        .cte("mine")
    )
    offered = mine.c.status == AssignmentStatus.OFFERED
    accepted = mine.c.status == AssignmentStatus.ACCEPTED
    planned = Event.status == EventStatus.PLANNED
    held = Event.status == EventStatus.HELD
    recorded = db.exists().where(Attendance.event_id == Event.id)
    soonest, latest = (
        [Event.starts_at, mine.c.id],
        [Event.starts_at.desc(), mine.c.id.desc()],
    )
    lists = {
        # `offers.answerable` in SQL: offered, not claimed, before its deadline and the event.
        "offers": (
            [
                offered,
                ~mine.c.claimed,
                planned,
                Event.starts_at > now,
                db.or_(mine.c.expires_at.is_(None), mine.c.expires_at > now),
            ],
            soonest,
        ),
        # A claim waits for the secretariat; only real offers get answer buttons.
        "claims": ([offered, mine.c.claimed, planned, Event.starts_at > now], soonest),
        "upcoming": ([accepted, planned, Event.starts_at > now], soonest),
        # Started and not recorded, or marked held without head counts (older data).
        "awaiting_attendance": (
            [accepted, ~recorded, db.or_(held, db.and_(planned, Event.starts_at <= now))],
            soonest,
        ),
        "history": ([accepted, held, recorded, Event.starts_at >= year_start], latest),
    }

    theirs = mine.join(Event, Event.id == mine.c.event_id)
    # When the lists could change with nothing written: an event of theirs starting (it
    # leaves the offers, the claims and the upcoming, and awaits attendance) or an offer's
    # deadline passing; and the next midnight (a new year's history, at the latest).
    moments = db.select(
        least(Event.starts_at, planned, Event.starts_at >= now, among=theirs),
        least(mine.c.expires_at, offered, mine.c.expires_at >= now, among=theirs),
    )
    ids, totals, carried = first_of_each(
        {
            name: (
                db.select(mine.c.id).join(Event, Event.id == mine.c.event_id).where(*conditions),
                order,
            )
            for name, (conditions, order) in lists.items()
        },
        OVERVIEW_ROWS,
        also=moments,
    )
    if carried is None:  # no list has a row to carry them
        carried = db.session.execute(moments).one()
    until = clock.held_until(now, *carried)
    loaded = by_id(
        Assignment,
        [i for found in ids.values() for i in found],
        joinedload(Assignment.event).joinedload(Event.offer_kind),
        joinedload(Assignment.event).joinedload(Event.attendance),
        joinedload(Assignment.event).joinedload(Event.request).joinedload(Request.organisation),
    )
    overview = {name: [loaded[i] for i in found] for name, found in ids.items()}
    return overview | {"totals": totals, "until": until}


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
            db.or_(
                Assignment.status.in_(AssignmentStatus.live_states()),
                # Taken off the event: only a cancelled event stays visible (to say so).
                db.and_(
                    Assignment.status == AssignmentStatus.WITHDRAWN,
                    Assignment.event.has(Event.status == EventStatus.CANCELLED),
                ),
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


def revoke_links(person):
    """Every key the person holds opens nothing from now on: the calendar feed's secret and
    each of her assignments' answer token (the answer and the attendance links are signed
    with it). For a deactivation; nothing is mailed."""
    person.calendar_token = None
    db.session.execute(
        db.update(Assignment).where(Assignment.person_id == person.id).values(answer_token=None)
    )
    db.session.flush()


def issue_links(person):
    """New keys for a person active again: a new calendar feed secret, and a new answer token
    on each offer still open and each seat she holds, so the links the portal makes from now
    on work. Never an old one back: any key made while she was inactive dies too."""
    person.calendar_token = links.new_token()
    live = db.session.scalars(
        db.select(Assignment).where(
            Assignment.person_id == person.id,
            Assignment.status.in_(AssignmentStatus.live_states()),
        )
    )
    for assignment in live:
        assignment.answer_token = links.new_token()
    db.session.flush()


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
        .options(
            joinedload(Assignment.event).joinedload(Event.offer_kind),
            joinedload(Assignment.event).joinedload(Event.request).joinedload(Request.organisation),
            selectinload(Assignment.event, Event.sessions),
        )
        .where(
            Assignment.person_id == person.id,
            db.or_(
                Assignment.status == AssignmentStatus.ACCEPTED,
                db.and_(
                    Assignment.status == AssignmentStatus.WITHDRAWN,
                    Event.status == EventStatus.CANCELLED,
                    # ... but only if the person had said yes (the audit log knows).
                    Assignment.id.in_(
                        db.select(AuditEntry.object_id).where(
                            AuditEntry.object_type == "assignments",
                            AuditEntry.action == "assignment.accepted",
                        )
                    ),
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
    """The accepted assignment an attendance link is for; LinkError if not genuine, if its
    person is deactivated, or no longer usable (used once attendance is recorded, expired 14
    days after the event)."""
    assignment_id, token = links.unsign(ATTENDANCE_LINK, signed)
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or not assignment.answer_token
        or not links.tokens_match(assignment.answer_token, token)
        or assignment.status != AssignmentStatus.ACCEPTED
        or not assignment.person.active
    ):
        raise links.LinkError(ATTENDANCE_LINK)
    return assignment


# The attendance link works until this long after the event (for the reflection too).
ATTENDANCE_LINK_DAYS = timedelta(days=14)


def attendance_link_state(assignment):
    """None if the link can be used, else "used", "expired" or "not_started"."""
    event = assignment.event
    if event.attendance is not None:
        return "used"
    if clock.now() > event.ends_at + ATTENDANCE_LINK_DAYS:
        return "expired"
    if event.starts_at > clock.now():
        return "not_started"
    return None


def attendance_link_takes_a_reflection(assignment):
    """The link's reflection form works from the event's start until the link expires,
    before and after attendance is recorded."""
    event = assignment.event
    return event.starts_at <= clock.now() <= event.ends_at + ATTENDANCE_LINK_DAYS


# --- availability -------------------------------------------------------------------------------


def add_availability_rule(person, *, weekday, starts_at, ends_at):
    """A weekly window the person is usually free. Side effects: audit entry."""
    if ends_at <= starts_at:
        raise OfferError(_l("Sluttidspunktet skal ligge efter starttidspunktet."))
    rule = AvailabilityRule(person=person, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
    db.session.add(rule)
    db.session.flush()
    audit.record(
        "availability.added",
        person,
        actor_label=person.email,
        after={"weekday": weekday, "from": starts_at.isoformat(), "to": ends_at.isoformat()},
    )
    return rule


def add_away_period(person, *, starts_on, ends_on, note=""):
    """Dates the person is away. Side effects: audit entry."""
    if ends_on < starts_on:
        raise OfferError(_l("Slutdatoen skal være samme dag som startdatoen eller senere."))
    period = AwayPeriod(person=person, starts_on=starts_on, ends_on=ends_on, note=note.strip())
    db.session.add(period)
    db.session.flush()
    audit.record(
        "away.added",
        person,
        actor_label=person.email,
        after={"from": starts_on.isoformat(), "to": ends_on.isoformat()},
    )
    return period


def accepted_events_while_away(period, *, now):
    """The planned events not yet over that the period's person has said yes to and that touch
    one of its days, soonest first: what her warning names."""
    return [conflict.event for conflict in accepted_while_away(now=now, period=period)]


def away_on_event(event):
    """{person id} of those accepted on `event` who are away on one of its days: the event
    page says so beside "Accepteret". One query."""
    return set(
        db.session.scalars(
            db.select(Assignment.person_id)
            .join(Assignment.event)
            .where(*_accepted_while_away(now=None), Assignment.event_id == event.id)
        )
    )


@dataclass(frozen=True)
class AwayConflict:
    """A planned event and the accepted people away on one of its days."""

    event: Event
    people: list

    @property
    def id(self):
        return self.event.id


def away_conflicts_query(*, now, period=None):
    """select(Event.id) of the planned events (not over at `now`, if given) with someone
    accepted on them who is away on one of their Copenhagen days (the rule of
    `suggestions.away_over`); with `period`, away in that period. For a page to list the
    first few and count the rest."""
    return db.select(Event.id).where(
        Event.id.in_(
            db.select(Assignment.event_id)
            .join(Assignment.event)
            .where(*_accepted_while_away(now=now, period=period))
        )
    )


def accepted_while_away(*, now, period=None):
    """[AwayConflict] of `away_conflicts_query`, soonest first: for one away period, few.
    (A page of them all takes its first rows through `away_conflicts_query` and hands them
    to `away_conflicts`.) Two queries: the events, loaded with what names them (offer kind,
    request, organisation), and who is away on them."""
    events = db.session.scalars(
        away_conflicts_query(now=now, period=period)
        .with_only_columns(Event)
        .options(
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    return away_conflicts(events, now=now, period=period)


def away_conflicts(events, *, now, period=None):
    """[AwayConflict] for `events` (each one of `away_conflicts_query`), in their order: one
    query for who is away on them, none for no events."""
    if not events:
        return []
    people = {e.id: [] for e in events}
    for event_id, person in db.session.execute(
        db.select(Assignment.event_id, Person)
        .join(Assignment.person)
        .join(Assignment.event)
        .where(
            *_accepted_while_away(now=now, period=period),
            Assignment.event_id.in_(list(people)),
        )
        .order_by(Assignment.seat_role, Assignment.seat_number)
    ):
        people[event_id].append(person)
    return [AwayConflict(e, people[e.id]) for e in events]


def _accepted_while_away(*, now, period=None):
    """The SQL conditions (on Assignment joined to its Event) of a yes to a planned event (not
    over at `now`, if given) from someone away on a Copenhagen day one of its sessions touches
    (in `period`, if given; only the periods not over at `now`)."""
    away = db.select(EventSession.id).where(
        EventSession.event_id == Assignment.event_id,
        AwayPeriod.person_id == Assignment.person_id,
        suggestions.away_over(AwayPeriod, EventSession.starts_at, EventSession.ends_at),
    )
    conditions = [
        Assignment.status == AssignmentStatus.ACCEPTED,
        Event.status == EventStatus.PLANNED,
    ]
    if period is not None:
        away = away.where(AwayPeriod.id == period.id)
    if now is not None:
        away = away.where(AwayPeriod.ends_on >= now.astimezone(clock.COPENHAGEN).date())
        conditions.append(Event.ends_at > now)
    return [*conditions, away.exists()]


def accepted_who_cannot(event, sessions):
    """Those accepted on `event` whose away dates or weekly times say they cannot at `sessions`
    [(start, end)]: moving the event there breaks their yes. The rule is
    `suggestions.unavailable`'s, asked of the sessions the event would have."""
    accepted = [a.person for a in event.assignments if a.status == AssignmentStatus.ACCEPTED]
    moved = SimpleNamespace(
        sessions=[SimpleNamespace(starts_at=start, ends_at=end) for start, end in sessions]
    )
    return suggestions.unavailable(accepted, moved)


def remove_own(person, item):
    """Delete one of the person's own availability rules or away periods."""
    if item.person_id != person.id:
        raise LookupError("not the person's own")
    db.session.delete(item)
    db.session.flush()
    audit.record("availability.removed", person, actor_label=person.email)


# --- the open-seats board -----------------------------------------------------------------------


# A page of the board: it lists every future event short of a person of your role.
BOARD_ROWS = 20


@dataclass(frozen=True)
class OpenSeat:
    """A line of the board: the event, the seat a claim takes, and whether the event's topic is
    one of the person's (or it has none)."""

    event: Event
    role: SeatRole
    number: int
    topic_match: bool


@dataclass
class Board(Page):
    # The first moment at which the board could differ with nothing written: the soonest of
    # its events starting (it leaves the board, and every page after it moves up one), or a
    # new Copenhagen day.
    until: datetime | None = None


def open_seats_page(person, *, now, page=1, per_page=BOARD_ROWS):
    """A Board (a Page) of OpenSeat, soonest first: each future planned event the person has
    never been asked for (the secretariat decides about those, not the board) with a seat of
    their roles nobody is offered or holds, and its first such seat. Which events is SQL
    (`seats.has_free_seat`); the seat of each on the page is `seats.seats`, as everywhere.
    The page, its total and the soonest start of all in one query (two past the last page,
    which is then shown)."""
    board = (
        _board_query(person, now=now)
        .add_columns(
            db.func.count().over().label("total"),
            db.func.min(Event.starts_at).over().label("soonest"),
        )
        .options(*_BOARD_OPTIONS)
        .order_by(Event.starts_at, Event.id)
    )

    def rows_of(page):
        return db.session.execute(board.limit(per_page).offset((page - 1) * per_page)).all()

    page = max(page, 1)
    rows = rows_of(page)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:
        total = db.session.scalar(
            _board_query(person, now=now).with_only_columns(
                db.func.count(), maintain_column_froms=True
            )
        )
        page = max(1, -(-total // per_page))
        rows = rows_of(page) if total else []
    return Board(
        items=_open_seats(person, [row.Event for row in rows]),
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        until=clock.held_until(now, rows[0].soonest if rows else None),
    )


def open_seat(person, event_id, *, now):
    """The OpenSeat the board shows the person for `event_id`, or None: what a claim takes."""
    events = db.session.scalars(
        _board_query(person, now=now).where(Event.id == event_id).options(*_BOARD_OPTIONS)
    ).all()
    return next(iter(_open_seats(person, events)), None)


def why_no_open_seat(person, event_id):
    """Why the board has no seat for the person on `event_id` (a claim sent again from another
    tab, a seat taken meanwhile), or None when there is no such event to speak of."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    if any(
        a.person_id == person.id and a.status in AssignmentStatus.live_states()
        for a in event.assignments
    ):
        return _l("Du har allerede bedt om en plads på arrangementet eller er spurgt. Se Min side.")
    return _l("Pladsen er ikke længere ledig.")


_BOARD_OPTIONS = (
    joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
    joinedload(Event.request).joinedload(Request.organisation),
    selectinload(Event.assignments),
)


def _board_query(person, *, now):
    # The events the person was ever asked for are a set computed once: searched per event, a
    # busy ambassador's whole history is read for each.
    asked_before = Event.id.in_(
        db.select(Assignment.event_id).where(Assignment.person_id == person.id)
    )
    return db.select(Event).where(
        Event.status == EventStatus.PLANNED,
        Event.starts_at > now,
        ~asked_before,
        seats.has_free_seat(person.seat_roles),
    )


def _open_seats(person, events):
    if not events:
        return []
    topics = set(
        db.session.scalars(
            db.select(person_topics.c.topic_id).where(person_topics.c.person_id == person.id)
        )
    )
    board = []
    for event in events:
        seat = next(
            seat
            for seat in seats.seats(event)
            if seat.role in person.seat_roles and seat.state in ("open", "declined")
        )
        topic = event.request.topic_id if event.request else None
        board.append(OpenSeat(event, seat.role, seat.number, topic is None or topic in topics))
    return board


def claim_seat(person, event, *, seat_role, seat_number, by):
    """The person asks for an open seat from the board. Where the offer kind lets claims through,
    it is accepted at once (same rule and lock as any accept); otherwise the secretariat sees the
    claim on the event. Taken under the lock an offer and an accept take, before the person's
    time is checked: of a claim sent twice at once, the second sees the first and is refused
    with OfferError, nothing changed. Side effects: an offered (claimed) assignment; audit
    "assignment.claimed"; possibly the accept's side effects."""
    offers.lock_for_offer(event, [person])
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    if overlapping_assignment(person.id, sessions, exclude_event_id=event.id):
        raise OfferError(
            _l("Du er optaget på det tidspunkt: du har sagt ja til et andet arrangement.")
        )
    with all_or_nothing():  # a refused accept takes the claim back too
        [assignment] = offers.offer_seat(
            event,
            by=by,
            seat_role=seat_role,
            seat_number=seat_number,
            persons=[person],
            notify=False,
        )
        assignment.claimed = True
        assignment.expires_at = event.starts_at  # waits for the secretariat, not for the person
        audit.record("assignment.claimed", assignment, by=by, actor_label=person.email)
        if event.offer_kind.auto_accept_claims:
            offers.accept_offer(assignment, by=_ClaimApproval(), actor_label=person.email)
    if not event.offer_kind.auto_accept_claims:
        mail.send(
            "secretariat_seat_claimed",
            to=current_app.config["SECRETARIAT_EMAIL"],
            event=event,
            person=person,
            assignment=assignment,
        )
    return assignment


class _ClaimApproval:
    """The offer kind's own setting approves the claim, in the secretariat's stead."""

    id = None
    email = "system"
    is_staff = True
