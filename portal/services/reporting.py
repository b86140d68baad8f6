"""Progress against the yearly targets. (The full report arrives with the reports issue.)"""

from ..extensions import db
from ..models import Target


def targets_for(year):
    """(year the values were set for, {metric: value}): the targets of `year`, or, when the admin
    has set none for it yet, those of the latest earlier year (the 2014 values by default)."""
    source_year = db.session.scalar(db.select(db.func.max(Target.year)).where(Target.year <= year))
    if source_year is None:
        return None, {}
    rows = db.session.scalars(db.select(Target).where(Target.year == source_year)).all()
    return source_year, {target.metric: target.value for target in rows}
