"""What counts in the yearly report, rule by rule (services/reporting.py)."""

from datetime import date, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    BudgetLine,
    District,
    EventFee,
    SupportCourse,
    SupportCourseKind,
    Target,
)
from portal.models.enums import (
    AssignmentStatus,
    Audience,
    EventStatus,
    Metric,
    OrganisationKind,
    SeatRole,
)
from portal.services import attendance, reporting
from tests.factories import (
    make_assignment,
    make_event,
    make_person,
    make_request,
    make_user,
    offer_kind,
)
from tests.report_year import build_year, expected


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


def test_the_report_runs_a_fixed_number_of_queries(count_queries):
    year = build_year()
    with count_queries() as counted:
        reporting.build_report(year)
    # 9, and one for the evaluations' figures (services/evaluation_report.py).
    assert counted.count <= 10, "\n\n".join(counted.statements)


def test_years_with_data_reach_from_the_first_event_to_this_year():
    make_event(kind="talk", starts_at=clock.now() - timedelta(days=800))
    years = reporting.years_with_data()
    assert years[0] == clock.today().year
    assert years[-1] == (clock.now() - timedelta(days=800)).astimezone(clock.COPENHAGEN).year


def test_the_report_offers_every_year_from_2010_to_next_year_and_any_year_with_data_beyond():
    today = clock.today()
    assert reporting.report_years() == list(range(today.year + 1, 2009, -1))
    make_event(kind="talk", starts_at=clock.local(2008, 3, 1, 10))
    make_event(kind="talk", starts_at=clock.local(today.year + 3, 3, 1, 10))
    assert reporting.report_years() == list(range(today.year + 3, 2007, -1))


def test_a_hidden_offer_kind_is_in_the_report_only_for_a_year_it_has_events_in():
    competence = offer_kind("competence")
    assert not competence.active
    year = clock.today().year
    assert "competence" not in [row.key for row in reporting.build_report(year).by_offer_kind]
    make_event(kind="competence", starts_at=clock.local(year, 3, 1, 10))
    assert "competence" in [row.key for row in reporting.build_report(year).by_offer_kind]
    assert "competence" not in [row.key for row in reporting.build_report(year - 1).by_offer_kind]


# --- every figure at its boundaries -------------------------------------------------------------

EVENT_FIGURES = [
    Metric.TALKS_HELD,
    Metric.TALK_PARTICIPANTS,
    Metric.ADVISORY_COURSES,
    Metric.DIALOGUES_HELD,
    Metric.DIALOGUE_STUDENTS,
]
KINDS = ("talk", "dialogue", "advisory")


def _ssp_request(kind, **overrides):
    """A request from an SSP organisation (so it shows in the SSP figure and the breakdowns)."""
    values = {
        "offer_kind": offer_kind(kind),
        "organisation_name": "SSP Amager",
        "organisation_kind": OrganisationKind.SSP,
        "district": db.session.scalar(db.select(District).where(District.name == "Amager Øst")),
        "audience": Audience.STUDENTS if kind == "dialogue" else Audience.STAFF,
        "grade": "8. klasse" if kind == "dialogue" else "",
    }
    return make_request(**(values | overrides))


def _year_figures(report):
    """Every count of events in the report (held, their participants, planned, cancelled) and
    the metrics' figures, by name."""
    kinds = {row.key: row for row in report.by_offer_kind}
    return {
        **{metric: row.figure for metric, row in _metrics(report).items()},
        **{f"{code} held": kinds[code]["held"] for code in KINDS},
        **{f"{code} participants": kinds[code]["participants"] for code in KINDS},
        "held in total": report.held_total,
        "held per month": [row["held"] for row in report.months],
        "planned per month": [row["planned"] for row in report.months],
        "cancelled in total": report.cancelled_total,
        "held per organisation kind": sum(row["held"] for row in report.by_org_kind),
        "participants per organisation kind": sum(r["participants"] for r in report.by_org_kind),
        "held per district": sum(row["held"] for row in report.by_district),
        "held per topic": sum(row["held"] for row in report.by_topic),
        "events in the budget": sum(row["events"] for row in report.budget),
        "estimated spend": sum(row["estimate_ore"] for row in report.budget),
    }


