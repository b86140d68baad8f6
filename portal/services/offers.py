"""Offering a seat and the answers: offer, accept (race-free, under a lock), decline, withdraw,
lapse, the chain to the next suggested person, the emailed answer link, and the events whose
seats need the secretariat."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import clock, links
from ..extensions import db
from ..labels import label
from ..models import (
    Assignment,
    Event,
    Person,
    Request,
    StaffingNeed,
)
from ..models.enums import AssignmentStatus, EventStatus
from . import audit, free_times, mail
from .availability import lock_people, overlapping_assignment
from .errors import OfferError, all_or_nothing
from .events import tell_requester
from .seats import is_fully_staffed, seats, staffing_can_change
from .suggestions import suggestions
from .transitions import move_assignment

# The purpose an emailed answer link is signed for (links.sign).
ANSWER_LINK = "offer-answer"


def offer_seat(event, *, by, seat_role, seat_number, persons, notify=True):
    """Offer one seat to one person, or to several at once (the first to accept gets it).

    Runs under the lock an accept takes (`lock_for_offer`): of two offers of one seat to one
    person at once (two secretariat members, a claim sent twice), the second sees the first
    and is refused with OfferError, as a late one is. Every person is checked before any
    is offered, so a refusal leaves nothing behind.
    Side effects: an offered assignment per person, expiring at the offer kind's deadline (or the
    event's start if sooner), each with an email holding an answer link; audit
    "assignment.offered" per person.
    """
    lock_for_offer(event, persons)
    if not staffing_can_change(event):
        raise OfferError(_l("Der kan kun forespørges på kommende, planlagte arrangementer."))
    seat = next((s for s in seats(event) if s.role == seat_role and s.number == seat_number), None)
    if seat is None:
        raise OfferError(_l("Den plads findes ikke på arrangementet."))
    if seat.accepted is not None:
        raise OfferError(_l("Pladsen er allerede besat."))
    if not persons:
        raise OfferError(_l("Vælg mindst én person."))
    live = {a.person_id for a in event.assignments if a.status in AssignmentStatus.live_states()}
    deadline = min(
        clock.now() + timedelta(hours=event.offer_kind.offer_deadline_hours), event.starts_at
    )
    for person in persons:
        if seat_role not in person.seat_roles or not person.active:
            raise OfferError(_l("%(name)s kan ikke tage den plads.", name=person.full_name))
        if person.id in live:
            raise OfferError(
                _l("%(name)s er allerede forespurgt på arrangementet.", name=person.full_name)
            )
    offered = []
    for person in persons:
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
            mail.send(
                "assignee_offer",
                to=person.email,
                locale=person.mail_locale,
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


def lock_for_offer(event, persons):
    """Lock the persons and the event as an accept does (`availability.lock_people`), then
    re-read them and the event's assignments: what another transaction committed while this one
    waited (an offer, an accept, a deactivation) is what the rules see."""
    lock_people([person.id for person in persons], event.id)
    db.session.refresh(event)
    for row in [*persons, *event.assignments]:
        db.session.refresh(row)


def _lock_for_accept(assignment):
    """Lock the person and the event, then re-read the event's assignments."""
    lock_people([assignment.person_id], assignment.event_id)
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
        raise OfferError(NOT_ANSWERABLE[why_not])
    if event.status != EventStatus.PLANNED:
        raise OfferError(
            _l("Arrangementet er %(status)s.", status=str(label(event.status)).lower())
        )
    if not assignment.person.active:
        raise OfferError(_l("Personen er ikke længere aktiv i panelet."))
    if assignment.claimed and (by is None or not by.is_staff):
        raise OfferError(_l("Sekretariatet skal godkende, at du tager pladsen."))
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
        raise OfferError(NOT_ANSWERABLE["taken"])
    sessions = [(s.starts_at, s.ends_at) for s in event.sessions]
    if overlapping_assignment(assignment.person_id, sessions, exclude_event_id=event.id):
        raise OfferError(
            _l("Du er optaget på det tidspunkt: du har sagt ja til et andet arrangement.")
        )
    try:
        with all_or_nothing():
            move_assignment(assignment, AssignmentStatus.ACCEPTED)
            for other in event.assignments:
                same_seat = (other.seat_role, other.seat_number) == (
                    assignment.seat_role,
                    assignment.seat_number,
                )
                if (
                    other is not assignment
                    and same_seat
                    and other.status == AssignmentStatus.OFFERED
                ):
                    move_assignment(other, AssignmentStatus.WITHDRAWN)
                    mail.send(
                        "assignee_offer_taken",
                        to=other.person.email,
                        locale=other.person.mail_locale,
                        event=event,
                        person=other.person,
                    )
            db.session.flush()
    except sa.exc.IntegrityError:
        # The partial unique index on accepted seats: another accept won after all.
        raise OfferError(NOT_ANSWERABLE["taken"]) from None
    audit.record("assignment.accepted", assignment, by=by, actor_label=actor_label)
    if is_fully_staffed(event):
        _everyone_said_yes(event)
    return assignment


