"""The main menu on a phone: with JavaScript the design system folds the last items into a
button, in the page's language; without it the menu wraps. Either way the page is never wider
than the screen (the admin's menu, the longest, ran 230 px off a 390 px screen without
JavaScript)."""

import pytest
from playwright.sync_api import expect

from portal.models.enums import Role
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_admins_menu_fits_a_phone_in_both_languages(browser, live_server, javascript):
    admin = make_user(role=Role.ADMIN)
    for language, more in (("da", "Mere"), ("en", "More")):
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": 390, "height": 900},
            java_script_enabled=javascript,
        )
        context.add_cookies([{"name": "vink_lang", "value": language, "url": live_server}])
        try:
            page = context.new_page()
            browser_login(page, admin.email, PASSWORD)
            page.goto("/admin/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, language
            name = "Hovedmenu" if language == "da" else "Main menu"
            menu = page.get_by_role("navigation", name=name)
            if javascript:
                expect(menu.locator(".more-button")).to_have_text(more)
            else:
                # Every item can be reached: on the screen, not past its edge.
                for link in menu.get_by_role("link").all():
                    box = link.bounding_box()
                    assert box["x"] + box["width"] <= 390, link.inner_text()
        finally:
            context.close()
