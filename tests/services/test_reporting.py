"""What counts in the yearly report, rule by rule (services/reporting.py)."""

from datetime import date, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, SupportCourse, SupportCourseKind, Target
from portal.models.enums import AssignmentStatus, EventStatus, Metric, SeatRole
from portal.services import attendance, reporting
from tests.factories import make_assignment, make_event, make_person, make_user
from tests.report_year import TARGETS, build_year, expected


def _figures(year, today=None):
    report = reporting.build_report(year, today=today or date(year + 1, 6, 1))
    return {row.metric: row for row in report.metrics}


def _talk(starts_at, **counts):
    event = make_event(kind="talk", starts_at=starts_at, minutes=20)
    attendance.record_attendance(event, by=make_user(), counts=counts or {"staff": 10})
    db.session.commit()
    return event


def test_the_hand_built_year_gives_every_known_answer():
    year = build_year()
    report = reporting.build_report(year, today=date(year + 1, 2, 1))
    from portal.services import report_export

    tables = {t.slug: t.rows for t in report_export.tables(report)}
    assert tables == expected(year)


def test_an_event_at_2330_on_new_years_eve_copenhagen_time_counts_in_that_year():
    year = clock.today().year - 1
    _talk(clock.local(year, 12, 31, 23, 30))
    _talk(clock.local(year + 1, 1, 1, 0, 30))  # 31 December 23.30 in UTC, next year here
    assert _figures(year)[Metric.TALKS_HELD].figure == 1
    assert _figures(year + 1, today=date(year + 1, 1, 2))[Metric.TALKS_HELD].figure == 1


def test_participants_are_the_corrected_attendance_not_the_expected_number():
    year = clock.today().year - 1
    event = _talk(clock.local(year, 3, 1, 10), staff=40)
    attendance.record_attendance(event, by=make_user(), counts={"staff": 12, "parents": 3})
    db.session.commit()
    assert _figures(year)[Metric.TALK_PARTICIPANTS].figure == 15


def test_a_dialogues_students_are_its_recorded_pupils_only():
    year = clock.today().year - 1
    event = make_event(kind="dialogue", starts_at=clock.local(year, 4, 1, 9))
    attendance.record_attendance(event, by=make_user(), counts={"students": 22, "staff": 3})
    db.session.commit()
    figures = _figures(year)
    assert figures[Metric.DIALOGUES_HELD].figure == 1
    assert figures[Metric.DIALOGUE_STUDENTS].figure == 22


def test_cancelled_and_unrecorded_events_never_count():
    year = clock.today().year - 1
    make_event(kind="talk", starts_at=clock.local(year, 5, 1, 10), status=EventStatus.CANCELLED)
    make_event(kind="talk", starts_at=clock.local(year, 5, 2, 10))  # attendance never recorded
    report = reporting.build_report(year, today=date(year + 1, 1, 5))
    assert {m.metric: m.figure for m in report.metrics}[Metric.TALKS_HELD] == 0
    talks = next(row for row in report.by_offer_kind if row.key == "talk")
    assert talks["cancelled"] == 1
    assert report.cancelled_total == 1


def test_targets_come_from_the_years_own_rows_only():
    year = clock.today().year - 1
    figures = _figures(year)
    assert all(row.target is None for row in figures.values())  # 2014 targets not carried
    report = reporting.build_report(year)
    assert not report.has_targets
    db.session.add(Target(year=year, metric=Metric.TALKS_HELD, value=7))
    db.session.commit()
    assert _figures(year)[Metric.TALKS_HELD].target == 7


@pytest.mark.parametrize(
    ("figure", "target", "share", "forecast", "on_track", "missing"),
    [
        (5, 10, 0.5, None, True, 0),  # exactly the pace
        (4, 10, 0.5, None, False, 1),  # one short of the pace
        (2, 10, 0.5, 10, True, 0),  # behind, but planned and staffed events reach the target
        (2, 10, 0.5, 9, False, 3),
        (0, 10, 1 / 365, None, False, 1),  # 1 January: the pace asks for a start
        (10, 10, 1.0, None, True, 0),
    ],
)
def test_the_pace_rule(figure, target, share, forecast, on_track, missing):
    row = reporting.MetricRow(
        metric=Metric.TALKS_HELD,
        figure=figure,
        target=target,
        forecast=forecast,
        share_of_year=share,
        rule="",
    )
    assert row.on_track is on_track
    assert row.missing == missing


