"""Requests from schools, NGOs and SSP, and concerns from municipal staff: submitting, the
secretariat planning, declining or recording counsel, the requester withdrawing or asking for
other dates. Every rule about a request's life is here; the secretariat's list of requests is in
inbox.py, the requester's private link and page in tracking.py."""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..event_details import clean_meeting_url, clean_practical_info
from ..extensions import db
from ..links import tracking_url
from ..models import (
    AuditEntry,
    ClosedPeriod,
    Contact,
    DateProposal,
    Event,
    OfferKind,
    Organisation,
    Person,
    ProposedDate,
    Request,
)
from ..models.enums import (
    Audience,
    BookingForm,
    ClosedPeriodKind,
    DateProposalSource,
    EventStatus,
    OrganisationKind,
    RequestStatus,
)
from ..personal_data import cpr_numbers
from . import audit, events, free_times, mail, offers, request_states
from .availability import lock_people
from .errors import all_or_nothing
from .pages import by_id
from .request_states import TRANSITIONS, RequestError, move_request

MAX_PROPOSED_DATES = 3


# --- submitting ---------------------------------------------------------------------------------


def find_or_create_organisation(*, name, kind, district, ssp_committee=None):
    """The organisation with this name (case and spacing aside) and kind, or a new one. An
    anonymous booking never changes an organisation that exists: its name and district are
    the secretariat's record, not whatever the latest form said. The one exception fills a
    blank: an SSP organisation recorded without its local committee (before committees were
    asked for) gets the one this booking names; a committee it has is never replaced. Only
    an SSP organisation has a committee (`ssp_committee` is ignored for other kinds). Side
    effects: audit "organisation.committee_set" (by the requester) when that blank is filled.

    Two first bookings from one organisation at the same moment (a class and its parallel
    class) both find nothing and both insert: the insert gives way on the unique name and
    kind (ON CONFLICT DO NOTHING), and both requests get the one organisation, instead of the
    second booking failing on the constraint."""
    key = Organisation.key_for(name)
    committee_id = (
        ssp_committee.id if ssp_committee is not None and kind == OrganisationKind.SSP else None
    )
    organisation = _organisation(key, kind)
    if organisation is None:
        insert = (
            postgresql_insert
            if db.session.get_bind().dialect.name == "postgresql"
            else sqlite_insert
        )
        db.session.execute(
            insert(Organisation)
            .values(
                name=" ".join(name.split()),
                name_key=key,
                kind=kind,
                district_id=district.id if district is not None else None,
                ssp_committee_id=committee_id,
                created_at=clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["name_key", "kind"])
        )
        organisation = _organisation(key, kind)
    if committee_id and organisation.ssp_committee_id is None:
        organisation.ssp_committee_id = committee_id
        db.session.flush()
        audit.record(
            "organisation.committee_set",
            organisation,
            actor_label="requester",
            before={"ssp_committee": None},
            after={"ssp_committee": ssp_committee.name_da},
        )
    return organisation


def _organisation(key, kind):
    return db.session.scalar(
        db.select(Organisation).where(Organisation.name_key == key, Organisation.kind == kind)
    )


EARLIER_SHOWN = 5


def earlier_requests(req):
    """([the organisation's other requests, newest first, at most EARLIER_SHOWN], how many
    there are in all): "has booked before" on the request page. One query: the total rides
    on each row (count(*) OVER (), taken before the LIMIT)."""
    total = db.func.count().over().label("total")
    rows = db.session.execute(
        db.select(Request, total)
        .where(Request.organisation_id == req.organisation_id, Request.id != req.id)
        .options(joinedload(Request.offer_kind))
        .order_by(Request.submitted_at.desc(), Request.id.desc())
        .limit(EARLIER_SHOWN)
    ).all()
    return [row[0] for row in rows], rows[0][1] if rows else 0


def for_the_request_page(request_id):
    """The request with all the request page shows of it, in four queries instead of one
    lazy load each (None if there is no such request)."""
    return db.session.scalar(
        db.select(Request)
        .where(Request.id == request_id)
        .options(
            joinedload(Request.offer_kind).selectinload(OfferKind.staffing_needs),
            joinedload(Request.organisation).joinedload(Organisation.district),
            joinedload(Request.organisation).joinedload(Organisation.ssp_committee),
            joinedload(Request.contact),
            joinedload(Request.topic),
            joinedload(Request.event),
            selectinload(Request.date_proposals).selectinload(DateProposal.dates),
        )
    )


