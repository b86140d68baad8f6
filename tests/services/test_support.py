"""Anonymous support courses and the admin data of the report: each change audited."""

from datetime import date

import pytest

from portal.extensions import db
from portal.models import AuditEntry, BudgetLine, EventFee, SupportCourseFee, SupportCourseKind
from portal.models.enums import FundingSource, Metric
from portal.services import reference, support
from tests.factories import make_user, offer_kind


def _kind(code):
    return db.session.scalar(db.select(SupportCourseKind).where(SupportCourseKind.code == code))


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_a_hidden_kind_cannot_be_recorded_but_its_courses_stay():
    staff, admin = make_user(), make_user(role="admin")
    mentor = _kind("mentor")
    course = support.record_support_course(by=staff, kind=mentor, started_on=date(2025, 1, 5))
    reference.set_support_course_kind_active(mentor, by=admin, active=False)
    with pytest.raises(support.SupportCourseError):
        support.record_support_course(by=staff, kind=mentor, started_on=date(2025, 2, 5))
    assert course.kind is mentor
    assert mentor not in support.active_kinds()
    assert _actions() == ["support_course.recorded", "support_course_kind.hidden"]


def test_an_end_before_the_start_is_refused():
    course = support.record_support_course(
        by=make_user(), kind=_kind("parent_coaching"), started_on=date(2025, 3, 1)
    )
    with pytest.raises(support.SupportCourseError):
        support.end_support_course(course, by=make_user(), ended_on=date(2025, 2, 1))
    assert course.ended_on is None


def test_a_new_kind_gets_a_code_of_its_own_and_no_metric():
    kind = reference.add_support_course_kind(by=make_user(role="admin"), name_da="Hjemmebesøg 2")
    assert kind.code == "hjemmebesoeg_2" and kind.metric is None
    with pytest.raises(reference.ReferenceDataError):
        reference.add_support_course_kind(by=make_user(role="admin"), name_da="Hjemmebesøg 2")
    assert _kind("mentor").metric == Metric.MENTOR_COURSES


def test_a_course_fee_is_set_changed_and_removed_and_only_a_change_is_logged():
    admin = make_user(role="admin")
    line = reference.add_budget_line(
        by=admin,
        year=2030,
        name_da="Mentorer",
        amount_ore=250_000_00,
        source=FundingSource.MINISTRY,
    )
    assert line.source == FundingSource.MINISTRY
    mentor = _kind("mentor")
    changed = [
        reference.set_course_fee(line, by=admin, kind=mentor, fee_ore=fee)
        for fee in (0, 20_000_00, 20_000_00, 25_000_00, 0)
    ]
    assert changed == [False, True, False, True, True]
    assert db.session.scalars(db.select(SupportCourseFee)).all() == []
    logged = [
        (e.before["fee_ore"], e.after["fee_ore"], e.after["support_course_kind"])
        for e in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.action == "course_fee.set")
            .order_by(AuditEntry.id)
        )
    ]
    assert logged == [
        (0, 20_000_00, "mentor"),
        (20_000_00, 25_000_00, "mentor"),
        (25_000_00, 0, "mentor"),
    ]
    with pytest.raises(reference.ReferenceDataError):
        reference.set_course_fee(line, by=admin, kind=mentor, fee_ore=-1)


def test_a_fee_is_set_changed_and_removed_with_an_audit_entry_each_time():
    admin = make_user(role="admin")
    line = reference.add_budget_line(
        by=admin, year=2030, name_da="Drift", name_en="", amount_ore=100_000_00
    )
    talk = offer_kind("talk")
    for fee in (2_000_00, 2_500_00, 0):
        reference.set_event_fee(line, by=admin, offer_kind=talk, fee_ore=fee)
    assert db.session.scalars(db.select(EventFee)).all() == []
    fees = [
        (e.before["fee_ore"], e.after["fee_ore"])
        for e in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.action == "event_fee.set")
            .order_by(AuditEntry.id)
        )
    ]
    assert fees == [(0, 2_000_00), (2_000_00, 2_500_00), (2_500_00, 0)]
    assert db.session.get(BudgetLine, line.id).name_en == "Drift"
