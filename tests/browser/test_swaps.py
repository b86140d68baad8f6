"""htmx swaps never run a design-system component's set-up twice (issue 21.4).

DKFDS.init({scope}) sets up each component inside its scope, but the header's navigation (its
"Mere" menu) on the whole page whatever the scope: every swap added another menu, with its
id="fds-more-menu" repeated."""

import re

from playwright.sync_api import expect

OFFERS = ["#offer_kind-0", "#offer_kind-1"]
TITLES = ["Bestil: Vidensoplæg", "Bestil: Ung-til-ung dialog"]


def _duplicate_ids(page):
    return page.evaluate(
        """() => {
            const seen = {};
            for (const el of document.querySelectorAll('[id]')) {
                seen[el.id] = (seen[el.id] || 0) + 1;
            }
            return Object.keys(seen).filter((id) => seen[id] > 1);
        }"""
    )


def test_ten_swaps_of_the_booking_form_leave_one_of_each_component(new_page):
    for width in (390, 1280):
        page = new_page(width=width, height=900)
        page.goto("/bestil?tilbud=talk")
        before = page.evaluate("document.querySelectorAll('.more-option, .more-button').length")
        for n in range(10):
            page.check(OFFERS[(n + 1) % 2])
            title = TITLES[(n + 1) % 2]
            expect(page).to_have_title(re.compile("^" + re.escape(title)))
            expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
        after = page.evaluate("document.querySelectorAll('.more-option, .more-button').length")
        assert after == before, (width, before, after)
        assert _duplicate_ids(page) == [], width
