"""A dialogue request walks from the inbox to fully staffed to held with attendance, in a real
browser: the secretariat schedules and offers, two ambassadors answer from their email links."""

from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Assignment, Request
from portal.models.enums import AssignmentStatus, EventStatus
from portal.services import offers
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_ambassador, make_request


def test_from_inbox_to_fully_staffed_to_held(new_page, make_user, travel):
    make_user(email="sara@example.org", name="Sara Lindberg")
    make_request(organisation_name="Tingbjerg Skole")
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    amina = make_ambassador(first_name="Amina", last_name="Yusuf")

    staff = new_page()
    browser_login(staff, "sara@example.org", PASSWORD)
    staff.click("a:has-text('Indbakke')")
    staff.click("a:has-text('Ung-til-ung dialog: Tingbjerg Skole')")
    expect(staff.locator("h1")).to_have_text("Ung-til-ung dialog: Tingbjerg Skole")

    day = clock.today() + timedelta(days=9)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    staff.fill("#sessions-0-day", day.isoformat())
    staff.fill("#sessions-0-starts", "10:00")
    staff.fill("#sessions-0-ends", "11:30")
    staff.click("button:has-text('Planlæg arrangement')")
    staff.wait_for_selector("text=Dialogambassadør 1 af 2")
    if staff.locator("text=Datoen ligger i en lukkeperiode").count():
        staff.check("#confirm_closed")
        staff.click("button:has-text('Planlæg arrangement')")
        staff.wait_for_selector("text=Dialogambassadør 1 af 2")

    # Offer both seats from the one list of suggestions, with one send.
    for person in (yasmin, amina):
        staff.get_by_label(person.full_name).check()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Send forespørgsler").click()
    staff.wait_for_selector("text=Forespørgslen er sendt til")

    # Each ambassador answers from the link in their email, on a phone.
    db.session.expire_all()
    for assignment in db.session.scalars(db.select(Assignment)).all():
        phone = new_page(width=390, height=844)
        phone.goto(urlsplit(offers.answer_url(assignment)).path)
        phone.click("button:has-text('Ja, jeg kommer')")
        phone.wait_for_selector("text=Du har sagt ja")

    staff.reload()
    assert "Bemanding · Bemandet" in staff.inner_text("main")

    # The day after: the event has ended; attendance is recorded and it is held.
    event = db.session.scalars(db.select(Request)).one().event
    travel(event.ends_at + timedelta(hours=20))
    # A night away: the session has run out, and Sara logs in again.
    staff.goto(f"/sekretariat/arrangementer/{event.id}")
    assert staff.url.split("?")[0].endswith("/log-ind")
    browser_login(staff, "sara@example.org", PASSWORD)
    staff.goto(f"/sekretariat/arrangementer/{event.id}")
    staff.fill("#students", "23")
    staff.fill("#staff", "2")
    staff.click("button:has-text('Gem fremmøde')")
    staff.wait_for_selector("text=Fremmødet er gemt.")
    db.session.expire_all()
    event = db.session.get(type(event), event.id)
    assert event.status == EventStatus.HELD
    assert event.attendance.total == 25
    assert "Afholdt" in staff.inner_text("main")


