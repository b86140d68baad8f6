"""Events and their staffing: scheduling, seats, offers, and the rule that nobody is booked twice.

Every status change goes through a transition table here. The overlap rule lives in exactly one
place (`_overlapping_assignment`), and `accept_offer` applies it inside a transaction that holds
a lock on what it checks, so two accepts racing each other cannot both win.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, links
from ..extensions import db
from ..labels import label
from ..models import (
    Assignment,
    AuditEntry,
    ClosedPeriod,
    Event,
    EventSession,
    Person,
    Request,
)
from ..models.enums import AssignmentStatus, EventStatus, RequestStatus, SeatRole
from . import audit, notifications
from .pages import paginate

# Every allowed move of an event's status ("fully staffed" is derived, not stored).
EVENT_TRANSITIONS = {
    EventStatus.PLANNED: {EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}
# Every allowed move of an assignment's status.
ASSIGNMENT_TRANSITIONS = {
    AssignmentStatus.OFFERED: {
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.DECLINED,
        AssignmentStatus.LAPSED,
        AssignmentStatus.WITHDRAWN,
    },
    AssignmentStatus.ACCEPTED: {AssignmentStatus.WITHDRAWN},
    AssignmentStatus.DECLINED: set(),
    AssignmentStatus.LAPSED: set(),
    AssignmentStatus.WITHDRAWN: set(),
}
ANSWER_LINK = "offer-answer"


class SchedulingError(Exception):
    """An event or assignment cannot make this move; the message says why, nothing changed."""


class EditConflict(SchedulingError):
    """Someone else saved the event since it was loaded; `changes` are their audit entries."""

    def __init__(self, event, changes):
        super().__init__(_l("En anden har ændret arrangementet, mens du redigerede det."))
        self.event = event
        self.changes = changes


def _move_event(event, status):
    if status not in EVENT_TRANSITIONS[event.status]:
        raise SchedulingError(
            _l("Arrangementet er %(status)s og kan ikke ændres sådan.", status=label(event.status))
        )
    event.status = status


def _move_assignment(assignment, status):
    if status not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        raise SchedulingError(
            _l(
                "Forespørgslen er allerede %(status)s.",
                status=str(label(assignment.status)).lower(),
            )
        )
    assignment.status = status
    assignment.responded_at = clock.now()


def travel_buffer():
    return timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])


# --- reading ------------------------------------------------------------------------------------


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


def upcoming_events(*, now, days=14, limit=None):
    """([(event, accepted, needed)], how many in all): planned events starting within `days`,
    soonest first, at most `limit` of them."""
    within = db.select(Event).where(
        Event.status == EventStatus.PLANNED,
        Event.starts_at >= now,
        Event.starts_at < now + timedelta(days=days),
    )
    total = db.session.scalar(db.select(db.func.count()).select_from(within.subquery()))
    events = db.session.scalars(
        within.options(
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
        )
        .order_by(Event.starts_at)
        .limit(limit)
    ).all()
    accepted = accepted_counts([event.id for event in events])
    rows = [(event, accepted.get(event.id, 0), event.offer_kind.seats_needed) for event in events]
    return rows, total


def awaiting_attendance_query(now):
    """Events that have ended without attendance: planned ones (recording it makes them held)
    and any marked held without it (as older data has). The one definition, for the
    overview's list and the event list's filter."""
    return db.select(Event).where(
        Event.ends_at <= now,
        db.or_(
            Event.status == EventStatus.PLANNED,
            db.and_(Event.status == EventStatus.HELD, ~Event.attendance.has()),
        ),
    )


@dataclass
class Seat:
    """One place to fill on an event, e.g. "Dialogambassadør 2 af 2", and who is on it."""

    role: SeatRole
    number: int
    of: int
    assignments: list = field(default_factory=list)

    @property
    def accepted(self):
        return next((a for a in self.assignments if a.status == AssignmentStatus.ACCEPTED), None)

    @property
    def offered(self):
        return [a for a in self.assignments if a.status == AssignmentStatus.OFFERED]

    @property
    def state(self):
        """open, offered, accepted or declined (declined: the last answer was no, none pending)."""
        if self.accepted:
            return "accepted"
        if self.offered:
            return "offered"
        if any(
            a.status in (AssignmentStatus.DECLINED, AssignmentStatus.LAPSED)
            for a in self.assignments
        ):
            return "declined"
        return "open"


def seats(event):
    """Every seat the event's offer kind needs (data: StaffingNeed rows), with its assignments."""
    result = []
    for need in event.offer_kind.staffing_needs:
        for number in range(1, need.count + 1):
            result.append(
                Seat(
                    role=need.seat_role,
                    number=number,
                    of=need.count,
                    assignments=[
                        a
                        for a in event.assignments
                        if a.seat_role == need.seat_role and a.seat_number == number
                    ],
                )
            )
    return result


