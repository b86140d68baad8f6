"""Journeys in a real browser: what a person on a phone or a desktop actually gets."""

import logging
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal import demo
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD

logging.getLogger("werkzeug").setLevel(logging.WARNING)


def test_staff_log_in_on_a_phone_switch_to_english_and_log_out(demo_data, new_page):
    page = new_page(width=390, height=844)
    browser_login(page, "sekretariat@vink.example.org")
    assert page.url.endswith("/sekretariat/")
    expect(page.locator("h1")).to_have_text("Overblik")
    assert page.locator("html").get_attribute("lang") == "da"
    # Nothing sticks out sideways on a 390 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("text=English")
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.click("text=Log out")
    assert page.locator("text=Staff login").is_visible()
    page.goto("/sekretariat/")
    assert "/log-ind" in page.url


def test_a_demo_user_chooses_a_new_password_at_the_first_login(demo_data, page, axe):
    page.goto("/sekretariat/indbakke")
    assert urlsplit(page.url).path == "/log-ind"
    page.fill("#email", "sekretariat@vink.example.org")
    page.fill("#password", demo.DEMO_PASSWORD)  # the one the README publishes
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/ny-adgangskode"
    expect(page.locator("h1")).to_have_text("Vælg en ny adgangskode")
    assert "for let at gætte" in page.inner_text("main")
    assert axe(page) == []
    # Nothing else opens before a new password is chosen (the page stays where it is).
    asked = page.request.get("/sekretariat/", max_redirects=0)
    assert asked.status == 302
    assert urlsplit(asked.headers["location"]).path == "/ny-adgangskode"

    page.fill("#password", "vinkvinkvink")
    page.fill("#repeat", "vinkvinkvink")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Adgangskoden er for let at gætte." in page.inner_text("main")
    page.fill("#password", PASSWORD)
    page.fill("#repeat", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert urlsplit(page.url).path == "/sekretariat/indbakke"  # where she was going
    assert "Din nye adgangskode er gemt." in page.inner_text("main")
    page.goto("/sekretariat/")
    expect(page.locator("h1")).to_have_text("Overblik")


def test_a_wrong_password_is_announced_and_the_email_is_kept(demo_data, page):
    page.goto("/log-ind")
    page.fill("#email", "sekretariat@vink.example.org")
    page.fill("#password", "forkert-forkert")
    page.click("button[type=submit]")
    summary = page.locator("[data-module=error-summary]")
    assert "E-mail eller adgangskode er forkert." in summary.inner_text()
    assert page.input_value("#email") == "sekretariat@vink.example.org"
    assert page.input_value("#password") == ""


def test_htmx_requests_carry_the_csrf_token_set_once_in_app_js(demo_data, page):
    browser_login(page, "sekretariat@vink.example.org")
    # A POST from htmx without any token in the body: only the header set by app.js can pass
    # CSRF. The logout then redirects, which htmx turns into a navigation (HX-Redirect).
    # The script starts the request and returns at once: awaiting htmx.ajax's promise inside
    # evaluate races the navigation, which destroys the context the promise lives in.
    with page.expect_navigation():
        page.evaluate('() => { htmx.ajax("POST", "/log-ud", {target: "main", swap: "none"}); }')
    assert page.url.endswith("/")
    page.goto("/sekretariat/")
    assert "/log-ind" in page.url


def test_axe_really_reports_violations(page, axe):
    # The checker itself must be able to fail: an image without alt text and an unlabelled input.
    page.set_content('<html><body><img src="/x.png"><input type="text"></body></html>')
    found = " ".join(axe(page))
    assert "image-alt" in found
    assert "label" in found
