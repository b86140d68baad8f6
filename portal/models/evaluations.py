"""Evaluations: what requesters and participants said about an event, and the assignee's own
reflection. Answers never carry a name, an email or an address (an IP is never stored)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow
from .enums import AnswerKind, EvaluationAudience
from .events import Assignment, Event
from .reference import OfferKind

# The longest free text an evaluation answer or a reflection's note takes (forms and services).
TEXT_LIMIT = 2000


class EvaluationQuestion(db.Model):
    """One question of an offer kind's form for one audience. A question with answers is never
    deleted or changed in kind: it is hidden, and only its wording corrected (audited)."""

    __tablename__ = "evaluation_questions"
    __table_args__ = (sa.Index("ix_evaluation_questions_form", "offer_kind_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_kind_id: Mapped[int] = mapped_column(sa.ForeignKey("offer_kinds.id", ondelete="CASCADE"))
    audience: Mapped[EvaluationAudience] = mapped_column(
        enum_column(EvaluationAudience, "evaluation_audience")
    )
    answer_kind: Mapped[AnswerKind] = mapped_column(enum_column(AnswerKind, "answer_kind"))
    # Which shipped default this is ("overall", "fit", "again", ...); "" for an admin's own.
    # The report's averages and "would book again" read the shipped ones by this key.
    key: Mapped[str] = mapped_column(sa.String(30), default="")
    text_da: Mapped[str] = mapped_column(sa.String(300))
    text_en: Mapped[str] = mapped_column(sa.String(300))
    required: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    offer_kind: Mapped[OfferKind] = relationship()

    def text(self, locale="da"):
        return self.text_en if locale == "en" and self.text_en else self.text_da


class EventEvaluation(db.Model):
    """An event's evaluation: the requester's one-shot link (its secret token, when it was sent
    and reminded) and a row every participant's answer locks before it is counted against the
    cap. Made when attendance is first recorded, or when the first participant answers."""

    __tablename__ = "event_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    requester_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    requester_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requester_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    participant_answers: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()


class EvaluationResponse(db.Model):
    """One filled-in form: the requester's (at most one per event) or a participant's. Who sent
    it is not kept; `flagged` says a free-text answer looked like a name or an address and the
    writer sent it anyway, so it stays off exports."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (
        sa.Index(
            "uq_evaluation_responses_requester",
            "event_id",
            unique=True,
            sqlite_where=sa.text("audience = 'requester'"),
            postgresql_where=sa.text("audience = 'requester'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[EvaluationAudience] = mapped_column(
        enum_column(EvaluationAudience, "evaluation_audience")
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    flagged: Mapped[bool] = mapped_column(default=False)
    # Set by retention when the free text was blanked; the figures stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    answers: Mapped[list["EvaluationAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class EvaluationAnswer(db.Model):
    """One question's answer: a number (1-5 on a scale, 1 yes and 0 no) or a text."""

    __tablename__ = "evaluation_answers"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id"),
        sa.CheckConstraint("value IS NULL OR (value >= 0 AND value <= 5)", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_responses.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_questions.id"), index=True)
    value: Mapped[int | None]
    text: Mapped[str] = mapped_column(sa.Text, default="")

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")
    question: Mapped[EvaluationQuestion] = relationship()


class Reflection(db.Model):
    """An assignee's short reflection after an event: how it went and an optional note to the
    secretariat. One marked `follow_up` is in "Kræver handling" until someone handles it."""

    __tablename__ = "reflections"
    __table_args__ = (sa.CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), unique=True
    )
    rating: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up: Mapped[bool] = mapped_column(default=False, index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship()