def test_share_of_year_gone():
    assert reporting.share_of_year_gone(2025, date(2026, 3, 1)) == 1.0
    assert reporting.share_of_year_gone(2027, date(2026, 3, 1)) == 0.0
    assert reporting.share_of_year_gone(2026, date(2026, 1, 1)) == pytest.approx(1 / 365)
    assert reporting.share_of_year_gone(2026, date(2026, 12, 31)) == 1.0


def test_planned_and_fully_staffed_events_count_towards_the_pace_only():
    year = clock.today().year + 1
    late_in_the_year = date(year, 12, 1)  # the pace asks for 0.92 of the target by now
    db.session.add(Target(year=year, metric=Metric.TALKS_HELD, value=1))
    db.session.commit()
    staffed = make_event(kind="talk", starts_at=clock.local(year, 12, 10, 10))
    seat = make_assignment(
        staffed, make_person(), status=AssignmentStatus.ACCEPTED, seat_role=SeatRole.RESOURCE_PERSON
    )
    make_event(kind="talk", starts_at=clock.local(year, 12, 11, 10))  # not staffed
    row = _figures(year, today=late_in_the_year)[Metric.TALKS_HELD]
    assert (row.figure, row.forecast, row.on_track, row.missing) == (0, 1, True, 0)
    # Without its accepted seat the event is not fully staffed: behind, one missing.
    seat.status = AssignmentStatus.DECLINED
    db.session.commit()
    row = _figures(year, today=late_in_the_year)[Metric.TALKS_HELD]
    assert (row.figure, row.forecast, row.on_track, row.missing) == (0, 0, False, 1)


def test_support_courses_count_in_the_year_they_start_by_the_kinds_metric():
    year = clock.today().year - 1
    kinds = {k.code: k for k in db.session.scalars(db.select(SupportCourseKind))}
    for code, started in [
        ("mentor", date(year, 1, 1)),
        ("mentor", date(year, 12, 31)),
        ("mentor", date(year - 1, 12, 31)),
        ("home_visit", date(year, 6, 1)),  # a kind without a target
    ]:
        db.session.add(SupportCourse(kind=kinds[code], started_on=started))
    db.session.commit()
    figures = _figures(year)
    assert figures[Metric.MENTOR_COURSES].figure == 2
    assert figures[Metric.PARENT_COACHING_COURSES].figure == 0


def test_copy_targets_copies_last_years_values_with_an_audit_entry():
    year = clock.today().year + 1
    admin = make_user(role="admin")
    for metric, value in TARGETS.items():
        db.session.add(Target(year=year - 1, metric=metric, value=value))
    db.session.commit()
    reporting.copy_targets(year, by=admin)
    db.session.commit()
    copied = {
        t.metric: t.value for t in db.session.scalars(db.select(Target).where(Target.year == year))
    }
    assert copied == TARGETS
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "targets.copied"))
    assert entry.actor_id == admin.id and entry.object_id == year
    with pytest.raises(reporting.ReportingError):
        reporting.copy_targets(year, by=admin)


def test_the_report_runs_a_fixed_number_of_queries(count_queries):
    year = build_year()
    with count_queries() as counted:
        reporting.build_report(year)
    assert counted.count <= 9, "\n\n".join(counted.statements)


def test_years_with_data_reach_from_the_first_event_to_this_year():
    make_event(kind="talk", starts_at=clock.now() - timedelta(days=800))
    years = reporting.years_with_data()
    assert years[0] == clock.today().year
    assert years[-1] == (clock.now() - timedelta(days=800)).astimezone(clock.COPENHAGEN).year
