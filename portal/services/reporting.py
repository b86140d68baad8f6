"""The yearly report: every figure the unit is judged by (Handleplan VINK), and the rules of what
counts, written once here.

- An event counts in the year its (first) session starts, in Copenhagen time: a talk at
  23.30 on 31 December counts in that year, although it is already 1 January in UTC.
- An event counts as held when its attendance is recorded; participants are the recorded
  attendance (after any correction), never the expected number; a dialogue's students are
  its recorded pupils. Cancelled events and declined or withdrawn requests never count.
- A request counts in the year it was received; a support course in the year it started.

The evaluations' figures and their rules are in evaluation_report.py.

Every figure comes from one SQL aggregate (GROUP BY) per table, whatever the size of the data:
the report page and each export run a fixed number of queries (tests/views/test_reports.py).

The targets each figure is measured against are set and read in targets.py.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..labels import kind_held_label, kind_participants_label
from ..labels import label as label_of
from ..models import (
    Assignment,
    Attendance,
    BudgetLine,
    DeclineReason,
    District,
    Event,
    EventFee,
    OfferKind,
    OfferKindTarget,
    Organisation,
    Request,
    SspCommittee,
    StaffingNeed,
    SupportCourse,
    SupportCourseFee,
    SupportCourseKind,
    Topic,
)
from ..models.enums import (
    AssignmentStatus,
    BookingForm,
    EventStatus,
    FundingSource,
    Metric,
    OrganisationKind,
    RequestStatus,
)
from .evaluation_report import EvaluationFigures, evaluation_figures
from .remembered import remembered
from .report_periods import in_year, month_of
from .targets import ADVISORY, DIALOGUE, TALK, kinds_with_own_targets_query, targets_and_source

# One line per metric, shown on the page beside the figure: what counts.
RULES = {
    Metric.TALKS_HELD: _l(
        "Vidensoplæg, hvor fremmødet er registreret, og som begynder i året (dansk tid)."
    ),
    Metric.TALK_PARTICIPANTS: _l(
        "Det registrerede fremmøde ved afholdte vidensoplæg (efter evt. rettelse), "
        "ikke det forventede antal."
    ),
    Metric.ADVISORY_COURSES: _l(
        "Rådgivningsforløb, hvor fremmødet er registreret, og som begynder i året."
    ),
    Metric.DIALOGUES_HELD: _l(
        "Ung-til-ung dialoger, hvor fremmødet er registreret, og som begynder i året."
    ),
    Metric.DIALOGUE_STUDENTS: _l("De registrerede elever ved afholdte ung-til-ung dialoger."),
    Metric.MENTOR_COURSES: _l("Mentorforløb, der er startet i året (kun antal, ingen navne)."),
    Metric.PARENT_COACHING_COURSES: _l(
        "Forældrecoachingforløb, der er startet i året (kun antal, ingen navne)."
    ),
    Metric.SSP_REQUESTS: _l(
        "Henvendelser modtaget i året fra en SSP-organisation; afviste og tilbagetrukne "
        "tæller ikke."
    ),
}

# Event metrics: (offer kind code, what is added up) -> metric.
EVENT_METRICS = {
    Metric.TALKS_HELD: (TALK, "held"),
    Metric.TALK_PARTICIPANTS: (TALK, "participants"),
    Metric.ADVISORY_COURSES: (ADVISORY, "held"),
    Metric.DIALOGUES_HELD: (DIALOGUE, "held"),
    Metric.DIALOGUE_STUDENTS: (DIALOGUE, "students"),
}
# What a planned, fully staffed event adds to each of those (for the pace).
FORECAST_OF = {
    "held": "staffed",
    "participants": "staffed_expected",
    "students": "staffed_expected",
}


# --- time ---------------------------------------------------------------------------------------


def share_of_year_gone(year, today):
    """0 before the year, 1 after it, else the share of its days begun (1 January: 1/365)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return ((today - date(year, 1, 1)).days + 1) / days


