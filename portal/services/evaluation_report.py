"""The evaluations in the yearly report: what requesters and participants said about the year's
events, as figures, and the free-text answers the secretariat reads.

- An answer counts in the year (and Copenhagen month) its event starts, like every figure of the
  report; by the event's offer kind and the kind of the organisation that booked it (None: VINK's
  own events).
- A requester was asked when their link was sent; the response rate is answers / asked.
- The averages read the shipped questions by their key (an admin's own questions have none) and
  are computed from whole sums and counts, rounded half up to one decimal, a share of yes to a
  whole percent: the same on SQLite and PostgreSQL, and what the page, the XLSX and the CSV all
  show. An average or a share of fewer than MIN_ANSWERS answers is never shown: with one or two
  answers, anyone who knows the event knows who said what.
- Nor can it be worked out by subtraction. Every breakdown (by offer kind, organisation kind,
  month) splits the same answers, and the total is shown (the "I alt" row), with each row's
  count beside its figure; so the total's sum minus the rows shown is the sum of the hidden
  rows. Per breakdown and per measure, the hidden rows must together hold no answer or at least
  MIN_ANSWERS; while they hold one or two, the shown row with the fewest answers (the first in
  the table on a tie) is hidden too: HIDDEN, "skjult" on the page and in both exports. One such
  row is enough, as it holds at least MIN_ANSWERS itself. We hide a row rather than the total:
  the total is the year's figure, the one read first, and it is shared by all three breakdowns,
  so hiding it for one small month would blank it everywhere; a row with the fewest answers is
  the figure the reader loses least by. (This guards one table against the total; it does not
  audit combinations across the tables, which only someone knowing which events fall where
  could use.)
- Participants' answers per participant: the answers over the recorded head count, both over the
  same events, those with recorded attendance and a participant answer. Answers to an event
  whose attendance was never recorded count as answers and in the averages, not here (else the
  figure could pass 100 % for no reason).
- The questions an admin added to a form (key "") are not in those tables, which read the shipped
  questions: each scale or yes/no one with answers in the year has a line of its own per offer
  kind and audience (its answers, their average or share of yes; hidden questions too, marked),
  under the same MIN_ANSWERS rule (Mean.too_few). No total or breakdown is shown beside such a
  line, so nothing is hidden by subtraction there. At most OWN_QUESTIONS_LIMIT lines.
- Free text is read here, never figured; a text the checks flagged (it looked like a name or an
  address) never leaves the portal, and one blanked by retention is gone.

The figures are one query, grouped by offer kind, organisation kind and month (and, for the
admin's own questions, by question: a bounded number of groups whatever the data); the
free-text list is paged.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import (
    Attendance,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventEvaluation,
    OfferKind,
    Organisation,
    Request,
)
from ..models.enums import AnswerKind, EvaluationAudience, OrganisationKind
from .pages import paginate
from .report_periods import in_year, month_of

MIN_ANSWERS = 3
REQUESTER = EvaluationAudience.REQUESTER.value
PARTICIPANT = EvaluationAudience.PARTICIPANT.value
# The shipped questions the report reads, by key: (audience, key).
REQUESTER_MEANS = ("overall", "fit")
AGAIN = "again"  # yes (1) or no (0): "would you book again?"
PARTICIPANT_MEANS = ("overall", "learned")
WRITTEN_PER_PAGE = 25
# The admin's own questions the report shows at most (the page says when there are more).
OWN_QUESTIONS_LIMIT = 50
# The free-text answers an export holds at most (newest first); the rest are read in the portal.
EXPORT_LIMIT = 2000
ONE_DECIMAL = Decimal("0.1")
WHOLE_PERCENT = Decimal("0.01")


class Withheld(Enum):
    HIDDEN = "hidden"  # enough answers, hidden so that a smaller row cannot be worked out


HIDDEN = Withheld.HIDDEN


@dataclass(frozen=True)
class Mean:
    """A sum of answers and how many there are: an average (1-5) or, of yes (1) / no (0)
    answers, the share of yes."""

    total: int = 0
    n: int = 0

    def __add__(self, other):
        return Mean(self.total + other.total, self.n + other.n)

    @property
    def too_few(self):
        return self.n < MIN_ANSWERS

    @property
    def average(self):
        """Rounded half up to one decimal (a Decimal), None under MIN_ANSWERS answers."""
        if self.too_few:
            return None
        return (Decimal(self.total) / Decimal(self.n)).quantize(ONE_DECIMAL, ROUND_HALF_UP)

    @property
    def share(self):
        """Of yes/no answers, the share of yes (0-1, a Decimal) rounded half up to a whole
        percent, None under MIN_ANSWERS answers."""
        if self.too_few:
            return None
        return (Decimal(self.total) / Decimal(self.n)).quantize(WHOLE_PERCENT, ROUND_HALF_UP)


@dataclass
class EvaluationRow:
    """One line of the evaluation tables: a key (an offer kind's code, an OrganisationKind or
    None, a month 1-12; None for the total), its label and what was answered."""

    key: object
    label: object
    asked: int = 0  # requesters sent the link
    answered: int = 0  # requesters who answered
    participant_answers: int = 0
    # Of those, the answers to events with recorded attendance, and those events' head count.
    counted_answers: int = 0
    attended: int = 0
    means: dict = field(default_factory=dict)  # (audience, question key): Mean
    hidden: set = field(default_factory=set)  # (audience, key) hidden so the total can't tell

    def mean(self, audience, key):
        return self.means.get((audience, key), Mean())

    def figure(self, audience, key):
        """What a table shows for a measure: the average, or for AGAIN the share of yes; None
        under MIN_ANSWERS answers; HIDDEN when hidden beside a small row (module docstring)."""
        mean = self.mean(audience, key)
        if mean.too_few:
            return None
        if (audience, key) in self.hidden:
            return HIDDEN
        return mean.share if key == AGAIN else mean.average

    @property
    def response_rate(self):
        return self.answered / self.asked if self.asked else None

    @property
    def answers_per_participant(self):
        return self.counted_answers / self.attended if self.attended else None

    @property
    def has_requesters(self):
        return bool(self.asked or self.answered)

    @property
    def has_participants(self):
        return bool(self.participant_answers)

    def add(self, measure, audience, key, a, b):
        if measure == "events":
            self.asked += a
            self.attended += b
        elif measure == "responses" and audience == REQUESTER:
            self.answered += a
        elif measure == "responses":
            self.participant_answers += a
            self.counted_answers += b
        else:
            self.means[(audience, key)] = self.mean(audience, key) + Mean(a, b)


@dataclass
class OwnQuestionRow:
    """One of an admin's own scale or yes/no questions (key "") and its answers in the year."""

    offer_kind: str  # its name in the page's language
    audience: EvaluationAudience
    question: str  # its text in the page's language, else the Danish
    answer_kind: AnswerKind
    active: bool  # False: hidden, no longer asked
    mean: Mean

    @property
    def figure(self):
        """The average (a scale) or the share of yes (yes/no); None under MIN_ANSWERS."""
        return self.mean.share if self.answer_kind == AnswerKind.YES_NO else self.mean.average


