"""What the unit reports on: yearly targets, anonymous 1-1 support courses, and the budget."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import in_language
from .base import UTCDateTime, enum_column, utcnow
from .enums import FundingSource, Metric
from .reference import District, OfferKind


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


class OfferKindTarget(db.Model):
    """A year's targets for an offer kind the action plan's metrics do not name (one an admin
    added, such as Kompetenceudvikling): events held and participants. None means no target."""

    __tablename__ = "offer_kind_targets"
    __table_args__ = (
        sa.UniqueConstraint("year", "offer_kind_id"),
        sa.CheckConstraint("held >= 0 AND participants >= 0", name="not_negative"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id", ondelete="CASCADE"))
    held: Mapped[int | None]
    participants: Mapped[int | None]

    offer_kind: Mapped[OfferKind] = relationship()


class SupportCourseKind(db.Model):
    """Mentoring, parent coaching, home visits ...: admin data. `metric` names the yearly
    target a course of this kind counts towards, if any."""

    __tablename__ = "support_course_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_da: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    metric: Mapped[Metric | None] = mapped_column(enum_column(Metric, "metric"))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale=None):
        return in_language(self.name_da, self.name_en, locale)


class SupportCourse(db.Model):
    """One 1-1 support course, counted: its kind, when it ran and (optionally) the district.

    Deliberately nothing else: no name, age, CPR number or free text about the citizen
    (tests/test_models.py proves the table has no such column)."""

    __tablename__ = "support_courses"
    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("support_course_kinds.id"), index=True)
    started_on: Mapped[date] = mapped_column(index=True)
    ended_on: Mapped[date | None]
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kind: Mapped[SupportCourseKind] = relationship()
    district: Mapped[District | None] = relationship()


class BudgetLine(db.Model):
    """One line of a year's budget (2014: 500,000 DKK for running VINK and the resource panel).
    Money is whole øre."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.UniqueConstraint("year", "name_da"),
        sa.CheckConstraint("amount_ore >= 0", name="amount_not_negative"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    name_da: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    amount_ore: Mapped[int] = mapped_column(sa.BigInteger)
    sort_order: Mapped[int] = mapped_column(default=0)
    # Where the money comes from: the report's funding history sums the lines by year and source.
    source: Mapped[FundingSource] = mapped_column(
        enum_column(FundingSource, "funding_source"),
        default=FundingSource.OTHER,
        server_default=FundingSource.OTHER.value,
    )

    fees: Mapped[list["EventFee"]] = relationship(
        back_populates="budget_line", cascade="all, delete-orphan"
    )
    course_fees: Mapped[list["SupportCourseFee"]] = relationship(
        back_populates="budget_line", cascade="all, delete-orphan"
    )

    def name(self, locale=None):
        return in_language(self.name_da, self.name_en, locale)


class EventFee(db.Model):
    """What one held event of an offer kind costs a budget line (fees, transport): the basis
    of the report's estimated spend. Whole øre."""

    __tablename__ = "event_fees"
    __table_args__ = (
        sa.UniqueConstraint("budget_line_id", "offer_kind_id"),
        sa.CheckConstraint("fee_ore >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("budget_lines.id", ondelete="CASCADE")
    )
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id"))
    fee_ore: Mapped[int] = mapped_column(sa.BigInteger)

    budget_line: Mapped[BudgetLine] = relationship(back_populates="fees")
    offer_kind: Mapped[OfferKind] = relationship()


class SupportCourseFee(db.Model):
    """What one 1-1 support course of a kind costs a budget line, counted when it starts in the
    line's year (the mentors and parent coaches line): whole øre."""

    __tablename__ = "support_course_fees"
    __table_args__ = (
        sa.UniqueConstraint("budget_line_id", "kind_id"),
        sa.CheckConstraint("fee_ore >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("budget_lines.id", ondelete="CASCADE")
    )
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("support_course_kinds.id"))
    fee_ore: Mapped[int] = mapped_column(sa.BigInteger)

    budget_line: Mapped[BudgetLine] = relationship(back_populates="course_fees")
    kind: Mapped[SupportCourseKind] = relationship()
