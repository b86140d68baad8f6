"""Issue 21 at 390 px: the event page folds its suggestions into one list with "Vis flere" and
one send fills every seat; the month calendar is a list of days; the inbox's next page is near."""

from datetime import timedelta

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Assignment
from portal.models.enums import AssignmentStatus, Role
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_ambassador, make_request, make_scheduled, make_user

PHONE = {"width": 390, "height": 844}


def _staff_on_a_phone(new_page):
    user = make_user(role=Role.SECRETARIAT)
    page = new_page(**PHONE)
    browser_login(page, user.email, PASSWORD)
    return page


def _offered(event):
    db.session.expire_all()
    return sorted(
        (a.seat_number, a.person_id)
        for a in db.session.scalars(db.select(Assignment).where(Assignment.event_id == event.id))
        if a.status == AssignmentStatus.OFFERED
    )


def test_the_event_page_on_a_phone_is_a_few_screens_and_one_send_fills_both_seats(new_page, axe):
    event = make_scheduled()  # a dialogue: two ambassador seats
    people = [make_ambassador(first_name=f"Anna{n:02}", last_name="Andersen") for n in range(14)]
    db.session.commit()
    page = _staff_on_a_phone(new_page)
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    # One list for the two seats: the best 12, four in view and the rest behind "Vis flere"
    # (two seats of twelve cards each made it 14,469 px).
    assert page.get_by_role("button", name="Send forespørgsler").count() == 1
    more = page.locator("details.more-suggestions > summary")
    expect(more).to_contain_text("Vis 8 forslag mere")
    form = page.locator("form.staffing-form")
    assert form.locator("input[name=ambassador]:visible").count() == 4
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6 * PHONE["height"], height
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe(page) == []
    more.click()
    expect(form.locator("input[name=ambassador]:visible")).to_have_count(12)
    page.get_by_label(people[0].full_name).check()
    page.get_by_label(people[11].full_name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send forespørgsler").click()
    expect(page.get_by_text("Forespørgslen er sendt til")).to_be_visible()
    assert _offered(event) == [(1, people[0].id), (2, people[11].id)]
    expect(page.locator("table.seats")).to_contain_text(people[11].full_name)
    assert page.locator("form.staffing-form").count() == 0


def test_choosing_too_many_on_a_phone_answers_beside_the_button_with_nothing_sent(
    new_page, page_errors
):
    event = make_scheduled()
    people = [make_ambassador(first_name=f"Bo{n}") for n in range(3)]
    db.session.commit()
    page = _staff_on_a_phone(new_page)
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    for person in people:
        page.get_by_label(person.full_name).check()
    page.get_by_role("button", name="Send forespørgsler").click()
    answer = page.locator("#forslag-svar")
    expect(answer).to_contain_text("Du har valgt 3 som dialogambassadør")
    expect(answer).to_be_focused()
    assert _offered(event) == []
    refused = [e for e in page_errors if e.startswith("422 for fetch") and "/forespoerg" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])


def test_one_send_fills_both_seats_without_javascript(browser, live_server):
    event = make_scheduled()
    amina, bo = make_ambassador(first_name="Amina"), make_ambassador(first_name="Bo")
    user = make_user(role=Role.SECRETARIAT)
    db.session.commit()
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        browser_login(page, user.email, PASSWORD)
        page.goto(f"/sekretariat/arrangementer/{event.id}")
        page.get_by_label(amina.full_name).check()
        page.get_by_label(bo.full_name).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Send forespørgsler").click()
        expect(page.get_by_text("Forespørgslen er sendt til")).to_be_visible()
        assert _offered(event) == [(1, amina.id), (2, bo.id)]
    finally:
        context.close()


def test_the_month_calendar_on_a_phone_is_a_list_of_days_without_sideways_scrolling(new_page, axe):
    day = clock.today() + timedelta(days=3)
    for hour in (9, 13):
        make_scheduled("dialogue", starts_at=clock.local(day.year, day.month, day.day, hour, 0))
    db.session.commit()
    page = _staff_on_a_phone(new_page)
    page.goto(f"/sekretariat/kalender?visning=maaned&dato={day.isoformat()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    scroller = page.locator(".table--responsive-scroll")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    # Each day of the month stands on its own line, its weekday beside its number.
    cells = page.locator(".calendar-month td:not(.out-of-month)")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] > first["y"] and second["x"] == first["x"]
    assert first["width"] > 300
    expect(cells.nth(0).locator(".day-weekday")).to_be_visible()
    assert axe(page) == []


def test_the_inbox_next_page_is_within_two_screens_on_a_phone(new_page):
    for n in range(30):  # more than one page of 25
        make_request(contact_email=f"laerer{n}@example.org", organisation_name=f"Skole {n:02d}")
    page = _staff_on_a_phone(new_page)
    page.goto("/sekretariat/indbakke")
    next_page = page.locator(".pager-top").get_by_role("link", name="Næste side")
    box = next_page.bounding_box()
    assert box is not None and box["y"] + box["height"] < 2 * PHONE["height"], box
    assert box["height"] >= 24
    with page.expect_navigation():
        next_page.click()
    assert "side=2" in page.url
