"""The admin's user screens and the link an invited user chooses a password from, sent as a
browser sends them."""

import pytest

from portal.extensions import db
from portal.models import OutboxMessage, User
from portal.models.enums import Role
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import PASSWORD, make_person, make_user, row_counts

USERS = "/admin/brugere/"
INVITE = "/admin/brugere/ny"


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _link(to):
    mail = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    [url] = [w for w in mail.body_text.split() if "/adgangskode/" in w]
    return "/adgangskode/" + url.rsplit("/adgangskode/", 1)[1]


def test_an_invited_ambassador_chooses_a_password_from_the_mail_and_logs_in(admin, app):
    person = make_person(first_name="Yasmin", last_name="Ali", is_ambassador=True)
    form = browser_form(admin, INVITE, action=INVITE)
    form.fill(name="Yasmin Ali", email="yasmin@example.org", role="assignee")
    response = form.fill(person_id=str(person.id)).submit()
    assert response.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "yasmin@example.org")).one()
    assert (user.role, user.person, user.is_invited) == (Role.ASSIGNEE, person, True)
    listing = admin.get(USERS).get_data(as_text=True)
    assert "Yasmin Ali" in listing and "Inviteret" in listing

    newcomer = app.test_client()
    link = _link("yasmin@example.org")
    page = browser_form(newcomer, link)
    assert "yasmin@example.org" in newcomer.get(link).get_data(as_text=True)
    refused = page.fill(password="kort", repeat="kort").submit()
    assert refused.status_code == 422
    assert "mindst 12 tegn" in refused.get_data(as_text=True)
    chosen = browser_form(newcomer, link).fill(
        password="Mange små fisk i Øresund", repeat="Mange små fisk i Øresund"
    )
    response = chosen.submit()
    assert response.status_code == 302 and response.headers["Location"] == "/log-ind"
    login = browser_form(newcomer, "/log-ind").fill(
        email="yasmin@example.org", password="Mange små fisk i Øresund"
    )
    assert login.submit().headers["Location"] == "/mig/"
    # Used once: the link now says so, in Danish, and changes nothing.
    again = newcomer.get(link)
    assert again.status_code == 410
    assert "Linket er allerede brugt" in again.get_data(as_text=True)


def test_two_passwords_that_differ_are_refused_and_the_link_still_works(admin, app):
    browser_form(admin, INVITE, action=INVITE).fill(
        name="Kim", email="kim@example.org", role="secretariat"
    ).submit()
    client = app.test_client()
    link = _link("kim@example.org")
    response = browser_form(client, link).fill(password="a" * 14, repeat="b" * 14).submit()
    assert response.status_code == 422
    assert "De to adgangskoder er ikke ens." in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_a_forged_link_is_a_404(client):
    assert client.get("/adgangskode/ikke-et-rigtigt-link").status_code == 404


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"email": "ikke-en-adresse"}, "Ugyldig e-mailadresse"),
        ({"name": ""}, "Skriv brugerens navn."),
        ({"role": "assignee"}, "skal knyttes til en person"),
    ],
)
def test_a_refused_invitation_says_why_in_danish_keeps_what_was_typed_and_stores_nothing(
    admin, typed, message
):
    before = row_counts()
    form = browser_form(admin, INVITE, action=INVITE)
    values = {"name": "Ny Bruger", "email": "ny@example.org", "role": "secretariat"} | typed
    response = form.fill(**values).submit()
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{values["email"]}"' in html
    after = row_counts()
    assert {t: n for t, n in after.items() if before[t] != n} == {}


def test_the_admin_changes_a_role_and_the_user_is_logged_out_at_once(admin, app):
    user = make_user(role=Role.SECRETARIAT, password=PASSWORD)
    them = app.test_client()
    browser_form(them, "/log-ind").fill(email=user.email, password=PASSWORD).submit()
    assert them.get("/sekretariat/").status_code == 200
    page = f"{USERS}{user.id}"
    form = browser_form(admin, page, action=f"{page}/rolle")
    assert form.value("role") == "secretariat"
    assert form.fill(role="admin").submit().status_code == 302
    assert db.session.get(User, user.id).role == Role.ADMIN
    assert them.get("/sekretariat/").status_code == 302  # to the login page


