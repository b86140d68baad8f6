"""The audit log. Every state change in every service calls `record`."""

from datetime import date, datetime
from enum import Enum

from ..extensions import db
from ..models import AuditEntry


def snapshot(obj, fields):
    """The JSON-able values of `fields` on `obj`, for an entry's before/after."""
    return {field: _jsonable(getattr(obj, field)) for field in fields}


def record(
    action,
    obj=None,
    *,
    by=None,
    actor_label="",
    before=None,
    after=None,
    object_type=None,
    object_id=None,
):
    """Write one audit entry and flush.

    `by` is the acting User, or None with `actor_label` naming who acted ("requester", "system").
    `obj` gives the object's type and id unless `object_type`/`object_id` are passed.
    """
    entry = AuditEntry(
        actor_id=by.id if by is not None else None,
        actor_label=actor_label or (by.email if by is not None else "system"),
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=object_id if object_id is not None else (obj.id if obj is not None else None),
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def history(object_type, object_id):
    """Entries for one object, oldest first."""
    return db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


def _jsonable(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
