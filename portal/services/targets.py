"""The unit's yearly targets (Handleplan VINK), which the report measures each figure against: the
admin sets them, or copies last year's; the report reads them."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Target
from ..models.enums import Metric
from . import audit
from .errors import DomainError

# The years a target may be set for: the table's own check constraint.
EARLIEST_TARGET_YEAR, LATEST_TARGET_YEAR = 2000, 2100


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


def copy_targets(year, *, by):
    """Give `year` the targets of the latest earlier year that has any. Refused when `year` has
    targets already or no earlier year has any. Side effects: audit "targets.copied" with the
    year and the values copied."""
    own, source = targets_and_source(year)
    if own:
        raise TargetError(_l("%(year)s har allerede mål.", year=year))
    if source is None:
        raise TargetError(_l("Intet år før %(year)s har mål at kopiere.", year=year))
    previous = db.session.scalars(sa.select(Target).where(Target.year == source)).all()
    for target in previous:
        db.session.add(Target(year=year, metric=target.metric, value=target.value))
    db.session.flush()
    audit.record(
        "targets.copied",
        by=by,
        object_type="targets",
        object_id=year,
        after={"from": source, "values": {t.metric.value: t.value for t in previous}},
    )
    return source


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
