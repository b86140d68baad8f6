"""An English visitor who switches the offer kind on the booking form sees the kind's English
name, as the admin wrote it, in the tab's title and the page's heading (issue 21.6): the
heading htmx swaps in speaks the page's language, not only the one loaded first."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.factories import offer_kind


@pytest.mark.parametrize("width", [390, 1280])
def test_switching_the_offer_kind_in_english_shows_its_english_name(new_page, width):
    offer_kind("talk").name_en = "Expert talk"
    offer_kind("dialogue").name_en = "Peer dialogue"
    db.session.commit()
    page = new_page(width=width, locale="en")
    page.goto("/bestil?tilbud=talk")
    expect(page.locator("h1")).to_have_text(re.compile("expert talk", re.IGNORECASE))
    for choice, name in (("Peer dialogue", "peer dialogue"), ("Expert talk", "expert talk")):
        page.get_by_label(choice, exact=True).check()
        heading = page.locator("h1")
        expect(heading).to_have_text(re.compile(re.escape(name), re.IGNORECASE))
        expect(page).to_have_title(re.compile(re.escape(choice)))
        expect(heading).not_to_contain_text(re.compile("Vidensoplæg|Ung-til-ung", re.I))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_last_offer_kind_chosen_wins_when_the_answers_come_back_out_of_order(new_page):
    """Two quick switches send two requests; if the first answer comes back last it must not
    put back the kind the visitor left: the second switch cancels the first."""
    page = new_page(width=1280)
    page.goto("/bestil?tilbud=talk")
    held = []

    def hold_the_first(route):
        if not held:
            held.append(route)  # answered only after the second switch has been swapped in
        else:
            route.continue_()

    page.route("**/bestil/felter", hold_the_first)
    page.get_by_label("Ung-til-ung dialog", exact=True).check()
    # The second switch cancels the first request (else its late answer would land last).
    with page.expect_event("requestfailed", timeout=5000) as cancelled:
        page.get_by_label("Vidensoplæg", exact=True).check()
    assert cancelled.value.url.endswith("/bestil/felter")
    expect(page.locator("h1")).to_contain_text("vidensoplæg", ignore_case=True)
    page.unroute("**/bestil/felter")
    expect(page.locator("h1")).to_contain_text("vidensoplæg", ignore_case=True)
    expect(page.get_by_label("Vidensoplæg", exact=True)).to_be_checked()
    expect(page.locator("#offer-fields")).to_have_count(1)
