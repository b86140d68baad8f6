"""All models, importable from one place (and seen by Alembic)."""

from .audit import AuditEntry
from .evaluations import (
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    EventEvaluation,
    Reflection,
)
from .events import Assignment, Attendance, Event, EventSession
from .outbox import EmailTemplate, OutboxMessage
from .people import AvailabilityRule, AwayPeriod, Person, person_topics
from .reference import (
    ClosedPeriod,
    DeclineReason,
    District,
    OfferKind,
    SspCommittee,
    StaffingNeed,
    Topic,
)
from .reporting import (
    BudgetLine,
    EventFee,
    OfferKindTarget,
    SupportCourse,
    SupportCourseFee,
    SupportCourseKind,
    Target,
)
from .requests import Contact, DateProposal, Organisation, ProposedDate, Request
from .users import RecoveryCode, SignInRule, User

__all__ = [
    "Assignment",
    "Attendance",
    "AuditEntry",
    "AvailabilityRule",
    "AwayPeriod",
    "BudgetLine",
    "ClosedPeriod",
    "Contact",
    "DateProposal",
    "DeclineReason",
    "District",
    "EmailTemplate",
    "EvaluationAnswer",
    "EvaluationQuestion",
    "EvaluationResponse",
    "Event",
    "EventEvaluation",
    "EventFee",
    "EventSession",
    "OfferKind",
    "OfferKindTarget",
    "Organisation",
    "OutboxMessage",
    "Person",
    "ProposedDate",
    "RecoveryCode",
    "Reflection",
    "Request",
    "SignInRule",
    "SspCommittee",
    "StaffingNeed",
    "SupportCourse",
    "SupportCourseFee",
    "SupportCourseKind",
    "Target",
    "Topic",
    "User",
    "person_topics",
]
