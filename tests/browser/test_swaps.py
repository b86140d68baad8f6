"""htmx swaps never run a design-system component's set-up twice (issue 21.4), and a page whose
regions have been swapped three times is as accessible as when it was loaded (issue 21.13).

DKFDS.init({scope}) sets up each component inside its scope, but the header's navigation (its
"Mere" menu) on the whole page whatever the scope: every swap added another menu, with its
id="fds-more-menu" repeated."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Event
from portal.models.enums import EventStatus
from tests.browser import a11y
from tests.browser.conftest import browser_login

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


# Each region htmx swaps, swapped three times as a person would, then checked like any page:
# axe and unique ids. A swap leaves its traces in what it leaves behind (a header set up again,
# a partial's id repeated, a live region doubled), not in the first response.


def _swap(page, region, act):
    """Does `act` and waits until htmx has replaced `region` (an outerHTML swap): the old
    element, marked first, is gone and a new one is in its place."""
    page.locator(region).evaluate("element => element.setAttribute('data-swapped-out', '')")
    act()
    expect(page.locator(f"{region}[data-swapped-out]")).to_have_count(0)
    expect(page.locator(region)).to_have_count(1)
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def _booking_offer_switch(page):
    page.goto("/bestil?tilbud=talk")
    for n in range(3):
        _swap(page, "#offer-fields", lambda n=n: page.check(OFFERS[(n + 1) % 2]))


def _booking_field_check(page):
    page.goto("/bestil?tilbud=talk")
    for typed in ("ikke-en-adresse", "stadig@", "lærer@skole.dk"):
        _swap(
            page,
            "#contact_email-group",
            lambda typed=typed: (
                page.fill("#contact_email", typed),
                page.press("#contact_email", "Tab"),
            ),
        )


def _inbox_filters(page):
    browser_login(page, "sekretariat@vink.example.org")
    page.goto("/sekretariat/indbakke")
    for index in (1, 2, 0):
        _swap(
            page,
            "#inbox-results",
            lambda index=index: page.select_option("#status", index=index),
        )


def _event_page_forms(page):
    browser_login(page, "sekretariat@vink.example.org")
    event = db.session.scalars(
        db.select(Event).where(Event.status == EventStatus.PLANNED).order_by(Event.id)
    ).first()
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    # Three messages to everyone concerned: each answer comes back in the region.
    form = page.locator(f"form[action$='/arrangementer/{event.id}/besked']")
    for n in range(1, 4):
        form.locator("input[name=subject]").fill(f"Nyt om arrangementet ({n})")
        form.locator("textarea[name=body]").fill("Vi mødes ved hovedindgangen.")
        _swap(page, "#event-body", form.locator("button[type=submit]").click)
        expect(page.locator("main")).to_contain_text("Beskeden er sendt")


REGIONS = {
    "booking offer switch": (_booking_offer_switch, 390),
    "booking field check": (_booking_field_check, 390),
    "inbox filters": (_inbox_filters, 1280),
    "event page forms": (_event_page_forms, 1280),
}


@pytest.mark.parametrize("region", REGIONS)
def test_three_swaps_of_each_htmx_region_leave_the_page_accessible_with_unique_ids(
    demo_data, new_page, region
):
    swap_three_times, width = REGIONS[region]
    page = new_page(width=width, height=900)
    swap_three_times(page)
    assert a11y.violations(page) == [], region
    assert _duplicate_ids(page) == [], region
