"""Reference data the admin keeps: closed periods (holidays, closures), decline reasons, topics,
local SSP committees, offer kinds and their staffing needs, support-course kinds, budget lines
and the fee per held event."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import i18n
from ..extensions import db
from ..models import (
    Assignment,
    BudgetLine,
    ClosedPeriod,
    DeclineReason,
    Event,
    EventFee,
    EventSession,
    OfferKind,
    Organisation,
    Request,
    SspCommittee,
    StaffingNeed,
    SupportCourseFee,
    SupportCourseKind,
    Topic,
)
from ..models.enums import AssignmentStatus, BookingForm, EventStatus, FundingSource, SeatRole
from . import audit, evaluation_questions


class ReferenceDataError(Exception):
    """The change cannot be made; the message says why."""


def closed_periods():
    return db.session.scalars(db.select(ClosedPeriod).order_by(ClosedPeriod.starts_on)).all()


def add_closed_period(*, by, name, kind, starts_on, ends_on):
    """Side effects: audit "closed_period.added"."""
    if ends_on < starts_on:
        raise ReferenceDataError(_l("Slutdatoen skal være samme dag som startdatoen eller senere."))
    period = ClosedPeriod(name=name.strip(), kind=kind, starts_on=starts_on, ends_on=ends_on)
    db.session.add(period)
    db.session.flush()
    audit.record(
        "closed_period.added",
        period,
        by=by,
        after=audit.snapshot(period, ["name", "kind", "starts_on", "ends_on"]),
    )
    return period


def delete_closed_period(period, *, by):
    """Side effects: audit "closed_period.deleted" with what was deleted."""
    before = audit.snapshot(period, ["name", "kind", "starts_on", "ends_on"])
    period_id = period.id
    db.session.delete(period)
    db.session.flush()
    audit.record(
        "closed_period.deleted",
        by=by,
        object_type="closed_periods",
        object_id=period_id,
        before=before,
    )


def decline_reasons():
    return db.session.scalars(
        db.select(DeclineReason).order_by(
            DeclineReason.scope, DeclineReason.sort_order, DeclineReason.id
        )
    ).all()


def add_decline_reason(*, by, scope, label_da, label_en):
    """Side effects: audit "decline_reason.added"."""
    last = db.session.scalar(
        db.select(db.func.max(DeclineReason.sort_order)).where(DeclineReason.scope == scope)
    )
    reason = DeclineReason(
        scope=scope,
        label_da=label_da.strip(),
        label_en=(label_en or label_da).strip(),
        sort_order=(last or 0) + 1,
    )
    db.session.add(reason)
    db.session.flush()
    audit.record(
        "decline_reason.added",
        reason,
        by=by,
        after=audit.snapshot(reason, ["scope", "label_da", "label_en"]),
    )
    return reason


def set_decline_reason_active(reason, *, by, active):
    """Hidden reasons stay on the requests that used them. Side effects: audit entry."""
    _set_active(reason, "decline_reason", by=by, active=active)


def _set_active(row, action, *, by, active):
    """Show or hide a row of reference data. Side effects: audit "<action>.shown"/".hidden"."""
    if row.active == active:
        return  # already so: a second click of the same button writes nothing
    before = audit.snapshot(row, ["active"])
    row.active = active
    db.session.flush()
    audit.record(
        f"{action}.shown" if active else f"{action}.hidden",
        row,
        by=by,
        before=before,
        after={"active": active},
    )


def _add(row, action, *, by, fields):
    """Store a new row of reference data. Side effects: audit `action` with its `fields`."""
    db.session.add(row)
    db.session.flush()
    audit.record(action, row, by=by, after=audit.snapshot(row, fields))
    return row


NAME_FIELDS = ["name_da", "name_en"]


def _save_named(model, row, *, kind, by, names, taken, placed_last=False):
    """Add a row of `model` that is only a Danish and an English name (`row` None) or rename
    one. Refused with `taken`: a Danish name another row has. Side effects: audit
    "<kind>.added" or "<kind>.updated" (the latter only when a name changed)."""
    name_da, name_en = names[0].strip(), (names[1] or names[0]).strip()
    _refuse_taken_name(model, row, name_da, taken)
    if row is None:
        new = model(name_da=name_da, name_en=name_en)
        if placed_last:
            new.sort_order = (db.session.scalar(db.select(db.func.max(model.sort_order))) or 0) + 1
        return _add(new, f"{kind}.added", by=by, fields=NAME_FIELDS)
    before = audit.snapshot(row, NAME_FIELDS)
    row.name_da, row.name_en = name_da, name_en
    db.session.flush()
    after = audit.snapshot(row, NAME_FIELDS)
    if after != before:
        audit.record(f"{kind}.updated", row, by=by, before=before, after=after)
    return row


# --- topics -------------------------------------------------------------------------------------


def topics():
    """Every topic, hidden ones too, with how many open and closed requests name it."""
    return db.session.execute(
        db.select(Topic, db.func.count(Request.id))
        .outerjoin(Request, Request.topic_id == Topic.id)
        .group_by(Topic.id)
        .order_by(Topic.active.desc(), Topic.name_da)
    ).all()


def save_topic(topic, *, by, name_da, name_en=""):
    """Add a topic (`topic` None) or rename one; an English name left blank is the Danish one.
    Refused: a Danish name another topic has. Side effects: audit "topic.added"/".updated"."""
    return _save_named(
        Topic,
        topic,
        kind="topic",
        by=by,
        names=(name_da, name_en),
        taken=_l("Der findes allerede et emne med det navn."),
    )


def set_topic_active(topic, *, by, active):
    """A hidden topic is no longer offered on the booking form; requests and persons keep it.
    Side effects: audit entry."""
    _set_active(topic, "topic", by=by, active=active)


# --- local SSP committees ----------------------------------------------------------------------


def ssp_committees():
    """Every local SSP committee, hidden ones too, in their order, with how many organisations
    belong to it."""
    return db.session.execute(
        db.select(SspCommittee, db.func.count(Organisation.id))
        .outerjoin(Organisation, Organisation.ssp_committee_id == SspCommittee.id)
        .group_by(SspCommittee.id)
        .order_by(SspCommittee.active.desc(), SspCommittee.sort_order, SspCommittee.id)
    ).all()


def save_ssp_committee(committee, *, by, name_da, name_en=""):
    """Add a committee (`committee` None, placed last) or rename one; an English name left
    blank is the Danish one. Refused: a Danish name another committee has, whatever its case.
    Side effects: audit "ssp_committee.added"/".updated"."""
    return _save_named(
        SspCommittee,
        committee,
        kind="ssp_committee",
        by=by,
        names=(name_da, name_en),
        taken=_l("Der findes allerede et SSP-udvalg med det navn."),
        placed_last=True,
    )


def set_ssp_committee_active(committee, *, by, active):
    """A hidden committee is no longer offered on the booking form; the organisations that
    belong to it keep it, and the report still counts them under it. Side effects: audit entry."""
    _set_active(committee, "ssp_committee", by=by, active=active)


# --- offer kinds and their staffing needs -------------------------------------------------------

OFFER_KIND_FIELDS = OfferKind.EDITABLE
MAX_SEATS_PER_ROLE = 10
# The last day direkte booking can reach, counted from today (the model's check constraint).
INSTANT_MOST_DAYS = 180


def offer_kinds():
    """Every offer kind, hidden ones too, with how many requests it has."""
    return db.session.execute(
        db.select(OfferKind, db.func.count(Request.id))
        .options(selectinload(OfferKind.staffing_needs))
        .outerjoin(Request, Request.offer_kind_id == OfferKind.id)
        .group_by(OfferKind.id)
        .order_by(OfferKind.active.desc(), OfferKind.sort_order, OfferKind.id)
    ).all()


def save_offer_kind(kind, *, by, needs, **values):
    """Add an offer kind (`kind` None) or change one: its names, what the booking form asks,
    duration and sessions, its staffing needs ({SeatRole: count}, 0 for none) and how offers of
    it behave. A new kind is bookable from the start page at once.

    Direkte booking (`instant_booking`) shows the kind's free times on the booking form, from
    `instant_opens_days` to `instant_reach_days` after today; `instant_deadline_hours` after a
    booking its seats should all have said yes.

    Refused: a name another kind has; no seat at all; a value out of range; fewer seats of a role
    while a planned event has someone offered or accepted on a seat that would go; a window
    whose last day is not after its first; direkte booking for a concern.
    Side effects: audit "offer_kind.added"/"offer_kind.updated" with the needs.
    """
    unknown = set(values) - set(OFFER_KIND_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer kind fields: {sorted(unknown)}")
    values["name_da"] = values["name_da"].strip()
    values["name_en"] = (values.get("name_en") or values["name_da"]).strip()
    for text in ("description_da", "description_en"):
        values[text] = (values.get(text) or "").strip()
    _refuse_taken_name(
        OfferKind, kind, values["name_da"], _l("Der findes allerede et tilbud med det navn.")
    )
    _check_offer_kind_values(values, needs)
    _check_instant_booking(kind, values)
    if kind is None:
        last = db.session.scalar(db.select(db.func.max(OfferKind.sort_order)))
        kind = OfferKind(
            code=_unique_code(OfferKind, values["name_da"], length=30),
            sort_order=(last or 0) + 1,
            **values,
        )
        db.session.add(kind)
        db.session.flush()
        _set_needs(kind, needs)
        evaluation_questions.seed_default_questions(kind)
        audit.record("offer_kind.added", kind, by=by, after=_offer_kind_snapshot(kind))
        return kind
    _refuse_vanishing_seats(kind, needs)
    _refuse_concern_switch(kind, values.get("booking_form", kind.booking_form))
    _refuse_fewer_sessions_than_planned(kind, values.get("max_sessions", kind.max_sessions))
    before = _offer_kind_snapshot(kind)
    for name, value in values.items():
        setattr(kind, name, value)
    _set_needs(kind, needs)
    db.session.flush()
    after = _offer_kind_snapshot(kind)
    if after != before:
        audit.record("offer_kind.updated", kind, by=by, before=before, after=after)
    return kind


def set_offer_kind_active(kind, *, by, active):
    """A hidden kind leaves the start page and the booking form; its requests and events stay
    as they are (a kind is never deleted). The last bookable kind cannot be hidden.
    Side effects: audit entry."""
    if not active and kind.active and kind.booking_form != BookingForm.CONCERN:
        # Counsel about a concern is no booking: it cannot be the last kind left.
        others = db.session.scalar(
            db.select(db.func.count())
            .select_from(OfferKind)
            .where(
                OfferKind.active,
                OfferKind.id != kind.id,
                OfferKind.booking_form != BookingForm.CONCERN,
            )
        )
        if not others:
            raise ReferenceDataError(_l("Mindst ét tilbud skal kunne bestilles."))
    _set_active(kind, "offer_kind", by=by, active=active)


def _refuse_concern_switch(kind, booking_form):
    """A concern is answered by a call, other kinds by events: a kind with requests keeps the
    side it is on, or its requests would ask for what they never had."""
    if (kind.booking_form == BookingForm.CONCERN) == (booking_form == BookingForm.CONCERN):
        return
    used = db.session.scalar(
        db.select(db.func.count()).select_from(Request).where(Request.offer_kind_id == kind.id)
    ) or db.session.scalar(
        db.select(db.func.count()).select_from(Event).where(Event.offer_kind_id == kind.id)
    )
    if used:
        raise ReferenceDataError(
            _l(
                "Et tilbud med henvendelser kan ikke skifte til eller fra sparring om en "
                "bekymring. Opret et nyt tilbud i stedet."
            )
        )


def _check_offer_kind_values(values, needs):
    ranges = [
        (
            "default_duration_minutes",
            15,
            8 * 60,
            _l("Varigheden skal være mellem 15 og 480 minutter."),
        ),
        ("max_sessions", 1, 10, _l("Et tilbud kan have fra 1 til 10 møder.")),
        ("offer_deadline_hours", 1, 24 * 14, _l("Svarfristen skal være mellem 1 time og 14 dage.")),
        (
            "instant_opens_days",
            1,
            INSTANT_MOST_DAYS - 1,
            _l("Den første dag kan ligge fra 1 til 179 dage frem."),
        ),
        (
            "instant_reach_days",
            2,
            INSTANT_MOST_DAYS,
            _l("Den sidste dag kan ligge fra 2 til 180 dage frem."),
        ),
        (
            "instant_deadline_hours",
            1,
            24 * 30,
            _l("Fristen for bemanding skal være mellem 1 time og 30 dage (720 timer)."),
        ),
    ]
    for name, low, high, message in ranges:
        if name in values and not low <= values[name] <= high:
            raise ReferenceDataError(message)
    if set(needs) - set(SeatRole) or any(
        not 0 <= count <= MAX_SEATS_PER_ROLE for count in needs.values()
    ):
        raise ReferenceDataError(_l("Der kan være fra 0 til 10 pladser af hver slags."))
    concern = values.get("booking_form") == BookingForm.CONCERN
    if concern and sum(needs.values()):
        raise ReferenceDataError(
            _l("Sparring om en bekymring er en telefonsamtale: den har ingen pladser at besætte.")
        )
    if not concern and not sum(needs.values()):
        raise ReferenceDataError(_l("Et tilbud skal have mindst én plads at besætte."))


def _check_instant_booking(kind, values):
    """The window and the concern rule on the values the kind will have: those given, else
    those stored (a concern kind's page does not show them), else the model's defaults."""

    def will_have(name):
        if name in values:
            return values[name]
        if kind is not None:
            return getattr(kind, name)
        return OfferKind.__table__.c[name].default.arg

    if will_have("instant_reach_days") <= will_have("instant_opens_days"):
        raise ReferenceDataError(
            _l(
                "Den sidste dag skal ligge efter den første: skriv flere dage end i "
                "»Åbner dage frem«."
            )
        )
    concern = will_have("booking_form") == BookingForm.CONCERN
    if concern and will_have("instant_booking"):
        raise ReferenceDataError(
            _l("Sparring om en bekymring er en telefonsamtale: den kan ikke bookes direkte.")
        )


def _set_needs(kind, needs):
    current = {need.seat_role: need for need in kind.staffing_needs}
    for role in SeatRole:
        count, need = needs.get(role, 0), current.get(role)
        if need is not None and not count:
            kind.staffing_needs.remove(need)
            db.session.delete(need)
        elif need is not None:
            need.count = count
        elif count:
            kind.staffing_needs.append(StaffingNeed(seat_role=role, count=count))
    db.session.flush()


def _refuse_vanishing_seats(kind, needs):
    """Fewer seats of a role would hide a person already offered or accepted on a planned event."""
    for role in SeatRole:
        count = needs.get(role, 0)
        if count >= kind.need(role):
            continue
        taken = db.session.scalar(
            db.select(Event)
            .join(Assignment, Assignment.event_id == Event.id)
            .where(
                Event.offer_kind_id == kind.id,
                Event.status == EventStatus.PLANNED,
                Assignment.seat_role == role,
                Assignment.seat_number > count,
                Assignment.status.in_([AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED]),
            )
            .order_by(Event.starts_at)
            .limit(1)
        )
        if taken is not None:
            raise ReferenceDataError(
                _l(
                    "Der er allerede forespurgt eller sat en person på en af de pladser, der "
                    "ville forsvinde (arrangementet den %(when)s). Træk forespørgslen tilbage "
                    "først, eller behold antallet.",
                    when=i18n.long_date(taken.starts_at),
                )
            )


def _refuse_fewer_sessions_than_planned(kind, max_sessions):
    """A planned event with more sessions than the new most could no longer be moved."""
    if max_sessions >= kind.max_sessions:
        return
    most = db.session.scalar(
        db.select(db.func.count(EventSession.id))
        .join(Event, Event.id == EventSession.event_id)
        .where(Event.offer_kind_id == kind.id, Event.status == EventStatus.PLANNED)
        .group_by(EventSession.event_id)
        .order_by(db.func.count(EventSession.id).desc())
        .limit(1)
    )
    if most is not None and most > max_sessions:
        raise ReferenceDataError(
            _l(
                "Et planlagt arrangement har %(n)s møder. Sæt højst antal møder til mindst "
                "%(n)s, eller flyt arrangementet først.",
                n=most,
            )
        )


def _offer_kind_snapshot(kind):
    needs = {need.seat_role.value: need.count for need in kind.staffing_needs}
    return {**audit.snapshot(kind, OFFER_KIND_FIELDS), "needs": needs}


def _refuse_taken_name(model, row, name, message):
    """`name` (Danish) is another row's: refuse it, whatever its case. Compared in Python:
    SQLite's lower() leaves Æ, Ø and Å as they are (these tables hold a few dozen rows)."""
    taken = db.session.execute(db.select(model.id, model.name_da)).all()
    wanted = name.casefold()
    if any(
        name_da.casefold() == wanted for row_id, name_da in taken if row is None or row_id != row.id
    ):
        raise ReferenceDataError(message)


def _unique_code(model, name, *, length):
    """A code for a new row made from its Danish name (URLs and field names use it), unique."""
    spelled = name.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    code = re.sub(r"[^a-z0-9]+", "_", spelled).strip("_")[: length - 6] or "kind"
    taken = set(db.session.scalars(db.select(model.code)))
    base, number = code, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


# --- support-course kinds -----------------------------------------------------------------------


def support_course_kinds():
    return db.session.scalars(
        db.select(SupportCourseKind).order_by(SupportCourseKind.sort_order, SupportCourseKind.id)
    ).all()


def add_support_course_kind(*, by, name_da, name_en="", metric=None):
    """Side effects: audit "support_course_kind.added"."""
    name_da = name_da.strip()
    _refuse_taken_name(
        SupportCourseKind, None, name_da, _l("Der findes allerede en type med det navn.")
    )
    code = _unique_code(SupportCourseKind, name_da, length=30)
    last = db.session.scalar(db.select(db.func.max(SupportCourseKind.sort_order)))
    kind = SupportCourseKind(
        code=code,
        name_da=name_da,
        name_en=(name_en or name_da).strip(),
        metric=metric,
        sort_order=(last or 0) + 1,
    )
    return _add(
        kind, "support_course_kind.added", by=by, fields=["code", "name_da", "name_en", "metric"]
    )


def set_support_course_kind_active(kind, *, by, active):
    """Hidden kinds stay on the courses recorded with them. Side effects: audit entry."""
    _set_active(kind, "support_course_kind", by=by, active=active)


# --- budget lines and fees ----------------------------------------------------------------------


def budget_lines(year):
    return db.session.scalars(
        db.select(BudgetLine)
        .where(BudgetLine.year == year)
        .options(db.selectinload(BudgetLine.fees), db.selectinload(BudgetLine.course_fees))
        .order_by(BudgetLine.sort_order, BudgetLine.id)
    ).all()


BUDGET_LINE_FIELDS = ["name_da", "name_en", "amount_ore", "source"]


def add_budget_line(*, by, year, name_da, name_en="", amount_ore, source=FundingSource.OTHER):
    """A line of `year`'s budget and where its money comes from. Refused: a negative amount, a
    Danish name another line of the year has. Side effects: audit "budget_line.added"."""
    name_da = _budget_line_name(year, name_da, amount_ore)
    last = db.session.scalar(
        db.select(db.func.max(BudgetLine.sort_order)).where(BudgetLine.year == year)
    )
    line = BudgetLine(
        year=year,
        name_da=name_da,
        name_en=(name_en or name_da).strip(),
        amount_ore=amount_ore,
        source=FundingSource(source),
        sort_order=(last or 0) + 1,
    )
    return _add(line, "budget_line.added", by=by, fields=["year", *BUDGET_LINE_FIELDS])


def update_budget_line(line, *, by, name_da, name_en="", amount_ore, source):
    """Correct a line's name, amount or source (its year and fees stay). Refused as
    add_budget_line. Side effects: audit "budget_line.updated" with what changed, if anything."""
    name_da = _budget_line_name(line.year, name_da, amount_ore, line)
    before = audit.snapshot(line, BUDGET_LINE_FIELDS)
    line.name_da, line.name_en = name_da, (name_en or name_da).strip()
    line.amount_ore, line.source = amount_ore, FundingSource(source)
    db.session.flush()
    after = audit.snapshot(line, BUDGET_LINE_FIELDS)
    if after != before:
        audit.record("budget_line.updated", line, by=by, before=before, after=after)
    return line


def delete_budget_line(line, *, by):
    """A line entered by mistake goes, with its fees; the report's estimate and funding history
    lose it. Side effects: audit "budget_line.deleted" with what the line was."""
    before = audit.snapshot(line, ["year", *BUDGET_LINE_FIELDS])
    audit.record("budget_line.deleted", line, by=by, before=before)
    db.session.delete(line)
    db.session.flush()


def _budget_line_name(year, name_da, amount_ore, line=None):
    """The Danish name, stripped, once the amount and the name are allowed for `year` (`line`
    is the line being corrected, which may keep its own name)."""
    if amount_ore < 0:
        raise ReferenceDataError(_l("Beløbet kan ikke være negativt."))
    name_da = name_da.strip()
    taken = db.select(BudgetLine.id).where(BudgetLine.year == year, BudgetLine.name_da == name_da)
    if line is not None:
        taken = taken.where(BudgetLine.id != line.id)
    if db.session.scalar(taken):
        raise ReferenceDataError(_l("Der findes allerede en budgetlinje med det navn i året."))
    return name_da


def set_fees(line, *, by, event_fees, course_fees):
    """A budget line's fees saved from its form: `event_fees` ({OfferKind: øre}) and
    `course_fees` ({SupportCourseKind: øre}), 0 for none. Side effects: as set_event_fee and
    set_course_fee, for each fee that changed. True if any did."""
    changed = [
        set_event_fee(line, by=by, offer_kind=kind, fee_ore=fee) for kind, fee in event_fees.items()
    ]
    changed += [
        set_course_fee(line, by=by, kind=kind, fee_ore=fee) for kind, fee in course_fees.items()
    ]
    return any(changed)


def set_event_fee(line, *, by, offer_kind, fee_ore):
    """The fee per held event of `offer_kind` charged to `line`; 0 removes it. True if it
    changed. Side effects: audit "event_fee.set" with the fee before and after, if changed."""
    return _set_fee(line, EventFee, "offer_kind", offer_kind, fee_ore, by=by)


def set_course_fee(line, *, by, kind, fee_ore):
    """What each support course of `kind` started in the line's year costs `line`; 0 removes
    it. True if it changed. Side effects: audit "course_fee.set", if changed."""
    return _set_fee(line, SupportCourseFee, "kind", kind, fee_ore, by=by)


def _set_fee(line, model, relation, target, fee_ore, *, by):
    """A fee row of `model` (EventFee per offer kind, SupportCourseFee per support course kind)
    for `line` and `target`, set to `fee_ore`: added, changed, or removed at 0."""
    if fee_ore < 0:
        raise ReferenceDataError(_l("Beløbet kan ikke være negativt."))
    key = getattr(model, f"{relation}_id")
    fee = db.session.scalar(
        db.select(model).where(model.budget_line_id == line.id, key == target.id)
    )
    before = fee.fee_ore if fee else 0
    if before == fee_ore:
        return False
    if fee is None:
        db.session.add(model(budget_line=line, fee_ore=fee_ore, **{relation: target}))
    elif fee_ore:
        fee.fee_ore = fee_ore
    else:
        db.session.delete(fee)
    db.session.flush()
    action, named = (
        ("event_fee.set", "offer_kind")
        if model is EventFee
        else ("course_fee.set", "support_course_kind")
    )
    audit.record(
        action,
        line,
        by=by,
        before={"fee_ore": before, named: target.code},
        after={"fee_ore": fee_ore, named: target.code},
    )
    return True
