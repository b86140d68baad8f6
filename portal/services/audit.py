"""The audit log. Every state change in every service calls `record`."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum

from .. import clock
from ..extensions import db
from ..models import AuditEntry
from .pages import paginate


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


LOG_PAGE_SIZE = 50


@dataclass
class LogFilters:
    """What the admin narrows the log to; None (or "") means any."""

    who: str = ""  # part of the actor's email or label ("requester", "system")
    object_type: str = ""
    action: str = ""
    from_day: date | None = None  # Copenhagen days, both included
    to_day: date | None = None

    def conditions(self):
        found = []
        if self.who:
            found.append(AuditEntry.actor_label.icontains(self.who, autoescape=True))
        if self.object_type:
            found.append(AuditEntry.object_type == self.object_type)
        if self.action:
            found.append(AuditEntry.action == self.action)
        if self.from_day:
            found.append(AuditEntry.at >= _start_of(self.from_day))
        if self.to_day:
            found.append(AuditEntry.at < _start_of(self.to_day + timedelta(days=1)))
        return found


def _start_of(day):
    return datetime.combine(day, time(), tzinfo=clock.COPENHAGEN).astimezone(UTC)


def log_page(filters, *, page):
    """One page of the audit log, newest first, narrowed by `filters`. Two queries."""
    return paginate(
        db.select(AuditEntry).where(*filters.conditions()),
        order_by=[AuditEntry.at.desc(), AuditEntry.id.desc()],
        page=page,
        per_page=LOG_PAGE_SIZE,
    )


def logged_kinds():
    """(object types, actions) that occur in the log, for the filters. One query each, on the
    few distinct values there are (dozens, whatever the log's length)."""
    types = db.session.scalars(
        db.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    actions = db.session.scalars(
        db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).all()
    return types, actions
