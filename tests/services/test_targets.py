"""The year's targets: the admin sets them or copies last year's (services/targets.py)."""

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, OfferKindTarget, Target
from portal.models.enums import Metric
from portal.services import attendance, reporting, targets
from tests.factories import make_event, make_user, offer_kind
from tests.report_year import TARGETS


def test_copy_targets_copies_last_years_values_with_an_audit_entry():
    year = clock.today().year + 1
    admin = make_user(role="admin")
    for metric, value in TARGETS.items():
        db.session.add(Target(year=year - 1, metric=metric, value=value))
    db.session.commit()
    targets.copy_targets(year, by=admin)
    db.session.commit()
    copied = {
        t.metric: t.value for t in db.session.scalars(db.select(Target).where(Target.year == year))
    }
    assert copied == TARGETS
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "targets.copied"))
    assert entry.actor_id == admin.id and entry.object_id == year
    with pytest.raises(targets.TargetError):
        targets.copy_targets(year, by=admin)


def test_a_refused_target_changes_none_of_the_others():
    year = 2099
    admin = make_user(role="admin")
    [first, second, *_rest] = list(TARGETS)
    targets.set_targets(year, {first: 5}, by=admin)
    db.session.commit()
    with pytest.raises(targets.TargetError):
        targets.set_targets(year, {first: 7, second: -1}, by=admin)
    kept = db.session.execute(db.select(Target.metric, Target.value).where(Target.year == year))
    assert kept.all() == [(first, 5)]


# --- an offer kind's own targets (issue 25: "an admin can give any offer kind targets") -----


def test_an_offer_kind_an_admin_added_gets_targets_of_its_own_and_only_changes_are_logged():
    year = clock.today().year
    admin = make_user(role="admin")
    competence = offer_kind("competence")
    assert [k.code for k in targets.kinds_with_own_targets()] == ["competence"]
    assert targets.set_kind_targets(year, {competence: (4, 60)}, by=admin)
    assert targets.kind_targets_of(year) == {"competence": (4, 60)}
    assert not targets.set_kind_targets(year, {competence: (4, 60)}, by=admin)
    assert targets.set_kind_targets(year, {competence: (None, 60)}, by=admin)
    assert targets.set_kind_targets(year, {competence: (None, None)}, by=admin)
    assert targets.kind_targets_of(year) == {}
    assert db.session.scalars(db.select(OfferKindTarget)).all() == []
    logged = [
        (e.before["held"], e.before["participants"], e.after["held"], e.after["participants"])
        for e in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.action == "kind_targets.changed")
            .order_by(AuditEntry.id)
        )
    ]
    assert logged == [(None, None, 4, 60), (4, 60, None, 60), (None, 60, None, None)]
    with pytest.raises(targets.TargetError):
        targets.set_kind_targets(year, {competence: (-1, None)}, by=admin)


def test_copying_last_years_targets_copies_the_offer_kinds_own_with_them():
    year = clock.today().year + 1
    admin = make_user(role="admin")
    competence = offer_kind("competence")
    db.session.add(Target(year=year - 1, metric=Metric.TALKS_HELD, value=10))
    db.session.commit()
    targets.set_kind_targets(year - 1, {competence: (3, None)}, by=admin)
    targets.copy_targets(year, by=admin)
    assert targets.kind_targets_of(year) == {"competence": (3, None)}
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "targets.copied"))
    assert entry.after["offer_kinds"] == {"competence": [3, None]}


def test_the_report_measures_an_offer_kind_with_targets_of_its_own():
    year = clock.today().year
    admin = make_user(role="admin")
    competence = offer_kind("competence")
    assert not [m for m in reporting.build_report(year).metrics if m.metric is None]
    event = make_event(kind="competence", starts_at=clock.local(year, 1, 10, 10))
    attendance.record_attendance(
        event, by=admin, counts={"students": 0, "staff": 18, "parents": 0, "other": 0}
    )
    targets.set_kind_targets(year, {competence: (2, None)}, by=admin)
    rows = {str(m.title): m for m in reporting.build_report(year).metrics if m.metric is None}
    assert (
        rows["Kompetenceudvikling afholdt"].figure,
        rows["Kompetenceudvikling afholdt"].target,
    ) == (1, 2)
    assert (
        rows["Deltagere ved Kompetenceudvikling"].figure,
        rows["Deltagere ved Kompetenceudvikling"].target,
    ) == (18, None)


def test_copying_into_a_year_keeps_the_offer_kind_targets_it_has_and_the_report_counts_them():
    year = clock.today().year + 1
    admin = make_user(role="admin")
    competence = offer_kind("competence")
    db.session.add(Target(year=year - 1, metric=Metric.TALKS_HELD, value=10))
    db.session.commit()
    targets.set_kind_targets(year - 1, {competence: (3, 30)}, by=admin)
    targets.set_kind_targets(year, {competence: (8, 99)}, by=admin)
    # The year has targets (its kind's), so the report does not say it has none.
    assert reporting.build_report(year).has_targets
    targets.copy_targets(year, by=admin)
    assert targets.kind_targets_of(year) == {"competence": (8, 99)}
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "targets.copied"))
    assert entry.after["offer_kinds"] == {}
