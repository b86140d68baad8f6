"""Mail, the leaf every service calls and that calls no other service.

- `kinds`: every mail the portal sends, when, to whom, its placeholders and the link it keeps;
- `wording`: each mail's shipped wording, written once, in placeholder form;
- `placeholders` and `filling`: what each placeholder becomes, and a text filled in;
- `outbox`: queued in the transaction of the change that causes it, delivered by the worker.

A service sends a mail with `mail.send(kind, to=..., locale=..., **context)`. The admin's editing
of the wording lives in `services/mail_editor.py`."""

from .filling import current_text, render, stored_text
from .kinds import KINDS, mail_kind
from .outbox import (
    MailError,
    deliver_due,
    mail_health,
    masked_address,
    outbox_overview,
    register_composer,
    send,
)

__all__ = [
    "KINDS",
    "MailError",
    "current_text",
    "deliver_due",
    "mail_health",
    "mail_kind",
    "masked_address",
    "outbox_overview",
    "register_composer",
    "render",
    "send",
    "stored_text",
]
