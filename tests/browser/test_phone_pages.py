"""What the secretariat needs on a phone (390 px) is there: the inbox's pager is visible and
page 2 can be reached."""

from portal.models.enums import Role
from tests.factories import PASSWORD, make_request, make_user


def test_the_inbox_pager_is_visible_and_works_at_390_px(new_page):
    for n in range(30):  # more than one page of 25
        make_request(contact_email=f"laerer{n}@example.org", organisation_name=f"Skole {n:02d}")
    user = make_user(role=Role.SECRETARIAT)
    page = new_page(width=390, height=844)
    page.goto("/log-ind")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/sekretariat/indbakke")
    pager = page.get_by_role("navigation", name="Sider")
    next_link = pager.get_by_role("link", name="Næste")
    next_link.scroll_into_view_if_needed()
    box = next_link.bounding_box()
    assert box is not None and box["height"] > 0 and box["width"] > 0
    assert box["x"] + box["width"] <= 390
    next_link.click()
    page.wait_for_load_state()
    assert "side=2" in page.url
    assert page.get_by_role("link", name="Forrige").is_visible()
