"""The admin invites a new dialogue ambassador by the Danish labels alone; the ambassador opens
the mail's link on a phone, chooses a password and logs in to their own page. The admin adds a
new offer with one staffing need, and a requester books it from the start page."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import OfferKind, OutboxMessage, Request, User
from portal.models.enums import Role, SeatRole
from tests.browser.test_booking_journey import _fill_by_labels
from tests.factories import PASSWORD, make_person, make_user

PASSPHRASE = "Syv søde sild på Sjælland"


def _admin_at_the_desk(new_page):
    """An admin logged in by the login page's labels, on the administration page."""
    admin = make_user(role=Role.ADMIN, password=PASSWORD)
    desk = new_page(width=1280)
    desk.goto("/log-ind")
    desk.get_by_label("E-mail").fill(admin.email)
    desk.get_by_label("Adgangskode").fill(PASSWORD)
    desk.get_by_role("button", name="Log ind").click()
    # An admin's sign-in leads to the administration page. (Clicking "Administration" there
    # loaded the page again, and the next click could land on the page being left: CI once
    # waited 30 s for "Tilføj et tilbud" after a click on the old page's "Tilbud" came to
    # nothing.)
    desk.wait_for_url("**/admin/")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Administration")
    return desk


def test_the_admin_invites_an_ambassador_who_chooses_a_password_and_logs_in(new_page, axe):
    amina = make_person(first_name="Amina", last_name="Hassan", is_ambassador=True)
    desk = _admin_at_the_desk(new_page)
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
    # The error, not the hint "Mindst 12 tegn" the page being left shows too.
    expect(phone.locator("[data-module=error-summary]")).to_contain_text("mindst 12 tegn")
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


def test_the_admin_adds_an_offer_that_a_requester_books_from_the_start_page(
    new_page, axe, browser, live_server
):
    desk = _admin_at_the_desk(new_page)
    desk.get_by_role("link", name="Tilbud", exact=True).click()
    desk.get_by_role("link", name="Tilføj et tilbud").click()
    desk.get_by_label("Navn på dansk").fill("Forældreaften")
    desk.get_by_label("Beskrivelse på dansk").fill("En aften for forældre om bekymringer.")
    desk.get_by_label("Voksne: hvem de er, og hvor mange").check()
    desk.get_by_label("Antal resursepersoner").fill("1")
    assert axe(desk) == []
    desk.get_by_role("button", name="Tilføj tilbuddet").click()
    desk.wait_for_selector("text=Forældreaften er gemt")
    assert axe(desk) == []
    db.session.expire_all()
    kind = db.session.scalars(
        db.select(OfferKind).where(OfferKind.name_da == "Forældreaften")
    ).one()
    assert [(n.seat_role, n.count) for n in kind.staffing_needs] == [(SeatRole.RESOURCE_PERSON, 1)]

    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto("/")
        assert "En aften for forældre om bekymringer." in phone.inner_text("main")
        phone.get_by_role("link", name="Bestil forældreaften").click()
        expect(phone.locator("h1")).to_have_text("Bestil forældreaften")
        _fill_by_labels(phone, kind.code)
        with phone.expect_navigation():
            phone.get_by_role("button", name="Send bestilling").click()
        assert "Tak for jeres bestilling" in phone.inner_text("main"), phone.inner_text("main")
    finally:
        context.close()
    request = db.session.scalars(db.select(Request)).one()
    assert request.offer_kind_id == kind.id