def is_fully_staffed(event):
    return all(seat.accepted for seat in seats(event))


def staffing_can_change(event):
    """Seats are offered, withdrawn and claims approved only before a planned event starts:
    the one place this rule is written, for the services and for the buttons a page shows."""
    return event.status == EventStatus.PLANNED and event.starts_at > clock.now()


def _accepted_overlapping(sessions, *, exclude_event_id=None):
    """Accepted assignments on events (not cancelled) that overlap any of `sessions`, travel
    buffer included: the one place the overlap rule is written. Events touching at exactly the
    buffer's distance do not overlap."""
    buffer = travel_buffer()
    query = (
        db.select(Assignment)
        .join(Assignment.event)
        .join(Event.sessions)
        .where(
            Assignment.status == AssignmentStatus.ACCEPTED,
            Event.status != EventStatus.CANCELLED,
            sa.or_(*(_session_overlaps(start, end, buffer) for start, end in sessions)),
        )
    )
    if exclude_event_id is not None:
        query = query.where(Event.id != exclude_event_id)
    return query


def _session_overlaps(start, end, buffer):
    """The SQL test that an event session overlaps start..end with the travel buffer."""
    return sa.and_(EventSession.starts_at < end + buffer, EventSession.ends_at > start - buffer)


def _overlapping_assignment(person_id, sessions, *, exclude_event_id=None):
    """An accepted assignment of the person that overlaps `sessions`, or None."""
    query = _accepted_overlapping(sessions, exclude_event_id=exclude_event_id)
    return db.session.scalar(query.where(Assignment.person_id == person_id).limit(1))


def closed_periods_during(sessions):
    """School holidays and closures that any of the sessions falls in (for the warning)."""
    days = {start.astimezone(clock.COPENHAGEN).date() for start, _end in sessions}
    if not days:
        return []
    return db.session.scalars(
        db.select(ClosedPeriod)
        .where(ClosedPeriod.starts_on <= max(days), ClosedPeriod.ends_on >= min(days))
        .order_by(ClosedPeriod.starts_on)
    ).all()


def closed_period_warnings(offer_kind, sessions):
    """The closed periods a new time falls in, for offer kinds held for a school class:
    school holidays and VINK's closures make the secretariat confirm before saving."""
    if not offer_kind.for_a_class:
        return []
    return closed_periods_during(sessions)


# --- scheduling ---------------------------------------------------------------------------------


def _check_sessions(offer_kind, sessions):
    if not sessions:
        raise SchedulingError(_l("Angiv mindst ét tidspunkt."))
    if len(sessions) > offer_kind.max_sessions:
        raise SchedulingError(
            _l(
                "%(offer)s har højst %(n)s møder.",
                offer=offer_kind.name_da,
                n=offer_kind.max_sessions,
            )
        )
    for start, end in sessions:
        if end <= start:
            raise SchedulingError(_l("Sluttidspunktet skal ligge efter starttidspunktet."))


def _set_sessions(event, sessions):
    event.sessions = [EventSession(starts_at=s, ends_at=e) for s, e in sorted(sessions)]
    event.starts_at = min(s for s, _e in sessions)
    event.ends_at = max(e for _s, e in sessions)


