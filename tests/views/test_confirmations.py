"""What cannot be undone is asked about first, on a page of its own: it says what will happen
and who will be told, and only its own button does it. A post from anywhere else (an old
page, a stale tab, a forger) changes nothing and shows that page instead."""

import pytest

from portal.extensions import db
from portal.models import DeclineReason, OfferKind, Topic, User
from portal.models.enums import AssignmentStatus, RequestStatus, Role
from tests.asking import asking_page
from tests.browser_form import browser_form, forms_on
from tests.factories import (
    PASSWORD,
    mails,
    make_ambassador,
    make_assignment,
    make_person,
    make_request,
    make_scheduled,
    make_user,
    offer_to,
)


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _actions(client, page):
    return {form.action.split("://", 1)[-1].split("/", 1)[-1] for form in forms_on(client, page)}


def _request_reason():
    return db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.scope == "request")
    ).first()


# --- declining a request ----------------------------------------------------------------------


def test_declining_a_request_asks_first_and_names_the_requester_who_is_mailed(staff):
    request = make_request(contact_name="Anne Mortensen", contact_email="anne@example.org")
    page = f"/sekretariat/henvendelser/{request.id}"
    # The request page only leads to the page that asks.
    asking = asking_page(staff, page, f"{page}/afvis")
    assert "kan ikke fortrydes" in asking.text
    assert "Anne Mortensen, Husum Skole" in asking.text
    assert "anne@example.org" in asking.text
    assert "Fortryd" in asking.text
    assert "button-warning" in asking.text
    assert request.status == RequestStatus.SUBMITTED  # opening the page changes nothing
    assert mails("requester_request_declined") == []


def test_a_decline_posted_without_the_confirmation_changes_nothing(staff):
    request = make_request()
    form = browser_form(
        staff,
        f"/sekretariat/henvendelser/{request.id}/afvis",
        action=f"/sekretariat/henvendelser/{request.id}/afvis",
    )
    # What the old request page sent: the reason and the note, but not the confirmation.
    response = form.fill(reason=_request_reason().id).tamper("bekraeftet", None).submit()
    assert response.status_code == 200
    assert "kan ikke fortrydes" in response.text
    assert request.status == RequestStatus.SUBMITTED
    assert mails("requester_request_declined") == []


def test_declining_from_the_page_that_asks_declines_and_tells_the_requester(staff):
    request = make_request()
    reason = _request_reason()
    form = browser_form(
        staff,
        f"/sekretariat/henvendelser/{request.id}/afvis",
        action=f"/sekretariat/henvendelser/{request.id}/afvis",
    )
    empty = form.submit()
    assert empty.status_code == 422
    assert "Vælg en begrundelse, eller skriv den i beskeden til bestilleren." in empty.text
    assert request.status == RequestStatus.SUBMITTED
    form = browser_form(
        staff,
        f"/sekretariat/henvendelser/{request.id}/afvis",
        action=f"/sekretariat/henvendelser/{request.id}/afvis",
    )
    done = form.fill(reason=reason.id, note="Prøv SSP.").submit()
    assert done.status_code == 302
    assert done.headers["Location"] == f"/sekretariat/henvendelser/{request.id}"
    assert request.status == RequestStatus.DECLINED
    [mail] = mails("requester_request_declined")
    assert reason.label_da in mail.body_text and "Prøv SSP." in mail.body_text
    answer = staff.get(done.headers["Location"]).text
    assert "Henvendelsen er afvist" in answer
    # Declined, it cannot be declined again: the page says so and offers no button.
    again = staff.get(f"/sekretariat/henvendelser/{request.id}/afvis")
    assert again.status_code == 200
    assert "kan ikke afvises" in again.text
    assert "bekraeftet" not in again.text


# --- withdrawing an offer, removing a person from a seat ---------------------------------------


