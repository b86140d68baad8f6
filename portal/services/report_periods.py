"""The report's calendar: a year and its months as Copenhagen midnights in UTC, and the SQL that
places a UTC timestamp in them. Shared by the report (reporting.py) and its evaluations
(evaluation_report.py), so both count an event in the same year and month."""

from datetime import UTC, datetime

import sqlalchemy as sa

from .. import clock
from ..models.base import UTCDateTime


def year_start(year):
    """Midnight on 1 January in Copenhagen, as UTC."""
    return datetime(year, 1, 1, tzinfo=clock.COPENHAGEN).astimezone(UTC)


def month_starts(year):
    """The 13 boundaries of the year's months (Copenhagen midnight), in UTC."""
    starts = [datetime(year, m, 1, tzinfo=clock.COPENHAGEN) for m in range(1, 13)]
    return [s.astimezone(UTC) for s in starts] + [year_start(year + 1)]


def month_of(column, year):
    """The Copenhagen month (1-12) of a UTC timestamp column, as SQL that both databases run."""
    bounds = month_starts(year)
    return sa.case(
        *(
            (column < sa.literal(bounds[m], UTCDateTime), m)
            for m in range(1, 12)  # months 1..11 end before the next boundary
        ),
        else_=12,
    )


def in_year(column, year):
    return sa.and_(column >= year_start(year), column < year_start(year + 1))