# --- the report ---------------------------------------------------------------------------------


@dataclass
class MetricRow:
    metric: Metric | None  # None for an offer kind's own target (held, participants)
    figure: int
    target: int | None
    # Held plus planned-and-staffed: what the year reaches if nothing else happens.
    forecast: int | None
    share_of_year: float
    rule: str
    title: str = ""  # the metric's words; for an offer kind's own target, with its name

    @property
    def share_reached(self):
        """Figure / target (1.0 = reached), None without a target."""
        if not self.target:
            return None
        return self.figure / self.target

    @property
    def expected_by_now(self):
        return self.target * self.share_of_year if self.target else 0

    @property
    def on_track(self):
        """At least the target times the share of the year gone, or held plus planned-and-staffed
        already reaching the target. None without a target."""
        if not self.target:
            return None
        return self.figure >= self.expected_by_now or (
            self.forecast is not None and self.forecast >= self.target
        )

    @property
    def missing(self):
        """How many short of the pace (0 when on track)."""
        if not self.target or self.on_track:
            return 0
        return math.ceil(self.expected_by_now - 1e-9) - self.figure


@dataclass
class Row:
    """One line of a breakdown table: a key, its label and counts."""

    key: object
    label: str
    values: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values.get(name, 0)


@dataclass
class YearReport:
    year: int
    today: date
    share_of_year: float
    has_targets: bool
    copy_from: int | None  # the latest earlier year with targets, which the admin may copy
    metrics: list
    months: list  # Row per month: held, planned
    by_offer_kind: list  # held, participants, average, planned, cancelled
    by_org_kind: list  # requests, held, participants
    collaboration: list  # the by_org_kind rows of SSP, DKA, PSP, administrations (all four)
    by_ssp_committee: list  # SSP organisations' rows per local committee; key None: without one
    by_district: list
    by_topic: list
    requests: dict  # received, open, scheduled, declined, withdrawn
    decline_reasons: list  # Row: count
    support: list  # Row per support kind: started, ended, ongoing
    budget: list  # Row per budget line: amount_ore, source, estimate_ore, events, courses
    funding: list  # Row per year up to this one: the amount per FundingSource and the total
    evaluations: EvaluationFigures  # what requesters and participants answered (one query)
    years: list = field(default_factory=list)

    @property
    def is_over(self):
        """The year has ended (by the calendar: on 31 December it has not)."""
        return self.today.year > self.year

    @property
    def busiest_month(self):
        """The highest monthly count, held or planned (at least 1): the chart's scale."""
        return max(1, *(max(row["held"], row["planned"]) for row in self.months))

    @property
    def held_total(self):
        return sum(row["held"] for row in self.by_offer_kind)

    @property
    def cancelled_total(self):
        return sum(row["cancelled"] for row in self.by_offer_kind)

    @property
    def average_attendance(self):
        held = self.held_total
        return round(sum(r["participants"] for r in self.by_offer_kind) / held, 1) if held else 0


def build_report(year, *, today=None, locale="da", years=None):
    """Everything on the report page and in the exports for `year`, in a fixed number of
    queries, remembered under the data version (services/remembered.py) for the year, the
    day, the language and the years offered: seen again before anything is written, none but
    the version's. `today` (Copenhagen) decides the share of the year gone; `years` (for the
    year picker) is looked up unless given. The report is shared: nobody changes it."""
    today = today or clock.today()
    key = ("report", year, today, locale, None if years is None else tuple(years))
    return remembered(key, lambda: _build_report(year, today=today, locale=locale, years=years))


