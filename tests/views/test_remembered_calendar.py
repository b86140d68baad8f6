"""The calendar's weeks, months and days are rendered once per view, day and language, and kept
while the data and what the time decides stay the same (views/secretariat.calendar and
calendar_day): every page must be byte for byte the one rendered with nothing remembered, at
every moment the time changes it and after every kind of write."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.services import calendar_view, events
from tests.factories import make_event
from tests.kept_pages import afresh, around_each

pytestmark = pytest.mark.usefixtures("long_session")


@pytest.fixture
def moments():
    """Today's events that end (each then awaits attendance), a cancelled one ending between
    them (which changes nothing), and midnight, when another day is today."""
    now = clock.now()
    first = make_event(starts_at=now + timedelta(minutes=10), minutes=60)
    cancelled = make_event(starts_at=now + timedelta(minutes=20), minutes=60)
    second = make_event(starts_at=now + timedelta(hours=2), minutes=90)
    db.session.commit()
    events.cancel_event(cancelled, by=None)
    db.session.commit()
    return sorted([first.ends_at, second.ends_at, clock.next_midnight(now)])


def addresses():
    today = clock.today().isoformat()
    return [
        "/sekretariat/kalender",
        "/sekretariat/kalender?visning=maaned",
        f"/sekretariat/kalender?dato={today}",
        f"/sekretariat/kalender?visning=maaned&dato={today}",
        # A day's list, today's and asked by date (where a week's "+N flere" leads).
        "/sekretariat/kalender/dag",
        f"/sekretariat/kalender/dag?dato={today}",
    ]


def _pages(client, shown):
    return {address: client.get(address).get_data() for address in shown}


def test_weeks_and_months_equal_ones_rendered_afresh_at_every_moment_the_time_changes_them(
    travel, moments, staff, monkeypatch
):
    shown = addresses()
    seen = around_each(moments, travel, monkeypatch, _pages, staff, shown)
    bodies = {pages[shown[2]].split(b"<h1>", 1)[1] for pages in seen}
    # Each moment changes the week of that day: one kept past it would be found wrong.
    assert len(bodies) >= 3


@pytest.mark.parametrize("write", ["an event planned", "an event cancelled"])
def test_every_write_is_on_the_next_page(travel, moments, staff, monkeypatch, write):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    shown = addresses()
    later = make_event(starts_at=clock.now() + timedelta(hours=1))
    db.session.commit()
    before = _pages(staff, shown)
    if write == "an event planned":
        make_event(starts_at=clock.now() + timedelta(hours=3))
    else:
        events.cancel_event(later, by=None)
    db.session.commit()
    after = _pages(staff, shown)
    assert after == afresh(monkeypatch, _pages, staff, shown)
    # The week shows each event's state (a month only its name): both change the weeks.
    assert [a for a in shown if after[a] == before[a] and "maaned" not in a] == []


def test_in_english_the_calendar_is_the_one_rendered_afresh(
    travel, moments, staff, monkeypatch, count_queries
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    shown = addresses()
    danish = _pages(staff, shown)
    with count_queries() as counted:
        assert _pages(staff, shown) == danish
    assert counted.probes == len(shown)  # found: one read of the data version a page
    staff.set_cookie("vink_lang", "en")
    english = _pages(staff, shown)
    assert english == afresh(monkeypatch, _pages, staff, shown)
    assert all(b'<html lang="en">' in page for page in english.values())


def test_the_day_lists_pager_swaps_the_list_alone_as_it_is_now(travel, moments, staff):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    address = f"/sekretariat/kalender/dag?dato={clock.today().isoformat()}"
    page = staff.get(address).get_data(as_text=True)
    swapped = staff.get(address, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert swapped.lstrip().startswith('<div id="calendar-day-list"')
    assert swapped.strip() in page


def test_each_page_of_a_busy_day_is_its_own(travel, staff, monkeypatch):
    """A day with more sessions than a page holds: its second page is kept apart from its
    first, each the one rendered afresh."""
    travel(clock.now(), tick=False)
    day = clock.today() + timedelta(days=3)
    for minutes in range(calendar_view.DAY_PER_PAGE + 2):
        make_event(
            starts_at=clock.local(day.year, day.month, day.day, 8, 0)
            + timedelta(minutes=5 * minutes)
        )
    db.session.commit()
    shown = [
        f"/sekretariat/kalender/dag?dato={day.isoformat()}",
        f"/sekretariat/kalender/dag?dato={day.isoformat()}&side=2",
    ]
    pages = _pages(staff, shown)
    assert _pages(staff, shown) == pages == afresh(monkeypatch, _pages, staff, shown)
    assert pages[shown[0]].count(b"<tr>") == calendar_view.DAY_PER_PAGE + 1  # and the header
    assert pages[shown[1]].count(b"<tr>") == 2 + 1
