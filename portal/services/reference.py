"""Reference data the admin keeps: closed periods (holidays, closures) and decline reasons."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import ClosedPeriod, DeclineReason
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
    before = audit.snapshot(reason, ["active"])
    reason.active = active
    db.session.flush()
    audit.record(
        "decline_reason.shown" if active else "decline_reason.hidden",
        reason,
        by=by,
        before=before,
        after={"active": active},
    )


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