def _build_report(year, *, today, locale, years):
    share = share_of_year_gone(year, today)
    targets, copy_from = targets_and_source(year)
    kinds, by_code, months = _event_figures(year)
    by_org_kind, by_district, by_topic, by_ssp_committee = _breakdowns(year, locale)
    requests_row, reasons = _request_outcomes(year, locale)
    support = _support_courses(year, locale)

    metrics = []
    for metric in Metric:
        forecast = None
        if metric in EVENT_METRICS:
            code, what = EVENT_METRICS[metric]
            values = by_code.get(code, {})
            figure = values.get(what, 0)
            forecast = figure + values.get(FORECAST_OF[what], 0)
        elif metric == Metric.SSP_REQUESTS:
            figure = next((r["counted"] for r in by_org_kind if r.key == OrganisationKind.SSP), 0)
        else:
            figure = sum(r["started"] for r in support if r.values.get("metric") == metric)
        metrics.append(
            MetricRow(
                metric=metric,
                figure=figure,
                target=targets.get(metric),
                forecast=forecast,
                share_of_year=share,
                rule=RULES[metric],
                title=label_of(metric),
            )
        )
    metrics += _kind_metrics(year, by_code, share, locale)

    by_offer_kind = []
    for code, (name_da, name_en) in kinds.items():
        values = dict(by_code.get(code, {}))
        values["average"] = (
            round(values.get("participants", 0) / values["held"], 1) if values.get("held") else 0
        )
        by_offer_kind.append(Row(code, name_en if locale == "en" else name_da, values))

    org_labels = {row.key: row for row in by_org_kind}
    collaboration = [
        org_labels.get(kind) or Row(kind, "", {}) for kind in OrganisationKind.collaboration_kinds()
    ]
    return YearReport(
        year=year,
        today=today,
        share_of_year=share,
        has_targets=any(m.target is not None for m in metrics),
        copy_from=copy_from,
        metrics=metrics,
        months=months,
        by_offer_kind=by_offer_kind,
        by_org_kind=by_org_kind,
        collaboration=collaboration,
        by_ssp_committee=by_ssp_committee,
        by_district=by_district,
        by_topic=by_topic,
        requests=requests_row,
        decline_reasons=reasons,
        support=support,
        budget=_budget(year, by_code, {row.key: row["started"] for row in support}, locale),
        funding=_funding(year),
        evaluations=evaluation_figures(year, locale),
        years=years if years is not None else report_years(today),
    )


def _kind_metrics(year, by_code, share, locale):
    """Events held and participants of each offer kind with targets of its own (one an admin
    added), measured like the action plan's: for each kind that has a target in the year or
    held an event in it. One query (those kinds, hidden ones too, with the year's targets)."""
    found = db.session.execute(
        kinds_with_own_targets_query()
        .add_columns(OfferKindTarget.held, OfferKindTarget.participants)
        .outerjoin(
            OfferKindTarget,
            sa.and_(OfferKindTarget.offer_kind_id == OfferKind.id, OfferKindTarget.year == year),
        )
    ).all()
    rows = []
    for kind, held_target, participants_target in found:
        values = by_code.get(kind.code, {})
        if held_target is None and participants_target is None and not values.get("held"):
            continue
        name = kind.name(locale)
        for what, target, title, rule in (
            (
                "held",
                held_target,
                kind_held_label(name),
                _l(
                    "Arrangementer af tilbuddet %(kind)s, hvor fremmødet er registreret, og som "
                    "begynder i året.",
                    kind=name,
                ),
            ),
            (
                "participants",
                participants_target,
                kind_participants_label(name),
                _l(
                    "Det registrerede fremmøde ved afholdte arrangementer af tilbuddet "
                    "%(kind)s, ikke det forventede antal.",
                    kind=name,
                ),
            ),
        ):
            figure = values.get(what, 0)
            rows.append(
                MetricRow(
                    metric=None,
                    figure=figure,
                    target=target,
                    forecast=figure + values.get(FORECAST_OF[what], 0),
                    share_of_year=share,
                    rule=rule,
                    title=title,
                )
            )
    return rows


