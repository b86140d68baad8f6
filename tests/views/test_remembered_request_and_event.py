"""A request's page and an event's page are rendered once per address and language, and kept
while the data and what the time decides stay the same (views/secretariat.request_detail and
event_detail): every page must be byte for byte the one rendered with nothing remembered, at
every moment the time changes it and after every kind of write, and each session's forms must
carry its own CSRF token."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, Event, Organisation, Person, User
from portal.models.enums import AssignmentStatus, Role, SeatRole
from portal.services import assignments, attendance, events, offers, requests
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_concern, make_request, offer_to
from tests.instant_booked import make_instant_booking
from tests.kept_pages import afresh, around_each

pytestmark = pytest.mark.usefixtures("long_session")


def _pages(client, addresses):
    return {address: client.get(address).get_data() for address in addresses}


def _body(page):
    return page.split(b"<h1>", 1)[1]


# --- a request's page ---------------------------------------------------------------------------


@pytest.fixture
def asked(travel):
    """The evening a concern's call falls due (midnight makes it overdue), with a request that
    wishes for the next day alone and for a period from it: at midnight the first wished day
    is today, then the next day is. The addresses of both pages, the wished time asked once."""
    concern = make_concern()
    due = requests.callback_due_on(concern)
    travel(clock.local(due.year, due.month, due.day, 21, 30), tick=False)
    tomorrow = due + timedelta(days=1)
    wished = make_request(
        preferred_dates=[(tomorrow, None), (tomorrow, tomorrow + timedelta(days=6))],
        organisation_name="Amager Fælled Skole",
    )
    make_ambassador(first_name="Yasmin")
    db.session.commit()
    return {
        "concern": concern,
        "wished": wished,
        "addresses": [
            f"/sekretariat/henvendelser/{concern.id}",
            f"/sekretariat/henvendelser/{wished.id}",
            f"/sekretariat/henvendelser/{wished.id}?kl=13:00",
        ],
    }


def test_a_requests_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, asked, staff, monkeypatch
):
    midnight = clock.next_midnight(clock.now())
    seen = around_each(
        [midnight, midnight + timedelta(days=1)],
        travel,
        monkeypatch,
        _pages,
        staff,
        asked["addresses"],
    )
    # Midnight makes the call overdue and takes a wished day off: one kept past it is wrong.
    for address in asked["addresses"]:
        assert len({_body(pages[address]) for pages in seen}) >= 2, address


def test_a_requests_page_seen_again_is_found_not_rendered(asked, staff, count_queries):
    address = asked["addresses"][1]
    first = staff.get(address).get_data()
    with count_queries() as counted:
        assert staff.get(address).get_data() == first
    assert counted.probes == 1 and counted.count <= 1, counted.statements  # the user, the version


@pytest.mark.parametrize(
    "write",
    [
        "planning started",
        "someone away on a wished day",
        "another request from the organisation",
        "the organisation renamed",
    ],
)
def test_every_write_is_on_a_requests_next_page(asked, staff, monkeypatch, write):
    wished = asked["wished"]
    before = _pages(staff, asked["addresses"])
    if write == "planning started":
        requests.start_planning(wished, by=None)
    elif write == "someone away on a wished day":
        day = wished.date_proposals[0].dates[0].starts_on
        assignments.add_away_period(_person("Yasmin"), starts_on=day, ends_on=day)
    elif write == "another request from the organisation":
        make_request(organisation_name="Amager Fælled Skole")
    else:
        db.session.execute(
            db.update(Organisation)
            .where(Organisation.id == wished.organisation_id)
            .values(name="Amager Fælled Skole og Fritidshjem")
        )
    db.session.commit()
    after = _pages(staff, asked["addresses"])
    assert after == afresh(monkeypatch, _pages, staff, asked["addresses"])
    changed = [a for a in asked["addresses"][1:] if _body(after[a]) != _body(before[a])]
    assert changed == asked["addresses"][1:]


def test_a_requests_page_in_english_is_its_own(asked, staff, monkeypatch):
    danish = _pages(staff, asked["addresses"])
    staff.set_cookie("vink_lang", "en")
    english = _pages(staff, asked["addresses"])
    assert english == afresh(monkeypatch, _pages, staff, asked["addresses"])
    assert all(b'<html lang="en">' in page for page in english.values())
    assert all(english[a] != danish[a] for a in asked["addresses"])


def test_a_name_changed_after_the_user_is_read_is_the_one_in_the_history(asked, staff, monkeypatch):
    """The signed-in user is read before the data version (signing in): their name, changed
    by another process in between, must be the one a kept history shows beside what they did."""
    user = db.session.scalars(db.select(User).where(User.role == Role.SECRETARIAT)).first()
    requests.start_planning(asked["wished"], by=user)
    db.session.commit()
    address = asked["addresses"][1]
    name = user.name.encode()
    assert name in _body(staff.get(address).get_data())  # in the history, beside what they did
    read = clock.parse_day  # the request page's first step, the user signed in by then

    def renamed_then_read(text):
        with db.engine.begin() as other:  # another process's write, committed
            other.execute(db.update(User).where(User.id == user.id).values(name="Ny Navnesen"))
        monkeypatch.setattr(clock, "parse_day", read)
        return read(text)

    monkeypatch.setattr(clock, "parse_day", renamed_then_read)
    staff.get(address)
    page = staff.get(address).get_data()
    assert b"Ny Navnesen" in _body(page) and name not in _body(page)
    assert page == afresh(monkeypatch, _pages, staff, [address])[address]


# --- an event's page ----------------------------------------------------------------------------


@pytest.fixture
def booked(travel):
    """A direct booking today: its staffing deadline passes (overdue), it starts (staffing
    closes, attendance opens), it ends (it awaits attendance); then midnight. Three ambassadors:
    one asked (so not suggested), one suggested and away that day, one suggested and free.
    The clock stands still (a page's signed CSRF token carries the second it was made)."""
    travel(clock.now(), tick=False)
    now = clock.now()
    starts = now + timedelta(hours=3)
    _request, event = make_instant_booking(starts_at=starts, staff_by=now + timedelta(hours=1))
    asked_first, other = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Omar")
    make_ambassador(first_name="Aisha")
    offer_to(event, asked_first)
    day = starts.astimezone(clock.COPENHAGEN).date()
    assignments.add_away_period(other, starts_on=day, ends_on=day)
    db.session.commit()
    return event


def _event_addresses(event):
    return [
        f"/sekretariat/arrangementer/{event.id}",
        f"/sekretariat/arrangementer/{event.id}?rolle=ambassador&find=Omar",
    ]


def test_an_events_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, booked, staff, monkeypatch
):
    moments = [booked.staff_by, booked.starts_at, booked.ends_at, clock.next_midnight(clock.now())]
    addresses = _event_addresses(booked)
    seen = around_each(moments, travel, monkeypatch, _pages, staff, addresses)
    # The deadline, the start and the end each change the page: one kept past them is wrong.
    assert len({_body(pages[addresses[0]]) for pages in seen}) >= 4


