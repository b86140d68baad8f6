"""A field's check (htmx, as the visitor leaves the field) answers after the visitor has gone
on: its answer must never take back what was typed since, nor show an error for a value the
field no longer holds. The check's network is held here, so the late answer is certain."""

import contextlib

from playwright.sync_api import Error, expect

CHECK = "**/bestil/tjek/*"


def _held_checks(page):
    """The checks the page sends, held until released (a slow network, made certain)."""
    held = []
    page.route(CHECK, lambda route: held.append(route))
    return held


def _wait_for(page, held, count):
    for _ in range(100):
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{count} checks expected, {len(held)} sent")


def _release(held):
    for route in held:
        with contextlib.suppress(Error):  # a check the page gave up on has no one to answer
            route.continue_()


def _typed_and_left(page, held, value):
    """Types `value` into the email field and leaves it: one more check is sent, and held."""
    sent = len(held)
    page.fill("#contact_email", value)
    page.press("#contact_email", "Tab")
    _wait_for(page, held, sent + 1)


def test_typing_on_while_the_check_is_under_way_is_kept(new_page):
    page = new_page(width=390)
    page.goto("/bestil?tilbud=talk")
    held = _held_checks(page)
    _typed_and_left(page, held, "laerer@")
    page.click("#contact_email")
    page.keyboard.press("End")
    page.keyboard.type("skole.dk")
    _release(held)
    # The answer about "laerer@" comes in (its error stands until the field is left again,
    # as any check's does), and what was typed since stays, focus and all.
    error = page.locator("#contact_email-group .form-error-message")
    expect(error).to_have_count(1)
    expect(page.locator("#contact_email")).to_have_value("laerer@skole.dk")
    expect(page.locator("#contact_email")).to_be_focused()
    page.unroute(CHECK)
    page.press("#contact_email", "Tab")  # leaving the field checks what it holds now
    expect(error).to_have_count(0)


def test_an_older_check_answering_last_never_shows_its_error(new_page):
    page = new_page(width=1280)
    page.goto("/bestil?tilbud=talk")
    held = _held_checks(page)
    _typed_and_left(page, held, "ikke-en-adresse")
    _typed_and_left(page, held, "laerer@skole.dk")
    held[1].continue_()  # the correction's check answers first...
    expect(page.locator(".htmx-request")).to_have_count(0)
    _release(held[:1])  # ...then the first one's, late (given up on: it never lands)
    page.wait_for_timeout(300)  # time enough for a late answer to land, were it let through
    expect(page.locator("#contact_email")).to_have_value("laerer@skole.dk")
    expect(page.locator("#contact_email-group .form-error-message")).to_have_count(0)
