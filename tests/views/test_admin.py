"""The admin keeps closed periods, decline reasons, offer kinds, topics and local SSP committees
as data."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, ClosedPeriod, DeclineReason, OfferKind, SspCommittee, Topic
from portal.models.enums import Role, SeatRole
from portal.services import catalogue
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import offer_kind, row_counts

CLOSED_PERIODS = "/admin/lukkeperioder"
DECLINE_REASONS = "/admin/afslagsgrunde"
OFFER_KINDS = "/admin/tilbud"
TOPICS = "/admin/emner"
SSP_COMMITTEES = "/admin/ssp-udvalg"


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


def test_the_admin_changes_an_offer_kinds_rules_and_staffing(admin):
    dialogue = offer_kind("dialogue")
    assert "Ung-til-ung dialog" in admin.get(OFFER_KINDS).get_data(as_text=True)
    page = f"{OFFER_KINDS}/{dialogue.id}"
    form = browser_form(admin, page, action=page)
    assert form.value("need_ambassador") == "2"  # what is stored
    assert form.value("booking_form") == "class"
    form.fill(offer_deadline_hours=24, auto_chain=False, auto_accept_claims=True)
    response = form.fill(need_ambassador=3).submit()
    assert response.status_code == 302
    assert dialogue.offer_deadline_hours == 24
    assert dialogue.auto_chain is False
    assert dialogue.auto_accept_claims is True
    assert dialogue.need(SeatRole.AMBASSADOR) == 3


def test_a_refused_offer_kind_keeps_what_was_typed_and_stores_nothing(admin):
    dialogue = offer_kind("dialogue")
    page = f"{OFFER_KINDS}/{dialogue.id}"
    before, deadline = row_counts(), dialogue.offer_deadline_hours
    form = browser_form(admin, page, action=page)
    bad = form.fill(offer_deadline_hours=0, need_ambassador=0, name_da="Ny dialog").submit()
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Svarfristen skal være mellem 1 time og 14 dage." in text
    assert "Et tilbud skal have mindst én plads at besætte." in text
    again = pick(forms_in(admin, page, text), page, action=page)
    assert again.value("offer_deadline_hours") == "0"  # kept as typed
    assert again.value("name_da") == "Ny dialog"
    assert row_counts() == before
    assert dialogue.offer_deadline_hours == deadline


def test_the_admin_adds_an_offer_kind_that_the_start_page_and_booking_form_show(admin, client):
    new = f"{OFFER_KINDS}/nyt"
    form = browser_form(admin, new, action=new)
    form.fill(name_da="Forældreaften", name_en="Parents' evening", booking_form="adults")
    form.fill(description_da="En aften for forældre om bekymringer.", online_allowed=True)
    response = form.fill(need_resource_person=2).submit()
    assert response.status_code == 302
    kind = db.session.scalar(db.select(OfferKind).where(OfferKind.name_da == "Forældreaften"))
    assert kind.need(SeatRole.RESOURCE_PERSON) == 2 and kind.online_allowed
    start = client.get("/").get_data(as_text=True)
    assert "Forældreaften" in start and "En aften for forældre om bekymringer." in start
    booking = browser_form(client, f"/bestil?tilbud={kind.code}", action="/bestil")
    assert booking.value("offer_kind") == kind.code
    assert {"audience", "expected_participants", "online"} <= booking.names()
    assert "grade" not in booking.names()


def test_a_second_kind_with_a_taken_name_is_refused_with_a_danish_message(admin):
    new = f"{OFFER_KINDS}/nyt"
    form = browser_form(admin, new, action=new).fill(name_da=offer_kind("talk").name_da)
    response = form.submit()
    assert response.status_code == 422
    assert "Der findes allerede et tilbud med det navn." in response.get_data(as_text=True)


def test_a_hidden_offer_kind_is_no_longer_bookable_and_a_second_click_changes_nothing(
    admin, client
):
    talk = offer_kind("talk")
    toggle = f"{OFFER_KINDS}/{talk.id}/vis-skjul"
    hide = browser_form(admin, toggle, action=toggle)  # the list links to the page that asks
    assert hide.submit().status_code == 302
    assert talk.active is False
    assert hide.submit().status_code == 302  # the same form again: still hidden
    assert talk.active is False
    hidden = db.select(AuditEntry).where(AuditEntry.action == "offer_kind.hidden")
    assert len(db.session.scalars(hidden).all()) == 1
    assert "Vidensoplæg" not in client.get("/").get_data(as_text=True)
    assert "Vidensoplæg" in admin.get(OFFER_KINDS).get_data(as_text=True)  # hidden, kept
    browser_form(admin, OFFER_KINDS, action=toggle).submit()
    assert talk.active is True


def test_the_admin_adds_renames_and_hides_a_topic(admin):
    form = browser_form(admin, TOPICS, action=TOPICS).fill(name_da="Konspirationsteorier")
    assert form.submit().status_code == 302
    topic = db.session.scalar(db.select(Topic).where(Topic.name_da == "Konspirationsteorier"))
    assert topic in catalogue.active_topics()
    page = f"{TOPICS}/{topic.id}"
    rename = browser_form(admin, page, action=page).fill(name_en="Conspiracy theories")
    assert rename.submit().status_code == 302
    assert topic.name_en == "Conspiracy theories"
    taken = browser_form(admin, TOPICS, action=TOPICS).fill(name_da="konspirationsteorier")
    refused = taken.submit()
    assert refused.status_code == 422
    assert "Der findes allerede et emne med det navn." in refused.get_data(as_text=True)
    browser_form(admin, f"{page}/vis-skjul", action=f"{page}/vis-skjul").submit()
    assert topic not in catalogue.active_topics()


def test_the_admin_sees_mail_being_retried_and_given_up_with_its_error(as_role):
    from datetime import timedelta

    from portal import clock
    from portal.extensions import db
    from portal.models.enums import OutboxStatus
    from portal.services.mail import outbox

    retried = outbox.queue_email(
        to="laerer@example.org", subject="Kvittering", body="x", kind="request_receipt"
    )
    retried.attempts = 2
    retried.last_error = "451 try again later"
    retried.next_attempt_at = clock.now() + timedelta(minutes=4)
    given_up = outbox.queue_email(to="bo@example.org", subject="S", body="x", kind="t")
    given_up.status = OutboxStatus.FAILED
    given_up.attempts = 6
    given_up.last_error = "Connection refused"
    outbox.queue_email(to="ok@example.org", subject="S", body="x", kind="fine")
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


def test_hiding_the_last_bookable_offer_is_refused_with_a_message(admin):
    kinds = catalogue.active_offer_kinds()
    for kind in [*kinds[1:], kinds[0]]:  # the first is the last bookable one
        toggle = f"{OFFER_KINDS}/{kind.id}/vis-skjul"
        response = browser_form(admin, toggle, action=toggle).submit()
    last = kinds[0]
    assert response.status_code == 302
    assert last.active is True
    page = admin.get(OFFER_KINDS).get_data(as_text=True)
    assert "Mindst ét tilbud skal kunne bestilles." in page


def test_fewer_seats_refused_on_the_page_keep_what_was_typed_and_store_nothing(admin):
    from portal.models.enums import AssignmentStatus
    from tests.factories import make_ambassador, make_assignment, make_scheduled

    dialogue = offer_kind("dialogue")
    event = make_scheduled("dialogue")
    make_assignment(event, make_ambassador(), seat_number=2, status=AssignmentStatus.ACCEPTED)
    page = f"{OFFER_KINDS}/{dialogue.id}"
    before = row_counts()
    response = browser_form(admin, page, action=page).fill(need_ambassador=1).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Træk forespørgslen tilbage først" in text
    assert pick(forms_in(admin, page, text), page, action=page).value("need_ambassador") == "1"
    assert row_counts() == before
    assert dialogue.need(SeatRole.AMBASSADOR) == 2


def test_the_admin_adds_renames_hides_and_shows_a_local_ssp_committee(admin):
    assert 'href="/admin/ssp-udvalg"' in admin.get("/admin/").get_data(as_text=True)
    form = browser_form(admin, SSP_COMMITTEES, action=SSP_COMMITTEES).fill(name_da="SSP Valby")
    assert form.submit().status_code == 302
    committee = db.session.scalars(db.select(SspCommittee)).one()
    assert committee.name_en == "SSP Valby"  # no English name: the Danish serves
    assert committee in catalogue.active_ssp_committees()
    second = browser_form(admin, SSP_COMMITTEES, action=SSP_COMMITTEES).fill(name_da="SSP Amager")
    assert second.submit().status_code == 302
    assert [c.name_da for c in catalogue.active_ssp_committees()] == ["SSP Valby", "SSP Amager"]
    page = f"{SSP_COMMITTEES}/{committee.id}"
    rename = browser_form(admin, page, action=page).fill(name_da="SSP Valby ", name_en="Valby SSP")
    assert rename.submit().status_code == 302
    assert (committee.name_da, committee.name_en) == ("SSP Valby", "Valby SSP")
    taken = browser_form(admin, SSP_COMMITTEES, action=SSP_COMMITTEES).fill(name_da="ssp valby")
    refused = taken.submit()
    assert refused.status_code == 422
    assert "Der findes allerede et SSP-udvalg med det navn." in refused.get_data(as_text=True)
    toggle = f"{page}/vis-skjul"
    hide = browser_form(admin, SSP_COMMITTEES, action=toggle)
    assert hide.submit().status_code == 302
    assert committee not in catalogue.active_ssp_committees()
    assert hide.submit().status_code == 302  # the same form again: still hidden, nothing logged
    assert "SSP Valby" in admin.get(SSP_COMMITTEES).get_data(as_text=True)  # hidden, kept
    browser_form(admin, SSP_COMMITTEES, action=toggle).submit()
    assert committee.active
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.object_type == "ssp_committees")
    ).all()
    assert sorted(actions) == sorted(
        [
            "ssp_committee.added",
            "ssp_committee.added",
            "ssp_committee.updated",
            "ssp_committee.hidden",
            "ssp_committee.shown",
        ]
    )


@pytest.mark.parametrize("name", ["", "   ", "\x00\x01", "x" * 121])
def test_a_committee_without_a_usable_name_is_refused_and_nothing_stored(admin, name):
    form = browser_form(admin, SSP_COMMITTEES, action=SSP_COMMITTEES).fill(name_da=name)
    assert form.submit().status_code == 422
    assert db.session.scalars(db.select(SspCommittee)).all() == []
