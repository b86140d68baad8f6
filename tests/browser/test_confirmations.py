"""Removing a person from a seat and declining a request ask first, on a page of their own that
names who is told, and the answer afterwards is where the eye is (issue 21)."""

import pytest
from playwright.sync_api import expect

from portal.models.enums import AssignmentStatus
from tests.browser import a11y
from tests.browser.conftest import browser_login
from tests.factories import (
    PASSWORD,
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
)


@pytest.mark.parametrize("width", [390, 1280])
def test_removing_a_person_from_a_seat_asks_first_and_answers_at_the_top(
    new_page, make_user, width
):
    make_user(email="sara@example.org", name="Sara Lindberg")
    event = make_scheduled(request=make_request(contact_name="Anne Mortensen"))
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad", email="yasmin@example.org")
    make_assignment(event, yasmin, status=AssignmentStatus.ACCEPTED)

    page = new_page(width=width, height=800)
    browser_login(page, "sara@example.org", PASSWORD)
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Fjern fra pladsen (Yasmin Haddad)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fjern Yasmin Haddad fra pladsen?")
    told = page.locator(".confirm-told")
    expect(told).to_contain_text("Yasmin Haddad får en e-mail på yasmin@example.org")
    expect(told).to_contain_text("Bestilleren, Anne Mortensen, får ikke besked.")
    assert a11y.violations(page) == []

    # Fortryd changes nothing.
    with page.expect_navigation():
        page.get_by_role("link", name="Fortryd").click()
    expect(page.locator(".seats")).to_contain_text("Yasmin Haddad: Accepteret")

    with page.expect_navigation():
        page.get_by_role("link", name="Fjern fra pladsen (Yasmin Haddad)").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Fjern og giv besked").click()
    message = page.get_by_role("status").filter(has_text="Forespørgslen er trukket tilbage")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    expect(page.locator(".seats")).to_contain_text("Yasmin Haddad: Trukket tilbage")


def test_declining_a_request_asks_first_with_the_reason_and_without_javascript(
    browser, live_server, make_user
):
    make_user(email="sara@example.org", name="Sara Lindberg")
    request = make_request(
        organisation_name="Tingbjerg Skole",
        contact_name="Anne Mortensen",
        contact_email="anne@example.org",
    )
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    try:
        browser_login(page, "sara@example.org", PASSWORD)
        page.goto(f"/sekretariat/henvendelser/{request.id}")
        with page.expect_navigation():
            page.get_by_role("link", name="Afvis henvendelsen …").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Afvis henvendelsen fra Tingbjerg Skole?"
        )
        expect(page.locator(".confirm-told")).to_contain_text(
            "Bestilleren, Anne Mortensen, Tingbjerg Skole, får en e-mail på anne@example.org"
        )
        page.get_by_label("Besked til bestilleren").fill("Vi har ikke plads før sommer.")
        with page.expect_navigation():
            page.get_by_role("button", name="Afvis og giv bestilleren besked").click()
        expect(page.get_by_role("status")).to_contain_text("Henvendelsen er afvist")
        expect(page.locator(".font-lead").first).to_contain_text("Afvist")
    finally:
        context.close()
