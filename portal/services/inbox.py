"""The secretariat's inbox: the list of requests with its filters, facet counts and search, the
counts per status, and what needs action ("Kræver handling")."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    Contact,
    DateProposal,
    Event,
    OfferKind,
    Organisation,
    Reflection,
    Request,
)
from ..models.enums import (
    BookingForm,
    DateProposalSource,
    EventStatus,
    OrganisationKind,
    RequestStatus,
)
from . import assignments, evaluations, offers
from .pages import Page, by_id, first_of_each, least, paginate
from .remembered import remembered, remembered_while
from .requests import callback_due_on, closed_days


def count_by_status():
    """{status: count} for every request status, zeros included (read-only): one query over
    every request, remembered under the data version."""
    return remembered(("requests by status",), _counted_by_status)


def _counted_by_status():
    rows = db.session.execute(
        db.select(Request.status, db.func.count()).group_by(Request.status)
    ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(dict(rows))
    return MappingProxyType(counts)


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
        organisations and contacts are each searched once, not per joined request. A UNION of
        the requests of each (found by the organisation_id and contact_id indexes), not an OR
        over every request: PostgreSQL estimates how many it finds, and reads only those."""
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
            self._matched = db.union(
                db.select(Request.id).where(Request.organisation_id.in_(organisations)),
                db.select(Request.id).where(Request.contact_id.in_(contacts)),
            ).cte("matching")
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
    # The first moment at which the page could differ with nothing written: what needs action
    # could change, or a new Copenhagen day begins (the years in reach, calls overdue).
    until: datetime | None = None


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
        key=Request.id,
    )
    if whole_page:
        actions, action_totals, until = _needs_action(now)
    else:
        actions, action_totals, until = [], {}, clock.next_midnight(now)
    return InboxPage(
        needs_action=actions,
        needs_action_totals=action_totals,
        callback_due=callback_due_dates([item for r, item in actions if r == "call_back"]),
        items=result.items,
        total=result.total,
        page=result.page,
        pages=result.pages,
        counts=counts,
        until=until,
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
    filter but its own. One query (the five groupings unioned), remembered under the data
    version for the filters and the day (which years are in reach)."""
    key = (
        "inbox facets",
        filters.status,
        filters.offer_kind_id,
        filters.org_kind,
        filters.district_id,
        filters.year,
        filters.organisation_id,
        filters.q.strip(),
        clock.today(),
    )
    counts = remembered(key, lambda: _counted_facets(filters))
    return {facet: dict(values) for facet, values in counts.items()}  # the kept one is shared


def _counted_facets(filters):
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
            db.func.count().label("n"),
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


def _first_ids(*, now):
    """(({reason: (ids of the first NEEDS_ACTION_ROWS)}, {reason: total}), the moment they
    could next change) of what needs action at `now`, read-only (it is remembered and shared),
    in one query (two when nothing needs action; see `needs_action`)."""
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
        "changed": (
            db.select(Request.id).where(
                Request.changed_by_requester_at.is_not(None),
                Request.status.in_(RequestStatus.open_states()),
            ),
            [Request.changed_by_requester_at, Request.id],
        ),
    }
    # Each request is listed once, under its first reason (a new request may already ask for
    # other dates; a cancelled event's requester may too): each reason leaves out the requests
    # of the reasons before it (their plain queries, not nested in one another), the first
    # being the directly booked events past their staffing deadline, which come before all.
    # An event to follow up whose request is listed is reached through it, and one with
    # someone away is listed as that. Someone accepted and away is a problem of its own:
    # always listed.
    instant = offers.instant_unstaffed_query(now=now).order_by(None)
    listed = [instant.with_only_columns(Event.request_id)]
    for reason, (query, order) in reasons.items():
        reasons[reason] = (query.where(Request.id.not_in(db.union(*listed))), order)
        listed.append(query)
    reasons = {
        "instant_unstaffed": (instant.with_only_columns(Event.id), [Event.starts_at, Event.id]),
        **reasons,
    }
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
    reasons["reflection"] = (evaluations.follow_up_ids_query(), evaluations.FOLLOW_UP_ORDER)
    moments = _moments(now)
    ids, totals, carried = first_of_each(
        reasons, dict.fromkeys(reasons, NEEDS_ACTION_ROWS), also=moments
    )
    if carried is None:  # nothing needs action: no row carried them
        carried = db.session.execute(moments).one()
    shared = MappingProxyType({reason: tuple(found) for reason, found in ids.items()})
    return (shared, MappingProxyType(totals)), _next_change(now, carried)


def _moments(now):
    """A one-row select of the moments at or after `now` at which what needs action could
    change with no write (see `_next_change`)."""
    planned = Event.status == EventStatus.PLANNED
    ahead = now + timedelta(days=offers.FOLLOW_UP_DAYS)
    return db.select(
        least(Event.starts_at, planned, Event.starts_at >= now).label("starts"),
        least(Event.staff_by, planned, Event.staff_by >= now).label("staffing"),
        least(Event.ends_at, planned, Event.ends_at >= now).label("ends"),
        least(Event.starts_at, planned, Event.starts_at >= ahead).label("within"),
    )


def _next_change(now, moments):
    """The first moment at or after `now` at which what needs action could change with no
    write: a planned event starting, ending, reaching its staffing deadline or coming within
    offers.FOLLOW_UP_DAYS (`moments`, the row of `_moments`), or a new Copenhagen day (an
    away period over)."""
    starts, staffing, ends, within = moments
    if within is not None:
        within -= timedelta(days=offers.FOLLOW_UP_DAYS)
    return clock.held_until(now, starts, staffing, ends, within)


def needs_action(*, now):
    """([(reason, request, event or note)], {reason: total}): first the directly booked events
    whose staffing deadline has passed with a seat not filled ("instant_unstaffed", an event),
    then concerns to call back about, new requests, new dates asked for, cancelled events to
    rebook, planned bookings the requester changed ("changed", until the secretariat has seen
    it), events with someone accepted who is away on the day ("away", an
    `assignments.AwayConflict`), events whose seats need following up (a no to replace, a claim
    to approve, or starting within 7 days not fully staffed), and assignees' notes marked "følg
    op" that nobody has handled ("reflection").
    At most NEEDS_ACTION_ROWS of each, oldest or soonest first, each with its total.
    A request is listed once, under its first reason in that order (a directly booked event
    listed first stands for its request); an event to follow up is left out when it or its
    request is listed before, or it is listed as "away". An away conflict is always listed,
    beside any reason its request has: the totals add up to the rows listed and "+N flere".

    Five queries however much there is (and a read of the data version): the first rows of
    every reason with its total and the moments they could next change (one UNION ALL), then
    those requests, then those events, then who is away on them, then the notes (none when
    there are none). The first is remembered while the data and what the time decides stay the
    same (`_next_change`): seen again before anything is written, only the other four."""
    return _needs_action(now)[:2]


def _needs_action(now):
    """needs_action's (items, totals) and the first moment they could change with nothing
    written."""

    def first():
        (ids, totals), until = _first_ids(now=now)
        return (ids, totals, until), until

    ids, totals, until = remembered_while(("needs_action",), now, first)
    totals = dict(totals)  # the remembered one is shared
    not_requests = ("instant_unstaffed", "away", "follow_up", "reflection")
    loaded = by_id(
        Request,
        [i for reason, found in ids.items() if reason not in not_requests for i in found],
        joinedload(Request.organisation),
        joinedload(Request.offer_kind),
    )
    events = by_id(
        Event,
        ids["instant_unstaffed"] + ids["away"] + ids["follow_up"],
        joinedload(Event.offer_kind),
        joinedload(Event.request).joinedload(Request.organisation),
    )
    conflicts = assignments.away_conflicts([events[i] for i in ids["away"]], now=now)
    items = [("instant_unstaffed", events[i]) for i in ids["instant_unstaffed"]]
    items += [
        (reason, loaded[i])
        for reason, found in ids.items()
        if reason not in not_requests
        for i in found
    ]
    items += [("away", conflict) for conflict in conflicts]
    items += [("follow_up", events[i]) for i in ids["follow_up"]]
    notes = by_id(
        Reflection,
        ids["reflection"],
        joinedload(Reflection.assignment).joinedload(Assignment.person),
        joinedload(Reflection.assignment)
        .joinedload(Assignment.event)
        .options(
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
        ),
    )
    items += [("reflection", notes[i]) for i in ids["reflection"]]
    return items, totals, until


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