def schedule_event(*, by, offer_kind, sessions, place, online, title="", request=None):
    """Create an event (from a request, or VINK's own with none).

    Side effects: the request moves to planned; audit "event.scheduled"; the requester gets the
    date by email.
    """
    _check_sessions(offer_kind, sessions)
    if request is not None:
        if request.event is not None and request.event.status != EventStatus.CANCELLED:
            raise SchedulingError(_l("Henvendelsen har allerede et arrangement."))
        if request.event is not None:
            # A cancelled event makes way for the new one (one event per request).
            request.event.request = None
            db.session.flush()
        from . import requests as requests_service

        requests_service.move_request(request, RequestStatus.PLANNED, by=by)
    event = Event(
        offer_kind=offer_kind,
        request=request,
        title=title.strip(),
        place="" if online else place.strip(),
        online=online,
        status=EventStatus.PLANNED,
    )
    _set_sessions(event, sessions)
    db.session.add(event)
    db.session.flush()
    audit.record("event.scheduled", event, by=by, after=_event_snapshot(event))
    if request is not None:
        _mark_proposals_handled(request)
        _tell_requester(event, "requester_event_scheduled")
    return event


def reschedule_event(event, *, by, sessions, place, online, expected_version):
    """Move an event or change its place. Refused when someone else saved it since
    `expected_version` (EditConflict with their changes), or when an accepted person would
    then be booked twice.

    Side effects: audit "event.rescheduled"; the requester and every accepted or offered person
    are told by email.
    """
    if event.version != expected_version:
        raise EditConflict(event, changes_since(event, expected_version))
    if event.status != EventStatus.PLANNED:
        raise SchedulingError(
            _l("Arrangementet er %(status)s og kan ikke ændres.", status=label(event.status))
        )
    _check_sessions(event.offer_kind, sessions)
    # The same lock as accept: an accept of one of these people elsewhere cannot slip in between.
    _lock_people(
        [a.person_id for a in event.assignments if a.status == AssignmentStatus.ACCEPTED], event.id
    )
    for assignment in event.assignments:
        if assignment.status == AssignmentStatus.ACCEPTED:
            clash = _overlapping_assignment(
                assignment.person_id, sessions, exclude_event_id=event.id
            )
            if clash is not None:
                raise SchedulingError(
                    _l(
                        "%(name)s er optaget på det nye tidspunkt (%(when)s).",
                        name=assignment.person.full_name,
                        when=clash.event.starts_at.astimezone(clock.COPENHAGEN).strftime(
                            "%d.%m.%Y %H.%M"
                        ),
                    )
                )
    before = _event_snapshot(event)
    _set_sessions(event, sessions)
    event.place = "" if online else place.strip()
    event.online = online
    for assignment in event.assignments:
        # An open offer never outlives the (new) start.
        if assignment.status == AssignmentStatus.OFFERED and assignment.expires_at:
            assignment.expires_at = min(assignment.expires_at, event.starts_at)
    db.session.flush()  # bumps event.version
    audit.record("event.rescheduled", event, by=by, before=before, after=_event_snapshot(event))
    if event.request is not None:
        _mark_proposals_handled(event.request)
        _tell_requester(event, "requester_event_rescheduled")
    for assignment in event.assignments:
        if assignment.status in AssignmentStatus.live_states():
            notifications.queue_templated(
                "assignee_event_rescheduled",
                to=assignment.person.email,
                event=event,
                person=assignment.person,
            )


def changes_since(event, version):
    """Audit entries that moved the event past `version` (what the other person changed)."""
    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == "events", AuditEntry.object_id == event.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    return [e for e in entries if (e.after or {}).get("version", 0) > version]


def _event_snapshot(event):
    return {
        "version": event.version,
        "status": event.status.value,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "sessions": [[s.starts_at.isoformat(), s.ends_at.isoformat()] for s in event.sessions],
        "place": event.place,
        "online": event.online,
    }


def cancel_event(event, *, by, actor_label="", note=""):
    """Cancel an event that has not been held.

    Side effects: status cancelled; live assignments withdrawn, each person told by email; the
    requester told (unless they cancelled it themselves); audit "event.cancelled".
    """
    before = audit.snapshot(event, ["status"])
    _move_event(event, EventStatus.CANCELLED)
    event.cancel_note = str(note)
    for assignment in event.assignments:
        if assignment.status in AssignmentStatus.live_states():
            was_accepted = assignment.status == AssignmentStatus.ACCEPTED
            _move_assignment(assignment, AssignmentStatus.WITHDRAWN)
            notifications.queue_templated(
                "assignee_event_cancelled",
                to=assignment.person.email,
                event=event,
                person=assignment.person,
                was_accepted=was_accepted,
            )
    db.session.flush()
    audit.record(
        "event.cancelled",
        event,
        by=by,
        actor_label=actor_label,
        before=before,
        after={"status": event.status.value, "note": event.cancel_note, "version": event.version},
    )
    if event.request is not None and actor_label != "requester":
        _tell_requester(event, "requester_event_cancelled")