def _staffed():
    """SQL: the event has an accepted assignment for every seat its offer kind needs."""
    accepted = (
        sa.select(sa.func.count(Assignment.id))
        .where(Assignment.event_id == Event.id, Assignment.status == AssignmentStatus.ACCEPTED)
        .scalar_subquery()
    )
    needed = (
        sa.select(sa.func.coalesce(sa.func.sum(StaffingNeed.count), 0))
        .where(StaffingNeed.offer_kind_id == Event.offer_kind_id)
        .scalar_subquery()
    )
    return accepted >= needed


def _event_figures(year):
    """Per offer kind and Copenhagen month: held, participants, students, planned, staffed
    (planned and fully staffed), staffed_expected (their expected participants), cancelled.
    One query. Returns the offer kinds in order, the figures per kind code (summed over the
    months) and the monthly rows (held, planned) for the chart."""
    # Each event of the year with its month and what it adds, grouped by kind and month, and
    # only then joined to the offer kinds (joined before grouping, SQLite copied and indexed
    # the year's events first). A subquery, so PostgreSQL groups by a column rather than by
    # an expression full of parameters.
    events = (
        sa.select(
            Event.offer_kind_id,
            month_of(Event.starts_at, year).label("month"),
            sa.and_(Event.status == EventStatus.HELD, Attendance.id.is_not(None)).label("held"),
            (Event.status == EventStatus.PLANNED).label("planned"),
            # Only planned events are asked whether they are staffed (two subqueries each).
            sa.case((Event.status == EventStatus.PLANNED, _staffed()), else_=sa.false()).label(
                "staffed"
            ),
            (Event.status == EventStatus.CANCELLED).label("cancelled"),
            (Attendance.students + Attendance.staff + Attendance.parents + Attendance.other).label(
                "total"
            ),
            Attendance.students.label("students"),
            # Looked up for the few planned events only, not joined for every event of the year.
            sa.case(
                (
                    Event.status == EventStatus.PLANNED,
                    sa.select(sa.func.coalesce(Request.expected_participants, 0))
                    .where(Request.id == Event.request_id)
                    .scalar_subquery(),
                ),
            ).label("expected"),
        )
        .select_from(Event)
        .outerjoin(Attendance, Attendance.event_id == Event.id)
        .where(in_year(Event.starts_at, year))
        .subquery()
    )

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def sum_if(condition, value):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    measures = {
        "held": count_if(events.c.held),
        "participants": sum_if(events.c.held, events.c.total),
        "students": sum_if(events.c.held, events.c.students),
        "planned": count_if(events.c.planned),
        "staffed": count_if(events.c.staffed),
        "staffed_expected": sum_if(events.c.staffed, sa.func.coalesce(events.c.expected, 0)),
        "cancelled": count_if(events.c.cancelled),
    }
    grouped = (
        sa.select(
            events.c.offer_kind_id,
            events.c.month,
            *(measure.label(name) for name, measure in measures.items()),
        )
        .group_by(events.c.offer_kind_id, events.c.month)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            OfferKind.code,
            OfferKind.name_da,
            OfferKind.name_en,
            grouped.c.month,
            *(grouped.c[name] for name in measures),
        )
        .select_from(OfferKind)
        .outerjoin(grouped, grouped.c.offer_kind_id == OfferKind.id)
        # Counsel about a concern is a call, never an event: it is counted with the requests.
        .where(OfferKind.booking_form != BookingForm.CONCERN)
        # A hidden kind is shown for the years it has events in, never as a row of zeros.
        .where(sa.or_(OfferKind.active, grouped.c.offer_kind_id.is_not(None)))
        .order_by(OfferKind.sort_order, OfferKind.id)
    ).all()
    kinds, figures = {}, {}
    monthly = {m: {"held": 0, "planned": 0} for m in range(1, 13)}
    for row in rows:
        kinds.setdefault(row.code, (row.name_da, row.name_en))
        sums = figures.setdefault(row.code, dict.fromkeys(measures, 0))
        for name in measures:
            sums[name] += int(row._mapping[name] or 0)  # None: a kind without events
        if row.month is not None:
            monthly[row.month]["held"] += int(row.held)
            monthly[row.month]["planned"] += int(row.planned)
    months = [Row(m, date(year, m, 1), monthly[m]) for m in range(1, 13)]
    return kinds, figures, months


