"""The states events and assignments move through: one table of allowed moves per entity, and
the one function per entity every path moves it with. An illegal move raises the entity's area
error (an event's SchedulingError, an assignment's OfferError), nothing changed."""

from flask_babel import lazy_gettext as _l

from .. import clock
from ..labels import label
from ..models.enums import AssignmentStatus, EventStatus
from .errors import OfferError, SchedulingError

# Every allowed move of an event's status ("fully staffed" is derived, not stored).
EVENT_TRANSITIONS = {
    EventStatus.PLANNED: {EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}

# Every allowed move of an assignment's status.
ASSIGNMENT_TRANSITIONS = {
    AssignmentStatus.OFFERED: {
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.DECLINED,
        AssignmentStatus.LAPSED,
        AssignmentStatus.WITHDRAWN,
    },
    AssignmentStatus.ACCEPTED: {AssignmentStatus.WITHDRAWN},
    AssignmentStatus.DECLINED: set(),
    AssignmentStatus.LAPSED: set(),
    AssignmentStatus.WITHDRAWN: set(),
}


def can_cancel(event):
    """Whether the transition table lets the event be cancelled (asked before cancelling)."""
    return EventStatus.CANCELLED in EVENT_TRANSITIONS[event.status]


def move_event(event, status):
    """Move the event to `status`, or raise SchedulingError when the table has no such move."""
    if status not in EVENT_TRANSITIONS[event.status]:
        raise SchedulingError(
            _l("Arrangementet er %(status)s og kan ikke ændres sådan.", status=label(event.status))
        )
    event.status = status


def move_assignment(assignment, status):
    """Move the assignment to `status` and note when it was answered, or raise OfferError when
    the table has no such move."""
    if status not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        raise OfferError(
            _l(
                "Forespørgslen er allerede %(status)s.",
                status=str(label(assignment.status)).lower(),
            )
        )
    assignment.status = status
    assignment.responded_at = clock.now()
