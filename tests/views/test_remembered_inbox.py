"""The inbox page is rendered once per address and language, and kept while the data and what
the time decides stay the same (views/secretariat.inbox): every page must be byte for byte the
one rendered with nothing remembered, at every moment the time changes it, after every kind of
write, filtered, searched and in English."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Request
from portal.models.enums import Role
from portal.services import assignments, remembered, retention
from portal.services import requests as requests_service
from tests.factories import accepted_on, make_ambassador, make_request, make_scheduled
from tests.services import test_remembered_pages

# The day of moments at which the time changes what needs action (a fixture), shared.
moments = test_remembered_pages.moments
_days_ahead = test_remembered_pages._days_ahead

ADDRESSES = [
    "/sekretariat/indbakke",
    "/sekretariat/indbakke?status=submitted",
    "/sekretariat/indbakke?q=Mortensen",
    "/sekretariat/indbakke?side=2",
]


@pytest.fixture(autouse=True)
def _a_long_session(app, monkeypatch):
    """Signed in for the whole day of moments: no idle timeout in between."""
    for name in ("SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_LIFETIME", "PERMANENT_SESSION_LIFETIME"):
        monkeypatch.setitem(app.config, name, timedelta(days=3))


@pytest.fixture
def staff(as_role):
    client = as_role(Role.SECRETARIAT)
    client.get("/sekretariat/")  # the first page after signing in may still write
    return client


def _pages(client, addresses=ADDRESSES, **kwargs):
    return {address: client.get(address, **kwargs).get_data() for address in addresses}


def _afresh(client, monkeypatch, addresses=ADDRESSES, **kwargs):
    with monkeypatch.context() as patched:
        patched.setattr(remembered, "_results", lambda: None)  # nothing found or kept
        return _pages(client, addresses, **kwargs)


def test_the_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, moments, staff, monkeypatch
):
    bodies = set()
    for moment in moments:
        for offset in (-timedelta(seconds=1), timedelta(0), timedelta(seconds=1)):
            travel(moment + offset, tick=False)
            kept = _pages(staff)
            assert kept == _afresh(staff, monkeypatch), moment + offset
            bodies.add(kept["/sekretariat/indbakke"].split(b"<h1>", 1)[1])
    # The moments change the page: one kept past a moment would be found wrong.
    assert len(bodies) >= 4


@pytest.mark.parametrize(
    "write",
    ["a new request", "a request withdrawn", "a bulk update", "an away period", "retention"],
)
def test_every_write_is_on_the_next_page(travel, moments, staff, monkeypatch, write):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    now = clock.now()
    on_leave = make_ambassador()
    later = make_scheduled(starts_at=_days_ahead(5))
    accepted_on(later, on_leave)
    db.session.commit()
    before = _pages(staff)
    if write == "a new request":
        make_request()
    elif write == "a request withdrawn":
        newest = db.session.scalars(db.select(Request).order_by(Request.id.desc())).first()
        requests_service.withdraw_request(newest, note="")
    elif write == "a bulk update":
        db.session.execute(db.update(Request).values(changed_by_requester_at=now))
    elif write == "an away period":
        day = _days_ahead(5).date()
        assignments.add_away_period(on_leave, starts_on=day, ends_on=day)
    elif write == "retention":
        assert retention.anonymise_expired_contacts(now=now + timedelta(days=3 * 365))
    db.session.commit()
    after = _pages(staff)
    assert after == _afresh(staff, monkeypatch)
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
    assert english == _afresh(staff, monkeypatch)
    assert b'<html lang="en">' in english["/sekretariat/indbakke"]
    swapped = _pages(staff, headers={"HX-Request": "true"})
    assert swapped == _afresh(staff, monkeypatch, headers={"HX-Request": "true"})
    assert not swapped["/sekretariat/indbakke"].startswith(b"<!doctype")


def test_two_members_of_staff_share_the_page_each_with_their_own_token(
    moments, as_role, travel, monkeypatch
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    first, second = as_role(Role.SECRETARIAT), as_role(Role.ADMIN)
    for client in (first, second):
        client.get("/sekretariat/")
    mine, theirs = _pages(first), _pages(second)
    assert theirs == _afresh(second, monkeypatch)
    assert mine == _afresh(first, monkeypatch)
    assert mine != theirs  # the header and the CSRF token are each one's own
