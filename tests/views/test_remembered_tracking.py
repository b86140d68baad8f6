"""A requester's page of their booking is rendered once per booking, token, address and
language, and kept while the data and what the time decides stay the same and the link works
(views/public.tracking): every page must be byte for byte the one rendered with nothing
remembered, at every moment the time changes it and after every kind of write; and it is shown
only to the browser holding the link."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.services import events
from portal.services import requests as requests_service
from portal.services import tracking as tracking_service
from portal.views.public import TRACKING_COOKIE
from tests.factories import make_request, make_scheduled, move_to
from tests.kept_pages import afresh, around_each

pytestmark = pytest.mark.usefixtures("long_session")


@pytest.fixture
def booking():
    """A planned booking whose event starts in an hour and lasts 90 minutes."""
    request = make_request()
    make_scheduled(starts_at=clock.now() + timedelta(hours=1), request=request)
    db.session.commit()
    return request


def _opened(app, request):
    client = app.test_client()
    link = links.sign("tracking", request.id, request.tracking_token)
    assert client.get(f"/b/{link}").status_code == 302
    return client


def _pages(client, request):
    addresses = [f"/bestilling/{request.id}", f"/bestilling/{request.id}?ny=1"]
    return {address: client.get(address).get_data() for address in addresses}


def test_the_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    app, travel, booking, monkeypatch
):
    client = _opened(app, booking)
    event = booking.event
    moments = [event.starts_at, event.ends_at, clock.next_midnight(clock.now())]
    seen = around_each(moments, travel, monkeypatch, _pages, client, booking)
    bodies = {next(iter(pages.values())) for pages in seen}
    # The start (no more changes) and the end (held) change the page.
    assert len(bodies) >= 3


def test_a_page_seen_again_is_found_by_another_browser_with_its_own_token(
    app, travel, booking, monkeypatch, count_queries
):
    travel(clock.now(), tick=False)
    first, second = _opened(app, booking), _opened(app, booking)
    seen = _pages(first, booking)
    db.session.refresh(booking)  # read before counting (the tests' requests share the session)
    with count_queries() as counted:
        again = _pages(second, booking)
    assert again == afresh(monkeypatch, _pages, second, booking)
    assert again != seen  # each browser's page carries its own session's CSRF token
    # Found with nothing read but the data version, a page: the cookie says which booking
    # and which token, and a page is kept only for a token that opened it.
    assert counted.probes == 2 and counted.count == 0, counted.statements


@pytest.mark.parametrize("write", ["moved", "cancelled", "withdrawn", "new dates"])
def test_every_write_is_on_the_next_page(app, travel, monkeypatch, write):
    travel(clock.now(), tick=False)
    request = make_request()
    db.session.commit()
    if write in ("moved", "cancelled"):
        make_scheduled(starts_at=clock.now() + timedelta(days=3), request=request)
    client = _opened(app, request)
    before = _pages(client, request)
    if write == "moved":
        move_to(request.event, clock.now() + timedelta(days=4))
    elif write == "cancelled":
        events.cancel_event(request.event, by=None)
    elif write == "withdrawn":
        requests_service.withdraw_request(request, note="")
    else:
        day = clock.today() + timedelta(days=30)
        requests_service.propose_dates(request, dates=[(day, day)], note="")
    db.session.commit()
    after = _pages(client, request)
    assert after == afresh(monkeypatch, _pages, client, request)
    assert after != before


def test_another_booking_and_no_link_see_nothing_of_it(app, booking):
    """Kept per booking, and only shown once the link's cookie is checked."""
    other = make_request()
    db.session.commit()
    mine = _opened(app, booking)
    page = _pages(mine, booking)[f"/bestilling/{booking.id}"]
    theirs = _opened(app, other)
    assert theirs.get(f"/bestilling/{other.id}").get_data() != page
    stranger = app.test_client()
    answer = stranger.get(f"/bestilling/{booking.id}")
    assert answer.status_code == 403
    assert booking.organisation.name.encode() not in answer.get_data()
    # Their link opens their own booking, not this one.
    assert theirs.get(f"/bestilling/{booking.id}").status_code == 403


def test_in_english_the_page_is_the_one_rendered_afresh(app, travel, booking, monkeypatch):
    travel(clock.now(), tick=False)
    client = _opened(app, booking)
    _pages(client, booking)
    client.set_cookie("vink_lang", "en")
    english = _pages(client, booking)
    assert english == afresh(monkeypatch, _pages, client, booking)
    assert all(b'<html lang="en">' in page for page in english.values())


