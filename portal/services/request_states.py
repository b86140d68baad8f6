"""A request's states: the one table of allowed moves every path goes through, and the error a
refused move raises. Its own module, so that scheduling an event (which plans its request) and the
request's services (which cancel its event) need not import each other."""

from flask_babel import lazy_gettext as _l

from ..labels import label
from ..models.enums import RequestStatus
from . import audit
from .errors import DomainError

# Every allowed move of a request's status; every path goes through `move`.
TRANSITIONS = {
    RequestStatus.SUBMITTED: {
        RequestStatus.PLANNING,
        RequestStatus.PLANNED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
        RequestStatus.COUNSELLED,
    },
    RequestStatus.PLANNING: {
        RequestStatus.PLANNED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
        RequestStatus.COUNSELLED,
    },
    # A planned request changes through its event (cancel, then schedule again), not directly.
    RequestStatus.PLANNED: {RequestStatus.WITHDRAWN},
    RequestStatus.DECLINED: set(),
    RequestStatus.WITHDRAWN: set(),
    RequestStatus.COUNSELLED: set(),
}


class RequestError(DomainError):
    """A request cannot make this move; the message says why, in the user's language."""


def move(request, status):
    """Move `request` to `status` if TRANSITIONS allow it; RequestError otherwise."""
    if status not in TRANSITIONS[request.status]:
        raise RequestError(
            _l(
                "Bestillingen kan ikke ændres, fordi den er %(status)s.",
                status=label(request.status),
            )
        )
    request.status = status


def move_request(request, status, *, by, actor_label=""):
    """Move a request through TRANSITIONS. Side effects: audit "request.<status>" (by `by`, or
    `actor_label` naming who acted)."""
    if request.status == status:
        return
    before = audit.snapshot(request, ["status"])
    move(request, status)
    audit.record(
        f"request.{status.value}",
        request,
        by=by,
        actor_label=actor_label,
        before=before,
        after={"status": status.value},
    )
