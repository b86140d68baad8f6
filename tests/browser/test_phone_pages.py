"""What the secretariat needs on a phone (390 px) is there: the inbox's pager is visible and
page 2 can be reached."""

from portal.models.enums import Role
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_request, make_user


def test_the_inbox_pager_is_visible_and_works_at_390_px(new_page):
    for n in range(30):  # more than one page of 25
        make_request(contact_email=f"laerer{n}@example.org", organisation_name=f"Skole {n:02d}")
    user = make_user(role=Role.SECRETARIAT)
    page = new_page(width=390, height=844)
    browser_login(page, user.email, PASSWORD)
    page.goto("/sekretariat/indbakke")
    pager = page.get_by_role("navigation", name="Sider")
    next_link = pager.get_by_role("link", name="Næste")
    next_link.scroll_into_view_if_needed()
    box = next_link.bounding_box()
    assert box is not None and box["height"] > 0 and box["width"] > 0
    assert box["x"] + box["width"] <= 390
    with page.expect_navigation():
        next_link.click()
    assert "side=2" in page.url
    assert pager.get_by_role("link", name="Forrige").is_visible()


def test_the_inbox_table_stands_as_rows_of_headed_cells_at_390_px(new_page):
    """Issue 12.4: every column of a request is readable on a phone, nothing cut off."""
    make_request(organisation_name="Husum Skole")
    user = make_user(role=Role.SECRETARIAT)
    page = new_page(width=390, height=844)
    browser_login(page, user.email, PASSWORD)
    page.goto("/sekretariat/indbakke")
    table = page.locator("#inbox-results table")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 390
    status = table.locator("td[data-title='Status']").first
    assert status.is_visible()
    assert status.bounding_box()["x"] + status.bounding_box()["width"] <= 390
    # The cell's heading is shown above its value, from the column's own heading.
    heading = status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert heading == '"Status"'
