"""Requests from schools, NGOs and SSP: submit, follow on a private link, withdraw, ask for
another date, and get lost links again. Every rule about a request's life is here."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, links
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
    ProposedDate,
    Request,
)
from ..models.enums import (
    AssignmentStatus,
    Audience,
    BookingForm,
    ClosedPeriodKind,
    DateProposalSource,
    EventStatus,
    OrganisationKind,
    RequestStatus,
)
from ..normal_form import email_key
from ..personal_data import cpr_numbers
from . import assignments, audit, events, mail, offers
from .pages import Page, by_id, first_of_each, paginate
from .request_states import TRANSITIONS, RequestError, move_request
from .request_states import move as _move

LINK_PURPOSE = links.TRACKING
COOKIE_PURPOSE = "tracking-cookie"
MAX_PROPOSED_DATES = 3


class LinkExpired(Exception):
    """A genuine tracking link whose time is up."""


def count_by_status():
    """{status: count} for every request status, zeros included, in one query."""
    rows = db.session.execute(
        db.select(Request.status, db.func.count()).group_by(Request.status)
    ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(dict(rows))
    return counts


# --- submitting ---------------------------------------------------------------------------------


def find_or_create_organisation(*, name, kind, district):
    """The organisation with this name (case and spacing aside) and kind, or a new one. An
    anonymous booking never changes an organisation that exists: its name and district are
    the secretariat's record, not whatever the latest form said.

    Two first bookings from one organisation at the same moment (a class and its parallel
    class) both find nothing and both insert: the insert gives way on the unique name and
    kind (ON CONFLICT DO NOTHING), and both requests get the one organisation, instead of the
    second booking failing on the constraint."""
    key = Organisation.key_for(name)
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
                created_at=clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["name_key", "kind"])
        )
        organisation = _organisation(key, kind)
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
            joinedload(Request.contact),
            joinedload(Request.topic),
            joinedload(Request.event),
            selectinload(Request.date_proposals).selectinload(DateProposal.dates),
        )
    )


def submit_request(
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
    preferred_dates,
    place,
    online,
    language,
    accessibility_needs,
    notes,
    locale,
):
    """Store a new request from the public form.

    `preferred_dates` is a list of (first day, last day) pairs. Side effects: an organisation
    is found again or created; a contact; the first date proposal; audit "request.submitted";
    the receipt with the private tracking link, queued to the contact in `locale`.
    """
    if online and not offer_kind.online_allowed:
        raise RequestError(_l("Dette tilbud kan ikke holdes online."))
    if offer_kind.booking_form == BookingForm.CONCERN:
        raise RequestError(_l("Sparring om en bekymring bestilles på sin egen formular."))
    refuse_cpr_numbers(place, accessibility_needs, notes)
    request = Request(
        offer_kind=offer_kind,
        topic=topic,
        organisation=find_or_create_organisation(
            name=organisation_name, kind=organisation_kind, district=district
        ),
        contact=Contact(name=contact_name.strip(), email=contact_email, phone=contact_phone),
        audience=audience,
        grade=grade or "",
        expected_participants=expected_participants,
        place="" if online else place.strip(),
        online=online,
        language=language,
        accessibility_needs=accessibility_needs.strip(),
        notes=notes.strip(),
        status=RequestStatus.SUBMITTED,
        tracking_token=secrets.token_urlsafe(32),
        locale=locale,
        submitted_at=clock.now(),
    )
    db.session.add(request)
    _add_proposal(request, preferred_dates, note="")
    return _received(request, "request_receipt")


def _received(request, receipt):
    """Flush a new request, audit "request.submitted" and queue the `receipt` mail with its
    private link to the contact, in the language they wrote in."""
    db.session.flush()
    audit.record(
        "request.submitted",
        request,
        actor_label="requester",
        after=audit.snapshot(request, ["status", "offer_kind_id", "organisation_id"]),
    )
    mail.send(
        receipt,
        to=request.contact.email,
        locale=request.locale,
        request=request,
        tracking_url=tracking_url(request),
        callback_due=callback_due_on(request) if is_concern(request) else None,
    )
    return request


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
    _move(request, RequestStatus.COUNSELLED)
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


# --- the private link ---------------------------------------------------------------------------


def link_expires_at(request):
    """The tracking link works until N days (TRACKING_LINK_DAYS_AFTER_EVENT) after the event,
    or, before there is one, after the last date the requester wished for."""
    if request.contact.anonymised_at is not None:
        return request.contact.anonymised_at  # nothing personal is left to show
    days = timedelta(days=current_app.config["TRACKING_LINK_DAYS_AFTER_EVENT"])
    event = request.event
    if event is not None:
        return event.ends_at + days
    wished = [d.ends_on for proposal in request.date_proposals for d in proposal.dates]
    last_day = max(wished) if wished else request.submitted_at.astimezone(clock.COPENHAGEN).date()
    return datetime.combine(last_day, time(23, 59), clock.COPENHAGEN) + days


def open_tracking_link(signed):
    """The request a signed link opens. LinkError: not genuine; LinkExpired: time is up."""
    request = _request_for(*links.unsign(LINK_PURPOSE, signed))
    if clock.now() > link_expires_at(request):
        raise LinkExpired()
    return request


def tracking_cookie_value(request):
    return links.sign_timed(COOKIE_PURPOSE, [request.id, request.tracking_token])


def request_for_cookie(request_id, cookie_value):
    """The request a tracking cookie gives access to, if it is for `request_id`; else LinkError."""
    if not cookie_value:
        raise links.LinkError(COOKIE_PURPOSE)
    max_age = current_app.config["TRACKING_COOKIE_MINUTES"] * 60
    value = links.unsign_timed(COOKIE_PURPOSE, cookie_value, max_age=max_age)
    if not isinstance(value, list) or len(value) != 2 or value[0] != request_id:
        raise links.LinkError(COOKIE_PURPOSE)
    request = _request_for(*value)
    if clock.now() > link_expires_at(request):
        raise LinkExpired()
    return request


def _request_for(request_id, token):
    request = db.session.get(Request, request_id) if isinstance(request_id, int) else None
    if request is None or not links.tokens_match(request.tracking_token, str(token)):
        raise links.LinkError(LINK_PURPOSE)
    return request


def resend_tracking_links(email, *, locale):
    """Ask for every still-working tracking link of requests made with `email`, sent to that
    address. The lookup happens when the mail worker composes the message, so this does the
    same work, and takes the same time, whether or not the address has booked.

    Side effects: one composed outbox message to `email`, which becomes at most one email."""
    mail.queue_composed("tracking_links", to=email_key(email), locale=locale)


def compose_tracking_links(email, params):
    """(subject, body) with the working tracking links of `email`'s requests, or None."""
    requests = db.session.scalars(
        db.select(Request)
        .join(Request.contact)
        .where(db.func.lower(Contact.email) == email, Contact.anonymised_at.is_(None))
        .order_by(Request.submitted_at.desc())
    ).all()
    now = clock.now()
    working = [r for r in requests if link_expires_at(r) >= now]
    if not working:
        return None
    return mail.render_templated(
        "tracking_links",
        locale=params.get("locale", "da"),
        entries=[(r, tracking_url(r)) for r in working],
    )


