"""Accessibility fixes of issue 21.13 that axe and the crawl do not see by themselves: a tab's
name broken inside a word, and the report's print button, which needs a script to print."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_login

# 320 px is WCAG 1.4.10's narrow screen; 640 px is a 1280 px screen at 200 % zoom.
WIDTHS = [320, 640]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_tabs_wrap_between_names_never_inside_one(demo_data, new_page, width):
    page = new_page(width=width, height=900)
    browser_login(page, "admin@vink.example.org")
    page.goto("/admin/")
    tab = page.locator("main .tab-links").get_by_role("link", name="E-mailtekster")
    expect(tab).to_be_visible()
    assert tab.evaluate("link => link.getClientRects().length") == 1  # one line: "E-mailtekster"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_report_prints_from_its_button(demo_data, new_page):
    page = new_page(width=1280)
    browser_login(page, "sekretariat@vink.example.org")
    page.goto("/sekretariat/rapport")
    # The print dialog itself is the browser's: the test sees that the button asks for it.
    page.evaluate("window.print = () => document.documentElement.setAttribute('data-printed', '')")
    page.get_by_role("button", name="Udskriv rapporten").click()
    expect(page.locator("html[data-printed]")).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Udskriv rapporten")).to_be_hidden()


def test_without_javascript_the_report_shows_no_print_button_that_cannot_print(
    demo_data, browser, live_server
):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        browser_login(page, "sekretariat@vink.example.org")
        page.goto("/sekretariat/rapport")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Årsrapport")
        expect(page.get_by_role("button", name="Udskriv rapporten")).to_have_count(0)
        expect(page.get_by_role("button", name="Vis året")).to_be_visible()
    finally:
        context.close()
