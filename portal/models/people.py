"""The resource panel and the dialogue ambassadors, with topics, languages and availability."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .enums import SeatRole
from .reference import Topic

person_topics = sa.Table(
    "person_topics",
    db.metadata,
    sa.Column("person_id", sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Person(db.Model):
    """A resource person and/or a dialogue ambassador."""

    __tablename__ = "persons"
    __table_args__ = (
        sa.CheckConstraint("is_resource_person OR is_ambassador", name="has_a_role"),
        sa.CheckConstraint("mail_locale IN ('da', 'en')", name="mail_locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    is_resource_person: Mapped[bool] = mapped_column(default=False)
    is_ambassador: Mapped[bool] = mapped_column(default=False)
    # Space-separated language codes, e.g. "da en ar".
    languages: Mapped[str] = mapped_column(sa.String(120), default="da")
    # The language of the mails the portal sends them (MAIL_LOCALES).
    mail_locale: Mapped[str] = mapped_column(sa.String(5), default="da", server_default="da")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Experienced (paired with a newer ambassador) by the admin's word; None: by the count of
    # dialogues held (EXPERIENCED_AFTER_DIALOGUES).
    experienced_override: Mapped[bool | None] = mapped_column(default=None)
    # Secret part of the personal calendar feed URL; regenerating it revokes old subscriptions.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topics: Mapped[list[Topic]] = relationship(secondary=person_topics, order_by=Topic.name_da)
    availability_rules: Mapped[list["AvailabilityRule"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    away_periods: Mapped[list["AwayPeriod"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def seat_roles(self):
        roles = []
        if self.is_resource_person:
            roles.append(SeatRole.RESOURCE_PERSON)
        if self.is_ambassador:
            roles.append(SeatRole.AMBASSADOR)
        return roles

    @property
    def language_codes(self):
        return self.languages.split()

    def is_experienced(self, dialogues_held, threshold):
        """By the admin's word if given, else by the dialogues held."""
        if self.experienced_override is not None:
            return self.experienced_override
        return dialogues_held >= threshold


class AvailabilityRule(db.Model):
    """A weekly window a person is usually free (weekday 0 = Monday), in Copenhagen time."""

    __tablename__ = "availability_rules"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Who has a window holding a weekday's hours, read from the index alone (free_times).
        sa.Index("ix_availability_rules_window", "weekday", "starts_at", "ends_at", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    person: Mapped[Person] = relationship(back_populates="availability_rules")


class AwayPeriod(db.Model):
    __tablename__ = "away_periods"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    person: Mapped[Person] = relationship(back_populates="away_periods")
