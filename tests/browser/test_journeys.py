"""Journeys in a real browser: what a person on a phone or a desktop actually gets."""

import logging

from tests.browser.conftest import browser_login

logging.getLogger("werkzeug").setLevel(logging.WARNING)


def test_staff_log_in_on_a_phone_switch_to_english_and_log_out(demo_data, new_page):
    page = new_page(width=390, height=844)
    browser_login(page, "sekretariat@vink.example.org")
    assert page.url.endswith("/sekretariat/")
    assert page.locator("h1").inner_text() == "Overblik"
    assert page.locator("html").get_attribute("lang") == "da"
    # Nothing sticks out sideways on a 390 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("text=English")
    assert page.locator("h1").inner_text() == "Overview"
    assert page.locator("html").get_attribute("lang") == "en"

    with page.expect_navigation():
        page.click("text=Log out")
    assert page.locator("text=Staff login").is_visible()
    page.goto("/sekretariat/")
    assert "/log-ind" in page.url


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
