"""The second factor on a phone (390 px), as production asks it of the secretariat: set up by
typing the secret shown on the page into an "app" (pyotp here), then a login with its code.
Every page on the way is axe clean and fits the screen."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models.enums import Role
from portal.services import second_factor
from tests.factories import PASSWORD, make_user


@pytest.fixture
def production(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _password(page, email):
    page.goto("/log-ind")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


@pytest.mark.usefixtures("production")
def test_a_secretary_sets_up_the_second_factor_and_logs_in_with_a_code_at_390_px(
    new_page, axe, travel
):
    user = make_user(role=Role.SECRETARIAT)
    page = new_page(width=390, height=844)
    _password(page, user.email)
    assert page.url.split("?")[0].endswith("/konto/totrinsbekraeftelse")
    assert axe(page) == []  # the page before the set-up starts
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start opsætning").click()
    assert page.locator(".qr-code svg").is_visible()
    assert axe(page) == []
    _fits(page)

    secret = page.inner_text("#totp-secret").replace(" ", "")
    app = pyotp.TOTP(secret)
    page.fill("#code", app.now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.get_by_role("heading", name="Gem koderne nu").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert axe(page) == []
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Jeg har gemt koderne, gå videre").click()
    assert "/sekretariat/" in page.url

    # The page that manages it, with a refused code shown: axe clean and fits too.
    page.goto("/konto/totrinsbekraeftelse")
    page.fill("#renew-code", "000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Lav nye gendannelseskoder").click()
    assert page.locator("#renew-code-error").is_visible()
    assert axe(page) == []
    _fits(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Log ud").click()
    travel.shift(timedelta(seconds=30))  # the next code: the one used is refused
    _password(page, user.email)
    assert page.url.endswith("/log-ind/kode")
    assert axe(page) == []
    _fits(page)
    page.fill("#code", app.now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/sekretariat/" in page.url


def test_an_admin_resets_a_second_factor_from_the_page_that_asks(new_page, axe):
    user = make_user(role=Role.SECRETARIAT, name="Kim Andersen")
    secret = second_factor.start_enrolment(user)
    second_factor.enrol(user, pyotp.TOTP(secret).now())
    db.session.commit()
    admin = make_user(role=Role.ADMIN)
    page = new_page(width=390, height=844)
    _password(page, admin.email)
    page.goto(f"/admin/brugere/{user.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Nulstil totrinsbekræftelse …").click()
    expect(
        page.get_by_role("heading", name="Nulstil totrinsbekræftelse for Kim Andersen?")
    ).to_be_visible()
    assert axe(page) == []
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Nulstil totrinsbekræftelse").click()
    assert page.get_by_text("Totrinsbekræftelsen for Kim Andersen er nulstillet.").is_visible()
    assert axe(page) == []
