"""What the unit reports on: yearly targets and anonymous 1-1 support courses."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import enum_column
from .enums import Metric, SupportCourseKind


class Target(db.Model):
    """A yearly success criterion (e.g. 2014: at least 10 knowledge talks held)."""

    __tablename__ = "targets"
    __table_args__ = (
        sa.UniqueConstraint("year", "metric"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[Metric] = mapped_column(enum_column(Metric, "metric"))
    value: Mapped[int]


class SupportCourse(db.Model):
    """A mentor or parent-coaching course: counted, never who it concerns."""

    __tablename__ = "support_courses"
    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SupportCourseKind] = mapped_column(
        enum_column(SupportCourseKind, "support_course_kind")
    )
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