def test_htmx_is_given_the_kept_body(booked, staff):
    address = _event_addresses(booked)[0]
    page = staff.get(address).get_data(as_text=True)
    body = staff.get(address, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert body.lstrip().startswith('<div id="event-body">') and body in page


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ADMIN])
def test_each_session_staffs_from_the_kept_page_with_its_own_token(
    booked, staff, as_role, monkeypatch, count_queries, role
):
    """A second member of staff (of either role: they see one page) is shown the kept page
    (nothing rendered), with their own CSRF token in every form, and asks someone from it as a
    browser posts it."""
    address = _event_addresses(booked)[0]
    colleague = as_role(role)
    colleague.get("/sekretariat/indbakke")  # the first page after signing in may still write
    first = staff.get(address).get_data()
    with count_queries() as counted:
        second = colleague.get(address).get_data()
    assert counted.probes == 1 and counted.count <= 1, counted.statements  # the user, the version
    assert second == afresh(monkeypatch, _pages, colleague, [address])[address]
    assert second != first  # each session's own token
    action = f"/sekretariat/arrangementer/{booked.id}/forespoerg"
    form = browser_form(colleague, address, action=action)
    form.fill(**{SeatRole.AMBASSADOR.value: [str(_person("Omar").id)]}, confirm_unavailable=True)
    assert form.submit().status_code == 302
    asked = db.session.scalars(
        db.select(Assignment).where(
            Assignment.event_id == booked.id, Assignment.status == AssignmentStatus.OFFERED
        )
    ).all()
    assert {a.person.first_name for a in asked} == {"Yasmin", "Omar"}
    assert _pages(staff, [address]) == afresh(monkeypatch, _pages, staff, [address])


def _person(first_name):
    return db.session.scalars(db.select(Person).where(Person.first_name == first_name)).one()


@pytest.mark.parametrize(
    "write", ["a yes", "someone away", "the place changed", "cancelled", "attendance recorded"]
)
def test_every_write_is_on_an_events_next_page(travel, booked, staff, monkeypatch, write):
    addresses = _event_addresses(booked)
    if write == "attendance recorded":
        travel(booked.ends_at + timedelta(minutes=5), tick=False)
    before = _pages(staff, addresses)
    if write == "a yes":
        [offered] = [a for a in booked.assignments if a.status == AssignmentStatus.OFFERED]
        offers.accept_offer(offered)
    elif write == "someone away":
        day = booked.starts_at.astimezone(clock.COPENHAGEN).date()
        assignments.add_away_period(_person("Aisha"), starts_on=day, ends_on=day)
    elif write == "the place changed":
        db.session.execute(
            db.update(Event).where(Event.id == booked.id).values(place="Lokale 7, ny bygning")
        )
    elif write == "cancelled":
        events.cancel_event(booked, by=None)
    else:
        attendance.record_attendance(booked, counts={"students": 21, "staff": 2})
    db.session.commit()
    after = _pages(staff, addresses)
    assert after == afresh(monkeypatch, _pages, staff, addresses)
    assert _body(after[addresses[0]]) != _body(before[addresses[0]])


def test_an_events_page_in_english_and_another_search_are_their_own(booked, staff, monkeypatch):
    addresses = _event_addresses(booked)
    danish = _pages(staff, addresses)
    assert danish[addresses[0]] != danish[addresses[1]]  # the search's find is on the second
    staff.set_cookie("vink_lang", "en")
    english = _pages(staff, addresses)
    assert english == afresh(monkeypatch, _pages, staff, addresses)
    assert all(b'<html lang="en">' in page for page in english.values())


def test_no_such_request_or_event_is_a_404_and_nothing_is_kept(staff, count_queries):
    """Each asking looks again (a request or event made meanwhile is found at once)."""
    for address in ("/sekretariat/henvendelser/999999", "/sekretariat/arrangementer/999999"):
        assert staff.get(address).status_code == 404
        with count_queries() as counted:
            assert staff.get(address).status_code == 404
        assert counted.count >= 2, counted.statements  # the user, and the lookup again
