"""Reference data the admin keeps: closed periods (holidays, closures), decline reasons,
support-course kinds, budget lines and the fee per held event."""

import re

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import BudgetLine, ClosedPeriod, DeclineReason, EventFee, SupportCourseKind
from . import audit


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


def update_offer_kind(kind, *, by, offer_deadline_hours, auto_chain, auto_accept_claims):
    """How offers of this kind behave. Side effects: audit "offer_kind.updated"."""
    fields = ["offer_deadline_hours", "auto_chain", "auto_accept_claims"]
    before = audit.snapshot(kind, fields)
    if not 1 <= offer_deadline_hours <= 24 * 14:
        raise ReferenceDataError(_l("Svarfristen skal være mellem 1 time og 14 dage."))
    kind.offer_deadline_hours = offer_deadline_hours
    kind.auto_chain = auto_chain
    kind.auto_accept_claims = auto_accept_claims
    db.session.flush()
    audit.record(
        "offer_kind.updated", kind, by=by, before=before, after=audit.snapshot(kind, fields)
    )


# --- support-course kinds -----------------------------------------------------------------------


def support_course_kinds():
    return db.session.scalars(
        db.select(SupportCourseKind).order_by(SupportCourseKind.sort_order, SupportCourseKind.id)
    ).all()


def add_support_course_kind(*, by, name_da, name_en="", metric=None):
    """Side effects: audit "support_course_kind.added"."""
    name_da = name_da.strip()
    code = re.sub(r"[^a-z0-9]+", "_", name_da.casefold()).strip("_")[:24] or "kind"
    taken = set(db.session.scalars(db.select(SupportCourseKind.code)))
    base, number = code, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    if db.session.scalar(
        db.select(SupportCourseKind.id).where(SupportCourseKind.name_da == name_da)
    ):
        raise ReferenceDataError(_l("Der findes allerede en type med det navn."))
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
        .options(db.selectinload(BudgetLine.fees))
        .order_by(BudgetLine.sort_order, BudgetLine.id)
    ).all()


def add_budget_line(*, by, year, name_da, name_en="", amount_ore):
    """Side effects: audit "budget_line.added"."""
    if amount_ore < 0:
        raise ReferenceDataError(_l("Beløbet kan ikke være negativt."))
    name_da = name_da.strip()
    if db.session.scalar(
        db.select(BudgetLine.id).where(BudgetLine.year == year, BudgetLine.name_da == name_da)
    ):
        raise ReferenceDataError(_l("Der findes allerede en budgetlinje med det navn i året."))
    last = db.session.scalar(
        db.select(db.func.max(BudgetLine.sort_order)).where(BudgetLine.year == year)
    )
    line = BudgetLine(
        year=year,
        name_da=name_da,
        name_en=(name_en or name_da).strip(),
        amount_ore=amount_ore,
        sort_order=(last or 0) + 1,
    )
    return _add(
        line, "budget_line.added", by=by, fields=["year", "name_da", "name_en", "amount_ore"]
    )


def set_event_fee(line, *, by, offer_kind, fee_ore):
    """The fee per held event of `offer_kind` charged to `line`; 0 removes it.
    Side effects: audit "event_fee.set" with the fee before and after."""
    if fee_ore < 0:
        raise ReferenceDataError(_l("Beløbet kan ikke være negativt."))
    fee = db.session.scalar(
        db.select(EventFee).where(
            EventFee.budget_line_id == line.id, EventFee.offer_kind_id == offer_kind.id
        )
    )
    before = {"fee_ore": fee.fee_ore if fee else 0}
    if fee is None and fee_ore:
        fee = EventFee(budget_line=line, offer_kind=offer_kind, fee_ore=fee_ore)
        db.session.add(fee)
    elif fee is not None and fee_ore:
        fee.fee_ore = fee_ore
    elif fee is not None:
        db.session.delete(fee)
    db.session.flush()
    audit.record(
        "event_fee.set",
        line,
        by=by,
        before={**before, "offer_kind": offer_kind.code},
        after={"fee_ore": fee_ore, "offer_kind": offer_kind.code},
    )