def submit_request(*, preferred_dates, **fields):
    """Store a new request from the public form.

    `preferred_dates` is a list of (first day, last day) pairs; the other fields are
    `_new_request`'s. Side effects: an organisation is found again or created; a contact; the
    first date proposal; audit "request.submitted"; the receipt with the private tracking link,
    queued to the contact in `locale`.
    """
    request = _new_request(**fields)
    _add_proposal(request, preferred_dates, note="")
    return _received(request, "request_receipt")


def book_a_time(*, time_key, **fields):
    """Direkte booking: store a new request from the public form for the free time whose form
    value is `time_key`, plan its event at that time and offer each seat to the best-ranked
    free person, in one transaction, under the lock that makes a second booking of the same
    moment wait (`free_times.hold`). Refused with TimeTaken (nothing stored) when the time is
    not free (any more), else as `submit_request`.

    Side effects: as `submit_request` (the proposal is the day taken), then the event, planned
    and tentative until every seat has said yes, to be staffed by the kind's deadline (audit
    "event.scheduled" and "request.planned"); an offer per seat (as `offers.offer_seat`); the
    receipt "instant_booking_receipt" with a tentative calendar entry instead of the usual one.
    """
    kind = fields["offer_kind"]
    when, panel = free_times.hold(kind, time_key, today=clock.today())
    with all_or_nothing():
        request = _new_request(**fields, booked_instantly=True)
        _add_proposal(request, [(when.day, when.day)], note="")
        _record_submitted(request)
        event = events.schedule_event(
            by=None,
            actor_label="requester",
            offer_kind=kind,
            sessions=[(when.starts_at, when.ends_at)],
            place=request.place,
            online=request.online,
            request=request,
            tell=False,
            tentative=True,
            staff_by=staffing_deadline(
                kind, booked_at=request.submitted_at, starts_at=when.starts_at
            ),
        )
        chosen = panel.choose(event, when)
        if chosen is None:  # can_fill said yes under the same lock: a broken rule, not a race
            raise free_times.TimeTaken(_l("Tiden er lige blevet taget. Vælg en anden tid."))
        # Everyone chosen locked at once, in id order, as every other staffing change does.
        people = by_id(Person, list(chosen.values()))
        lock_people(list(people), event.id)
        for (role, number), person_id in chosen.items():
            offers.offer_seat(
                event, by=None, seat_role=role, seat_number=number, persons=[people[person_id]]
            )
    _send_receipt(request, "instant_booking_receipt", event=event)
    return request


def staffing_deadline(kind, *, booked_at, starts_at):
    """By when a direkte booking's seats should all have said yes: the kind's hours after the
    booking, but a day before the event at the latest (never before the booking itself), so
    the secretariat has a day to act on one that is not staffed."""
    deadline = booked_at + timedelta(hours=kind.instant_deadline_hours)
    return max(booked_at, min(deadline, starts_at - timedelta(days=1)))


def _new_request(
    *,
    offer_kind,
    organisation_name,
    organisation_kind,
    district,
    contact_name,
    contact_email,
    contact_phone,
    topic,
    audience,
    grade,
    expected_participants,
    place,
    online,
    language,
    accessibility_needs,
    notes,
    locale,
    meeting_url="",
    practical_info="",
    ssp_committee=None,
    booked_instantly=False,
):
    """A new request from the public form, added to the session: `meeting_url`, the link the
    requester suggests for an online event (https only, kept only when online; scheduling
    copies it into the event); `practical_info`, what those who come should know (scheduling
    copies it too); `ssp_committee`, the local committee an SSP organisation named
    (find_or_create_organisation says when it is kept). Refused with RequestError (nothing
    stored) for an offer that cannot be held online or booked on this form, or a CPR number."""
    if online and not offer_kind.online_allowed:
        raise RequestError(_l("Dette tilbud kan ikke holdes online."))
    if offer_kind.booking_form == BookingForm.CONCERN:
        raise RequestError(_l("Sparring om en bekymring bestilles på sin egen formular."))
    refuse_cpr_numbers(place, accessibility_needs, practical_info, notes)
    try:
        meeting_url = clean_meeting_url(meeting_url) if online else ""
        practical_info = clean_practical_info(practical_info)
    except ValueError as error:
        raise RequestError(str(error)) from None
    request = Request(
        offer_kind=offer_kind,
        topic=topic,
        organisation=find_or_create_organisation(
            name=organisation_name,
            kind=organisation_kind,
            district=district,
            ssp_committee=ssp_committee,
        ),
        contact=Contact(name=contact_name.strip(), email=contact_email, phone=contact_phone),
        audience=audience,
        grade=grade or "",
        expected_participants=expected_participants,
        place="" if online else place.strip(),
        online=online,
        meeting_url=meeting_url,
        language=language,
        accessibility_needs=accessibility_needs.strip(),
        practical_info=practical_info,
        notes=notes.strip(),
        status=RequestStatus.SUBMITTED,
        tracking_token=secrets.token_urlsafe(32),
        locale=locale,
        submitted_at=clock.now(),
        booked_instantly=booked_instantly,
    )
    db.session.add(request)
    return request