def _breakdowns(year, locale):
    """Requests received and events held in the year per organisation kind, per district, per
    topic and, for SSP organisations, per local SSP committee (four lists of Row, in that
    order). One query: the requests and the held events, each grouped by all four keys at once
    (a few hundred groups, whatever the data: only SSP organisations have a committee), added
    up here per key, instead of reading the year's requests and events once per breakdown.
    None keys are VINK's own events or missing data; in the committees' list, SSP
    organisations without a committee. The committees' rows add up to the SSP row."""
    keys = (
        Organisation.kind.label("kind"),
        Organisation.district_id.label("district_id"),
        Request.topic_id.label("topic_id"),
        Organisation.ssp_committee_id.label("committee_id"),
    )
    received = (
        sa.select(
            *keys,
            sa.func.count().label("requests"),
            # What the SSP metric counts: the secretariat's refusals and withdrawals never do.
            sa.func.sum(
                sa.case((Request.status.in_(RequestStatus.closed_states()), 0), else_=1)
            ).label("counted"),
            sa.literal(0).label("held"),
            sa.literal(0).label("participants"),
        )
        .select_from(Request)
        .join(Organisation, Organisation.id == Request.organisation_id)
        .where(in_year(Request.submitted_at, year))
        .group_by(*keys)
    )
    held = (
        sa.select(
            *keys,
            sa.literal(0),
            sa.literal(0),
            sa.func.count(),
            sa.func.sum(
                Attendance.students + Attendance.staff + Attendance.parents + Attendance.other
            ),
        )
        .select_from(Event)
        .join(Attendance, Attendance.event_id == Event.id)
        .outerjoin(Request, Request.id == Event.request_id)
        .outerjoin(Organisation, Organisation.id == Request.organisation_id)
        .where(Event.status == EventStatus.HELD, in_year(Event.starts_at, year))
        .group_by(*keys)
    )
    grouped = sa.union_all(received, held).subquery()
    topic_name = Topic.name_en if locale == "en" else Topic.name_da
    committee_name = SspCommittee.name_en if locale == "en" else SspCommittee.name_da
    rows = db.session.execute(
        sa.select(
            grouped,
            District.name.label("district_name"),
            District.sort_order.label("district_sort"),
            topic_name.label("topic_name"),
            committee_name.label("committee_name"),
            SspCommittee.sort_order.label("committee_sort"),
        )
        .select_from(grouped)
        .outerjoin(District, District.id == grouped.c.district_id)
        .outerjoin(Topic, Topic.id == grouped.c.topic_id)
        .outerjoin(SspCommittee, SspCommittee.id == grouped.c.committee_id)
    ).all()
    per_kind, per_district, per_topic, per_committee = {}, {}, {}, {}  # key: [label, sort, counts]
    for row in rows:
        kind, district, topic, committee, *counts = row[: 4 + len(BREAKDOWN_COUNTS)]
        kind = OrganisationKind(kind) if kind else None
        found_in = [
            (per_kind, kind, "", ORG_KIND_ORDER.get(kind)),
            (per_district, district, row.district_name, row.district_sort),
            (per_topic, topic, row.topic_name, topic),
        ]
        if kind == OrganisationKind.SSP:
            # In the admin's order; the row without a committee (None) last, as in the others.
            sort = (row.committee_sort, committee) if committee is not None else None
            found_in.append((per_committee, committee, row.committee_name, sort))
        for found, key, label, sort in found_in:
            entry = found.setdefault(key, [label, sort, [0] * len(counts)])
            entry[2] = [a + int(b or 0) for a, b in zip(entry[2], counts, strict=True)]
    return tuple(
        [
            Row(key, label or "", dict(zip(BREAKDOWN_COUNTS, counts, strict=True)))
            for key, (label, _sort, counts) in sorted(
                found.items(), key=lambda item: (item[0] is None, item[1][1] or 0)
            )
        ]
        for found in (per_kind, per_district, per_topic, per_committee)
    )