def test_the_overview_on_a_phone_leads_to_the_inbox_the_events_and_attendance(
    new_page, make_user, page_errors
):
    from portal.models import Attendance
    from tests.factories import make_event, make_scheduled

    make_user(email="sara@example.org", name="Sara Lindberg")
    make_request(organisation_name="Tingbjerg Skole")
    soon = make_scheduled(
        request=make_request(organisation_name="Husum Skole"),
        starts_at=clock.now() + timedelta(days=3),
    )
    # 21 events that ended without attendance: the overview shows 20 and leads to the rest.
    for n in range(21):
        make_event(
            kind="talk", title=f"Temadag {n:02d}", starts_at=clock.now() - timedelta(days=n + 1)
        )

    staff = new_page(width=390, height=844)
    browser_login(staff, "sara@example.org", PASSWORD)
    staff.goto("/sekretariat/")
    # A count leads to the inbox filtered by that status.
    with staff.expect_navigation():
        staff.get_by_role("link", name="1 Modtaget").click()
    assert "status=submitted" in staff.url
    assert staff.input_value("#status") == "submitted"  # the filter shows what it filters by
    assert "Tingbjerg Skole" in staff.inner_text("main")

    # An upcoming event leads to its page.
    staff.goto("/sekretariat/")
    with staff.expect_navigation():
        staff.click("a:has-text('Ung-til-ung dialog: Husum Skole')")
    assert urlsplit(staff.url).path == f"/sekretariat/arrangementer/{soon.id}"

    # "Mangler fremmøde" lists twenty, and "+1 flere" leads to all of them.
    staff.goto("/sekretariat/")
    missing = staff.locator("h2:has-text('Mangler fremmøde') + ul li")
    assert missing.count() == 20
    assert "+1 flere." in staff.inner_text("main")
    with staff.expect_navigation():
        staff.click("a:has-text('Se alle, der mangler fremmøde')")
    assert "21 arrangementer" in staff.inner_text("main")

    # The latest leads to its attendance form; the counts start empty, so a save by mistake
    # records nothing and says why.
    staff.goto("/sekretariat/")
    with staff.expect_navigation():
        missing.first.locator("a").click()
    assert staff.url.endswith("#fremmoede")
    for group in ("students", "staff", "parents", "other"):
        assert staff.input_value(f"#{group}") == "", group
    staff.click("button:has-text('Gem fremmøde')")
    staff.wait_for_selector("text=Skriv, hvor mange der deltog")
    assert db.session.scalar(db.select(db.func.count()).select_from(Attendance)) == 0
    # The refusal is a 422 that htmx swaps in: expected here, not a browser error.
    refused = [e for e in page_errors if e.startswith("422 for fetch") and "/fremmoede" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390


def _event_with_an_away_ambassador():
    from portal.models import AwayPeriod
    from tests.factories import make_scheduled

    event = make_scheduled()
    away = make_ambassador(first_name="Aaron", last_name="Borte")
    day = event.starts_at.astimezone(clock.COPENHAGEN).date()
    db.session.add(AwayPeriod(person=away, starts_on=day, ends_on=day))
    db.session.commit()
    return event, away


def _offer_refused(page, event, away, *, navigates=False):
    """Offer the seat to `away`, who is refused; `navigates`: without JavaScript the form's
    answer is a new page, waited for (with htmx it is swapped in beside the button)."""
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    form = page.locator("form.staffing-form")
    form.locator(f"input[name=ambassador][value='{away.id}']").check()
    send = form.locator("button:has-text('Send forespørgsler')")
    if navigates:
        with page.expect_navigation():
            send.click()
    else:
        send.click()
    return page.locator("#forslag-svar")


def _in_view(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_a_refused_offer_answers_beside_its_button_with_the_ticks_kept_on_a_phone(
    new_page, make_user, page_errors
):
    """Issue 12.3: the refusal is where the eye is, not 1,900 px above, and nothing is lost."""
    make_user(email="sara@example.org")
    event, away = _event_with_an_away_ambassador()
    page = new_page(width=390, height=844)
    browser_login(page, "sara@example.org", PASSWORD)
    answer = _offer_refused(page, event, away)
    answer.wait_for()
    assert "har meldt sig væk" in answer.inner_text()
    expect(page.locator("#forslag-svar")).to_be_focused()  # once the swap has settled
    assert _in_view(page, answer)
    # Issue 12.4: the seats and the suggestions stand as headed rows, nothing cut off.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for table in ("table.seats", "table.suggestions"):
        box = page.locator(table).first.bounding_box()
        assert box["x"] + box["width"] <= 390, table
    form = page.locator("form.staffing-form")
    assert form.locator(f"input[name=ambassador][value='{away.id}']").is_checked()
    # Tick "anyway" and send again: the offer goes out.
    form.locator("input[name=confirm_unavailable]").check()
    with page.expect_navigation():
        form.locator("button:has-text('Send forespørgsler')").click()
    page.wait_for_selector("text=Forespørgslen er sendt til")
    refused = [e for e in page_errors if e.startswith("422 for fetch") and "/forespoerg" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])


def test_a_refused_offer_without_javascript_opens_at_its_answer(browser, live_server, make_user):
    make_user(email="sara@example.org")
    event, away = _event_with_an_away_ambassador()
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        browser_login(page, "sara@example.org", PASSWORD)
        answer = _offer_refused(page, event, away, navigates=True)
        assert page.url.endswith("#forslag-svar")
        assert "har meldt sig væk" in answer.inner_text()
        assert _in_view(page, answer)
        form = page.locator("form.staffing-form")
        assert form.locator(f"input[name=ambassador][value='{away.id}']").is_checked()
    finally:
        context.close()


def test_the_secretariat_finds_anyone_in_the_panel_and_offers_with_a_confirm_step(
    new_page, make_user, page_errors
):
    """Issue 12.2: a person the suggestions do not show (here: busy at that time) is found by
    name and offered the seat after the warning is confirmed, not refused in silence."""
    from tests.factories import make_assignment

    make_user(email="sara@example.org")
    event = make_scheduled_dialogue()
    for n in range(13):
        make_ambassador(first_name=f"Anna{n:02}", last_name="Andersen")
    zara = make_ambassador(first_name="Zara", last_name="Ziegler")
    other = make_scheduled_dialogue(starts_at=event.starts_at)
    make_assignment(other, zara, status=AssignmentStatus.ACCEPTED)
    db.session.commit()

    page = new_page(width=390, height=844)
    browser_login(page, "sara@example.org", PASSWORD)
    page.goto(f"/sekretariat/arrangementer/{event.id}")
    assert page.locator(f"input[name=ambassador][value='{zara.id}']").count() == 0
    page.get_by_label("Find en anden i panelet").first.fill("zara")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg i panelet").first.click()
    form = page.locator("form.staffing-form")
    box = form.locator(f"input[name=ambassador][value='{zara.id}']")
    assert box.is_checked() and box.is_enabled()
    form.locator("button:has-text('Send forespørgsler')").click()
    answer = page.locator("#forslag-svar")
    answer.wait_for()
    assert "har sagt ja til et andet arrangement" in answer.inner_text()
    form.locator("input[name=confirm_unavailable]").check()
    with page.expect_navigation():
        form.locator("button:has-text('Send forespørgsler')").click()
    page.wait_for_selector("text=Forespørgslen er sendt til")
    db.session.expire_all()
    offered = db.session.scalars(db.select(Assignment).where(Assignment.event_id == event.id))
    assert [a.person_id for a in offered] == [zara.id]
    refused = [e for e in page_errors if e.startswith("422 for fetch") and "/forespoerg" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])


