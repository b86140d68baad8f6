"""The inbox page is rendered once per address and language, and kept while the data and what
the time decides stay the same (views/secretariat.inbox): every page must be byte for byte the
one rendered with nothing remembered, at every moment the time changes it, after every kind of
write, filtered, searched and in English."""

from datetime import timedelta

import pytest

from portal import clock
from portal.models.enums import Role
from tests.kept_pages import afresh, around_each
from tests.services import test_remembered_pages

# The day of moments at which the time changes what needs action (a fixture), shared.
moments = test_remembered_pages.moments

pytestmark = pytest.mark.usefixtures("long_session")
ADDRESSES = [
    "/sekretariat/indbakke",
    "/sekretariat/indbakke?status=submitted",
    "/sekretariat/indbakke?q=Mortensen",
    "/sekretariat/indbakke?side=2",
]


def _pages(client, addresses=ADDRESSES, **kwargs):
    return {address: client.get(address, **kwargs).get_data() for address in addresses}


def test_the_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, moments, staff, monkeypatch
):
    seen = around_each(moments, travel, monkeypatch, _pages, staff)
    bodies = {pages["/sekretariat/indbakke"].split(b"<h1>", 1)[1] for pages in seen}
    # The moments change the page: one kept past a moment would be found wrong.
    assert len(bodies) >= 4


@pytest.mark.parametrize("write", test_remembered_pages.WRITES)
def test_every_write_is_on_the_next_page(travel, moments, staff, monkeypatch, write):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    on_leave = test_remembered_pages.someone_away_later()
    before = _pages(staff)
    test_remembered_pages.write_one(write, now=clock.now(), on_leave=on_leave)
    after = _pages(staff)
    assert after == afresh(monkeypatch, _pages, staff)
    assert after["/sekretariat/indbakke"] != before["/sekretariat/indbakke"]


def test_in_english_and_as_htmx_asks_for_it_the_page_is_the_one_rendered_afresh(
    moments, staff, travel, monkeypatch, count_queries
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    danish = _pages(staff)  # kept in Danish
    with count_queries() as counted:
        assert _pages(staff) == danish
    # Found: one read of the data version a page, nothing computed.
    assert counted.probes == len(ADDRESSES), counted.statements
    staff.set_cookie("vink_lang", "en")
    english = _pages(staff)
    assert english == afresh(monkeypatch, _pages, staff)
    assert b'<html lang="en">' in english["/sekretariat/indbakke"]
    swapped = _pages(staff, headers={"HX-Request": "true"})
    assert swapped == afresh(monkeypatch, _pages, staff, headers={"HX-Request": "true"})
    assert not swapped["/sekretariat/indbakke"].startswith(b"<!doctype")


def test_two_members_of_staff_share_the_page_each_with_their_own_token(
    moments, as_role, travel, monkeypatch
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    first, second = as_role(Role.SECRETARIAT), as_role(Role.ADMIN)
    for client in (first, second):
        client.get("/sekretariat/")
    mine, theirs = _pages(first), _pages(second)
    assert theirs == afresh(monkeypatch, _pages, second)
    assert mine == afresh(monkeypatch, _pages, first)
    assert mine != theirs  # the header and the CSRF token are each one's own
