"""Anonymous 1-1 support (mentoring, parent coaching, home visits ...): the secretariat records
each course as a count. Nothing that identifies the citizen is ever taken in."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import SupportCourse, SupportCourseKind
from . import audit

RECENT = 25
FIELDS = ["kind_id", "started_on", "ended_on", "district_id"]


class SupportCourseError(Exception):
    """The course cannot be recorded as given; the message says why."""


def active_kinds():
    return db.session.scalars(
        db.select(SupportCourseKind)
        .where(SupportCourseKind.active)
        .order_by(SupportCourseKind.sort_order, SupportCourseKind.id)
    ).all()


def recent_courses(limit=RECENT):
    """The latest recorded courses (newest start first), at most `limit`, and how many exist."""
    courses = db.session.scalars(
        db.select(SupportCourse)
        .options(db.joinedload(SupportCourse.kind), db.joinedload(SupportCourse.district))
        .order_by(SupportCourse.started_on.desc(), SupportCourse.id.desc())
        .limit(limit)
    ).all()
    total = db.session.scalar(db.select(db.func.count(SupportCourse.id)))
    return courses, total


def record_support_course(*, by, kind, started_on, ended_on=None, district=None):
    """Side effects: audit "support_course.recorded" (kind, dates, district: nothing else)."""
    if not kind.active:
        raise SupportCourseError(_l("Vælg en type, der er i brug."))
    if ended_on is not None and ended_on < started_on:
        raise SupportCourseError(_l("Slutdatoen skal være samme dag som startdatoen eller senere."))
    course = SupportCourse(kind=kind, started_on=started_on, ended_on=ended_on, district=district)
    db.session.add(course)
    db.session.flush()
    audit.record("support_course.recorded", course, by=by, after=audit.snapshot(course, FIELDS))
    return course


def end_support_course(course, *, by, ended_on):
    """Side effects: audit "support_course.ended" with the end date before and after."""
    if ended_on < course.started_on:
        raise SupportCourseError(_l("Slutdatoen skal være samme dag som startdatoen eller senere."))
    before = audit.snapshot(course, ["ended_on"])
    course.ended_on = ended_on
    db.session.flush()
    audit.record(
        "support_course.ended",
        course,
        by=by,
        before=before,
        after=audit.snapshot(course, ["ended_on"]),
    )
    return course
