"""Attendance: head counts per event, recorded once and corrected with the correction logged."""

from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..models import Attendance
from ..models.enums import EventStatus
from . import audit, evaluations
from .errors import AttendanceError
from .transitions import move_event

GROUPS = ("students", "staff", "parents", "other")


def can_record_now(event):
    return event.status != EventStatus.CANCELLED and event.starts_at <= clock.now()


def record_attendance(event, *, by=None, actor_label="", counts, note=""):
    """Record (or correct) how many took part, by group. Only for an event that has started.

    Side effects: the first record moves the event to held (audit "event.held"), writes audit
    "attendance.recorded" and mails the requester their evaluation link; a later one is a
    correction, audit "attendance.corrected" with the counts before and after and who
    corrected them.
    """
    if event.status == EventStatus.CANCELLED:
        raise AttendanceError(
            _l("Arrangementet er aflyst, så der er intet fremmøde at registrere.")
        )
    if event.starts_at > clock.now():
        raise AttendanceError(_l("Fremmøde kan først registreres, når arrangementet er begyndt."))
    if any(counts.get(group, 0) < 0 for group in GROUPS):
        raise AttendanceError(_l("Antal kan ikke være negativt."))
    if sum(counts.get(group, 0) for group in GROUPS) == 0:
        raise AttendanceError(_l("Skriv, hvor mange der deltog."))
    attendance = event.attendance
    if attendance is None:
        attendance = Attendance(
            event=event,
            recorded_by_id=by.id if by else None,
            recorded_at=clock.now(),
            note=note.strip(),
            **{group: counts.get(group, 0) for group in GROUPS},
        )
        db.session.add(attendance)
        if event.status == EventStatus.PLANNED:
            move_event(event, EventStatus.HELD)
            db.session.flush()
            audit.record(
                "event.held",
                event,
                by=by,
                actor_label=actor_label,
                after={"status": "held", "version": event.version},
            )
        db.session.flush()
        audit.record(
            "attendance.recorded",
            attendance,
            by=by,
            actor_label=actor_label,
            after=audit.snapshot(attendance, [*GROUPS, "note"]),
        )
        evaluations.invite_requester(event)
        return attendance
    before = audit.snapshot(attendance, [*GROUPS, "note"])
    for group in GROUPS:
        setattr(attendance, group, counts.get(group, 0))
    attendance.note = note.strip()
    attendance.corrected_at = clock.now()
    db.session.flush()
    audit.record(
        "attendance.corrected",
        attendance,
        by=by,
        actor_label=actor_label,
        before=before,
        after=audit.snapshot(attendance, [*GROUPS, "note"]),
    )
    return attendance