def _everyone_said_yes(event):
    """Every seat is taken: a direkte booked time is no longer tentative (its version, and so
    the calendar entry's SEQUENCE, rises; audit "event.confirmed"), and the requester is told
    who comes, with the confirmed entry for a direkte booking."""
    kind = "requester_event_staffed"
    if event.tentative:
        event.tentative = False
        db.session.flush()
        audit.record("event.confirmed", event, actor_label="system")
        kind = "requester_instant_confirmed"
    if event.request is not None:
        tell_requester(event, kind)


def decline_offer(assignment, *, by=None, actor_label="", reason=None, note=""):
    """The person says no. Returns the offer made on in their stead, or None.

    Side effects: declined; audit "assignment.declined"; where the offer kind chains, the seat
    is offered to the next suggested person who is free at once (chain_offer: an offered
    assignment, its email, audit "assignment.offered" and "assignment.chained"), otherwise it
    goes back to the secretariat's follow-up list."""
    why_not = answerable(assignment)
    if why_not is not None:
        raise OfferError(NOT_ANSWERABLE[why_not])
    move_assignment(assignment, AssignmentStatus.DECLINED)
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
    if event.request is not None and event.request.booked_instantly:
        # A direkte booked time: the next person by the rules the time was taken by.
        found = free_times.replacement(event, ended.seat_role)
        candidates = [db.session.get(Person, found)] if found is not None else []
    else:
        candidates = [
            s.person
            for s in suggestions(event, ended.seat_role)
            if s.person.id not in asked and s.free and s.available
        ]
    for person in candidates:
        try:
            # Someone may have offered or taken the seat meanwhile: then there is no chain,
            # and the decline or lapse that asked for it stands.
            with all_or_nothing():
                [offered] = offer_seat(
                    event,
                    by=None,
                    seat_role=ended.seat_role,
                    seat_number=ended.seat_number,
                    persons=[person],
                )
        except OfferError:
            return None
        audit.record(
            "assignment.chained",
            event,
            actor_label="system",
            after={"from": ended.person_id, "to": person.id},
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
        raise OfferError(_l("Bemandingen af et begyndt eller afsluttet arrangement ændres ikke."))
    move_assignment(assignment, AssignmentStatus.WITHDRAWN)
    db.session.flush()
    audit.record("assignment.withdrawn", assignment, by=by)
    mail.send(
        "assignee_offer_withdrawn",
        to=assignment.person.email,
        locale=assignment.person.mail_locale,
        event=assignment.event,
        person=assignment.person,
    )


# An event starting within this many days without every seat accepted needs the secretariat.
FOLLOW_UP_DAYS = 7


def follow_up_event_ids(*, now, days=FOLLOW_UP_DAYS):
    return set(db.session.scalars(follow_up_query(now=now, days=days).with_only_columns(Event.id)))


def follow_up_query(*, now, days=FOLLOW_UP_DAYS):
    """Events that need the secretariat, soonest first: a seat whose last answer was no (or
    lapsed) with nobody asked since, a claim waiting for approval, or starting within `days`
    without every seat accepted. In SQL, so a page lists the first few and counts the rest
    without loading every planned event (the seat rule of `seats.Seat.state`)."""
    return (
        db.select(Event)
        .where(
            Event.status == EventStatus.PLANNED,
            Event.starts_at > now,
            sa.or_(
                _a_seat_declined(),
                _a_claim_waiting(),
                sa.and_(
                    Event.starts_at < now + timedelta(days=days),
                    _accepted_seats() < _seats_needed(),
                ),
            ),
        )
        .order_by(Event.starts_at, Event.id)
    )


def instant_unstaffed_query(*, now):
    """Events a requester booked directly (`Request.booked_instantly`), still ahead, whose
    staffing deadline (`Event.staff_by`) has passed without every seat accepted: the
    secretariat takes over. Soonest first, in SQL like `follow_up_query`.

    It keeps its own FROM (no correlation): embedded in a query of requests or of events (what
    "Kræver handling" leaves out), it must not take the outer query's row for its own."""
    return (
        db.select(Event)
        .join(Event.request)
        .where(
            Request.booked_instantly.is_(True),
            Event.status == EventStatus.PLANNED,
            Event.starts_at > now,
            Event.staff_by <= now,
            _accepted_seats() < _seats_needed(),
        )
        .order_by(Event.starts_at, Event.id)
        .correlate(None)
    )


def follow_up_events(*, now, days=FOLLOW_UP_DAYS, limit=None):
    return (
        db.session.scalars(
            follow_up_query(now=now, days=days)
            .options(
                joinedload(Event.offer_kind),
                joinedload(Event.request).joinedload(Request.organisation),
            )
            .limit(limit)
        )
        .unique()
        .all()
    )


def _within_needs(assignment):
    """The assignment is on a seat the event's offer kind has (a kind's needs can shrink)."""
    return assignment.seat_number <= (
        db.select(StaffingNeed.count)
        .where(
            StaffingNeed.offer_kind_id == Event.offer_kind_id,
            StaffingNeed.seat_role == assignment.seat_role,
        )
        .correlate_except(StaffingNeed)  # the event two levels out, not a new FROM
        .scalar_subquery()
    )


def _a_seat_declined():
    """A seat whose last answer was no or lapsed, and nobody offered it or holding it since."""
    ended, live = db.aliased(Assignment), db.aliased(Assignment)
    return (
        db.select(ended.id)
        .where(
            ended.event_id == Event.id,
            ended.status.in_((AssignmentStatus.DECLINED, AssignmentStatus.LAPSED)),
            _within_needs(ended),
            ~db.select(live.id)
            .where(
                live.event_id == ended.event_id,
                live.seat_role == ended.seat_role,
                live.seat_number == ended.seat_number,
                live.status.in_((AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)),
            )
            .exists(),
        )
        .exists()
    )


def _a_claim_waiting():
    # A set computed once (few claims wait), not a search of every offer per event.
    return Event.id.in_(
        db.select(Assignment.event_id).where(
            Assignment.claimed, Assignment.status == AssignmentStatus.OFFERED
        )
    )


def _accepted_seats():
    accepted = db.aliased(Assignment)
    return (
        db.select(db.func.count(accepted.id))
        .where(
            accepted.event_id == Event.id,
            accepted.status == AssignmentStatus.ACCEPTED,
            _within_needs(accepted),
        )
        .scalar_subquery()
    )


def _seats_needed():
    return (
        db.select(db.func.coalesce(db.func.sum(StaffingNeed.count), 0))
        .where(StaffingNeed.offer_kind_id == Event.offer_kind_id)
        .scalar_subquery()
    )


def assignment_for_answer(signed):
    """The assignment an emailed answer link is for (LinkError if not genuine, or if its
    person is deactivated). Whether it can still be answered is for the caller to show: see
    `answerable`."""
    assignment_id, token = links.unsign(ANSWER_LINK, signed)
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.answer_token is None
        or not links.tokens_match(assignment.answer_token, token)
        or not assignment.person.active
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


def lapse_offer(assignment):
    """An offer not answered by its deadline. Side effects: lapsed; audit "assignment.lapsed"."""
    move_assignment(assignment, AssignmentStatus.LAPSED)
    db.session.flush()
    audit.record("assignment.lapsed", assignment, actor_label="system")