def _mark_proposals_handled(request):
    """Scheduling or moving the event answers the dates the requester proposed."""
    for proposal in request.date_proposals:
        if proposal.handled_at is None:
            proposal.handled_at = clock.now()


def _tell_requester(event, kind):
    from . import requests as requests_service

    request = event.request
    notifications.queue_templated(
        kind,
        to=request.contact.email,
        locale=request.locale,
        request=request,
        event=event,
        tracking_url=requests_service.tracking_url(request),
    )


# --- offers -------------------------------------------------------------------------------------


def offer_seat(event, *, by, seat_role, seat_number, persons, notify=True):
    """Offer one seat to one person, or to several at once (the first to accept gets it).

    Side effects: an offered assignment per person, expiring at the offer kind's deadline (or the
    event's start if sooner), each with an email holding an answer link; audit
    "assignment.offered" per person.
    """
    if not staffing_can_change(event):
        raise SchedulingError(_l("Der kan kun forespørges på kommende, planlagte arrangementer."))
    seat = next((s for s in seats(event) if s.role == seat_role and s.number == seat_number), None)
    if seat is None:
        raise SchedulingError(_l("Den plads findes ikke på arrangementet."))
    if seat.accepted is not None:
        raise SchedulingError(_l("Pladsen er allerede besat."))
    if not persons:
        raise SchedulingError(_l("Vælg mindst én person."))
    live = {a.person_id for a in event.assignments if a.status in AssignmentStatus.live_states()}
    deadline = min(
        clock.now() + timedelta(hours=event.offer_kind.offer_deadline_hours), event.starts_at
    )
    offered = []
    for person in persons:
        if seat_role not in person.seat_roles or not person.active:
            raise SchedulingError(_l("%(name)s kan ikke tage den plads.", name=person.full_name))
        if person.id in live:
            raise SchedulingError(
                _l("%(name)s er allerede forespurgt på arrangementet.", name=person.full_name)
            )
        assignment = Assignment(
            event=event,
            person=person,
            seat_role=seat_role,
            seat_number=seat_number,
            status=AssignmentStatus.OFFERED,
            offered_at=clock.now(),
            expires_at=deadline,
            answer_token=links.new_token(),
        )
        db.session.add(assignment)
        db.session.flush()
        audit.record(
            "assignment.offered",
            assignment,
            by=by,
            after={"person_id": person.id, "seat": f"{seat_role.value}:{seat_number}"},
        )
        if notify:
            notifications.queue_templated(
                "assignee_offer",
                to=person.email,
                assignment=assignment,
                event=event,
                person=person,
                others=len(persons) - 1,
                answer_url=answer_url(assignment),
            )
        offered.append(assignment)
    return offered


def answer_url(assignment):
    return links.external_url(
        "offers.answer",
        signed=links.sign(ANSWER_LINK, assignment.id, assignment.answer_token),
    )


def _lock_people(person_ids, event_id=None):
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


def _lock_for_accept(assignment):
    """Lock the person and the event, then re-read the event's assignments."""
    _lock_people([assignment.person_id], assignment.event_id)
    db.session.refresh(assignment)
    for other in assignment.event.assignments:
        db.session.refresh(other)
    return assignment


