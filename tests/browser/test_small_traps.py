"""Issue 21.10, the smaller traps a person sees: a long email address stays inside the receipt,
an alert has no empty space for an icon that is not there, and the privacy box is found by what
it is called, not by where it stands."""

from flask import url_for

from portal import links
from tests.factories import make_request

LONG_EMAIL = "kontakt.for.trivselsarbejdet.paa.husum.skole@boernefamilieforvaltningen.kk.dk"


def _open_receipt(page, app, request):
    with app.test_request_context():
        path = url_for(
            "public.open_tracking_link",
            signed=links.sign(links.TRACKING, request.id, request.tracking_token),
        )
    page.goto(path)
    page.goto(f"/bestilling/{request.id}?ny=1")


def test_a_long_email_address_stays_inside_the_receipt_at_390_px(new_page, app):
    request = make_request(contact_email=LONG_EMAIL)
    page = new_page(width=390, height=844)
    _open_receipt(page, app, request)
    receipt = page.locator(".alert-success")
    assert LONG_EMAIL in receipt.inner_text()
    fits = receipt.evaluate(
        "box => [...box.querySelectorAll('*')].every("
        "  e => e.scrollWidth <= e.clientWidth || getComputedStyle(e).display === 'inline')"
        " && box.scrollWidth <= box.clientWidth"
        " && box.getBoundingClientRect().right <= document.documentElement.clientWidth"
    )
    assert fits
    assert page.evaluate("document.documentElement.scrollWidth <= 390")


def test_every_alert_shows_its_icon_or_no_gap_for_one(new_page, app):
    request = make_request()
    page = new_page(width=390, height=844)
    _open_receipt(page, app, request)
    gaps = page.locator(".alert").evaluate_all(
        "alerts => alerts.map(alert => {"
        "  const icon = alert.querySelector('.alert-icon');"
        "  const body = alert.querySelector('.alert-body').getBoundingClientRect();"
        "  const shown = icon && icon.getBoundingClientRect().width > 0;"
        "  return {shown, gap: body.left - alert.getBoundingClientRect().left};"
        "})"
    )
    assert gaps
    assert all(alert["shown"] or alert["gap"] <= 28 for alert in gaps), gaps
    # The receipt says what happened with the design system's icon, drawn from the sprite.
    icon = page.locator(".alert-success .alert-icon")
    assert icon.get_attribute("aria-label") == "Succes"
    assert icon.bounding_box()["width"] > 0


def test_the_privacy_hint_names_the_box_by_its_heading(new_page):
    for width in (390, 1280):
        page = new_page(width=width)
        page.goto("/")
        page.goto(page.locator("main a[href^='/bestil?']").first.get_attribute("href"))
        hint = page.locator("#consent-hint").inner_text()
        assert "ved siden af" not in hint
        heading = page.locator("#privacy-heading").inner_text()
        assert heading in hint
