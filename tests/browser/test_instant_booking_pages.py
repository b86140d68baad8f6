"""The secretariat's pages of a direct booking past its staffing deadline (the inbox that lists
it first, its request's page, its event's page): no axe violation at 320 and 1280 px, in Danish
and English, and nothing wider than the phone. The demo data has no direct booking, so the walk
of every page (test_every_page.py) does not reach these branches."""

from datetime import timedelta

from portal import clock
from portal.models.enums import Role
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_request, make_user
from tests.instant_booked import make_instant_booking

WIDTHS = (320, 1280)


def test_a_direct_booking_past_its_deadline_is_shown_without_an_axe_violation(new_page, axe):
    request, event = make_instant_booking(staff_by=clock.now() - timedelta(hours=1))
    make_request(organisation_name="Ny skole")  # a second reason, after the first
    staff = make_user(Role.SECRETARIAT)
    paths = [
        "/sekretariat/indbakke",
        f"/sekretariat/henvendelser/{request.id}",
        f"/sekretariat/arrangementer/{event.id}",
    ]
    found = []
    for locale in ("da", "en"):
        page = new_page(locale=locale)
        browser_login(page, staff.email, PASSWORD)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(path)
                found += [f"{path} ({locale}, {width} px) {v}" for v in axe(page)]
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    found.append(f"{path} ({locale}) is {wide} px wide at {width} px")
        page.goto("/sekretariat/indbakke")
        first = page.locator(".action-needed li").first
        assert "action-instant_unstaffed" in first.get_attribute("class")
    assert found == []