mail.COMPOSERS["tracking_links"] = compose_tracking_links


# --- what the requester can do on the tracking page ---------------------------------------------


def can_withdraw(request):
    return RequestStatus.WITHDRAWN in TRANSITIONS[request.status] and not _event_started(request)


def can_propose_dates(request):
    return (
        not is_concern(request)
        and request.status in RequestStatus.open_states()
        and not _event_started(request)
        and open_proposal(request) is None
    )


def open_proposal(request):
    """A later date proposal from the requester the secretariat has not handled yet."""
    for proposal in request.date_proposals[1:]:
        if proposal.source == DateProposalSource.REQUESTER and proposal.handled_at is None:
            return proposal
    return None


def withdraw_request(request, *, note):
    """The requester withdraws. Allowed until the event has started.

    Side effects: status withdrawn; a planned event is cancelled (assigned persons told);
    audit "request.withdrawn"; an email to the secretariat's shared address.
    """
    if _event_started(request):
        raise RequestError(
            _l("Arrangementet er allerede holdt, så bestillingen kan ikke trækkes tilbage.")
        )
    before = audit.snapshot(request, ["status"])
    _move(request, RequestStatus.WITHDRAWN)
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
        with force_locale("da"):  # stored once, read by the Danish secretariat and assignees
            note = str(_l("Bestilleren har trukket bestillingen tilbage."))
        events.cancel_event(event, by=None, actor_label="requester", note=note)
    mail.send(
        "secretariat_request_withdrawn",
        to=current_app.config["SECRETARIAT_EMAIL"],
        locale="da",
        request=request,
        cancelled_now=cancelled_now,
    )