BREAKDOWN_COUNTS = ("requests", "counted", "held", "participants")


ORG_KIND_ORDER = {kind: order for order, kind in enumerate(OrganisationKind)}


def _request_outcomes(year, locale):
    """Requests received in the year by what became of them, and the reasons for declines.
    One query, grouped by status and reason."""
    label = DeclineReason.label_en if locale == "en" else DeclineReason.label_da
    rows = db.session.execute(
        sa.select(Request.status, label.label("reason"), sa.func.count(Request.id).label("n"))
        .select_from(Request)
        .outerjoin(DeclineReason, DeclineReason.id == Request.decline_reason_id)
        .where(in_year(Request.submitted_at, year))
        .group_by(Request.status, label)
    ).all()
    counts = {
        "received": 0,
        "open": 0,
        "scheduled": 0,
        "counselled": 0,
        "declined": 0,
        "withdrawn": 0,
    }
    reasons = {}
    for row in rows:
        counts["received"] += row.n
        status = RequestStatus(row.status)
        if status == RequestStatus.PLANNED:
            counts["scheduled"] += row.n
        elif status == RequestStatus.DECLINED:
            counts["declined"] += row.n
            reasons[row.reason or ""] = reasons.get(row.reason or "", 0) + row.n
        elif status == RequestStatus.WITHDRAWN:
            counts["withdrawn"] += row.n
        elif status == RequestStatus.COUNSELLED:
            # Counsel about a concern given on the phone: advice, not an event.
            counts["counselled"] += row.n
        else:
            counts["open"] += row.n
    reason_rows = [Row(text, text, {"count": n}) for text, n in reasons.items()]
    reason_rows.sort(key=lambda r: (-r["count"], r.label))
    return counts, reason_rows


