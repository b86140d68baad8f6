"""Progress against the yearly targets. (The full report arrives with the reports issue.)"""

from ..extensions import db
from ..models import Target
from ..models.enums import Metric


def targets_for(year):
    """[(metric, value or None, year the value was set for)] for every metric, in order.

    A metric the admin has not set for `year` carries the value of the latest earlier year
    that has one (the 2014 targets of the action plan, by default)."""
    rows = db.session.scalars(
        db.select(Target).where(Target.year <= year).order_by(Target.metric, Target.year.desc())
    ).all()
    latest = {}
    for target in rows:
        latest.setdefault(target.metric, target)
    return [
        (
            metric,
            latest[metric].value if metric in latest else None,
            latest[metric].year if metric in latest else None,
        )
        for metric in Metric
    ]