def make_scheduled_dialogue(starts_at=None):
    from tests.factories import make_scheduled

    return make_scheduled(starts_at=starts_at)


def test_on_a_phone_a_wished_date_fills_the_schedule_form_beside_who_is_free(
    new_page, make_user, axe
):
    make_user(email="sara@example.org", name="Sara Lindberg")
    day = clock.today() + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    request = make_request(
        organisation_name="Tingbjerg Skole",
        preferred_dates=[(day, None), (day + timedelta(days=7), day + timedelta(days=27))],
    )
    for name in ("Yasmin", "Amina", "Omar"):
        make_ambassador(first_name=name)

    staff = new_page(width=390, height=844)
    browser_login(staff, "sara@example.org", PASSWORD)
    staff.goto(f"/sekretariat/henvendelser/{request.id}")
    wished = staff.locator("dd li", has_text="Ambassadører ledige: 3 af 3").first
    assert wished.is_visible()
    assert staff.locator("text=+5 flere hverdage i perioden").is_visible()

    with staff.expect_navigation():
        staff.locator(f"a[href*='dato={day.isoformat()}']").click()
    assert staff.input_value("#sessions-0-day") == day.isoformat()
    assert staff.input_value("#sessions-0-starts") == "09:00"
    assert staff.input_value("#sessions-0-ends") == "10:30"
    assert staff.locator("#planlaeg").is_visible()
    assert staff.locator("text=Ledige kl. 09.00–10.30").is_visible()
    assert axe(staff) == []

    # Counted for the afternoon instead, the day's link fills the form with that time.
    staff.fill("#kl", "12:00")
    with staff.expect_navigation():
        staff.click("button:has-text('Tæl igen')")
    assert staff.locator("text=Ledige kl. 12.00–13.30").is_visible()
    with staff.expect_navigation():
        staff.locator(f"a[href*='dato={day.isoformat()}']").click()
    assert staff.input_value("#sessions-0-starts") == "12:00"
    assert staff.input_value("#sessions-0-ends") == "13:30"


