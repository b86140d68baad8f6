"""The pages that tell of a cancelled event and of the one that replaced it (the request's, the
requester's, both events'), and both pages for changing a booking: no axe violation at 390
and 1280 px."""

import os
from datetime import timedelta

from portal import links
from portal.extensions import db
from portal.models.enums import Role
from portal.services import events
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_request, make_scheduled, make_user

SHOTS = os.environ.get("VINK_SCREENSHOTS")  # a folder: look at what the test saw
WIDTHS = (390, 1280)


def test_cancelled_and_replacing_events_are_told_without_an_axe_violation(new_page, axe):
    request = make_request()
    first = make_scheduled(request=request)
    events.cancel_event(first, by=None, note="Skolen er lukket den dag.")
    db.session.commit()
    staff, requester = new_page(), new_page()
    browser_login(staff, make_user(Role.SECRETARIAT).email, PASSWORD)
    requester.goto(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    found = []

    def look(pages):
        for width in WIDTHS:
            for page, name, path in pages:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path)
                if SHOTS:
                    shot = os.path.join(SHOTS, f"{name}-{width}.png")
                    page.screenshot(path=shot, full_page=True)
                found.extend(f"{name} ({width} px) {v}" for v in axe(page))

    look(
        [
            (staff, "request-cancelled", f"/sekretariat/henvendelser/{request.id}"),
            (staff, "event-cancelled", f"/sekretariat/arrangementer/{first.id}"),
            (staff, "change-staff", f"/sekretariat/henvendelser/{request.id}/ret"),
            (requester, "tracking-cancelled", f"/bestilling/{request.id}"),
            (requester, "change-public", f"/bestilling/{request.id}/ret"),
        ]
    )
    second = make_scheduled(request=request, starts_at=first.starts_at + timedelta(days=7))
    look(
        [
            (staff, "request-replanned", f"/sekretariat/henvendelser/{request.id}"),
            (staff, "event-replaced", f"/sekretariat/arrangementer/{first.id}"),
            (staff, "event-replacing", f"/sekretariat/arrangementer/{second.id}"),
            (requester, "tracking-replanned", f"/bestilling/{request.id}"),
        ]
    )
    assert found == []
