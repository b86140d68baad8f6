"""After every action the answer is where the eye is: the page the action leads to opens with
its message on the screen and the focus on it (a screen reader reads it first, a keyboard user
goes on from there), on a phone as on a desktop."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models.enums import Role
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_scheduled, make_user


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


def test_an_event_moved_through_htmx_opens_at_the_message_saying_so(new_page):
    """The move form is sent by htmx; the answer is a new page whose first words say it was
    moved (a stranger saw the page unchanged, and saved a second time)."""
    event = make_scheduled()
    user = make_user(role=Role.SECRETARIAT)
    db.session.commit()
    page = new_page(width=1280, height=700)
    browser_login(page, user.email, PASSWORD)
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    page.locator("#sessions-0-day").fill((clock.today() + timedelta(days=12)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Gem ændringer og giv besked").click()
    message = page.get_by_role("status").filter(has_text="Arrangementet er flyttet")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