def _busy_day(make_event, count):
    """A day this month (or early next) with `count` talks, every 15 minutes from 8.00."""
    day = clock.today() + timedelta(days=2)
    for n in range(count):
        make_event(
            starts_at=clock.local(day.year, day.month, day.day, 8 + n // 4, 15 * (n % 4)),
            title=f"Oplæg {n + 1:02d}",
        )
    return day


def test_a_busy_day_leads_from_the_month_to_its_list_paged_in_place_with_htmx(
    new_page, make_user, make_event
):
    make_user(email="sara@example.org")
    day = _busy_day(make_event, 50)
    page = new_page(width=390, height=844)
    browser_login(page, "sara@example.org", PASSWORD)
    page.goto(f"/sekretariat/kalender?visning=maaned&dato={day.isoformat()}")
    more = page.get_by_role("link", name="+47 flere den")
    assert more.count() == 1
    with page.expect_navigation():
        more.click()
    assert urlsplit(page.url).path == "/sekretariat/kalender/dag"
    rows = page.locator("#calendar-day-list tbody tr")
    assert rows.count() == 25 and "Oplæg 01" in rows.first.inner_text()

    page.evaluate("window.stillTheSamePage = true")
    next_page = page.get_by_role("navigation", name="Sider").get_by_role("link", name="Næste")
    next_page.scroll_into_view_if_needed()  # at the foot of a long list, on a phone
    next_page.click()
    page.wait_for_selector("text=side 2 af 2")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place, not reloaded
    assert "side=2" in page.url  # and the address says which page, for back and reload
    assert rows.count() == 25 and "Oplæg 26" in rows.first.inner_text()
    assert page.locator("h1").count() == 1
    # The new page is read from its top, not from where the old one ended.
    assert _in_view(page, page.locator("#calendar-day-list .form-hint").first)


def test_a_days_list_pages_without_javascript(browser, live_server, make_user, make_event):
    make_user(email="sara@example.org")
    day = _busy_day(make_event, 26)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        browser_login(page, "sara@example.org", PASSWORD)
        page.goto(f"/sekretariat/kalender/dag?dato={day.isoformat()}")
        with page.expect_navigation():
            page.get_by_role("navigation", name="Sider").get_by_role("link", name="Næste").click()
        assert "side=2" in page.url
        assert page.locator("#calendar-day-list tbody tr").count() == 1
        assert "Oplæg 26" in page.locator("#calendar-day-list").inner_text()
    finally:
        context.close()


def test_cancelling_asks_first_and_says_who_is_told(new_page, make_user):
    """Issue 21.3: "Aflys arrangementet" cancelled at once and mailed everyone, with no
    confirmation, and looked like "Send besked" just above it."""
    from tests.factories import make_scheduled

    make_user(email="sara@example.org")
    request = make_request(organisation_name="Tingbjerg Skole", contact_name="Anne Mortensen")
    event = make_scheduled(request=request)
    for width in (390, 1280):
        page = new_page(width=width, height=900)
        browser_login(page, "sara@example.org", PASSWORD)
        page.goto(f"/sekretariat/arrangementer/{event.id}")
        with page.expect_navigation():
            page.get_by_role("link", name="Aflys arrangementet …").click()
        db.session.expire_all()
        assert db.session.get(type(event), event.id).status == EventStatus.PLANNED
        assert "kan ikke fortrydes" in page.inner_text("main")
        assert "Anne Mortensen, Tingbjerg Skole" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_navigation():
        page.get_by_role("button", name="Aflys og giv besked").click()
    page.get_by_text("Arrangementet er aflyst, og alle involverede har fået besked.").wait_for()
    db.session.expire_all()
    assert db.session.get(type(event), event.id).status == EventStatus.CANCELLED