def propose_dates(request, *, dates, note):
    """The requester asks for another date. One open proposal at a time.

    Side effects: a date proposal the secretariat's inbox shows; audit "request.dates_proposed";
    an email to the secretariat's shared address.
    """
    if not can_propose_dates(request):
        if open_proposal(request) is not None:
            raise RequestError(
                _l("I har allerede foreslået nye datoer. Sekretariatet vender tilbage.")
            )
        raise RequestError(_l("Der kan ikke foreslås nye datoer til denne bestilling."))
    if not dates:
        raise RequestError(_l("Foreslå mindst én dato."))
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
    _move(request, RequestStatus.DECLINED)
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


def _event_started(request):
    event = request.event
    return event is not None and (
        event.status == EventStatus.HELD or event.starts_at <= clock.now()
    )


# --- what the tracking page shows ---------------------------------------------------------------


def who_comes(event):
    """First name and seat role of each accepted person: nothing more is shown to requesters."""
    if event is None:
        return []
    return [
        (a.person.first_name, a.seat_role)
        for a in event.assignments
        if a.status == AssignmentStatus.ACCEPTED
    ]


PUBLIC_HISTORY_ACTIONS = (
    "request.submitted",
    "request.withdrawn",
    "request.dates_proposed",
    "request.planning",
    "request.declined",
    "request.counselled",
    "event.scheduled",
    "event.rescheduled",
    "event.cancelled",
    "event.held",
)


def _about(request):
    """Audit conditions for the request and its event."""
    conditions = [(AuditEntry.object_type == "requests") & (AuditEntry.object_id == request.id)]
    if request.event is not None:
        conditions.append(
            (AuditEntry.object_type == "events") & (AuditEntry.object_id == request.event.id)
        )
    return db.or_(*conditions)