def _received(request, receipt):
    """Flush a new request, audit "request.submitted" and queue the `receipt` mail with its
    private link to the contact, in the language they wrote in."""
    _record_submitted(request)
    _send_receipt(request, receipt)
    return request


def _record_submitted(request):
    """Flush a new request and audit "request.submitted", by the requester."""
    db.session.flush()
    audit.record(
        "request.submitted",
        request,
        actor_label="requester",
        after=audit.snapshot(request, ["status", "offer_kind_id", "organisation_id"]),
    )


def _send_receipt(request, receipt, event=None):
    """Queue the `receipt` mail with the private link to the contact, in the language they
    wrote in (with the `event` planned at once, and its calendar entry, for a direkte
    booking)."""
    mail.send(
        receipt,
        to=request.contact.email,
        locale=request.locale,
        request=request,
        tracking_url=tracking_url(request),
        callback_due=callback_due_on(request) if is_concern(request) else None,
        **({"event": event} if event is not None else {}),
    )


def refuse_cpr_numbers(*texts):
    """RequestError if any text holds a CPR number: it is never stored, whatever the form."""
    if any(cpr_numbers(text) for text in texts):
        raise RequestError(
            _l(
                "Skriv ikke CPR-numre. Fjern nummeret, og send igen. Vi har ikke gemt "
                "noget af det, du skrev."
            )
        )


# --- counsel about a concern --------------------------------------------------------------------

# The secretariat calls back within this many working days (weekdays outside VINK's closures).
CALLBACK_WORKING_DAYS = 2


def is_concern(request):
    return request.offer_kind.booking_form == BookingForm.CONCERN


def submit_concern(
    *,
    offer_kind,
    organisation_name,
    administration,
    contact_name,
    contact_email,
    contact_phone,
    callback_time,
    concern_kind,
    notes,
    locale,
):
    """A member of staff asks to be called about a concern. Nothing about the citizen is asked
    for; a CPR number in any text is refused before anything is stored.

    Side effects: an organisation (a municipal unit) found again or created; a contact; audit
    "request.submitted"; the receipt with the private link and the day we call at the latest.
    """
    if offer_kind.booking_form != BookingForm.CONCERN:
        raise RequestError(_l("Dette tilbud bestilles på den almindelige formular."))
    refuse_cpr_numbers(organisation_name, notes)
    request = Request(
        offer_kind=offer_kind,
        organisation=find_or_create_organisation(
            name=organisation_name, kind=OrganisationKind.MUNICIPAL, district=None
        ),
        contact=Contact(name=contact_name.strip(), email=contact_email, phone=contact_phone),
        audience=Audience.STAFF,
        expected_participants=1,
        language=locale,
        notes=notes.strip(),
        status=RequestStatus.SUBMITTED,
        tracking_token=secrets.token_urlsafe(32),
        locale=locale,
        submitted_at=clock.now(),
        administration=administration,
        callback_time=callback_time,
        concern_kind=concern_kind,
    )
    db.session.add(request)
    return _received(request, "concern_receipt")


def callback_due_on(request, *, closed=None):
    """The last day the secretariat may call back: CALLBACK_WORKING_DAYS working days after the
    day the concern came in. `closed` (days VINK is closed) is looked up unless given."""
    received = request.submitted_at.astimezone(clock.COPENHAGEN).date()
    if closed is None:
        closed = closed_days(received)
    return working_days_after(received, CALLBACK_WORKING_DAYS, closed)