def test_a_write_landing_while_the_page_is_rendered_is_on_the_next_page(
    app, travel, booking, monkeypatch
):
    """A change another process commits after the booking is read for the page (its token
    checked) and before the page is kept must be on the next page: the page is kept under the
    data version read before the booking, which that write moved."""
    from portal.views import public

    travel(clock.now(), tick=False)  # a page's signed CSRF token carries the second it was made
    client = _opened(app, booking)
    found = public._tracked_or_refuse

    def found_then_changed(request_id):
        tracked = found(request_id)
        tracked.place  # loaded as it was  # noqa: B018
        with db.engine.begin() as other:  # another process's write, committed
            other.execute(
                db.update(type(tracked))
                .where(type(tracked).id == request_id)
                .values(place="Lokale 7, ny bygning")
            )
        return tracked

    with monkeypatch.context() as patched:
        patched.setattr(public, "_tracked_or_refuse", found_then_changed)
        client.get(f"/bestilling/{booking.id}")
    page = client.get(f"/bestilling/{booking.id}").get_data()
    assert b"Lokale 7, ny bygning" in page
    assert {f"/bestilling/{booking.id}": page} == {
        address: body
        for address, body in afresh(monkeypatch, _pages, client, booking).items()
        if "?" not in address
    }


def test_the_links_remembered_expiry_follows_every_write(app, travel, booking):
    """When the link stops working is remembered (it needs the contact, the event and the
    wished dates): an event moved earlier, so that its link has expired, closes the page at
    once, and moved back it opens again."""
    travel(clock.now(), tick=False)
    client = _opened(app, booking)
    page = f"/bestilling/{booking.id}"
    assert client.get(page).status_code == 200
    days = app.config["TRACKING_LINK_DAYS_AFTER_EVENT"]
    start = clock.now() - timedelta(days=days + 2)
    event = booking.event
    db.session.execute(
        db.update(type(event))
        .where(type(event).id == event.id)
        .values(starts_at=start, ends_at=start + timedelta(hours=1))
    )
    db.session.commit()
    assert client.get(page).status_code != 200
    db.session.execute(
        db.update(type(event))
        .where(type(event).id == event.id)
        .values(
            starts_at=clock.now() + timedelta(hours=1), ends_at=clock.now() + timedelta(hours=2)
        )
    )
    db.session.commit()
    assert client.get(page).status_code == 200


def test_a_kept_page_is_refused_once_the_link_stops_working(app, travel, booking, monkeypatch):
    """A link works until a day after the event here: with nothing written, the page kept the
    moment before is refused the moment after (the body is kept no longer than the link)."""
    monkeypatch.setitem(app.config, "TRACKING_LINK_DAYS_AFTER_EVENT", 1)
    client = _opened(app, booking)
    expires = tracking_service.link_expires_at(booking)
    assert expires == booking.event.ends_at + timedelta(days=1)
    seen = around_each([expires], travel, monkeypatch, _pages, client, booking)
    assert all(b"Linket er udl\xc3\xb8bet" in page for page in seen[-1].values())
    assert all(b"Linket er udl\xc3\xb8bet" not in page for page in seen[0].values())


def test_a_cookie_for_another_token_is_refused_even_while_the_page_is_kept(app, booking):
    """The page is kept per booking and token: a genuine cookie whose token is not the
    booking's (signed by this portal, so not typed by anyone) opens nothing."""
    client = _opened(app, booking)
    address = f"/bestilling/{booking.id}"
    assert client.get(address).status_code == 200
    forged = app.test_client()
    with app.test_request_context():
        value = links.sign_timed(tracking_service.COOKIE_PURPOSE, [booking.id, "not-the-token"])
    forged.set_cookie(TRACKING_COOKIE, value, path=address)
    answer = forged.get(address)
    assert answer.status_code == 403
    assert booking.organisation.name.encode() not in answer.get_data()


def test_a_message_waiting_is_shown_once_in_a_header_rendered_afresh(
    app, travel, booking, monkeypatch
):
    """The whole page is kept where its header is every visitor's: a message flashed to this
    browser (after a change it made) is on the next page, and only there."""
    travel(clock.now(), tick=False)
    client = _opened(app, booking)
    address = f"/bestilling/{booking.id}"
    kept = client.get(address).get_data()
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Ændringen er gemt.")]
    told = client.get(address).get_data()
    assert "Ændringen er gemt.".encode() in told
    again = client.get(address).get_data()
    assert "Ændringen er gemt.".encode() not in again
    assert again == kept == afresh(monkeypatch, _pages, client, booking)[address]
