"""The admin keeps closed periods and decline reasons as data."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, ClosedPeriod, DeclineReason
from portal.models.enums import Role
from portal.services import catalogue


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def test_adding_and_deleting_a_closed_period(admin):
    response = admin.post_form(
        "/admin/lukkeperioder",
        {
            "name": "Vinterferie 2027",
            "kind": "school_holiday",
            "starts_on": "2027-02-13",
            "ends_on": "2027-02-21",
        },
    )
    assert response.status_code == 302
    period = db.session.scalars(db.select(ClosedPeriod)).one()
    assert period.name == "Vinterferie 2027"
    assert "Vinterferie 2027" in admin.get("/admin/lukkeperioder").get_data(as_text=True)
    assert admin.post_form(f"/admin/lukkeperioder/{period.id}/slet").status_code == 302
    assert db.session.scalars(db.select(ClosedPeriod)).all() == []
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "closed_period.added" in actions and "closed_period.deleted" in actions


def test_a_closed_period_must_end_after_it_starts(admin):
    response = admin.post_form(
        "/admin/lukkeperioder",
        {"name": "Forkert", "kind": "closure", "starts_on": "2027-02-13", "ends_on": "2027-02-01"},
    )
    assert response.status_code == 422
    assert "Slutdatoen skal være" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(ClosedPeriod)).all() == []


def test_decline_reasons_can_be_added_and_hidden_from_the_lists(admin):
    response = admin.post_form(
        "/admin/afslagsgrunde",
        {"scope": "request", "label_da": "Vi holder sommerpause", "label_en": "Summer break"},
    )
    assert response.status_code == 302
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.label_da == "Vi holder sommerpause")
    ).one()
    assert reason in catalogue.request_decline_reasons()
    admin.post_form(f"/admin/afslagsgrunde/{reason.id}/vis-skjul")
    assert not reason.active
    assert reason not in catalogue.request_decline_reasons()


def test_only_the_admin_edits_reference_data(as_role):
    staff = as_role(Role.SECRETARIAT)
    assert staff.get("/admin/lukkeperioder").status_code == 403


def test_the_admin_switches_the_offer_chain_and_the_deadline_per_offer_kind(admin):
    from tests.factories import offer_kind

    dialogue = offer_kind("dialogue")
    assert "Regler for tilbud" in admin.get("/admin/tilbud").get_data(as_text=True)
    prefix = f"kind{dialogue.id}-"
    response = admin.post_form(
        "/admin/tilbud",
        {
            "kind_id": dialogue.id,
            prefix + "offer_deadline_hours": 24,
            prefix + "auto_accept_claims": "y",
        },
    )
    assert response.status_code == 302
    assert dialogue.offer_deadline_hours == 24
    assert dialogue.auto_chain is False
    assert dialogue.auto_accept_claims is True
    bad = admin.post_form(
        "/admin/tilbud", {"kind_id": dialogue.id, prefix + "offer_deadline_hours": 0}
    )
    assert bad.status_code == 422
    assert dialogue.offer_deadline_hours == 24