def history_for_staff(request):
    """Every audit entry about the request and its event, newest first, with who did it."""
    return db.session.scalars(
        db.select(AuditEntry)
        .where(_about(request))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()


def public_history(request):
    """Audit entries a requester may see about their request and its event, oldest first."""
    return db.session.scalars(
        db.select(AuditEntry)
        .where(_about(request), AuditEntry.action.in_(PUBLIC_HISTORY_ACTIONS))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


def public_status(request):
    """The one word a requester sees: received, planning, planned, staffed, held, declined,
    cancelled, withdrawn or counselled (the event's state wins once there is an event)."""
    if request.status == RequestStatus.COUNSELLED:
        return "counselled"
    if request.status == RequestStatus.WITHDRAWN:
        return "withdrawn"
    if request.status == RequestStatus.DECLINED:
        return "declined"
    event = request.event
    if event is not None:
        if event.status == EventStatus.CANCELLED:
            return "cancelled"
        if event.status == EventStatus.HELD or event.ends_at <= clock.now():
            return "held"
        accepted = sum(1 for a in event.assignments if a.status == AssignmentStatus.ACCEPTED)
        return "staffed" if accepted >= event.offer_kind.seats_needed else "planned"
    return "planning" if request.status == RequestStatus.PLANNING else "received"


# --- the secretariat's inbox ----------------------------------------------------------------------


@dataclass
class InboxFilters:
    status: RequestStatus | None = None
    offer_kind_id: int | None = None
    org_kind: OrganisationKind | None = None
    district_id: int | None = None
    year: int | None = None
    organisation_id: int | None = None
    q: str = ""
    _matched: object = field(default=None, init=False, repr=False, compare=False)

    def conditions(self, skip=None):
        """SQL conditions for every filter except `skip` (facet counts leave their own out)."""
        found = []
        if self.status and skip != "status":
            found.append(Request.status == self.status)
        if self.offer_kind_id and skip != "offer_kind":
            found.append(Request.offer_kind_id == self.offer_kind_id)
        if self.org_kind and skip != "org_kind":
            found.append(Organisation.kind == self.org_kind)
        if self.district_id and skip != "district":
            found.append(Organisation.district_id == self.district_id)
        if self.year and skip != "year":
            found.append(_in_copenhagen_year(Request.submitted_at, self.year))
        if self.organisation_id:
            found.append(Request.organisation_id == self.organisation_id)
        if self.q.strip():
            found.append(Request.id.in_(db.select(self._matching().c.id)))
        return found

    def _matching(self):
        """The requests whose organisation or contact holds the search words, as one CTE: the
        five facet counts share it (the database searches once, not five times), and the
        organisations and contacts are each searched once, not per joined request."""
        if self._matched is None:
            # autoescape: a % or _ typed in the search box is a character, not a wildcard.
            text = self.q.strip()
            organisations = db.select(Organisation.id).where(
                Organisation.name.icontains(text, autoescape=True)
            )
            contacts = db.select(Contact.id).where(
                db.or_(
                    Contact.name.icontains(text, autoescape=True),
                    Contact.email.icontains(text, autoescape=True),
                )
            )
            self._matched = (
                db.select(Request.id)
                .where(
                    db.or_(
                        Request.organisation_id.in_(organisations),
                        Request.contact_id.in_(contacts),
                    )
                )
                .cte("matching")
            )
        return self._matched

    def select(self, *columns, skip=None, organisation=False):
        """SELECT `columns` FROM requests under every filter but `skip`, joined to the
        organisation only when a filter (or `organisation`) needs it: a count over requests
        alone is ten times faster than over requests joined."""
        query = db.select(*columns).select_from(Request)
        by_organisation = (self.org_kind and skip != "org_kind") or (
            self.district_id and skip != "district"
        )
        if organisation or by_organisation:
            query = query.join(Request.organisation)
        return query.where(*self.conditions(skip=skip))


def _in_copenhagen_year(column, year):
    return db.and_(column >= clock.local(year, 1, 1), column < clock.local(year + 1, 1, 1))


def _year_of(column):
    """The Copenhagen year of a UTC timestamp column, as SQL both databases run: a request
    sent at 00.30 on 1 January counts in the new year, not in the UTC one still ending."""
    years = range(clock.EARLIEST_DAY.year, clock.last_day_in_reach().year + 1)
    return db.case(
        *((column < clock.local(year + 1, 1, 1), year) for year in years[:-1]), else_=years[-1]
    )


@dataclass
class InboxPage(Page):
    needs_action: list = field(default_factory=list)
    # {request id: the last day to call back} for the concerns among needs_action.
    callback_due: dict = field(default_factory=dict)
    # {reason: how many need it}: the list shows at most NEEDS_ACTION_ROWS of each.
    needs_action_totals: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


def inbox(filters, *, now, page=1, per_page=25, whole_page=True):
    """The filtered list of requests, paginated, with counts per filter value; on the
    `whole_page`, the requests needing action first (new, new dates asked for, events to
    follow up). A fixed number of queries: 2 for the list, 3 or 4 more for the whole page."""
    counts = _facet_counts(filters)
    status_counts = counts["status"]
    total = (
        status_counts.get(filters.status.value, 0)
        if filters.status
        else sum(status_counts.values())
    )
    result = paginate(
        filters.select(Request, organisation=True),
        order_by=[Request.submitted_at.desc(), Request.id.desc()],
        options=[
            joinedload(Request.organisation).joinedload(Organisation.district),
            joinedload(Request.contact),
            joinedload(Request.offer_kind),
            joinedload(Request.event),
        ],
        page=page,
        per_page=per_page,
        total=total,
    )
    actions, action_totals = needs_action(now=now) if whole_page else ([], {})
    return InboxPage(
        needs_action=actions,
        needs_action_totals=action_totals,
        callback_due=callback_due_dates([item for r, item in actions if r == "call_back"]),
        items=result.items,
        total=result.total,
        page=result.page,
        pages=result.pages,
        counts=counts,
    )


def callback_due_dates(concerns):
    """{request id: last day to call back} for `concerns`, with one query for the closures."""
    if not concerns:
        return {}
    first = min(r.submitted_at for r in concerns).astimezone(clock.COPENHAGEN).date()
    closed = closed_days(first, days=(clock.today() - first).days + 60)
    return {r.id: callback_due_on(r, closed=closed) for r in concerns}


def _facet_counts(filters):
    """{facet: {value as the filter form sends it: count}}, each facet counted under every
    filter but its own. One query: the five groupings unioned."""
    facets = {
        "status": Request.status,
        "offer_kind": Request.offer_kind_id,
        "org_kind": Organisation.kind,
        "district": Organisation.district_id,
        "year": _year_of(Request.submitted_at),
    }
    groupings = [
        filters.select(
            db.literal(name).label("facet"),
            db.cast(column, db.String).label("value"),
            db.func.count(Request.id).label("n"),
            skip=name,
            organisation=name in ("org_kind", "district"),
        ).group_by(column)
        for name, column in facets.items()
    ]
    counts = {name: {} for name in facets}
    for facet, value, count in db.session.execute(db.union_all(*groupings)):
        # Keys as the strings the filter form sends ("submitted", "3", "2026").
        counts[facet][str(value)] = count
    return counts


# "Kræver handling" shows at most this many of each reason, oldest first; the rest are counted.
NEEDS_ACTION_ROWS = 10


def needs_action(*, now):
    """([(reason, request or event)], {reason: total}): concerns to call back about, new
    requests, new dates asked for, cancelled events to rebook, events with someone accepted who
    is away on the day ("away", an `assignments.AwayConflict`), and events whose seats need
    following up (a no to replace, a claim to approve, or starting within 7 days not fully
    staffed). At most NEEDS_ACTION_ROWS of each, oldest or soonest first, each with its total.
    A request is listed once, under its first reason in that order; an event to follow up is
    left out when its request is listed or it is listed as "away". An away conflict is always
    listed, beside any reason its request has: the totals add up to the rows listed and "+N
    flere".

    Four queries however much there is: the first rows of every reason with its total (one
    UNION ALL), then those requests, then those events, then who is away on them."""
    concerns = db.select(OfferKind.id).where(OfferKind.booking_form == BookingForm.CONCERN)
    first_wish = (
        db.select(db.func.min(DateProposal.created_at))
        .where(DateProposal.request_id == Request.id, DateProposal.handled_at.is_(None))
        .scalar_subquery()
    )
    reasons = {
        "call_back": (
            db.select(Request.id).where(
                Request.status.in_((RequestStatus.SUBMITTED, RequestStatus.PLANNING)),
                Request.offer_kind_id.in_(concerns),
            ),
            [Request.submitted_at, Request.id],
        ),
        "new": (
            db.select(Request.id).where(
                Request.status == RequestStatus.SUBMITTED, Request.offer_kind_id.not_in(concerns)
            ),
            [Request.submitted_at, Request.id],
        ),
        "new_dates": (
            db.select(Request.id).where(
                Request.id.in_(
                    db.select(DateProposal.request_id).where(
                        DateProposal.source == DateProposalSource.REQUESTER,
                        DateProposal.handled_at.is_(None),
                        _is_a_later_proposal(),
                    )
                ),
                Request.status.in_(RequestStatus.open_states()),
            ),
            [first_wish, Request.id],
        ),
        "rebook": (
            db.select(Request.id)
            .join(Request.event)
            .where(Request.status == RequestStatus.PLANNED, Event.status == EventStatus.CANCELLED),
            [Request.submitted_at, Request.id],
        ),
    }
    # Each request is listed once, under its first reason (a new request may already ask for
    # other dates; a cancelled event's requester may too): each reason leaves out the requests
    # of the reasons before it (their plain queries, not nested in one another). An event to
    # follow up whose request is listed is reached through it, and one with someone away is
    # listed as that. Someone accepted and away is a problem of its own: always listed.
    listed = []
    for reason, (query, order) in reasons.items():
        if listed:
            reasons[reason] = (query.where(Request.id.not_in(db.union(*listed))), order)
        listed.append(query)
    away = assignments.away_conflicts_query(now=now)
    reasons["away"] = (away, [Event.starts_at, Event.id])
    reasons["follow_up"] = (
        offers.follow_up_query(now=now)
        .with_only_columns(Event.id)
        .where(
            db.or_(Event.request_id.is_(None), Event.request_id.not_in(db.union(*listed))),
            Event.id.not_in(away),
        )
        .order_by(None),
        [Event.starts_at, Event.id],
    )
    ids, totals = first_of_each(reasons, dict.fromkeys(reasons, NEEDS_ACTION_ROWS))
    events_of = ("away", "follow_up")
    loaded = by_id(
        Request,
        [i for reason, found in ids.items() if reason not in events_of for i in found],
        joinedload(Request.organisation),
        joinedload(Request.offer_kind),
    )
    events = by_id(
        Event,
        ids["away"] + ids["follow_up"],
        joinedload(Event.offer_kind),
        joinedload(Event.request).joinedload(Request.organisation),
    )
    conflicts = assignments.away_conflicts([events[i] for i in ids["away"]], now=now)
    items = [
        (reason, loaded[i])
        for reason, found in ids.items()
        if reason not in events_of
        for i in found
    ]
    items += [("away", conflict) for conflict in conflicts]
    items += [("follow_up", events[i]) for i in ids["follow_up"]]
    return items, totals


def _is_a_later_proposal():
    """The first proposal of a request holds its original wishes, not a change: a later one has
    an earlier proposal of the same request before it. (An EXISTS, which PostgreSQL answers from
    the request_id index; a correlated min() per row took it two seconds at 100x data.)"""
    earlier = db.aliased(DateProposal)
    return (
        db.select(earlier.id)
        .where(earlier.request_id == DateProposal.request_id, earlier.id < DateProposal.id)
        .correlate(DateProposal)
        .exists()
    )
