"""An ambassador's "my page" is rendered once per ambassador and language, and kept while the data
and what the time decides stay the same (views/assignee.index): every page must be byte for
byte the one rendered with nothing remembered, at every moment the time changes it and after
every kind of write, and each session's forms must carry its own CSRF token."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment
from portal.models.enums import AssignmentStatus, Role
from portal.services import offers
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_scheduled, make_user, offer_to
from tests.kept_pages import afresh, around_each

MY_PAGE = "/mig/"
pytestmark = pytest.mark.usefixtures("long_session")


@pytest.fixture
def moments(ambassador):
    """The ambassador's offer whose deadline passes, an event they said yes to starting (it then
    awaits attendance), an offer whose event starts, and midnight. Soonest first."""
    now = clock.now()
    [expiring] = offer_to(make_scheduled(starts_at=now + timedelta(days=3)), ambassador)
    expiring.expires_at = now + timedelta(hours=1)
    [accepted] = offer_to(make_scheduled(starts_at=now + timedelta(hours=2)), ambassador)
    offers.accept_offer(accepted)
    [starting] = offer_to(make_scheduled(starts_at=now + timedelta(hours=3)), ambassador)
    starting.expires_at = None
    db.session.commit()
    return sorted(
        [
            expiring.expires_at,
            accepted.event.starts_at,
            starting.event.starts_at,
            clock.next_midnight(now),
        ]
    )


def _page(client):
    return client.get(MY_PAGE).get_data()


def _body(page):
    return page.split(b"<h1>", 1)[1]


def test_my_page_equals_one_rendered_afresh_at_every_moment_the_time_changes_it(
    travel, moments, ambassador_session, monkeypatch
):
    client = ambassador_session()
    bodies = {_body(page) for page in around_each(moments, travel, monkeypatch, _page, client)}
    # The deadline and the two starts change the page: one kept past them would be found wrong.
    assert len(bodies) >= 4


def test_each_session_answers_from_the_kept_page_with_its_own_token(
    travel, moments, ambassador_session, monkeypatch, count_queries
):
    """Two sessions of one ambassador: the second is shown the kept page (nothing rendered), with
    its own CSRF token in every form, and says yes from it as a browser posts it."""
    travel(moments[0] - timedelta(minutes=5), tick=False)
    laptop, phone = ambassador_session(), ambassador_session()
    first = _page(laptop)
    with count_queries() as counted:
        second = _page(phone)
    assert counted.probes == 1, counted.statements  # found: one read of the data version
    assert second == afresh(monkeypatch, _page, phone) and second != first
    with phone.session_transaction() as session:
        assert session["csrf_token"]
    offered = db.session.scalars(
        db.select(Assignment)
        .where(Assignment.status == AssignmentStatus.OFFERED)
        .order_by(Assignment.id)
    ).first()
    form = browser_form(phone, MY_PAGE, action=f"/mig/tildelinger/{offered.id}/ja")
    assert form.submit().status_code in (200, 302)
    said_yes = db.session.scalars(
        db.select(Assignment).where(Assignment.status == AssignmentStatus.ACCEPTED)
    ).all()
    assert len(said_yes) == 2  # the one accepted before, and this one
    assert _page(laptop) == afresh(monkeypatch, _page, laptop)


@pytest.mark.parametrize("write", ["a new offer", "an offer declined", "withdrawn"])
def test_every_write_is_on_the_next_page(
    travel, moments, ambassador, ambassador_session, monkeypatch, write
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    client = ambassador_session()
    before = _page(client)
    offered = db.session.scalars(
        db.select(Assignment)
        .where(Assignment.person_id == ambassador.id, Assignment.status == AssignmentStatus.OFFERED)
        .order_by(Assignment.id)
    ).first()
    if write == "a new offer":
        offer_to(make_scheduled(starts_at=clock.now() + timedelta(days=5)), ambassador)
    elif write == "an offer declined":
        offers.decline_offer(offered, reason=None)
    else:
        db.session.execute(
            db.update(Assignment)
            .where(Assignment.id == offered.id)
            .values(status=AssignmentStatus.WITHDRAWN)
        )
    db.session.commit()
    after = _page(client)
    assert after == afresh(monkeypatch, _page, client)
    assert _body(after) != _body(before)


def test_another_person_and_another_language_get_their_own_page(
    travel, moments, ambassador_session, app, login, monkeypatch
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    mine = ambassador_session()
    other = app.test_client()
    login(other, make_user(role=Role.ASSIGNEE, person=make_ambassador(first_name="Omar")))
    for page in ("/mig/tilgaengelighed", MY_PAGE):  # each may write the first time
        other.get(page)
    kept = _page(mine)
    assert b"Yasmin" in kept and b"Omar" in _page(other)
    assert _page(mine) == kept == afresh(monkeypatch, _page, mine)
    mine.set_cookie("vink_lang", "en")
    english = _page(mine)
    assert b'<html lang="en">' in english and english == afresh(monkeypatch, _page, mine)


def test_an_address_renewed_after_the_person_is_read_is_the_one_shown(
    travel, moments, ambassador, ambassador_session, monkeypatch
):
    """The ambassador is read before the data version: a calendar address renewed on another
    device in between must be the one the kept page shows."""
    from portal.models import Person
    from portal.views import assignee

    travel(moments[0] - timedelta(minutes=5), tick=False)
    client = ambassador_session()
    read = assignee._person

    def read_then_renewed():
        found = read()
        assert found.calendar_token  # read as it was
        with db.engine.begin() as other:  # another device's renewal, committed
            other.execute(
                db.update(Person).where(Person.id == found.id).values(calendar_token="renewed-1")
            )
        return found

    with monkeypatch.context() as patched:
        patched.setattr(assignee, "_person", read_then_renewed)
        client.get(MY_PAGE)
    page = _page(client)
    assert b"renewed-1" in page and page == afresh(monkeypatch, _page, client)