def _metrics(report):
    return {row.metric: row for row in report.metrics}


def _budget_with_fees(year):
    line = BudgetLine(year=year, name_da="Drift", name_en="Operations", amount_ore=100_000_00)
    db.session.add(line)
    for code in KINDS:
        db.session.add(EventFee(budget_line=line, offer_kind=offer_kind(code), fee_ore=1_000_00))
    db.session.commit()


# Every figure of the report besides the metrics, as a year with nothing held shows them.
NOTHING_HELD = {
    "talk held": 0,
    "dialogue held": 0,
    "advisory held": 0,
    "talk participants": 0,
    "dialogue participants": 0,
    "advisory participants": 0,
    "held in total": 0,
    "held per month": [0] * 12,
    "planned per month": [0] * 12,
    "cancelled in total": 0,
    "held per organisation kind": 0,
    "participants per organisation kind": 0,
    "held per district": 0,
    "held per topic": 0,
    "events in the budget": 0,
    "estimated spend": 0,
}


def test_midnight_on_new_years_day_copenhagen_time_counts_in_the_new_year_and_not_the_old():
    old = clock.today().year - 1
    new = old + 1
    midnight = clock.local(new, 1, 1, 0, 0)  # 23.00 UTC on 31 December: the old year in UTC
    for year in (old, new):
        _budget_with_fees(year)
    staff = make_user()
    talk_request = _ssp_request("talk")
    talk_request.submitted_at = midnight
    for kind, counts, request in [
        ("talk", {"staff": 12}, talk_request),
        ("dialogue", {"students": 21, "staff": 2}, None),
        ("advisory", {"staff": 7}, None),
    ]:
        event = make_event(kind=kind, starts_at=midnight, request=request)
        attendance.record_attendance(event, by=staff, counts=counts)
    make_event(kind="talk", starts_at=midnight, status=EventStatus.CANCELLED)
    make_event(kind="dialogue", starts_at=midnight)  # planned, attendance not yet recorded
    kinds = {k.code: k for k in db.session.scalars(db.select(SupportCourseKind))}
    for code in ("mentor", "parent_coaching"):
        db.session.add(SupportCourse(kind=kinds[code], started_on=date(new, 1, 1)))
    db.session.commit()

    old_report = reporting.build_report(old, today=date(new, 6, 1))
    assert _year_figures(old_report) == {**dict.fromkeys(Metric, 0), **NOTHING_HELD}
    assert old_report.requests["received"] == 0
    assert sum(row["requests"] for row in old_report.by_org_kind) == 0

    new_report = reporting.build_report(new, today=date(new, 6, 1))
    assert _year_figures(new_report) == {
        Metric.TALKS_HELD: 1,
        Metric.TALK_PARTICIPANTS: 12,
        Metric.ADVISORY_COURSES: 1,
        Metric.DIALOGUES_HELD: 1,
        Metric.DIALOGUE_STUDENTS: 21,
        Metric.MENTOR_COURSES: 1,
        Metric.PARENT_COACHING_COURSES: 1,
        Metric.SSP_REQUESTS: 1,
        "talk held": 1,
        "dialogue held": 1,
        "advisory held": 1,
        "talk participants": 12,
        "dialogue participants": 23,
        "advisory participants": 7,
        "held in total": 3,
        "held per month": [3] + [0] * 11,
        "planned per month": [1] + [0] * 11,
        "cancelled in total": 1,
        "held per organisation kind": 3,
        "participants per organisation kind": 42,
        "held per district": 3,
        "held per topic": 3,
        "events in the budget": 3,
        "estimated spend": 3_000_00,
    }
    assert new_report.requests["received"] == 1


