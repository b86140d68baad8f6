"""Mail: the leaf every service calls to send a mail, and that calls no other service."""

from .outbox import (
    COMPOSERS,
    MailError,
    deliver_due,
    mail_health,
    masked_address,
    outbox_overview,
    queue_composed,
    queue_email,
    render_templated,
)
from .outbox import queue_templated as send

__all__ = [
    "COMPOSERS",
    "MailError",
    "deliver_due",
    "mail_health",
    "masked_address",
    "outbox_overview",
    "queue_composed",
    "queue_email",
    "render_templated",
    "send",
]
