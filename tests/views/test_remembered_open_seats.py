"""An ambassador's board of open seats is rendered once per ambassador, address and language, and
kept while the data and what the time decides stay the same (views/assignee.open_seats): every
page of it must be byte for byte the one rendered with nothing remembered, at every moment the
time changes it and after every kind of write, and each session's forms must carry its own
CSRF token."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, Event
from portal.models.enums import AssignmentStatus, Role
from portal.services import assignments, events
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_scheduled, make_user, offer_to
from tests.kept_pages import afresh, around_each

BOARD = "/mig/ledige-pladser"
ADDRESSES = [BOARD, f"{BOARD}?side=2"]
pytestmark = pytest.mark.usefixtures("long_session")


@pytest.fixture
def moments():
    """A board of two pages: the soonest event starts in an hour (it leaves the board, and the
    first event of the second page moves up to the first), the next in two; then midnight."""
    now = clock.now()
    soonest = make_scheduled(starts_at=now + timedelta(hours=1))
    second = make_scheduled(starts_at=now + timedelta(hours=2))
    for days in range(1, assignments.BOARD_ROWS + 1):
        day = clock.today() + timedelta(days=days)
        make_scheduled(starts_at=clock.local(day.year, day.month, day.day, 10, 0))
    db.session.commit()
    return [soonest.starts_at, second.starts_at, clock.next_midnight(now)]


def _pages(client):
    return {address: client.get(address).get_data() for address in ADDRESSES}


def _body(page):
    return page.split(b"<h1>", 1)[1]


def test_every_page_of_the_board_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, moments, ambassador_session, monkeypatch
):
    seen = around_each(moments, travel, monkeypatch, _pages, ambassador_session())
    # The starts change both pages (the second's first event moves up to the first): one kept
    # past them would be found wrong.
    for address in ADDRESSES:
        assert len({_body(pages[address]) for pages in seen}) >= 3, address


def test_each_session_claims_from_the_kept_board_with_its_own_token(
    travel, moments, ambassador_session, monkeypatch, count_queries
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    laptop, phone = ambassador_session(), ambassador_session()
    first = laptop.get(BOARD).get_data()
    with count_queries() as counted:
        second = phone.get(BOARD).get_data()
    assert counted.probes == 1 and counted.count <= 2, counted.statements  # user, ambassador
    assert second == afresh(monkeypatch, _pages, phone)[BOARD] and second != first
    soonest = db.session.scalars(db.select(Event).order_by(Event.starts_at)).first()
    form = browser_form(phone, BOARD, action=f"{BOARD}/{soonest.id}")
    assert form.submit().status_code == 302
    claimed = db.session.scalars(
        db.select(Assignment).where(Assignment.event_id == soonest.id)
    ).one()
    assert claimed.status in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)
    assert _pages(laptop) == afresh(monkeypatch, _pages, laptop)


@pytest.mark.parametrize(
    "write", ["an event planned", "the ambassador asked", "the seat taken", "an event cancelled"]
)
def test_every_write_is_on_the_next_board(
    travel, moments, ambassador, ambassador_session, monkeypatch, write
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    client = ambassador_session()
    before = _pages(client)
    soonest = db.session.scalars(db.select(Event).order_by(Event.starts_at)).first()
    if write == "an event planned":
        make_scheduled(starts_at=clock.now() + timedelta(minutes=30))
    elif write == "the ambassador asked":
        offer_to(soonest, ambassador)
    elif write == "the seat taken":
        offer_to(soonest, make_ambassador(first_name="Omar"))
        offer_to(soonest, make_ambassador(first_name="Aisha"), seat_number=2)
    else:
        events.cancel_event(soonest, by=None)
    db.session.commit()
    after = _pages(client)
    assert after == afresh(monkeypatch, _pages, client)
    assert [a for a in ADDRESSES if _body(after[a]) == _body(before[a])] == []


def test_another_person_and_another_language_get_their_own_board(
    travel, moments, ambassador_session, ambassador, app, login, monkeypatch
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    mine = ambassador_session()
    offer_to(
        db.session.scalars(db.select(Event).order_by(Event.starts_at)).first(),
        ambassador,
    )
    other = app.test_client()
    login(other, make_user(role=Role.ASSIGNEE, person=make_ambassador(first_name="Omar")))
    for page in ("/mig/tilgaengelighed", "/mig/"):  # each may write the first time
        other.get(page)
    kept = _pages(mine)
    theirs = _pages(other)
    assert _body(kept[BOARD]) != _body(theirs[BOARD])  # asked for the soonest: not on mine
    assert _pages(mine) == kept == afresh(monkeypatch, _pages, mine)
    mine.set_cookie("vink_lang", "en")
    english = _pages(mine)
    assert all(b'<html lang="en">' in page for page in english.values())
    assert english == afresh(monkeypatch, _pages, mine)