@dataclass
class EvaluationFigures:
    by_offer_kind: list  # EvaluationRow per offer kind with any evaluation, in the kinds' order
    by_org_kind: list  # per OrganisationKind, VINK's own events (key None) last
    by_month: list  # per month with any evaluation
    total: EvaluationRow
    # OwnQuestionRow per own question answered, by offer kind, audience and the form's order;
    # at most OWN_QUESTIONS_LIMIT, and how many more there were.
    own_questions: list = field(default_factory=list)
    own_questions_left_out: int = 0


def evaluation_figures(year, locale="da"):
    """The year's evaluation figures by offer kind, organisation kind and month, and the answers
    to the admin's own questions. One query: the year's events (asked, head count), their
    responses, their answers to the shipped questions and to the own ones (those also by
    question), each grouped by (offer kind, organisation kind, month), added up here."""
    participants_answered = sa.exists().where(
        EvaluationResponse.event_id == Event.id,
        EvaluationResponse.audience == EvaluationAudience.PARTICIPANT,
    )
    head_count = Attendance.students + Attendance.staff + Attendance.parents + Attendance.other
    # A subquery, so PostgreSQL groups by a column, not an expression full of parameters.
    events = (
        sa.select(
            Event.id.label("event_id"),
            Event.offer_kind_id.label("offer_kind_id"),
            Organisation.kind.label("org_kind"),
            month_of(Event.starts_at, year).label("month"),
            sa.case((EventEvaluation.requester_sent_at.is_not(None), 1), else_=0).label("asked"),
            sa.case((Attendance.id.is_not(None), 1), else_=0).label("recorded"),
            sa.case(
                (sa.and_(Attendance.id.is_not(None), participants_answered), head_count),
                else_=0,
            ).label("attended"),
        )
        .select_from(Event)
        .outerjoin(EventEvaluation, EventEvaluation.event_id == Event.id)
        .outerjoin(Attendance, Attendance.event_id == Event.id)
        .outerjoin(Request, Request.id == Event.request_id)
        .outerjoin(Organisation, Organisation.id == Request.organisation_id)
        .where(in_year(Event.starts_at, year))
        .subquery()
    )
    keys = (events.c.offer_kind_id, events.c.org_kind, events.c.month)
    audience = sa.cast(EvaluationResponse.audience, sa.String(20))
    per_event = sa.select(
        *keys,
        sa.literal("events", sa.String(20)).label("measure"),
        sa.literal("", sa.String(20)).label("audience"),
        sa.literal("", sa.String(30)).label("question"),
        sa.cast(sa.null(), sa.Integer).label("question_id"),
        sa.func.sum(events.c.asked).label("a"),
        sa.func.sum(events.c.attended).label("b"),
    ).group_by(*keys)
    # a: the responses; b: those to events with recorded attendance (the answers per participant).
    responses = (
        sa.select(
            *keys,
            sa.literal("responses", sa.String(20)),
            audience,
            sa.literal("", sa.String(30)),
            sa.cast(sa.null(), sa.Integer),
            sa.func.count(),
            sa.func.sum(events.c.recorded),
        )
        .select_from(events)
        .join(EvaluationResponse, EvaluationResponse.event_id == events.c.event_id)
        .group_by(*keys, audience)
    )
    answers = (
        sa.select(
            *keys,
            sa.literal("answers", sa.String(20)),
            audience,
            EvaluationQuestion.key,
            sa.cast(sa.null(), sa.Integer),
            sa.func.sum(EvaluationAnswer.value),
            sa.func.count(EvaluationAnswer.value),
        )
        .select_from(events)
        .join(EvaluationResponse, EvaluationResponse.event_id == events.c.event_id)
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationAnswer.question_id)
        .where(EvaluationQuestion.key != "", EvaluationAnswer.value.is_not(None))
        .group_by(*keys, audience, EvaluationQuestion.key)
    )
    own_answers = (
        sa.select(
            *keys,
            sa.literal("own", sa.String(20)),
            audience,
            sa.literal("", sa.String(30)),
            EvaluationQuestion.id,
            sa.func.sum(EvaluationAnswer.value),
            sa.func.count(EvaluationAnswer.value),
        )
        .select_from(events)
        .join(EvaluationResponse, EvaluationResponse.event_id == events.c.event_id)
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationAnswer.question_id)
        .where(
            EvaluationQuestion.key == "",
            EvaluationQuestion.answer_kind != AnswerKind.TEXT,
            EvaluationAnswer.value.is_not(None),
        )
        .group_by(*keys, audience, EvaluationQuestion.id)
    )
    grouped = sa.union_all(per_event, responses, answers, own_answers).subquery()
    rows = db.session.execute(
        sa.select(
            grouped,
            OfferKind.code,
            OfferKind.name_da,
            OfferKind.name_en,
            OfferKind.sort_order,
            EvaluationQuestion.text_da,
            EvaluationQuestion.text_en,
            EvaluationQuestion.answer_kind,
            EvaluationQuestion.active,
            EvaluationQuestion.sort_order.label("question_order"),
        )
        .join(OfferKind, OfferKind.id == grouped.c.offer_kind_id)
        .outerjoin(EvaluationQuestion, EvaluationQuestion.id == grouped.c.question_id)
    ).all()

    total = EvaluationRow(None, "")
    per_kind, per_org, per_month = {}, {}, {}
    own = {}
    for row in rows:
        if row.measure == "own":
            _add_own(own, row, locale)
            continue
        org_kind = OrganisationKind(row.org_kind) if row.org_kind else None
        name = row.name_en if locale == "en" and row.name_en else row.name_da
        found_in = [
            per_kind.setdefault(
                row.code, ((row.sort_order, row.offer_kind_id), EvaluationRow(row.code, name))
            ),
            per_org.setdefault(
                org_kind,
                ((org_kind is None, ORG_KIND_ORDER.get(org_kind, 0)), EvaluationRow(org_kind, "")),
            ),
            per_month.setdefault(
                row.month, (row.month, EvaluationRow(row.month, date(year, row.month, 1)))
            ),
        ]
        measure = (row.measure, row.audience, row.question, int(row.a or 0), int(row.b or 0))
        total.add(*measure)
        for _sort, target in found_in:
            target.add(*measure)

    def in_order(found):
        return [
            target
            for _sort, target in sorted(found.values(), key=lambda item: item[0])
            if target.has_requesters or target.has_participants
        ]

    own_rows = [target for _sort, target in sorted(own.values(), key=lambda item: item[0])]
    figures = EvaluationFigures(
        by_offer_kind=in_order(per_kind),
        by_org_kind=in_order(per_org),
        by_month=in_order(per_month),
        total=total,
        own_questions=own_rows[:OWN_QUESTIONS_LIMIT],
        own_questions_left_out=max(len(own_rows) - OWN_QUESTIONS_LIMIT, 0),
    )
    for rows in (figures.by_offer_kind, figures.by_org_kind, figures.by_month):
        for measure in MEASURES:
            _hide_beside_small_rows(rows, total, measure)
    return figures