def working_days_after(day, count, closed=frozenset()):
    """The `count`th weekday after `day` that is not in `closed`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


def closed_days(first, *, days=60):
    """Every day from `first` and `days` on that falls in one of VINK's closures (not school
    holidays: the secretariat works then). One query."""
    last = first + timedelta(days=days)
    periods = db.session.scalars(
        db.select(ClosedPeriod).where(
            ClosedPeriod.kind == ClosedPeriodKind.CLOSURE,
            ClosedPeriod.ends_on >= first,
            ClosedPeriod.starts_on <= last,
        )
    ).all()
    return frozenset(
        period.starts_on + timedelta(days=n)
        for period in periods
        for n in range((period.ends_on - period.starts_on).days + 1)
    )


def can_record_counsel(request):
    """A concern still waiting for its call (the request page offers "Registrér samtalen")."""
    return is_concern(request) and RequestStatus.COUNSELLED in TRANSITIONS[request.status]


def record_counsel(request, *, by, talked_on):
    """The secretariat has called back and talked the concern through on `talked_on`.

    Side effects: status counselled, with the day; audit "request.counselled". No mail: the
    member of staff was on the phone.
    """
    if not is_concern(request):
        raise RequestError(_l("Kun en henvendelse om sparring afsluttes med en samtale."))
    if talked_on > clock.today():
        raise RequestError(_l("Samtalen kan ikke ligge i fremtiden."))
    if talked_on < request.submitted_at.astimezone(clock.COPENHAGEN).date():
        raise RequestError(_l("Samtalen kan ikke være holdt, før henvendelsen kom."))
    before = audit.snapshot(request, ["status"])
    request_states.move(request, RequestStatus.COUNSELLED)
    request.counselled_on = talked_on
    audit.record(
        "request.counselled",
        request,
        by=by,
        before=before,
        after={"status": request.status.value, "counselled_on": talked_on.isoformat()},
    )


def _add_proposal(request, dates, *, note, source=DateProposalSource.REQUESTER):
    proposal = DateProposal(
        request=request, source=source, note=note.strip(), created_at=clock.now()
    )
    for first, last in dates[:MAX_PROPOSED_DATES]:
        proposal.dates.append(ProposedDate(starts_on=first, ends_on=last or first))
    db.session.add(proposal)
    return proposal


# --- what the requester can do on the tracking page ---------------------------------------------


def can_withdraw(request):
    return RequestStatus.WITHDRAWN in TRANSITIONS[request.status] and not event_started(request)


def can_propose_dates(request):
    """Until the event has started; again while the secretariat has not handled the last
    proposal (the new one replaces it)."""
    return (
        not is_concern(request)
        and request.status in RequestStatus.open_states()
        and not event_started(request)
    )


def wished_dates(request):
    """The requester's newest proposal of dates: their first wishes, or the later "another date,
    please" that replaced them."""
    own = [p for p in request.date_proposals if p.source == DateProposalSource.REQUESTER]
    return max(own, key=lambda p: (p.created_at, p.id), default=None)


def open_proposal(request):
    """A later date proposal from the requester the secretariat has not handled yet."""
    for proposal in request.date_proposals[1:]:
        if proposal.source == DateProposalSource.REQUESTER and proposal.handled_at is None:
            return proposal
    return None


def withdraw_request(request, *, note):
    """The requester withdraws. Allowed until the event has started.

    Side effects: status withdrawn; a planned event is cancelled (assigned persons told);
    audit "request.withdrawn"; an email to the secretariat's shared address, and a receipt to
    the requester (with a calendar cancel for the planned event).
    """
    if event_started(request):
        raise RequestError(
            _l("Arrangementet er allerede holdt, så bestillingen kan ikke trækkes tilbage.")
        )
    before = audit.snapshot(request, ["status"])
    request_states.move(request, RequestStatus.WITHDRAWN)
    request.withdraw_note = note.strip()
    audit.record(
        "request.withdrawn",
        request,
        actor_label="requester",
        before=before,
        after={"status": request.status.value, "note": request.withdraw_note},
    )
    event = request.event
    cancelled_now = event is not None and event.status == EventStatus.PLANNED
    if cancelled_now:
        # No note: the withdrawal is the reason, said in each reader's language (cancel_reason).
        events.cancel_event(event, by=None, actor_label="requester")
    mail.send(
        "secretariat_request_withdrawn",
        to=current_app.config["SECRETARIAT_EMAIL"],
        locale="da",
        request=request,
        cancelled_now=cancelled_now,
    )
    # The requester's receipt; with the cancelled event, it takes it out of their calendar.
    mail.send(
        "requester_request_withdrawn",
        to=request.contact.email,
        locale=request.locale,
        request=request,
        cancelled_now=cancelled_now,
        tracking_url=tracking_url(request),
        **({"event": event} if cancelled_now else {}),
    )


