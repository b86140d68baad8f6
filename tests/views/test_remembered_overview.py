"""The secretariat's overview is rendered once per member of staff and language, and kept while
the data and what the time decides stay the same (views/secretariat.index): every page must be
byte for byte the one rendered with nothing remembered, at every moment the time changes it and
after every kind of write."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Event
from portal.models.enums import EventStatus, Role
from portal.services import attendance, events
from tests.factories import make_event, make_request
from tests.kept_pages import afresh, around_each

OVERVIEW = "/sekretariat/"
pytestmark = pytest.mark.usefixtures("long_session")


@pytest.fixture
def moments():
    """Events whose times change the overview with nothing written: one starting soon (it
    leaves the next 14 days), one ending (it awaits attendance), one coming within the 14 days,
    a held one ending later without attendance, and midnight. The moments, soonest first."""
    now = clock.now()
    starting = make_event(starts_at=now + timedelta(minutes=30))
    ending = make_event(starts_at=now - timedelta(minutes=30), minutes=90)
    coming = make_event(starts_at=now + timedelta(days=14, hours=3))
    held = make_event(starts_at=now + timedelta(hours=4), status=EventStatus.HELD)
    db.session.commit()
    return sorted(
        [
            starting.starts_at,
            ending.ends_at,
            coming.starts_at - timedelta(days=14),
            held.ends_at,
            clock.next_midnight(now),
        ]
    )


def _page(client):
    return client.get(OVERVIEW).get_data()


def _body(page):
    return page.split(b"<h1>", 1)[1]


def test_the_overview_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, moments, staff, monkeypatch
):
    bodies = {_body(page) for page in around_each(moments, travel, monkeypatch, _page, staff)}
    # Each moment but midnight changes the page: one kept past it would be found wrong.
    assert len(bodies) >= 5


def test_a_page_seen_again_is_found_not_rendered(travel, moments, staff, count_queries):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    first = _page(staff)
    with count_queries() as counted:
        assert _page(staff) == first
    assert counted.probes == 1 and counted.count <= 1, counted.statements  # the user, the version


@pytest.mark.parametrize(
    "write", ["an event planned", "attendance recorded", "an event cancelled", "a new request"]
)
def test_every_write_is_on_the_next_page(travel, moments, staff, monkeypatch, write):
    travel(moments[1] + timedelta(minutes=5), tick=False)
    shown = make_event(starts_at=clock.now() + timedelta(days=2))
    db.session.commit()
    before = _page(staff)
    awaiting = db.session.scalars(
        events.awaiting_attendance_query(clock.now()).order_by(Event.id)
    ).first()
    if write == "an event planned":
        make_event(starts_at=clock.now() + timedelta(days=2))
    elif write == "attendance recorded":
        attendance.record_attendance(
            awaiting, counts={"students": 20, "staff": 2, "parents": 0, "other": 0}
        )
    elif write == "an event cancelled":
        events.cancel_event(shown, by=None)
    elif write == "a new request":
        make_request()
    db.session.commit()
    after = _page(staff)
    assert after == afresh(monkeypatch, _page, staff)
    assert _body(after) != _body(before)


def test_each_member_of_staff_is_greeted_by_name_in_their_language(
    travel, moments, as_role, monkeypatch
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    first, second = as_role(Role.SECRETARIAT), as_role(Role.ADMIN)
    for client in (first, second):
        client.get("/sekretariat/indbakke")
    pages = [_page(first), _page(second), _page(first), _page(second)]
    assert pages[:2] == pages[2:]
    assert [afresh(monkeypatch, _page, first), afresh(monkeypatch, _page, second)] == pages[:2]
    assert _body(pages[0]) != _body(pages[1])  # each greeted by name
    second.set_cookie("vink_lang", "en")
    english = _page(second)
    assert b'<html lang="en">' in english and b"Overview</h1>" in english
    assert english == afresh(monkeypatch, _page, second)