def test_an_event_marked_held_without_recorded_attendance_counts_nowhere_as_held():
    year = clock.today().year - 1
    _budget_with_fees(year)
    for kind in KINDS:
        make_event(
            kind=kind,
            starts_at=clock.local(year, 3, 10, 10),
            status=EventStatus.HELD,  # but nobody has recorded who came
            request=_ssp_request(kind),
        )
    report = reporting.build_report(year, today=date(year + 1, 6, 1))
    figures = _year_figures(report)
    assert {name: figures[name] for name in EVENT_FIGURES} == dict.fromkeys(EVENT_FIGURES, 0)
    assert {
        name: value for name, value in figures.items() if not isinstance(name, Metric)
    } == NOTHING_HELD
    assert [_metrics(report)[m].forecast for m in EVENT_FIGURES] == [0] * len(EVENT_FIGURES)
    assert report.average_attendance == 0


# (kind, the seats accepted of those it needs, the held metric, the participants metric)
STAFFING = [
    pytest.param("talk", 0, Metric.TALKS_HELD, Metric.TALK_PARTICIPANTS, id="talk-nobody-yet"),
    pytest.param(
        "dialogue", 1, Metric.DIALOGUES_HELD, Metric.DIALOGUE_STUDENTS, id="dialogue-1-of-2"
    ),
    pytest.param("advisory", 0, Metric.ADVISORY_COURSES, None, id="advisory-nobody-yet"),
]


@pytest.mark.parametrize(("kind", "accepted", "held", "participants"), STAFFING)
def test_a_planned_event_not_fully_staffed_adds_nothing_to_the_forecast(
    kind, accepted, held, participants
):
    year = clock.today().year + 1
    event = make_event(
        kind=kind,
        starts_at=clock.local(year, 3, 10, 10),
        request=_ssp_request(kind, expected_participants=40),
    )
    seats_needed = sum(n.count for n in event.offer_kind.staffing_needs)
    for number in range(1, accepted + 1):
        make_assignment(event, make_person(is_ambassador=True), seat_number=number)
    # The next seat said no to by one person and asked of another: it staffs nothing yet.
    make_assignment(event, seat_number=accepted + 1, status=AssignmentStatus.DECLINED)
    asked = make_assignment(event, seat_number=accepted + 1, status=AssignmentStatus.OFFERED)
    metrics = _metrics(reporting.build_report(year, today=date(year, 1, 1)))
    assert {m: (metrics[m].figure, metrics[m].forecast) for m in EVENT_FIGURES} == dict.fromkeys(
        EVENT_FIGURES, (0, 0)
    )

    # Once every seat is accepted, the event is forecast, with its expected participants.
    asked.status = AssignmentStatus.ACCEPTED
    db.session.commit()
    for number in range(accepted + 2, seats_needed + 1):
        make_assignment(event, make_person(is_ambassador=True), seat_number=number)
    metrics = _metrics(reporting.build_report(year, today=date(year, 1, 1)))
    forecast = {m: metrics[m].forecast for m in EVENT_FIGURES}
    assert forecast[held] == 1
    if participants is not None:
        assert forecast[participants] == 40
    assert sum(forecast.values()) == 1 + (40 if participants else 0)


# --- SSP per local committee --------------------------------------------------------------------


