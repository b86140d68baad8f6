"""The targets page (issue 21.9): an empty next year offers this year's targets to copy, a Dane
types 2.000, an error names its field, and the inputs fit the page at 390 and 1280 px."""

import os

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Target
from portal.models.enums import Metric
from tests.browser.conftest import browser_login

ADMIN = "admin@vink.example.org"
SHOTS = os.environ.get("VINK_SCREENSHOTS")  # a folder: look at what the test saw


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sideways(page):
    """How far the form's inputs and labels run past the window (the year tabs above are
    another matter)."""
    return page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
            'main .alert, main form .form-group, main form input, main form label')].map(
            (el) => el.getBoundingClientRect().right - window.innerWidth))"""
    )


def test_next_year_is_copied_from_this_year_on_the_targets_page(new_page, demo_data, axe):
    this_year, next_year = clock.today().year, clock.today().year + 1
    db.session.execute(db.delete(Target).where(Target.year == next_year))
    db.session.commit()
    page = new_page(width=320)
    browser_login(page, ADMIN)
    page.goto(f"/admin/maal?aar={next_year}")
    expect(page.get_by_text(f"Der er ingen mål for {next_year} endnu.")).to_be_visible()
    assert _sideways(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "targets-empty-1280")
    assert axe(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name=f"Kopiér målene fra {this_year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mål for {next_year}")
    expect(page.get_by_text(f"Målene for {this_year} er kopieret til {next_year}.")).to_be_visible()
    copied = db.session.scalar(
        db.select(Target.value).where(Target.year == next_year, Target.metric == Metric.TALKS_HELD)
    )
    assert copied is not None
    expect(page.get_by_label("Vidensoplæg afholdt")).to_have_value(str(copied))
    expect(page.get_by_role("button", name=f"Kopiér målene fra {this_year}")).to_have_count(0)


def test_a_dane_types_two_thousand_and_a_decimal_is_named_in_the_summary(new_page, demo_data, axe):
    year = clock.today().year
    page = new_page(width=390)
    browser_login(page, ADMIN)
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/admin/maal?aar={year}")
        assert _sideways(page) <= 0, width
        _shot(page, f"targets-{width}")
        page.get_by_label("Elever nået med dialoger").fill("2.000,5")
        with page.expect_navigation():
            page.get_by_role("button", name=f"Gem målene for {year}").click()
        summary = page.locator("[data-module=error-summary] a")
        expect(summary).to_have_text(
            ["Elever nået med dialoger: Skriv et helt tal uden decimaler, fx 2.000."]
        )
        assert _sideways(page) <= 0, width
        _shot(page, f"targets-error-{width}")
        assert axe(page) == []
        summary.click()
        expect(page.get_by_label("Elever nået med dialoger")).to_be_focused()
        page.get_by_label("Elever nået med dialoger").fill("2.000")
        with page.expect_navigation():
            page.get_by_role("button", name=f"Gem målene for {year}").click()
        assert (
            db.session.scalar(
                db.select(Target.value).where(
                    Target.year == year, Target.metric == Metric.DIALOGUE_STUDENTS
                )
            )
            == 2000
        )
