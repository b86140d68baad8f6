"""All models, importable from one place (and seen by Alembic)."""

from .audit import AuditEntry
from .events import Assignment, Attendance, Event, EventSession
from .outbox import EmailTemplate, OutboxMessage
from .people import AvailabilityRule, AwayPeriod, Person, person_topics
from .reference import ClosedPeriod, DeclineReason, District, OfferKind, StaffingNeed, Topic
from .reporting import SupportCourse, Target
from .requests import Contact, DateProposal, Organisation, ProposedDate, Request
from .users import User

__all__ = [
    "Assignment",
    "Attendance",
    "AuditEntry",
    "AvailabilityRule",
    "AwayPeriod",
    "ClosedPeriod",
    "Contact",
    "DateProposal",
    "DeclineReason",
    "District",
    "EmailTemplate",
    "Event",
    "EventSession",
    "OfferKind",
    "Organisation",
    "OutboxMessage",
    "Person",
    "ProposedDate",
    "Request",
    "StaffingNeed",
    "SupportCourse",
    "Target",
    "Topic",
    "User",
    "person_topics",
]