@pytest.mark.parametrize(
    ("status", "question"),
    [
        (AssignmentStatus.OFFERED, "Træk forespørgslen til Yasmin Haddad tilbage?"),
        (AssignmentStatus.ACCEPTED, "Fjern Yasmin Haddad fra pladsen?"),
    ],
)
def test_taking_a_seat_back_asks_first_and_names_the_person_who_is_mailed(staff, status, question):
    event = make_scheduled(request=make_request(contact_name="Anne Mortensen"))
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad", email="yasmin@example.org")
    assignment = make_assignment(event, yasmin, status=status)
    page = f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage"
    asking = asking_page(staff, f"/sekretariat/arrangementer/{event.id}", page)
    assert question in asking.text
    assert "Yasmin Haddad" in asking.text and "yasmin@example.org" in asking.text
    assert "Anne Mortensen" in asking.text  # named, as the one who is not told
    assert "button-warning" in asking.text
    assert assignment.status == status
    assert mails("assignee_offer_withdrawn") == []


def test_a_withdrawal_posted_without_the_confirmation_changes_nothing(staff):
    event = make_scheduled()
    [assignment] = offer_to(event, make_ambassador())
    page = f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage"
    response = browser_form(staff, page, action=page).tamper("bekraeftet", None).submit()
    assert response.status_code == 200
    assert assignment.status == AssignmentStatus.OFFERED
    assert mails("assignee_offer_withdrawn") == []


def test_withdrawing_from_the_page_that_asks_withdraws_and_tells_the_person(staff):
    event = make_scheduled()
    [assignment] = offer_to(event, make_ambassador())
    page = f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage"
    form = browser_form(staff, page, action=page)
    stale = browser_form(staff, page, action=page)  # the same page in another tab
    response = form.submit()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sekretariat/arrangementer/{event.id}"
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert len(mails("assignee_offer_withdrawn")) == 1
    assert "Forespørgslen er trukket tilbage" in staff.get(response.headers["Location"]).text
    again = stale.submit()
    assert again.status_code == 409
    assert len(mails("assignee_offer_withdrawn")) == 1
    assert "bekraeftet" not in staff.get(page).text


# --- hiding an offer kind or a topic -----------------------------------------------------------


def _kind(code):
    return db.session.scalars(db.select(OfferKind).where(OfferKind.code == code)).one()


def test_hiding_an_offer_kind_asks_first_and_showing_it_again_does_not(admin):
    kind = _kind("talk")
    toggle = f"/admin/tilbud/{kind.id}/vis-skjul"
    listing = admin.get("/admin/tilbud").text
    assert f'href="{toggle}"' in listing
    asking = admin.get(toggle)
    assert asking.status_code == 200
    assert "kan ikke længere bestilles" in asking.text
    assert "Ingen får en e-mail" in asking.text
    assert kind.active
    assert (
        browser_form(admin, toggle, action=toggle).tamper("bekraeftet", None).submit().status_code
        == 200
    )
    assert kind.active
    response = browser_form(admin, toggle, action=toggle).submit()
    assert response.status_code == 302 and not kind.active
    show = browser_form(admin, "/admin/tilbud", action=toggle).submit()
    assert show.status_code == 302 and kind.active


def test_hiding_a_topic_asks_first(admin):
    topic = db.session.scalars(db.select(Topic).where(Topic.active)).first()
    toggle = f"/admin/emner/{topic.id}/vis-skjul"
    assert f'href="{toggle}"' in admin.get("/admin/emner").text
    asking = admin.get(toggle)
    assert asking.status_code == 200 and topic.name_da in asking.text
    assert (
        browser_form(admin, toggle, action=toggle).tamper("bekraeftet", None).submit().status_code
        == 200
    )
    assert topic.active
    assert browser_form(admin, toggle, action=toggle).submit().status_code == 302
    assert not topic.active


# --- deactivating a user or a person -----------------------------------------------------------