def _support_courses(year, locale):
    """Per support-course kind (all of them, zeros too): started, ended in the year, and still
    running at the year's end. One query."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    started = sa.and_(SupportCourse.started_on >= first, SupportCourse.started_on <= last)
    ended = sa.and_(SupportCourse.ended_on >= first, SupportCourse.ended_on <= last)
    ongoing = sa.and_(
        SupportCourse.started_on <= last,
        sa.or_(SupportCourse.ended_on.is_(None), SupportCourse.ended_on > last),
    )

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        sa.select(
            SupportCourseKind,
            count_if(started).label("started"),
            count_if(ended).label("ended"),
            count_if(ongoing).label("ongoing"),
        )
        .select_from(SupportCourseKind)
        .outerjoin(SupportCourse, SupportCourse.kind_id == SupportCourseKind.id)
        .group_by(SupportCourseKind.id)
        .order_by(SupportCourseKind.sort_order, SupportCourseKind.id)
    ).all()
    return [
        Row(
            kind.code,
            kind.name(locale),
            {
                "started": int(n_started),
                "ended": int(n_ended),
                "ongoing": int(n_ongoing),
                "metric": kind.metric,
            },
        )
        for kind, n_started, n_ended, n_ongoing in rows
    ]


def _budget(year, by_code, started, locale):
    """Each budget line of the year with its estimated spend: the fee per held event of each
    offer kind times the held events of that kind, plus the fee per support course of each kind
    times the courses of that kind started in the year (`started`: {kind code: count}). One
    query (lines with both kinds of fee)."""
    fees = sa.union_all(
        sa.select(
            EventFee.budget_line_id.label("line_id"),
            sa.literal("event").label("basis"),
            OfferKind.code.label("code"),
            EventFee.fee_ore.label("fee_ore"),
        ).join(OfferKind, OfferKind.id == EventFee.offer_kind_id),
        sa.select(
            SupportCourseFee.budget_line_id,
            sa.literal("course"),
            SupportCourseKind.code,
            SupportCourseFee.fee_ore,
        ).join(SupportCourseKind, SupportCourseKind.id == SupportCourseFee.kind_id),
    ).subquery()
    rows = db.session.execute(
        sa.select(BudgetLine, fees.c.basis, fees.c.code, fees.c.fee_ore)
        .select_from(BudgetLine)
        .outerjoin(fees, fees.c.line_id == BudgetLine.id)
        .where(BudgetLine.year == year)
        .order_by(BudgetLine.sort_order, BudgetLine.id)
    ).all()
    lines = {}
    for line, basis, code, fee in rows:
        row = lines.setdefault(
            line.id,
            Row(
                line.id,
                line.name(locale),
                {
                    "amount_ore": line.amount_ore,
                    "source": line.source,
                    "estimate_ore": 0,
                    "events": 0,
                    "courses": 0,
                    "has_fees": False,
                },
            ),
        )
        if basis == "event":
            held = by_code.get(code, {}).get("held", 0)
            row.values["estimate_ore"] += held * fee
            row.values["events"] += held
        elif basis == "course":
            count = started.get(code, 0)
            row.values["estimate_ore"] += count * fee
            row.values["courses"] += count
        row.values["has_fees"] = row.values["has_fees"] or basis is not None
    for row in lines.values():
        amount = row.values["amount_ore"]
        row.values["share"] = row.values["estimate_ore"] / amount if amount else None
    return list(lines.values())


def _funding(year):
    """Every year's budget up to and including `year`, summed per source of the money: a Row
    per year, oldest first, with an amount per FundingSource value and the "total". One query,
    a row per year and source (the years are bounded by the table's check, 2000-2100)."""
    rows = db.session.execute(
        sa.select(BudgetLine.year, BudgetLine.source, sa.func.sum(BudgetLine.amount_ore))
        .where(BudgetLine.year <= year)
        .group_by(BudgetLine.year, BudgetLine.source)
        .order_by(BudgetLine.year)
    ).all()
    years = {}
    for line_year, source, amount in rows:
        row = years.setdefault(
            line_year, Row(line_year, str(line_year), dict.fromkeys([*FundingSource, "total"], 0))
        )
        row.values[FundingSource(source)] += int(amount)
        row.values["total"] += int(amount)
    return list(years.values())


# VINK's first year: the unit was funded from 2010 (2.0 m DKK), so the report reaches back to it.
FIRST_YEAR = 2010


def report_years(today=None):
    """Every year the report and the targets offer, newest first: from 2010 (or the earliest
    year with data, if older) to next year (or the latest year with data, if later). One
    query."""
    today = today or clock.today()
    found = years_with_data(today)
    return list(range(max(found[0], today.year + 1), min(found[-1], FIRST_YEAR) - 1, -1))


def years_with_data(today=None):
    """Every year from the earliest event, request, support course or target to the latest
    (and the current year). One query."""
    today = today or clock.today()
    found = db.session.execute(
        sa.select(
            sa.select(sa.func.min(Event.starts_at)).scalar_subquery(),
            sa.select(sa.func.max(Event.starts_at)).scalar_subquery(),
            sa.select(sa.func.min(Request.submitted_at)).scalar_subquery(),
            sa.select(sa.func.min(SupportCourse.started_on)).scalar_subquery(),
            sa.select(sa.func.max(SupportCourse.started_on)).scalar_subquery(),
        )
    ).one()
    years = {today.year}
    for value in found:
        if value is None:
            continue
        if isinstance(value, str):  # SQLite hands back text for aggregates over timestamps
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.replace(tzinfo=value.tzinfo or UTC).astimezone(clock.COPENHAGEN)
        years.add(value.year)
    return list(range(min(years), max(years) + 1))[::-1]
