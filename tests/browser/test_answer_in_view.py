"""After every action the answer is where the eye is: the page the action leads to opens with
its message on the screen and the focus on it (a screen reader reads it first, a keyboard user
goes on from there), on a phone as on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_login


@pytest.mark.parametrize("width", [390, 1280])
def test_the_message_after_an_action_is_on_the_screen_with_the_focus(demo_data, new_page, width):
    page = new_page(width=width, height=700)
    browser_login(page, "admin@vink.example.org")
    page.goto("/admin/lukkeperioder")
    # The form is at the bottom of a long list: the button is far down the page.
    page.get_by_label("Navn").fill("Personaledag")
    page.get_by_label("Fra og med").fill("2030-10-07")
    page.get_by_label("Til og med").fill("2030-10-07")
    with page.expect_navigation():
        page.get_by_role("button", name="Tilføj", exact=True).click()
    message = page.get_by_role("status").filter(has_text="Lukkeperioden er tilføjet.")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    # Focus moved to the message, not into a field: no field is left half-filled.
    page.keyboard.press("Tab")
    expect(message).not_to_be_focused()
