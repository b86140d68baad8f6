"""The admin invites a new dialogue ambassador by the Danish labels alone; the ambassador opens
the mail's link on a phone, chooses a password and logs in to their own page."""

from urllib.parse import urlsplit

from portal.extensions import db
from portal.models import OutboxMessage, User
from portal.models.enums import Role
from tests.factories import PASSWORD, make_person, make_user

PASSPHRASE = "Syv søde sild på Sjælland"


def test_the_admin_invites_an_ambassador_who_chooses_a_password_and_logs_in(new_page, axe):
    amina = make_person(first_name="Amina", last_name="Hassan", is_ambassador=True)
    admin = make_user(role=Role.ADMIN, password=PASSWORD)
    desk = new_page(width=1280)
    desk.goto("/log-ind")
    desk.get_by_label("E-mail").fill(admin.email)
    desk.get_by_label("Adgangskode").fill(PASSWORD)
    desk.get_by_role("button", name="Log ind").click()
    desk.get_by_role("link", name="Administration").first.click()
    desk.get_by_role("link", name="Brugere").click()
    desk.get_by_role("link", name="Invitér en bruger").click()
    desk.get_by_label("Navn").fill("Amina Hassan")
    desk.get_by_label("E-mail").fill("amina@example.org")
    desk.get_by_label("Resurseperson / dialogambassadør").check()
    desk.get_by_label("Person i panelet").select_option(label=f"Amina Hassan ({amina.email})")
    assert axe(desk) == []
    desk.get_by_role("button", name="Send invitationen").click()
    desk.wait_for_selector("text=Amina Hassan er inviteret")

    body = db.session.scalars(
        db.select(OutboxMessage.body_text).where(OutboxMessage.to_address == "amina@example.org")
    ).one()
    link = urlsplit(next(w for w in body.split() if "/adgangskode/" in w)).path
    phone = new_page(width=390, height=844)
    phone.goto(link)
    assert "amina@example.org" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(phone) == []
    phone.get_by_label("Ny adgangskode").fill("kort")
    phone.get_by_label("Gentag adgangskoden").fill("kort")
    phone.get_by_role("button", name="Gem adgangskoden").click()
    phone.wait_for_selector("text=mindst 12 tegn")
    phone.get_by_label("Ny adgangskode").fill(PASSPHRASE)
    phone.get_by_label("Gentag adgangskoden").fill(PASSPHRASE)
    phone.get_by_role("button", name="Gem adgangskoden").click()
    phone.wait_for_selector("text=Din adgangskode er gemt")
    phone.get_by_label("E-mail").fill("amina@example.org")
    phone.get_by_label("Adgangskode").fill(PASSPHRASE)
    phone.get_by_role("button", name="Log ind").click()
    phone.wait_for_url("**/mig/")
    db.session.expire_all()
    user = db.session.scalars(db.select(User).where(User.email == "amina@example.org")).one()
    assert (user.role, user.person.first_name, user.is_invited) == (Role.ASSIGNEE, "Amina", False)
