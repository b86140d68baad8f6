"""The panel and the organisations list scroll sideways on a phone inside a box the keyboard
can reach (axe's scrollable-region-focusable), named once on the page (landmark-unique), at
390 and 1280 px."""

import os

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import browser_login

ADMIN = "admin@vink.example.org"
SHOTS = os.environ.get("VINK_SCREENSHOTS")  # a folder: look at what the test saw
PAGES = {"/admin/personer/": "Panelet", "/sekretariat/organisationer": "Organisationer"}


def test_the_panel_and_the_organisations_scroll_in_a_box_the_keyboard_reaches(
    new_page, demo_data, axe
):
    page = new_page(width=390)
    browser_login(page, ADMIN)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path, name in PAGES.items():
            page.goto(path)
            box = page.locator("main [role=region]")
            assert box.count() == 1, path
            assert box.get_attribute("aria-label") == name
            assert box.get_attribute("tabindex") == "0"
            assert box.locator("table").count() == 1
            if SHOTS:
                shot = f"{path.strip('/').replace('/', '-')}-{width}.png"
                page.screenshot(path=os.path.join(SHOTS, shot), full_page=True)
            assert axe(page) == [], (path, width)
            assert _landmarks_named_twice(page) == [], (path, width)


def _landmarks_named_twice(page):
    """axe's landmark-unique (a best practice, outside the WCAG tags the suite runs)."""
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["landmark-unique"]}})
    return [v["id"] for v in results.response["violations"]]