def test_deactivating_a_user_asks_first(admin):
    user = make_user(Role.SECRETARIAT, name="Mette Holm")
    page = f"/admin/brugere/{user.id}/deaktiver"
    assert f'href="{page}"' in admin.get(f"/admin/brugere/{user.id}").text
    asking = admin.get(page)
    assert asking.status_code == 200 and "Deaktivér Mette Holm?" in asking.text
    assert (
        browser_form(admin, page, action=page).tamper("bekraeftet", None).submit().status_code
        == 200
    )
    assert db.session.get(User, user.id).active
    assert browser_form(admin, page, action=page).submit().status_code == 302
    assert not db.session.get(User, user.id).active


def test_deactivating_a_person_asks_first(admin):
    person = make_person(first_name="Omar", last_name="Nielsen")
    page = f"/admin/personer/{person.id}/deaktiver"
    assert f'href="{page}"' in admin.get(f"/admin/personer/{person.id}").text
    asking = admin.get(page)
    assert asking.status_code == 200 and "Deaktivér Omar Nielsen?" in asking.text
    post = f"/admin/personer/{person.id}/aktiv"  # where showing them again posts too
    unconfirmed = browser_form(admin, page, action=post).tamper("bekraeftet", None).submit()
    assert unconfirmed.status_code == 200 and person.active
    assert browser_form(admin, page, action=post).submit().status_code == 302
    assert not person.active
    again = browser_form(admin, f"/admin/personer/{person.id}", action=post).submit()
    assert again.status_code == 302 and person.active  # showing again asks nothing


# --- access -----------------------------------------------------------------------------------


def test_the_pages_that_ask_are_the_staffs_only(client, as_role):
    request = make_request()
    assignment = make_assignment(make_scheduled(), make_ambassador())
    for page in (
        f"/sekretariat/henvendelser/{request.id}/afvis",
        f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage",
    ):
        assert client.get(page).status_code in (302, 401, 403)
        assert as_role(Role.ASSIGNEE).get(page).status_code == 403
    for page in (f"/admin/tilbud/{_kind('talk').id}/vis-skjul",):
        assert as_role(Role.SECRETARIAT).get(page).status_code == 403


def test_a_confirmation_without_its_csrf_token_is_refused(staff):
    request = make_request()
    page = f"/sekretariat/henvendelser/{request.id}/afvis"
    form = browser_form(staff, page, action=page).fill(reason=_request_reason().id)
    response = form.tamper("csrf_token", None).submit()
    assert response.status_code in (400, 422)
    assert request.status == RequestStatus.SUBMITTED


def test_a_missing_row_is_404(staff, admin):
    assert staff.get("/sekretariat/henvendelser/999999/afvis").status_code == 404
    assert staff.get("/sekretariat/tildelinger/999999/traek-tilbage").status_code == 404
    assert admin.get("/admin/tilbud/999999/vis-skjul").status_code == 404


def test_the_page_that_asks_speaks_english_in_english(staff):
    event = make_scheduled(request=make_request(contact_name="Anne Mortensen"))
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad", email="yasmin@example.org")
    assignment = make_assignment(event, yasmin)
    staff.set_cookie("vink_lang", "en")
    text = staff.get(f"/sekretariat/tildelinger/{assignment.id}/traek-tilbage").text
    assert "Remove Yasmin Haddad from the seat?" in text
    assert "Who is told" in text
    assert "Yasmin Haddad gets an email at yasmin@example.org" in text
    assert "The requester, Anne Mortensen, is not told." in text
    assert "Hvem får besked" not in text


def test_an_admin_cannot_deactivate_herself_even_by_a_forged_confirmation(app, login):
    client = app.test_client()
    me = make_user(Role.ADMIN, password=PASSWORD)
    make_user(Role.ADMIN)  # not the last admin: that is another rule
    login(client, me)
    page = f"/admin/brugere/{me.id}/deaktiver"
    asking = client.get(page)
    assert "Du kan ikke deaktivere dig selv." in asking.text
    assert 'name="bekraeftet"' not in asking.text  # no button to press
    forged = client.post_form(page, {"bekraeftet": "1"})
    assert forged.status_code == 409
    assert "Du kan ikke deaktivere dig selv" in forged.text
    assert db.session.get(User, me.id).active
