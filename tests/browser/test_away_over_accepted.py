"""An away period over an event the person has said yes to warns her and the secretariat
(issue 21.1): she is told on the page where her eye is, the secretariat sees it under
"Kræver handling" and beside "Accepteret" on the event page."""

from datetime import timedelta

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models.enums import Role
from tests.browser.conftest import browser_login
from tests.factories import (
    PASSWORD,
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
)


def test_an_away_day_over_an_accepted_event_warns_her_and_the_secretariat(new_page, axe):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Ali")
    day = clock.today() + timedelta(days=20)
    event = make_scheduled(
        request=make_request(), starts_at=clock.local(day.year, day.month, day.day, 10, 0)
    )
    make_assignment(event, yasmin)
    organisation = event.request.organisation.name
    ambassador = make_user(role=Role.ASSIGNEE, person=yasmin)
    secretary = make_user(role=Role.SECRETARIAT)
    db.session.commit()

    phone = new_page(width=390, height=844)
    browser_login(phone, ambassador.email, PASSWORD)
    phone.goto("/mig/tilgaengelighed")
    phone.fill("#starts_on", day.isoformat())
    phone.fill("#ends_on", day.isoformat())
    with phone.expect_navigation():
        phone.click("button:has-text('Tilføj periode')")
    warning = phone.locator("main .alert-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("har sagt ja til")
    expect(warning).to_contain_text(organisation)
    expect(warning).to_contain_text(f"{day.day}. ")
    expect(warning).to_contain_text("Sekretariatet")
    expect(warning).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(phone) == []

    desk = new_page(width=1280)
    browser_login(desk, secretary.email, PASSWORD)
    desk.goto("/sekretariat/indbakke")
    needs = desk.locator(".action-needed .action-away")
    expect(needs).to_have_count(1)
    expect(needs).to_contain_text("Yasmin Ali")
    expect(needs).to_contain_text(organisation)
    with desk.expect_navigation():
        needs.get_by_role("link").first.click()
    assert desk.url.endswith(f"/sekretariat/arrangementer/{event.id}")
    seats = desk.locator("table.seats")
    expect(seats).to_contain_text("Yasmin Ali: Accepteret, men er væk på dagen")
    assert axe(desk) == []
