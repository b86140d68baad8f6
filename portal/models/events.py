"""Events, their sessions, the assignments that staff them, and attendance."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow
from .enums import AssignmentStatus, CancelledBy, EventStatus, SeatRole
from .people import Person
from .reference import DeclineReason, OfferKind
from .requests import Request


class Event(db.Model):
    """A scheduled talk, dialogue or advisory course; `version` guards against lost updates."""

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Those awaiting attendance: planned (or held) and ended, a range of this index.
        sa.Index("ix_events_status_ends_at", "status", "ends_at"),
        # A year's events for the report, read from the index alone on PostgreSQL (an
        # index-only scan of the range, never every event: bench/plans/report.txt).
        sa.Index(
            "ix_events_starts_at",
            "starts_at",
            postgresql_include=["id", "offer_kind_id", "status", "request_id"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id"), index=True)
    # One event per request; VINK's own talks have none.
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requests.id"), unique=True)
    # The request a cancelled event was for, once the request was planned again and a new event
    # took its place: the old one keeps its organisation and stays in the request's history.
    former_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requests.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    # The span of all sessions, kept by the events service for fast range queries.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    online: Mapped[bool] = mapped_column(default=False)
    # Shown to everyone on the event and in every mail about it; the link is https only
    # (services/events.clean_meeting_url), shown as a link and never run.
    practical_info: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.PLANNED, index=True
    )
    cancel_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Set by events.cancel_event; None on an event that is not cancelled, and on one cancelled
    # before the column came whose canceller the migration could not tell.
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(
        enum_column(CancelledBy, "cancelled_by"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A time a requester took by direkte booking is tentative until every seat has said yes
    # (the requester's calendar entry says so); if its seats are not all filled by `staff_by`,
    # it comes first in "Kræver handling".
    tentative: Mapped[bool] = mapped_column(default=False)
    staff_by: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    offer_kind: Mapped[OfferKind] = relationship()
    request: Mapped[Request | None] = relationship(
        back_populates="event", foreign_keys=[request_id]
    )
    former_request: Mapped[Request | None] = relationship(foreign_keys=[former_request_id])
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", order_by="EventSession.starts_at", cascade="all, delete-orphan"
    )
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="event", order_by="(Assignment.seat_role, Assignment.seat_number)"
    )
    attendance: Mapped["Attendance | None"] = relationship(back_populates="event")

    @property
    def for_request(self):
        """The request the event is for, or was for before it was cancelled and the request
        planned again: what to show as its organisation and history. Nobody is told of changes
        through it; a replaced event's requester is the new event's."""
        return self.request if self.request is not None else self.former_request


class EventSession(db.Model):
    """One sitting of an event; an advisory course may have several, a talk has one."""

    __tablename__ = "event_sessions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Indexed: "who is busy then" finds the sessions ending after a time (the future, few).
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    event: Mapped[Event] = relationship(back_populates="sessions")


class Assignment(db.Model):
    """A person offered, holding or having given up one seat (role + number) of an event."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint("seat_number >= 1", name="seat_number_positive"),
        # A seat can never have two accepted assignments.
        sa.Index(
            "uq_assignments_accepted_seat",
            "event_id",
            "seat_role",
            "seat_number",
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        ),
        # A person holds at most one live (offered or accepted) seat per event.
        sa.Index(
            "uq_assignments_live_person",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=sa.text("status IN ('offered', 'accepted')"),
            postgresql_where=sa.text("status IN ('offered', 'accepted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    seat_role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole, "seat_role"))
    seat_number: Mapped[int]
    # Not indexed on its own: five values over every assignment ever made, and SQLite (no
    # statistics) would walk all accepted ones instead of one event's few by event_id.
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, "assignment_status"),
        default=AssignmentStatus.OFFERED,
    )
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decline_reasons.id"))
    decline_note: Mapped[str] = mapped_column(sa.Text, default="")
    # True when the person claimed the seat from the open-seats board.
    claimed: Mapped[bool] = mapped_column(default=False)
    # Secret in the emailed one-tap answer link; the link works while the offer is open.
    answer_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    event: Mapped[Event] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship()
    decline_reason: Mapped[DeclineReason | None] = relationship()

    @property
    def is_live(self):
        """Offered or accepted: the person is (or may soon be) on the event, and so may see
        the requester's details; once declined, lapsed or withdrawn they may not."""
        return self.status in AssignmentStatus.live_states()


class Attendance(db.Model):
    """Head counts for a held event, by group; never names."""

    __tablename__ = "attendances"
    __table_args__ = (
        sa.CheckConstraint(
            "students >= 0 AND staff >= 0 AND parents >= 0 AND other >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    students: Mapped[int] = mapped_column(default=0)
    staff: Mapped[int] = mapped_column(default=0)
    parents: Mapped[int] = mapped_column(default=0)
    other: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="attendance")

    @property
    def total(self):
        return self.students + self.staff + self.parents + self.other
