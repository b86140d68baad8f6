"""The unit's yearly targets (Handleplan VINK), which the report measures each figure against: the
admin sets them, or copies last year's; the report reads them."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import OfferKind, OfferKindTarget, Target
from ..models.enums import BookingForm, Metric
from . import audit
from .errors import DomainError

# The years a target may be set for: the table's own check constraint.
EARLIEST_TARGET_YEAR, LATEST_TARGET_YEAR = 2000, 2100

# The offer kinds (by code) the action plan's metrics are about; every other kind that holds
# events gets targets of its own (held, participants) in offer_kind_targets.
TALK, DIALOGUE, ADVISORY = "talk", "dialogue", "advisory"
ACTION_PLAN_KINDS = (TALK, DIALOGUE, ADVISORY)


class TargetError(DomainError):
    """The change cannot be made; the message says why."""


def targets_and_source(year):
    """{metric: value} for `year` (only its own rows), and the latest earlier year that has
    targets (None if none has). One query."""
    earlier = sa.select(sa.func.max(Target.year)).where(Target.year < year).scalar_subquery()
    rows = db.session.execute(
        sa.select(Target.year, Target.metric, Target.value).where(
            sa.or_(Target.year == year, Target.year == earlier)
        )
    ).all()
    return (
        {row.metric: row.value for row in rows if row.year == year},
        next((row.year for row in rows if row.year != year), None),
    )


def targets_of(year):
    """{metric: value} the admin has set for `year` (its own rows only)."""
    return targets_and_source(year)[0]


def kinds_with_own_targets_query():
    """SELECT the offer kinds, hidden ones too, that the action plan's metrics do not name (any
    an admin added), in the catalogue's order. Not counsel about a concern: a call, never an
    event, counted with the requests. The report adds the year's targets to it."""
    return (
        sa.select(OfferKind)
        .where(OfferKind.code.not_in(ACTION_PLAN_KINDS))
        .where(OfferKind.booking_form != BookingForm.CONCERN)
        .order_by(OfferKind.sort_order, OfferKind.id)
    )


def kinds_with_own_targets():
    """The offer kinds with targets of their own (kinds_with_own_targets_query)."""
    return db.session.scalars(kinds_with_own_targets_query()).all()


def kind_targets_of(year):
    """{offer kind code: (held, participants)} set for `year` (None where no target)."""
    rows = db.session.execute(
        sa.select(OfferKind.code, OfferKindTarget.held, OfferKindTarget.participants)
        .join(OfferKind, OfferKind.id == OfferKindTarget.offer_kind_id)
        .where(OfferKindTarget.year == year)
    ).all()
    return {row.code: (row.held, row.participants) for row in rows}


def copy_targets(year, *, by):
    """Give `year` the targets of the latest earlier year that has any, the offer kinds' own
    targets of that year with them (but never over an offer kind's targets `year` has).
    Refused when `year` has targets already or no earlier year has any. Side effects: audit
    "targets.copied" with the year and the values copied."""
    own, source = targets_and_source(year)
    if own:
        raise TargetError(_l("%(year)s har allerede mål.", year=year))
    if source is None:
        raise TargetError(_l("Intet år før %(year)s har mål at kopiere.", year=year))
    previous = db.session.scalars(sa.select(Target).where(Target.year == source)).all()
    for target in previous:
        db.session.add(Target(year=year, metric=target.metric, value=target.value))
    kinds = db.session.scalars(
        sa.select(OfferKindTarget).where(OfferKindTarget.year == source)
    ).all()
    has = set(
        db.session.scalars(
            sa.select(OfferKindTarget.offer_kind_id).where(OfferKindTarget.year == year)
        )
    )
    kinds = [target for target in kinds if target.offer_kind_id not in has]
    for target in kinds:
        db.session.add(
            OfferKindTarget(
                year=year,
                offer_kind_id=target.offer_kind_id,
                held=target.held,
                participants=target.participants,
            )
        )
    db.session.flush()
    audit.record(
        "targets.copied",
        by=by,
        object_type="targets",
        object_id=year,
        after={
            "from": source,
            "values": {t.metric.value: t.value for t in previous},
            "offer_kinds": {t.offer_kind.code: [t.held, t.participants] for t in kinds},
        },
    )
    return source


def set_kind_targets(year, values, *, by):
    """Make `year`'s targets for offer kinds `values` ({OfferKind: (held, participants)}, None
    for no target). Side effects: rows added, changed or removed (a row with neither target
    goes); audit "kind_targets.changed" per kind that changed, with before and after. True if
    anything changed."""
    if not EARLIEST_TARGET_YEAR <= year <= LATEST_TARGET_YEAR:
        raise TargetError(_l("Vælg et år mellem 2000 og 2100."))
    if any(v is not None and v < 0 for pair in values.values() for v in pair):
        raise TargetError(_l("Et mål kan ikke være negativt."))
    rows = {
        row.offer_kind_id: row
        for row in db.session.scalars(
            sa.select(OfferKindTarget).where(OfferKindTarget.year == year)
        )
    }
    changed = False
    for kind, (held, participants) in values.items():
        row = rows.get(kind.id)
        before = (row.held, row.participants) if row else (None, None)
        if before == (held, participants):
            continue
        if held is None and participants is None:
            db.session.delete(row)
        else:
            if row is None:
                row = OfferKindTarget(year=year, offer_kind_id=kind.id)
                db.session.add(row)
            row.held, row.participants = held, participants
        db.session.flush()
        audit.record(
            "kind_targets.changed",
            by=by,
            object_type="targets",
            object_id=year,
            before={"offer_kind": kind.code, "held": before[0], "participants": before[1]},
            after={"offer_kind": kind.code, "held": held, "participants": participants},
        )
        changed = True
    return changed


def set_targets(year, values, *, by):
    """Make `year`'s targets `values` ({metric: value, or None for no target}). Side effects:
    rows added, changed or removed; audit "targets.changed" with before and after, only if
    anything changed."""
    if not EARLIEST_TARGET_YEAR <= year <= LATEST_TARGET_YEAR:
        raise TargetError(_l("Vælg et år mellem 2000 og 2100."))
    if any(value is not None and value < 0 for value in values.values()):
        raise TargetError(_l("Et mål kan ikke være negativt."))
    rows = {t.metric: t for t in db.session.scalars(sa.select(Target).where(Target.year == year))}
    before = {metric.value: row.value for metric, row in rows.items()}
    for metric in Metric:
        value = values.get(metric)
        row = rows.get(metric)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(Target(year=year, metric=metric, value=value))
        elif value is not None:
            row.value = value
    after = {m.value: values[m] for m in Metric if values.get(m) is not None}
    db.session.flush()
    if before != after:
        audit.record(
            "targets.changed",
            by=by,
            object_type="targets",
            object_id=year,
            before=before,
            after=after,
        )
    return before != after


def set_year_targets(year, *, by, metrics, kinds):
    """The targets page saved: the action plan's `metrics` (set_targets) and the offer kinds'
    own `kinds` (set_kind_targets) for `year`, as one change. True if anything changed."""
    changed = set_targets(year, metrics, by=by)
    return set_kind_targets(year, kinds, by=by) or changed
