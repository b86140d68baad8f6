"""Reference data the admin edits: districts, topics, local SSP committees, offer kinds and their
staffing needs, decline reasons, closed periods."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import in_language
from .base import enum_column
from .enums import BookingForm, ClosedPeriodKind, DeclineReasonScope, SeatRole


class District(db.Model):
    """A city district (bydel) of Copenhagen, or "outside the municipality"."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_da: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale=None):
        return in_language(self.name_da, self.name_en, locale)


class SspCommittee(db.Model):
    """A local SSP committee (lokaludvalg, e.g. "SSP Valby"): an SSP organisation names its own,
    so the report can show SSP's use of VINK per committee."""

    __tablename__ = "ssp_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_da: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale=None):
        return in_language(self.name_da, self.name_en, locale)


class OfferKind(db.Model):
    """Vidensoplæg, ung-til-ung dialog, rådgivningsforløb: what can be booked, and how."""

    __tablename__ = "offer_kinds"
    __table_args__ = (
        sa.CheckConstraint("offer_deadline_hours > 0", name="offer_deadline_positive"),
        sa.CheckConstraint("default_duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("max_sessions >= 1", name="max_sessions_positive"),
        sa.CheckConstraint(
            "instant_opens_days >= 1 AND instant_reach_days > instant_opens_days "
            "AND instant_reach_days <= 180",
            name="instant_window",
        ),
        sa.CheckConstraint("instant_deadline_hours > 0", name="instant_deadline_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_da: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    description_da: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # What the booking form asks: a class (grade, pupils) or adults (who, how many).
    booking_form: Mapped[BookingForm] = mapped_column(
        enum_column(BookingForm, "booking_form"), default=BookingForm.ADULTS
    )
    online_allowed: Mapped[bool] = mapped_column(default=False)
    # Hours an assignee has to answer an offer before it lapses.
    offer_deadline_hours: Mapped[int] = mapped_column(default=72)
    # When an offer lapses or is declined, offer the seat to the next suggested person.
    auto_chain: Mapped[bool] = mapped_column(default=True)
    # A claim from the open-seats board is accepted without the secretariat.
    auto_accept_claims: Mapped[bool] = mapped_column(default=False)
    default_duration_minutes: Mapped[int] = mapped_column(default=90)
    max_sessions: Mapped[int] = mapped_column(default=1)
    # The most participants one event can take (None: no limit but the form's 500).
    max_participants: Mapped[int | None]
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Direkte booking: the booking form shows the times at which the kind's seats can be
    # filled, from `instant_opens_days` after today to `instant_reach_days` after it, and a
    # time taken is planned at once (free_times.py). Seats not all filled
    # `instant_deadline_hours` after the booking come first in "Kræver handling".
    instant_booking: Mapped[bool] = mapped_column(default=False)
    instant_opens_days: Mapped[int] = mapped_column(default=7)
    instant_reach_days: Mapped[int] = mapped_column(default=35)
    instant_deadline_hours: Mapped[int] = mapped_column(default=72)

    # What the admin edits (the code is made once from the first name and never changes).
    EDITABLE = (
        "name_da",
        "name_en",
        "description_da",
        "description_en",
        "booking_form",
        "default_duration_minutes",
        "max_sessions",
        "max_participants",
        "online_allowed",
        "offer_deadline_hours",
        "auto_chain",
        "auto_accept_claims",
        "instant_booking",
        "instant_opens_days",
        "instant_reach_days",
        "instant_deadline_hours",
    )

    # Loaded when asked for: a list that shows seats chains
    # `.selectinload(OfferKind.staffing_needs)` to its offer kinds. (As lazy="selectin" they
    # were queried again by every query that joined an offer kind, loaded or not: five times
    # on the inbox.)
    staffing_needs: Mapped[list["StaffingNeed"]] = relationship(
        back_populates="offer_kind", order_by="StaffingNeed.seat_role"
    )

    def name(self, locale=None):
        return in_language(self.name_da, self.name_en, locale)

    def description(self, locale=None):
        return in_language(self.description_da, self.description_en, locale)

    @property
    def for_a_class(self):
        """Held for a school class: school holidays warn, ambassadors are paired by experience."""
        return self.booking_form == BookingForm.CLASS

    def need(self, seat_role):
        """How many seats of `seat_role` an event of this kind has (0: none)."""
        return sum(n.count for n in self.staffing_needs if n.seat_role == seat_role)

    @property
    def takes_free_times(self):
        """Open for direkte booking: the booking form shows the free times (free_times.py)."""
        return self.instant_booking and self.active and bool(self.staffing_needs)

    @property
    def seats_needed(self):
        return sum(need.count for need in self.staffing_needs)


class StaffingNeed(db.Model):
    """How many people of a role an event of an offer kind needs (talk: 1 resource person)."""

    __tablename__ = "staffing_needs"
    __table_args__ = (
        sa.UniqueConstraint("offer_kind_id", "seat_role"),
        sa.CheckConstraint("count >= 1 AND count <= 10", name="count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id", ondelete="CASCADE"))
    seat_role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole, "seat_role"))
    count: Mapped[int]

    offer_kind: Mapped[OfferKind] = relationship(back_populates="staffing_needs")


class DeclineReason(db.Model):
    __tablename__ = "decline_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[DeclineReasonScope] = mapped_column(
        enum_column(DeclineReasonScope, "decline_reason_scope")
    )
    label_da: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def label(self, locale=None):
        return in_language(self.label_da, self.label_en, locale)


class ClosedPeriod(db.Model):
    """School holidays and VINK's own closures; scheduling a dialogue inside one warns."""

    __tablename__ = "closed_periods"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[ClosedPeriodKind] = mapped_column(
        enum_column(ClosedPeriodKind, "closed_period_kind")
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