def _add_own(own, row, locale):
    """Adds a group of answers to an own question to its line (the groups split it by
    organisation kind and month, which its line does not show)."""
    audience = EvaluationAudience(row.audience)
    sort = (
        row.sort_order,
        row.offer_kind_id,
        audience != EvaluationAudience.REQUESTER,
        row.question_order,
        row.question_id,
    )
    _sort, line = own.setdefault(
        (row.offer_kind_id, row.question_id),
        (
            sort,
            OwnQuestionRow(
                offer_kind=row.name_en if locale == "en" and row.name_en else row.name_da,
                audience=audience,
                question=row.text_en if locale == "en" and row.text_en else row.text_da,
                answer_kind=AnswerKind(row.answer_kind),
                active=row.active,
                mean=Mean(),
            ),
        ),
    )
    line.mean += Mean(int(row.a or 0), int(row.b or 0))


MEASURES = (
    *((REQUESTER, key) for key in (*REQUESTER_MEANS, AGAIN)),
    *((PARTICIPANT, key) for key in PARTICIPANT_MEANS),
)


def _hide_beside_small_rows(rows, total, measure):
    """Hide the shown rows with the fewest answers until the hidden ones together hold no
    answer or at least MIN_ANSWERS: the total minus the rows shown then never tells a figure of
    one or two answers (module docstring). A row left out of a table has no answer to the
    measure, so the rows here split the total's answers."""
    if total.mean(*measure).too_few:
        return  # nothing shown, nothing to subtract from
    hidden = sum(row.mean(*measure).n for row in rows if row.mean(*measure).too_few)
    shown = sorted(
        (row for row in rows if not row.mean(*measure).too_few),
        key=lambda row: row.mean(*measure).n,
    )
    for row in shown:
        if not 0 < hidden < MIN_ANSWERS:
            break
        row.hidden.add(measure)
        hidden += row.mean(*measure).n