def _ssp_year():
    """Last year, SSP organisations of two committees, a hidden one and none; every figure known.

    SSP Valby: talk held (30), advisory declined, dialogue withdrawn -> 3 received, 1 counted,
    1 held, 30 participants. SSP Nørrebro: a talk still waiting, and a talk asked for the year
    before and held in the year (12) -> 1, 1, 1, 12. SSP Østerbro (hidden since): one waiting
    -> 1, 1, 0, 0. SSP Amager, no committee: a talk held (20) -> 1, 1, 1, 20. A school, whatever
    it has, is no SSP organisation and in no row."""
    from portal.models import Contact, Organisation, Request, SspCommittee
    from portal.models.enums import RequestStatus

    y = clock.today().year - 1
    staff = make_user()
    valby, norrebro, osterbro = (
        SspCommittee(name_da=name, name_en=f"{name} (en)", sort_order=order, active=active)
        for name, order, active in [
            ("SSP Valby", 1, True),
            ("SSP Nørrebro", 2, True),
            ("SSP Østerbro", 3, False),
        ]
    )

    def organisation(name, kind=OrganisationKind.SSP, committee=None):
        return Organisation(
            name=name, name_key=Organisation.key_for(name), kind=kind, ssp_committee=committee
        )

    def request(org, code, submitted, status=RequestStatus.PLANNED):
        found = Request(
            offer_kind=offer_kind(code),
            organisation=org,
            contact=Contact(name="Anne Mortensen", email="anne@example.org"),
            audience=Audience.STAFF,
            expected_participants=99,
            status=status,
            tracking_token=f"token-{org.name}-{code}-{submitted.isoformat()}",
            submitted_at=submitted,
        )
        db.session.add(found)
        db.session.commit()
        return found

    def held(req, starts_at, participants):
        event = make_event(kind="talk", starts_at=starts_at, request=req)
        attendance.record_attendance(event, by=staff, counts={"staff": participants})
        db.session.commit()

    in_valby = organisation("SSP Valby", committee=valby)
    in_norrebro = organisation("SSP Nørrebro", committee=norrebro)
    in_osterbro = organisation("SSP Østerbro", committee=osterbro)
    without = organisation("SSP Amager")
    school = organisation("Valby Skole", OrganisationKind.SCHOOL, committee=valby)
    db.session.add_all([in_valby, in_norrebro, in_osterbro, without, school])
    db.session.commit()
    held(request(in_valby, "talk", clock.local(y, 2, 1, 9)), clock.local(y, 3, 1, 10), 30)
    request(in_valby, "advisory", clock.local(y, 4, 1, 9), RequestStatus.DECLINED)
    request(in_valby, "dialogue", clock.local(y, 5, 1, 9), RequestStatus.WITHDRAWN)
    request(in_norrebro, "talk", clock.local(y, 6, 1, 9), RequestStatus.SUBMITTED)
    held(request(in_norrebro, "talk", clock.local(y - 1, 12, 1, 9)), clock.local(y, 1, 20, 10), 12)
    request(in_osterbro, "talk", clock.local(y, 7, 1, 9), RequestStatus.SUBMITTED)
    held(request(without, "talk", clock.local(y, 8, 1, 9)), clock.local(y, 9, 1, 10), 20)
    held(request(school, "talk", clock.local(y, 8, 1, 9)), clock.local(y, 9, 2, 10), 25)
    return y


def _rows(rows):
    return [
        (row.label, row["requests"], row["counted"], row["held"], row["participants"])
        for row in rows
    ]


def test_ssp_use_per_local_committee_counts_requests_counted_held_and_participants():
    year = _ssp_year()
    report = reporting.build_report(year, today=date(year + 1, 2, 1))
    assert _rows(report.by_ssp_committee) == [
        ("SSP Valby", 3, 1, 1, 30),
        ("SSP Nørrebro", 1, 1, 1, 12),
        ("SSP Østerbro", 1, 1, 0, 0),  # hidden since: its organisation is still counted
        ("", 1, 1, 1, 20),  # without a committee: the export calls it "Uden udvalg"
    ]
    assert report.by_ssp_committee[-1].key is None
    english = reporting.build_report(year, today=date(year + 1, 2, 1), locale="en")
    assert [row.label for row in english.by_ssp_committee][:3] == [
        "SSP Valby (en)",
        "SSP Nørrebro (en)",
        "SSP Østerbro (en)",
    ]
    from portal.services import report_export

    table = {t.slug: t for t in report_export.tables(report)}["ssp_udvalg"]
    assert table.rows[-1] == ("Uden udvalg", 1, 1, 1, 20)


def test_the_local_committees_rows_add_up_to_the_ssp_row_and_the_ssp_metric():
    year = _ssp_year()
    report = reporting.build_report(year, today=date(year + 1, 2, 1))
    ssp = next(row for row in report.by_org_kind if row.key == OrganisationKind.SSP)
    for name in reporting.BREAKDOWN_COUNTS:
        assert sum(row[name] for row in report.by_ssp_committee) == ssp[name], name
    assert (ssp["requests"], ssp["counted"], ssp["held"], ssp["participants"]) == (6, 4, 3, 62)
    assert _figures(year)[Metric.SSP_REQUESTS].figure == 4


def test_a_year_without_ssp_requests_has_no_committee_rows():
    assert reporting.build_report(clock.today().year).by_ssp_committee == []