def propose_dates(request, *, dates, note):
    """The requester asks for another date. One open proposal at a time: a new one replaces
    the one the secretariat has not handled yet (marked handled, kept in the history).

    Side effects: a date proposal the secretariat's inbox shows; audit "request.dates_proposed";
    an email to the secretariat's shared address.
    """
    if not can_propose_dates(request):
        raise RequestError(_l("Der kan ikke foreslås nye datoer til denne bestilling."))
    if not dates:
        raise RequestError(_l("Foreslå mindst én dato."))
    replaced = open_proposal(request)
    if replaced is not None:
        replaced.handled_at = clock.now()
    proposal = _add_proposal(request, dates, note=note)
    db.session.flush()
    audit.record(
        "request.dates_proposed",
        request,
        actor_label="requester",
        after={"dates": [[d.starts_on.isoformat(), d.ends_on.isoformat()] for d in proposal.dates]},
    )
    mail.send(
        "secretariat_dates_proposed",
        to=current_app.config["SECRETARIAT_EMAIL"],
        locale="da",
        request=request,
        proposal=proposal,
    )
    return proposal


# --- the secretariat plans or declines ----------------------------------------------------------


def can_schedule(request):
    """New or being planned, or planned but its event was cancelled (to be rebooked). A concern
    is answered by a call, never an event."""
    if is_concern(request):
        return False
    if request.status in (RequestStatus.SUBMITTED, RequestStatus.PLANNING):
        return True
    return (
        request.status == RequestStatus.PLANNED
        and request.event is not None
        and request.event.status == EventStatus.CANCELLED
    )


def can_decline(request):
    return RequestStatus.DECLINED in TRANSITIONS[request.status] and (
        request.event is None or request.event.status == EventStatus.CANCELLED
    )


def start_planning(request, *, by):
    """The secretariat has picked the request up. Side effects: see move_request."""
    move_request(request, RequestStatus.PLANNING, by=by)


def decline_request(request, *, by, reason, note):
    """The secretariat says no, with a reason the requester sees.

    Side effects: declined; audit "request.declined"; the requester gets the reason by email.
    """
    if reason is None and not note.strip():
        raise RequestError(_l("Vælg en begrundelse, eller skriv den i beskeden til bestilleren."))
    if request.event is not None and request.event.status != EventStatus.CANCELLED:
        raise RequestError(_l("Aflys først arrangementet, før henvendelsen afvises."))
    before = audit.snapshot(request, ["status"])
    request_states.move(request, RequestStatus.DECLINED)
    request.decline_reason = reason
    request.decline_note = note.strip()
    audit.record(
        "request.declined",
        request,
        by=by,
        before=before,
        after={
            "status": "declined",
            "reason_id": reason.id if reason else None,
            "note": request.decline_note,
        },
    )
    mail.send(
        "requester_request_declined",
        to=request.contact.email,
        locale=request.locale,
        request=request,
        tracking_url=tracking_url(request),
    )


def event_started(request):
    event = request.event
    return event is not None and (
        event.status == EventStatus.HELD or event.starts_at <= clock.now()
    )


# --- the request's history ----------------------------------------------------------------------


def events_of(request, *, limit=50):
    """Every event the request ever had (at most `limit`), oldest first: cancelled ones a new
    event replaced, then its own."""
    return db.session.scalars(
        db.select(Event)
        .where(db.or_(Event.request_id == request.id, Event.former_request_id == request.id))
        .order_by(Event.created_at, Event.id)
        .limit(limit)
    ).all()


def audit_about(request):
    """Audit conditions for the request and every event it ever had (the staff's and the
    requester's history): a cancelled event stays in it after the request is planned again."""
    # One list of (object type, id) pairs, so that each is found through the audit log's index
    # of objects: with an OR of the two, PostgreSQL walked the whole log newest first.
    about = db.union_all(
        db.select(db.literal("requests"), db.literal(request.id)),
        db.select(db.literal("events"), Event.id).where(
            db.or_(Event.request_id == request.id, Event.former_request_id == request.id)
        ),
    )
    return db.tuple_(AuditEntry.object_type, AuditEntry.object_id).in_(about)


def history_for_staff(request):
    """([the audit entries about the request and every event it ever had, newest first, at
    most audit.STAFF_HISTORY_SHOWN], how many there are in all). One query."""
    return audit.newest_for_staff(audit_about(request))


def replaced_and_replacement(event):
    """(the cancelled event `event` took the place of, the event that took its place), each
    None where there is none: its request's events in the order they were planned (a request
    is planned again only once its event is cancelled). One query; none without a request."""
    request = event.for_request
    chain = events_of(request) if request is not None else []
    if event not in chain:
        return None, None
    at = chain.index(event)
    return chain[at - 1] if at else None, chain[at + 1] if at + 1 < len(chain) else None
