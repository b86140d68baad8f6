"""A teacher on a phone sees when VINK can come, takes a time, and leaves with an answer: in a
real browser at 390 px, with JavaScript and without, in Danish and in English."""

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Request
from portal.models.enums import AssignmentStatus
from tests.factories import make_ambassador, offer_kind


@pytest.fixture
def open_dialogue():
    kind = offer_kind("dialogue")
    kind.instant_booking = True
    db.session.commit()
    make_ambassador(experienced_override=True)
    make_ambassador()


def _fill_by_labels(page, english=False):
    def label(da, en):
        return en if english else da

    page.get_by_label(label("Klassetrin", "Grade")).select_option("8. klasse")
    page.get_by_label(label("Antal elever", "Number of students")).fill("24")
    page.get_by_label(
        label("Skolens, foreningens eller enhedens navn", "Name of the school, association or unit")
    ).fill("Husum Skole")
    page.get_by_label("Type").select_option("school")
    page.get_by_label(label("Bydel", "City district")).select_option(label="Brønshøj-Husum")
    page.get_by_label(label("Dit navn", "Your name")).fill("Anne Mortensen")
    page.get_by_label(label("Din e-mail", "Your email")).fill("anne@example.org")
    page.get_by_label(label("Dit telefonnummer", "Your phone number")).fill("33 66 33 66")
    page.get_by_label(label("Adresse og lokale", "Address and room")).fill("Husum Skole, lokale 12")


@pytest.mark.parametrize("english", [False, True], ids=["da", "en"])
def test_a_teacher_on_a_phone_takes_a_free_time_and_the_receipt_says_it_is_held(
    new_page, axe, open_dialogue, english
):
    page = new_page(width=390, height=844, locale="en" if english else None)
    page.goto("/bestil?tilbud=dialogue")
    choose = "Choose a free time" if english else "Vælg en ledig tid"
    expect(page.get_by_role("group", name=choose)).to_be_visible()
    _fill_by_labels(page, english)
    # Another week, then back: what was typed stays, and the times are a list to tap.
    # Each week is the whole form posted again to the same address: wait for the new page, or
    # what follows could be read on (and the time ticked in) the page being left.
    with page.expect_navigation():
        page.get_by_role("button", name="Next week" if english else "Næste uge").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Previous week" if english else "Forrige uge").click()
    expect(
        page.get_by_label(
            "Name of the school, association or unit"
            if english
            else "Skolens, foreningens eller enhedens navn"
        )
    ).to_have_value("Husum Skole")
    first = page.locator("input[name=free_time]").first
    box = page.locator(f"label[for='{first.get_attribute('id')}']").bounding_box()
    assert box["height"] >= 24  # a target a thumb can hit (WCAG 2.2 target size)
    first.check()
    chosen = first.get_attribute("value")
    # A look at the next week keeps the choice, on its own, and the page stays sound.
    with page.expect_navigation():
        page.get_by_role("button", name="Next week" if english else "Næste uge").click()
    kept_name = "The time you chose" if english else "Den tid, I har valgt"
    kept = page.get_by_role("group", name=kept_name)
    expect(kept.get_by_role("radio")).to_be_checked()
    assert kept.get_by_role("radio").get_attribute("value") == chosen
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label(
        "I have read how the City of Copenhagen processes the information"
        if english
        else "Jeg har læst, hvordan Københavns Kommune behandler oplysningerne"
    ).check()
    page.get_by_role("button", name="Send booking" if english else "Send bestilling").last.click()
    held = "The time is reserved" if english else "Tiden er reserveret"
    expect(page.get_by_role("heading", name=held)).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text(
        "the dialogue ambassadors" if english else "dialogambassadørerne"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    booked = db.session.scalars(db.select(Request)).one()
    assert booked.booked_instantly and booked.event.tentative
    assert booked.event.starts_at.astimezone(clock.COPENHAGEN).strftime("%Y-%m-%dT%H:%M") == chosen
    assert sorted(a.status for a in booked.event.assignments) == [AssignmentStatus.OFFERED] * 2


def test_it_works_without_javascript(browser, live_server, open_dialogue):
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto("/bestil?tilbud=dialogue")
        _fill_by_labels(page)
        page.get_by_role("button", name="Passer ingen af tiderne? Foreslå selv datoer").click()
        expect(page.get_by_label("Skolens, foreningens eller enhedens navn")).to_have_value(
            "Husum Skole"
        )
        page.get_by_role("button", name="Se de ledige tider i stedet").click()
        page.locator("input[name=free_time]").first.check()
        page.get_by_label(
            "Jeg har læst, hvordan Københavns Kommune behandler oplysningerne"
        ).check()
        page.get_by_role("button", name="Send bestilling").last.click()
        expect(page.get_by_role("heading", name="Tiden er reserveret")).to_be_visible()
    finally:
        context.close()
