"""The year's targets: the admin sets them or copies last year's (services/targets.py)."""

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, Target
from portal.services import targets
from tests.factories import make_user
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
