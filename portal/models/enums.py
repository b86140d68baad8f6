"""States and kinds as enums, with the named groups the services and templates ask about.

The Danish labels live in `portal/labels.py` (through Babel); code speaks English.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    ASSIGNEE = "assignee"


class OrganisationKind(StrEnum):
    SCHOOL = "school"
    UPPER_SECONDARY = "upper_secondary"
    NGO = "ngo"
    SSP = "ssp"
    # The police's crime-prevention department (Den Kriminalpræventive Afdeling).
    DKA = "dka"
    # Police, social services and psychiatry working together.
    PSP = "psp"
    # A municipal administration (forvaltning) as a whole, not one of its units.
    ADMINISTRATION = "administration"
    MUNICIPAL = "municipal"
    OTHER = "other"

    @classmethod
    def collaboration_kinds(cls):
        """The partners the action plan asks about: do SSP, DKA, PSP and the administrations
        use VINK's offers?"""
        return (cls.SSP, cls.DKA, cls.PSP, cls.ADMINISTRATION)


class Audience(StrEnum):
    STUDENTS = "students"
    STAFF = "staff"
    VOLUNTEERS = "volunteers"
    PARENTS = "parents"
    MIXED = "mixed"


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    PLANNING = "planning"
    PLANNED = "planned"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    # Counsel about a concern: the secretariat has called back and talked it through.
    COUNSELLED = "counselled"

    @classmethod
    def open_states(cls):
        """Requests the secretariat still has to act on or follow."""
        return {cls.SUBMITTED, cls.PLANNING, cls.PLANNED}

    @classmethod
    def closed_states(cls):
        return {cls.DECLINED, cls.WITHDRAWN}


class EventStatus(StrEnum):
    # "Fully staffed" (Bemandet) is derived from the assignments, not stored.
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class CancelledBy(StrEnum):
    """Who cancelled an event: the secretariat, or its requester by withdrawing the booking."""

    SECRETARIAT = "secretariat"
    REQUESTER = "requester"


class BookingForm(StrEnum):
    """What the booking form asks about an offer kind's participants."""

    # A school class: its grade and how many pupils; school holidays warn when scheduling, and
    # the ambassadors are paired by experience.
    CLASS = "class"
    # Adults: who they are (staff, volunteers, parents) and how many.
    ADULTS = "adults"
    # Counsel about a concern: a member of staff asks to be called back; no event, no dates.
    CONCERN = "concern"


class ConcernKind(StrEnum):
    """What a concern is about, as the member of staff sees it (never who it is about)."""

    RELIGIOUS = "religious"
    RIGHT_WING = "right_wing"
    LEFT_WING = "left_wing"
    ONLINE = "online"
    CONFLICT = "conflict"
    UNSURE = "unsure"


class Administration(StrEnum):
    """The seven administrations (forvaltninger) of Copenhagen Municipality, and other."""

    BUF = "buf"
    SOF = "sof"
    KFF = "kff"
    BIF = "bif"
    SUF = "suf"
    TMF = "tmf"
    OKF = "okf"
    OTHER = "other"


class CallbackTime(StrEnum):
    """When a member of staff who asked for counsel would rather be called."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    ANY = "any"


class SeatRole(StrEnum):
    RESOURCE_PERSON = "resource_person"
    AMBASSADOR = "ambassador"


class AssignmentStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"

    @classmethod
    def live_states(cls):
        """An assignment that holds (accepted) or may soon hold (offered) its seat."""
        return {cls.OFFERED, cls.ACCEPTED}


class DeclineReasonScope(StrEnum):
    REQUEST = "request"
    ASSIGNMENT = "assignment"


class ClosedPeriodKind(StrEnum):
    SCHOOL_HOLIDAY = "school_holiday"
    CLOSURE = "closure"


class Metric(StrEnum):
    """What the unit is measured on (Handleplan VINK 2014); yearly values live in `targets`."""

    TALKS_HELD = "talks_held"
    TALK_PARTICIPANTS = "talk_participants"
    ADVISORY_COURSES = "advisory_courses"
    DIALOGUES_HELD = "dialogues_held"
    DIALOGUE_STUDENTS = "dialogue_students"
    MENTOR_COURSES = "mentor_courses"
    PARENT_COACHING_COURSES = "parent_coaching_courses"
    SSP_REQUESTS = "ssp_requests"


class FundingSource(StrEnum):
    """Where a budget line's money comes from: the report's funding history by year."""

    BIU = "biu"  # the municipality's employment and integration committee
    MINISTRY = "ministry"  # the ministry's grant (mentors and parent coaching, until 2015)
    BUDGET_AGREEMENT = "budget_agreement"
    OTHER = "other"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class DateProposalSource(StrEnum):
    REQUESTER = "requester"
    SECRETARIAT = "secretariat"


class EvaluationAudience(StrEnum):
    """Who answers an evaluation form: the requester (one answer per event, by a mailed link)
    or the participants (anonymous, by the event's QR code)."""

    REQUESTER = "requester"
    PARTICIPANT = "participant"


class AnswerKind(StrEnum):
    SCALE = "scale"  # 1-5
    YES_NO = "yes_no"  # 1 yes, 0 no
    TEXT = "text"
