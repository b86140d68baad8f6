"""The admin keeps closed periods and decline reasons as data."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, ClosedPeriod, DeclineReason
from portal.models.enums import Role
from portal.services import catalogue
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import offer_kind

CLOSED_PERIODS = "/admin/lukkeperioder"
DECLINE_REASONS = "/admin/afslagsgrunde"
OFFER_KINDS = "/admin/tilbud"


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def test_adding_and_deleting_a_closed_period(admin):
    form = browser_form(admin, CLOSED_PERIODS, action=CLOSED_PERIODS)
    form.fill(name="Vinterferie 2027", kind="school_holiday")
    response = form.fill(starts_on="2027-02-13", ends_on="2027-02-21").submit()
    assert response.status_code == 302
    period = db.session.scalars(db.select(ClosedPeriod)).one()
    assert period.name == "Vinterferie 2027"
    assert "Vinterferie 2027" in admin.get(CLOSED_PERIODS).get_data(as_text=True)
    delete = browser_form(admin, CLOSED_PERIODS, action=f"{CLOSED_PERIODS}/{period.id}/slet")
    assert delete.submit().status_code == 302
    assert db.session.scalars(db.select(ClosedPeriod)).all() == []
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "closed_period.added" in actions and "closed_period.deleted" in actions


def test_a_closed_period_must_end_after_it_starts(admin):
    form = browser_form(admin, CLOSED_PERIODS, action=CLOSED_PERIODS)
    form.fill(name="Forkert", kind="closure", starts_on="2027-02-13", ends_on="2027-02-01")
    response = form.submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Slutdatoen skal være" in text
    assert 'value="Forkert"' in text and 'value="2027-02-01"' in text  # kept as typed
    assert db.session.scalars(db.select(ClosedPeriod)).all() == []


def test_decline_reasons_can_be_added_and_hidden_from_the_lists(admin):
    form = browser_form(admin, DECLINE_REASONS, action=DECLINE_REASONS)
    form.fill(scope="request", label_da="Vi holder sommerpause", label_en="Summer break")
    response = form.submit()
    assert response.status_code == 302
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.label_da == "Vi holder sommerpause")
    ).one()
    assert reason in catalogue.request_decline_reasons()
    hide = f"{DECLINE_REASONS}/{reason.id}/vis-skjul"
    assert browser_form(admin, DECLINE_REASONS, action=hide).submit().status_code == 302
    assert not reason.active
    assert reason not in catalogue.request_decline_reasons()


def test_only_the_admin_edits_reference_data(as_role):
    staff = as_role(Role.SECRETARIAT)
    assert staff.get("/admin/lukkeperioder").status_code == 403


def _rules_form(admin, kind):
    return browser_form(admin, OFFER_KINDS, action=OFFER_KINDS, sending={"kind_id": kind.id})


def test_the_admin_switches_the_offer_chain_and_the_deadline_per_offer_kind(admin):
    dialogue = offer_kind("dialogue")
    assert "Regler for tilbud" in admin.get(OFFER_KINDS).get_data(as_text=True)
    prefix = f"kind{dialogue.id}-"
    form = _rules_form(admin, dialogue)
    form.fill(**{prefix + "offer_deadline_hours": 24, prefix + "auto_chain": False})
    response = form.fill(**{prefix + "auto_accept_claims": True}).submit()
    assert response.status_code == 302
    assert dialogue.offer_deadline_hours == 24
    assert dialogue.auto_chain is False
    assert dialogue.auto_accept_claims is True
    bad = _rules_form(admin, dialogue).fill(**{prefix + "offer_deadline_hours": 0}).submit()
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Svarfristen skal være mellem 1 time og 14 dage." in text
    again = pick(forms_in(admin, OFFER_KINDS, text), OFFER_KINDS, sending={"kind_id": dialogue.id})
    assert again.value(prefix + "offer_deadline_hours") == "0"  # kept as typed
    assert dialogue.offer_deadline_hours == 24


def test_a_refused_offer_kind_leaves_the_other_kinds_forms_as_stored(admin):
    # The page a refusal renders shows every kind's form; the others must show what is stored,
    # or saving one of them from that page would switch its rules off.
    dialogue, talk = offer_kind("dialogue"), offer_kind("talk")
    talk.auto_chain, talk.auto_accept_claims, talk.offer_deadline_hours = True, True, 36
    db.session.commit()
    dialogue_prefix, talk_prefix = f"kind{dialogue.id}-", f"kind{talk.id}-"
    bad = _rules_form(admin, dialogue).fill(**{dialogue_prefix + "offer_deadline_hours": 0})
    refused = bad.submit()
    assert refused.status_code == 422
    forms = forms_in(admin, OFFER_KINDS, refused.get_data(as_text=True))
    talk_form = pick(forms, OFFER_KINDS, OFFER_KINDS, sending={"kind_id": talk.id})
    assert talk_form.value(talk_prefix + "auto_chain") == "y"
    assert talk_form.value(talk_prefix + "auto_accept_claims") == "y"
    assert talk_form.value(talk_prefix + "offer_deadline_hours") == "36"
    assert talk_form.submit().status_code == 302
    assert (talk.auto_chain, talk.auto_accept_claims, talk.offer_deadline_hours) == (True, True, 36)


def test_the_admin_sees_mail_being_retried_and_given_up_with_its_error(as_role):
    from datetime import timedelta

    from portal import clock
    from portal.extensions import db
    from portal.models.enums import OutboxStatus
    from portal.services import notifications

    retried = notifications.queue_email(
        to="laerer@example.org", subject="Kvittering", body="x", kind="request_receipt"
    )
    retried.attempts = 2
    retried.last_error = "451 try again later"
    retried.next_attempt_at = clock.now() + timedelta(minutes=4)
    given_up = notifications.queue_email(to="bo@example.org", subject="S", body="x", kind="t")
    given_up.status = OutboxStatus.FAILED
    given_up.attempts = 6
    given_up.last_error = "Connection refused"
    notifications.queue_email(to="ok@example.org", subject="S", body="x", kind="fine")
    db.session.commit()
    client = as_role("admin")
    text = client.get("/admin/post").get_data(as_text=True)
    assert "451 try again later" in text
    assert "Connection refused" in text
    assert "Opgivet" in text
    assert "l***@example.org" in text
    assert "laerer@example.org" not in text  # recognisable, not readable
    assert "ok@example.org" not in text and "o***@example.org" not in text
    assert as_role("secretariat").get("/admin/post").status_code == 403