def accept_offer(assignment, *, by=None, actor_label=""):
    """The person says yes. Refused when the offer is no longer open, the seat is taken, or the
    person holds another accepted event that overlaps (with the travel buffer).

    Refused in the words of NOT_ANSWERABLE when `answerable` says no (the seat taken, the offer
    expired, ...). Runs under `_lock_for_accept`, so of two accepts racing for one seat or one
    person's time, exactly one wins; the partial unique index on accepted seats backs this up.
    Side effects: accepted; other open offers for the same seat withdrawn and those persons told;
    audit "assignment.accepted".
    """
    assignment = _lock_for_accept(assignment)
    event = assignment.event
    why_not = answerable(assignment)
    if why_not is not None:
        raise SchedulingError(NOT_ANSWERABLE[why_not])
    if event.status != EventStatus.PLANNED:
        raise SchedulingError(
            _l("Arrangementet er %(status)s.", status=str(label(event.status)).lower())
        )
    if not assignment.person.active:
        raise SchedulingError(_l("Personen er ikke længere aktiv i panelet."))
    if assignment.claimed and (by is None or not by.is_staff):
        raise SchedulingError(_l("Sekretariatet skal godkende, at du tager pladsen."))
    taken = next(
        (
            a
            for a in event.assignments
            if a.status == AssignmentStatus.ACCEPTED
            and a.seat_role == assignment.seat_role
            and a.seat_number == assignment.seat_number
        ),
        None,
    )
    if taken is not None:
        raise SchedulingError(NOT_ANSWERABLE["taken"])
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    if _overlapping_assignment(assignment.person_id, sessions, exclude_event_id=event.id):
        raise SchedulingError(
            _l("Du er optaget på det tidspunkt: du har sagt ja til et andet arrangement.")
        )
    _move_assignment(assignment, AssignmentStatus.ACCEPTED)
    for other in event.assignments:
        same_seat = (other.seat_role, other.seat_number) == (
            assignment.seat_role,
            assignment.seat_number,
        )
        if other is not assignment and same_seat and other.status == AssignmentStatus.OFFERED:
            _move_assignment(other, AssignmentStatus.WITHDRAWN)
            notifications.queue_templated(
                "assignee_offer_taken", to=other.person.email, event=event, person=other.person
            )
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise SchedulingError(NOT_ANSWERABLE["taken"]) from None
    audit.record("assignment.accepted", assignment, by=by, actor_label=actor_label)
    if event.request is not None and is_fully_staffed(event):
        _tell_requester(event, "requester_event_staffed")
    return assignment


def decline_offer(assignment, *, by=None, actor_label="", reason=None, note=""):
    """The person says no. Returns the offer made on in their stead, or None.

    Side effects: declined; audit "assignment.declined"; where the offer kind chains, the seat
    is offered to the next suggested person who is free at once (chain_offer: an offered
    assignment, its email, audit "assignment.offered" and "assignment.chained"), otherwise it
    goes back to the secretariat's follow-up list."""
    why_not = answerable(assignment)
    if why_not is not None:
        raise SchedulingError(NOT_ANSWERABLE[why_not])
    _move_assignment(assignment, AssignmentStatus.DECLINED)
    assignment.decline_reason = reason
    assignment.decline_note = note.strip()
    db.session.flush()
    audit.record(
        "assignment.declined",
        assignment,
        by=by,
        actor_label=actor_label,
        after={"reason_id": reason.id if reason else None, "note": assignment.decline_note},
    )
    return chain_offer(assignment, now=clock.now())


def chain_offer(ended, *, now):
    """After an offer ended unanswered (lapsed) or declined: where the offer kind chains, the
    event is still ahead and nobody holds or is offered the seat, offer it to the next suggested
    person who is free and nobody has asked yet. The one place the chain is written, for the
    lapse (reminders) and the decline. Returns the new offer, or None.

    Side effects (when it offers): as offer_seat; audit "assignment.chained"."""
    event = ended.event
    if not (event.offer_kind.auto_chain and event.status == EventStatus.PLANNED):
        return None
    if event.starts_at <= now or _seat_is_taken(event, ended.seat_role, ended.seat_number):
        return None
    asked = {a.person_id for a in event.assignments}
    for suggestion in suggestions(event, ended.seat_role):
        if suggestion.person.id in asked or not (suggestion.free and suggestion.available):
            continue
        [offered] = offer_seat(
            event,
            by=None,
            seat_role=ended.seat_role,
            seat_number=ended.seat_number,
            persons=[suggestion.person],
        )
        audit.record(
            "assignment.chained",
            event,
            actor_label="system",
            after={"from": ended.person_id, "to": suggestion.person.id},
        )
        return offered
    return None


def _seat_is_taken(event, role, number):
    return any(
        a.seat_role == role
        and a.seat_number == number
        and a.status in AssignmentStatus.live_states()
        for a in event.assignments
    )