def test_a_deactivated_user_is_logged_out_everywhere_and_can_be_reactivated(admin, app):
    user = make_user(role=Role.SECRETARIAT, password=PASSWORD)
    them = app.test_client()
    browser_form(them, "/log-ind").fill(email=user.email, password=PASSWORD).submit()
    page = f"{USERS}{user.id}"
    asking = f"{page}/deaktiver"  # the user's page links to the page that asks
    assert browser_form(admin, asking, action=asking).submit().status_code == 302
    assert them.get("/sekretariat/").status_code == 302
    login = browser_form(them, "/log-ind").fill(email=user.email, password=PASSWORD).submit()
    assert login.status_code == 422
    assert browser_form(admin, page, action=f"{page}/genaktiver").submit().status_code == 302
    login = browser_form(them, "/log-ind").fill(email=user.email, password=PASSWORD).submit()
    assert login.status_code == 302


def test_the_last_admin_is_told_why_they_cannot_step_down(as_role, app):
    admin = as_role(Role.ADMIN)
    [me] = db.session.scalars(db.select(User).where(User.role == Role.ADMIN)).all()
    page = f"{USERS}{me.id}"
    assert "Deaktivér" not in admin.get(page).get_data(as_text=True)  # not oneself
    response = browser_form(admin, page, action=f"{page}/rolle").fill(role="secretariat").submit()
    assert response.status_code == 409
    assert "sidste aktive administrator" in response.get_data(as_text=True)
    assert db.session.get(User, me.id).role == Role.ADMIN


def test_a_new_link_for_a_user_replaces_the_old_one(admin, app):
    user = make_user(role=Role.SECRETARIAT)
    page = f"{USERS}{user.id}"
    assert browser_form(admin, page, action=f"{page}/nyt-link").submit().status_code == 302
    first = _link(user.email)
    assert browser_form(admin, page, action=f"{page}/nyt-link").submit().status_code == 302
    second = _link(user.email)
    client = app.test_client()
    gone = client.get(first)
    assert gone.status_code == 410 and "erstattet af et nyere" in gone.get_data(as_text=True)
    assert client.get(second).status_code == 200


def test_the_user_list_is_paged(admin):
    for n in range(55):
        make_user(role=Role.SECRETARIAT, name=f"Medarbejder {n:02d}")
    first = admin.get(USERS).get_data(as_text=True)
    assert "side 1 af 2" in first and "Medarbejder 00" in first
    assert "Medarbejder 54" not in first
    assert "Medarbejder 54" in admin.get(USERS + "?side=2").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_the_admin_sees_the_users(as_role, role):
    client = as_role(role)
    for url in (USERS, INVITE, f"{USERS}1"):
        assert client.get(url).status_code == 403


def test_a_large_panel_is_searched_and_a_person_found_so_can_be_invited(admin):
    from portal.services import accounts

    for n in range(accounts.PERSONS_SHOWN + 2):
        make_person(first_name=f"Person{n:02}", email=f"p{n}@example.org", is_ambassador=True)
    zakaria = make_person(first_name="Zakaria", last_name="Zaki", is_ambassador=True)
    page = admin.get(INVITE).get_data(as_text=True)
    assert "Listen viser 30 af 33 personer" in page
    assert "Zakaria" not in page
    search = browser_form(admin, INVITE, action=INVITE, button="Søg")
    found = search.fill(person="zakaria").submit("Søg")
    assert found.status_code == 200
    form = pick(
        forms_in(admin, INVITE, found.get_data(as_text=True)), INVITE, button="Send invitationen"
    )
    form.fill(name="Zakaria Zaki", email="zakaria@example.org", role="assignee")
    response = form.fill(person_id=str(zakaria.id)).submit()
    assert response.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "zakaria@example.org")).one()
    assert user.person == zakaria
