"""What requesters send: organisations, contacts, requests and the dates they propose."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow
from .enums import (
    Administration,
    Audience,
    CallbackTime,
    ConcernKind,
    DateProposalSource,
    OrganisationKind,
    RequestStatus,
)
from .reference import DeclineReason, District, OfferKind, SspCommittee, Topic


class Organisation(db.Model):
    """A school, NGO, SSP team or municipal unit. Recognised again by (name_key, kind)."""

    __tablename__ = "organisations"
    __table_args__ = (sa.UniqueConstraint("name_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Lower-cased, whitespace-collapsed name: "Husum  Skole" and "husum skole" are one school.
    name_key: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    # Only an SSP organisation has one (none when it did not say, or before committees existed).
    ssp_committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ssp_committees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    district: Mapped[District | None] = relationship()
    ssp_committee: Mapped[SspCommittee | None] = relationship()

    @staticmethod
    def key_for(name):
        return " ".join(name.split()).casefold()


class Contact(db.Model):
    """The requester's contact details, per request; anonymised after the retention period."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Request(db.Model):
    __tablename__ = "requests"
    __table_args__ = (
        sa.CheckConstraint(
            "expected_participants >= 1 AND expected_participants <= 500",
            name="participants_range",
        ),
        # On PostgreSQL the inbox and the report read what they count, group by and join on
        # from these indexes alone (index-only scans), never every row of the table
        # (bench/plans/): the requests of a status, a year's requests, and any request by id.
        sa.Index("ix_requests_status", "status", postgresql_include=["id"]),
        sa.Index(
            "ix_requests_submitted_at",
            "submitted_at",
            postgresql_include=["id", "status", "decline_reason_id", "organisation_id", "topic_id"],
        ),
        sa.Index(
            "ix_requests_id_covering",
            "id",
            postgresql_include=[
                "organisation_id",
                "contact_id",
                "topic_id",
                "offer_kind_id",
                "status",
                "submitted_at",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, "audience"))
    grade: Mapped[str] = mapped_column(sa.String(40), default="")
    expected_participants: Mapped[int]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    online: Mapped[bool] = mapped_column(default=False)
    # The meeting link the requester suggests for an online event; scheduling copies it.
    meeting_url: Mapped[str] = mapped_column(sa.String(500), default="")
    language: Mapped[str] = mapped_column(sa.String(10), default="da")
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="")
    # What those who come should know (entrance, room, parking), as the requester suggests it;
    # planning copies it to the event's practical information.
    practical_info: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.SUBMITTED
    )
    # Random, unguessable (>= 128 bits); the emailed link carries it signed, with an expiry.
    tracking_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    decline_reason_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decline_reasons.id"))
    decline_note: Mapped[str] = mapped_column(sa.Text, default="")
    withdraw_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The locale the requester used, so emails to them speak their language.
    locale: Mapped[str] = mapped_column(sa.String(5), default="da")
    # Counsel about a concern (BookingForm.CONCERN): what it is about, where the member of staff
    # works, when to call, and the day the secretariat talked it through. Never who it is about.
    concern_kind: Mapped[ConcernKind | None] = mapped_column(
        enum_column(ConcernKind, "concern_kind")
    )
    administration: Mapped[Administration | None] = mapped_column(
        enum_column(Administration, "administration")
    )
    callback_time: Mapped[CallbackTime | None] = mapped_column(
        enum_column(CallbackTime, "callback_time")
    )
    counselled_on: Mapped[date | None]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Direkte booking: the requester took a free time, and the event was planned at once.
    booked_instantly: Mapped[bool] = mapped_column(default=False)
    # When the requester last changed something an event was already planned with; cleared when
    # the secretariat has seen it ("Ændret af bestilleren" in what needs action).
    changed_by_requester_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    offer_kind: Mapped[OfferKind] = relationship()
    topic: Mapped[Topic | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact] = relationship()
    decline_reason: Mapped[DeclineReason | None] = relationship()
    date_proposals: Mapped[list["DateProposal"]] = relationship(
        back_populates="request", order_by="(DateProposal.created_at, DateProposal.id)"
    )
    # The event scheduled for this request, if any (one at most: events.request_id is unique).
    event: Mapped["Event | None"] = relationship(  # noqa: F821
        back_populates="request", uselist=False, foreign_keys="Event.request_id"
    )


class DateProposal(db.Model):
    """A set of preferred dates: the request's first wishes, or a later "another date, please"."""

    __tablename__ = "date_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[DateProposalSource] = mapped_column(
        enum_column(DateProposalSource, "date_proposal_source")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[Request] = relationship(back_populates="date_proposals")
    dates: Mapped[list["ProposedDate"]] = relationship(
        back_populates="proposal", order_by="ProposedDate.starts_on", cascade="all, delete-orphan"
    )


class ProposedDate(db.Model):
    """One preferred date, or a period (starts_on..ends_on) that suits the requester."""

    __tablename__ = "proposed_dates"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("date_proposals.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    time_note: Mapped[str] = mapped_column(sa.String(120), default="")

    proposal: Mapped[DateProposal] = relationship(back_populates="dates")