def withdraw_assignment(assignment, *, by):
    """The secretariat takes an offer or an accepted seat back. Side effects: withdrawn; the
    person told; audit "assignment.withdrawn"."""
    event = assignment.event
    if not staffing_can_change(event):
        raise SchedulingError(
            _l("Bemandingen af et begyndt eller afsluttet arrangement ændres ikke.")
        )
    _move_assignment(assignment, AssignmentStatus.WITHDRAWN)
    db.session.flush()
    audit.record("assignment.withdrawn", assignment, by=by)
    notifications.queue_templated(
        "assignee_offer_withdrawn",
        to=assignment.person.email,
        event=assignment.event,
        person=assignment.person,
    )


# --- suggestions --------------------------------------------------------------------------------


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

    The same rules as `suggestions`, in a fixed number of queries however many days and
    people: the persons with their patterns and away dates once, the overlapping accepted
    assignments over all the days once, the closed periods once."""
    needed = {n.seat_role: offer_kind.need(n.seat_role) for n in offer_kind.staffing_needs}
    if not days or not needed:
        return []
    sessions = []
    for day in days:
        start = clock.local(day.year, day.month, day.day, start_time.hour, start_time.minute)
        sessions.append((start, start + timedelta(minutes=minutes)))
    people = db.session.scalars(
        db.select(Person)
        .options(selectinload(Person.availability_rules), selectinload(Person.away_periods))
        .where(Person.active, sa.or_(*(_has_role(role) for role in needed)))
    ).all()
    buffer = travel_buffer()
    busy_rows = db.session.execute(
        _accepted_overlapping(sessions).with_only_columns(
            Assignment.person_id,
            *(
                sa.case((_session_overlaps(start, end, buffer), 1), else_=0)
                for start, end in sessions
            ),
        )
    ).all()
    busy = [set() for _ in sessions]
    for person_id, *overlaps in busy_rows:
        for index, overlapping in enumerate(overlaps):
            if overlapping:
                busy[index].add(person_id)
    closed = closed_period_warnings(offer_kind, sessions)
    in_role = {role: [p for p in people if role in p.seat_roles] for role in needed}
    result = []
    for day, session, busy_ids in zip(days, sessions, busy, strict=True):
        result.append(
            DayAvailability(
                day=day,
                starts_at=session[0],
                ends_at=session[1],
                free={
                    role: sum(
                        1 for p in persons if p.id not in busy_ids and _available(p, [session])
                    )
                    for role, persons in in_role.items()
                },
                active={role: len(persons) for role, persons in in_role.items()},
                needed=needed,
                closed=[c for c in closed if c.starts_on <= day <= c.ends_on],
            )
        )
    return result


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


def _busy_person_ids(sessions, *, exclude_event_id):
    query = _accepted_overlapping(sessions, exclude_event_id=exclude_event_id)
    return set(db.session.scalars(query.with_only_columns(Assignment.person_id)))


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


def follow_up_event_ids(*, now, days=7):
    return {event.id for event in follow_up_events(now=now, days=days)}


def follow_up_events(*, now, days=7):
    """Events that need the secretariat, soonest first: a seat whose last answer was no (or
    lapsed) with nobody asked since, or starting within `days` without every seat accepted."""
    events = db.session.scalars(
        db.select(Event)
        .options(
            selectinload(Event.assignments),
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
        )
        .where(Event.status == EventStatus.PLANNED, Event.starts_at > now)
        .order_by(Event.starts_at)
    ).all()
    result = []
    for event in events:
        event_seats = seats(event)
        declined = any(seat.state == "declined" for seat in event_seats)
        soon_and_short = event.starts_at < now + timedelta(days=days) and not all(
            seat.accepted for seat in event_seats
        )
        claimed = any(a.claimed and a.status == AssignmentStatus.OFFERED for a in event.assignments)
        if declined or soon_and_short or claimed:
            result.append(event)
    return result


def assignment_for_answer(signed):
    """The assignment an emailed answer link is for (LinkError if not genuine). Whether it can
    still be answered is for the caller to show: see `answerable`."""
    assignment_id, token = links.unsign(ANSWER_LINK, signed)
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.answer_token is None
        or not links.tokens_match(assignment.answer_token, token)
    ):
        raise links.LinkError(ANSWER_LINK)
    return assignment


# Why an answer is refused, for each reason `answerable` gives: the same words as the answer page.
NOT_ANSWERABLE = {
    "cancelled": _l("Arrangementet er aflyst."),
    "taken": _l("Pladsen er besat: en anden sagde ja først."),
    "withdrawn": _l("Sekretariatet har trukket forespørgslen tilbage."),
    "used": _l("Forespørgslen er allerede besvaret."),
    "expired": _l("Forespørgslen er udløbet."),
}


def answerable(assignment):
    """None if the offer can be answered now, else why not: cancelled, taken (someone else
    accepted the seat), withdrawn (by the secretariat), used (answered), or expired."""
    if assignment.event.status == EventStatus.CANCELLED:
        return "cancelled"
    if assignment.status == AssignmentStatus.WITHDRAWN:
        taken = any(
            other.seat_role == assignment.seat_role
            and other.seat_number == assignment.seat_number
            and other.status == AssignmentStatus.ACCEPTED
            for other in assignment.event.assignments
        )
        return "taken" if taken else "withdrawn"
    if assignment.status == AssignmentStatus.LAPSED:
        return "expired"
    if assignment.status != AssignmentStatus.OFFERED:
        return "used"
    if assignment.expires_at is not None and assignment.expires_at <= clock.now():
        return "expired"
    if assignment.event.starts_at <= clock.now():
        return "expired"
    return None


def history_for_staff(event):
    """Audit entries about the event, its assignments and its attendance, newest first."""
    assignment_ids = [a.id for a in event.assignments]
    conditions = [(AuditEntry.object_type == "events") & (AuditEntry.object_id == event.id)]
    if assignment_ids:
        conditions.append(
            (AuditEntry.object_type == "assignments") & AuditEntry.object_id.in_(assignment_ids)
        )
    if event.attendance is not None:
        conditions.append(
            (AuditEntry.object_type == "attendances")
            & (AuditEntry.object_id == event.attendance.id)
        )
    return db.session.scalars(
        db.select(AuditEntry)
        .where(sa.or_(*conditions))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()


def event_list(*, now, which="upcoming", page=1, per_page=50):
    """A Page of (event, accepted seats, seats needed): upcoming soonest first, past latest
    first, or those awaiting attendance latest first. Three queries, whatever the page."""
    if which == "upcoming":
        query, order = db.select(Event).where(Event.ends_at >= now), [Event.starts_at, Event.id]
    else:
        query = (
            awaiting_attendance_query(now)
            if which == "awaiting_attendance"
            else db.select(Event).where(Event.ends_at < now)
        )
        order = [Event.starts_at.desc(), Event.id.desc()]
    result = paginate(
        query,
        order_by=order,
        page=page,
        per_page=per_page,
        options=[
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
            joinedload(Event.attendance),
        ],
    )
    accepted = accepted_counts([e.id for e in result.items])
    result.items = [(e, accepted.get(e.id, 0), e.offer_kind.seats_needed) for e in result.items]
    return result


def message_everyone(event, *, by, subject, body):
    """Write to the requester and every accepted or offered person at once.

    Side effects: one outbox message per recipient; audit "event.messaged". Returns how many."""
    recipients = {
        a.person.email for a in event.assignments if a.status in AssignmentStatus.live_states()
    }
    if event.request is not None and event.request.contact.anonymised_at is None:
        recipients.add(event.request.contact.email)
    for address in sorted(recipients):
        notifications.queue_email(
            to=address, subject=subject, body=body.strip() + "\n", kind="event_message"
        )
    audit.record(
        "event.messaged", event, by=by, after={"subject": subject, "recipients": len(recipients)}
    )
    return len(recipients)


def display_state(event, accepted, needed, *, now=None):
    """What the secretariat sees: planned, staffed, awaiting_attendance, held or cancelled."""
    now = now or clock.now()
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.status == EventStatus.HELD:
        return "held"
    if event.ends_at <= now:
        return "awaiting_attendance"
    return "staffed" if accepted >= needed else "planned"


def lapse_offer(assignment):
    """An offer not answered by its deadline. Side effects: lapsed; audit "assignment.lapsed"."""
    _move_assignment(assignment, AssignmentStatus.LAPSED)
    db.session.flush()
    audit.record("assignment.lapsed", assignment, actor_label="system")


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