ORG_KIND_ORDER = {kind: order for order, kind in enumerate(OrganisationKind)}


# --- the free-text answers ----------------------------------------------------------------------


def _written(year, offer_kind_id=None):
    query = (
        sa.select(EvaluationAnswer)
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
        .join(Event, Event.id == EvaluationResponse.event_id)
        .where(EvaluationAnswer.text != "", in_year(Event.starts_at, year))
    )
    if offer_kind_id is not None:
        query = query.where(Event.offer_kind_id == offer_kind_id)
    return query


def written_answers_page(year, *, offer_kind_id=None, page=1):
    """One page (WRITTEN_PER_PAGE) of the free-text answers about the year's events, newest
    first, flagged ones too (marked: the secretariat reads them, exports leave them out), each
    with its question, event, offer kind and the organisation that booked it. Two queries."""
    return paginate(
        _written(year, offer_kind_id),
        order_by=[EvaluationResponse.submitted_at.desc(), EvaluationAnswer.id.desc()],
        page=page,
        per_page=WRITTEN_PER_PAGE,
        options=(
            joinedload(EvaluationAnswer.question),
            joinedload(EvaluationAnswer.response)
            .joinedload(EvaluationResponse.event)
            .joinedload(Event.offer_kind),
            joinedload(EvaluationAnswer.response)
            .joinedload(EvaluationResponse.event)
            .joinedload(Event.request)
            .joinedload(Request.organisation),
        ),
    )


@dataclass(frozen=True)
class WrittenAnswer:
    submitted_on: date  # Copenhagen
    offer_kind: str
    audience: EvaluationAudience
    question: str
    text: str


def written_answers_for_export(year, locale="da"):
    """The free-text answers an export may hold: never a flagged one (nor a blanked one), newest
    first, at most EXPORT_LIMIT. Returns (answers, how many there are in all). One query."""
    name = OfferKind.name_en if locale == "en" else OfferKind.name_da
    question = EvaluationQuestion.text_en if locale == "en" else EvaluationQuestion.text_da
    rows = db.session.execute(
        _written(year)
        .with_only_columns(
            EvaluationResponse.submitted_at,
            sa.func.coalesce(sa.func.nullif(name, ""), OfferKind.name_da),
            EvaluationResponse.audience,
            sa.func.coalesce(sa.func.nullif(question, ""), EvaluationQuestion.text_da),
            EvaluationAnswer.text,
            sa.func.count().over(),
            maintain_column_froms=True,
        )
        .join(OfferKind, OfferKind.id == Event.offer_kind_id)
        .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationAnswer.question_id)
        .where(sa.not_(EvaluationResponse.flagged))
        .order_by(EvaluationResponse.submitted_at.desc(), EvaluationAnswer.id.desc())
        .limit(EXPORT_LIMIT)
    ).all()
    answers = [
        WrittenAnswer(
            submitted_on=submitted.astimezone(clock.COPENHAGEN).date(),
            offer_kind=kind,
            audience=EvaluationAudience(who),
            question=asked,
            text=text,
        )
        for submitted, kind, who, asked, text, _total in rows
    ]
    return answers, (rows[0][-1] if rows else 0)
