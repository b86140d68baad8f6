"""The start page and the booking form are rendered once per address, language, day and data
version (portal/views/once.py), with each visitor's own CSRF token and time trap put in: every
page must be byte for byte the one rendered afresh, and never older than the last write."""

import re
from datetime import timedelta

import pytest
from flask_wtf.csrf import generate_csrf

from portal import clock
from portal.extensions import db
from portal.models import OfferKind, Request
from portal.models.enums import BookingForm, Role
from portal.views import once
from tests.browser_form import browser_form
from tests.factories import booking_answers, make_ambassador, offer_kind

SEND = {"da": "Send bestilling", "en": "Send booking"}


@pytest.fixture
def still(travel):
    """The clock stands still: a CSRF token and a time trap are signed with the time, so two
    renderings for the same session give the same bytes only in the same second."""
    travel(clock.now(), tick=False)
    return travel


def afresh(monkeypatch):
    """Nothing remembered: every page rendered as if for the first visitor."""
    monkeypatch.setattr(once, "remembered", lambda _key, compute: compute())


def booking_addresses():
    """Every address a link opens the booking form at: each active offer kind (a dialogue
    also opened for direkte booking, with free times, and back to wished dates), and none."""
    kinds = db.session.scalars(
        db.select(OfferKind).where(OfferKind.active, OfferKind.booking_form != BookingForm.CONCERN)
    ).all()
    return [
        "/",
        "/bestil",
        *(f"/bestil?tilbud={kind.code}" for kind in kinds),
        "/bestil?tilbud=dialogue&egne_datoer=1",
    ]


def pages(client, addresses):
    return {address: client.get(address).get_data() for address in addresses}


def _counting_renders(monkeypatch):
    """The templates rendered from here on (a list that grows)."""
    from portal.views import public

    rendered, real = [], public.render_template

    def counting(template, **context):
        rendered.append(template)
        return real(template, **context)

    monkeypatch.setattr(public, "render_template", counting)
    return rendered


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("direkte", [False, True], ids=["wished dates", "free times"])
def test_every_visitor_gets_the_page_rendered_afresh_byte_for_byte(
    app, still, monkeypatch, language, direkte
):
    if direkte:
        offer_kind("dialogue").instant_booking = True
        make_ambassador(experienced_override=True), make_ambassador()
        db.session.commit()
    addresses = booking_addresses()
    first, second = app.test_client(), app.test_client()
    for visitor in (first, second):
        visitor.set_cookie("vink_lang", language)
    seen_first = pages(first, addresses)  # renders and keeps
    with monkeypatch.context() as patched:
        rendered = _counting_renders(patched)
        seen_second = pages(second, addresses)  # found kept
    assert rendered == [], "the second visitor's pages were rendered again, not kept"
    with monkeypatch.context() as patched:
        afresh(patched)
        assert pages(second, addresses) == seen_second
    for address in addresses:
        # Each with its own session's token: the kept page is not the first visitor's.
        assert seen_first[address] != seen_second[address], address
    assert (b'<html lang="en">' in seen_second["/bestil"]) == (language == "en")
    if direkte:
        assert b'name="free_time"' in seen_second["/bestil?tilbud=dialogue"]


def test_a_kept_form_carries_the_visitors_own_token_and_books(app, client):
    """The second visitor books from the kept page, as a browser posts it: their own CSRF
    token and a time trap of their own, so nothing is refused as forged or too fast."""
    app.test_client().get("/bestil?tilbud=talk")  # the first visitor: rendered and kept
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    with client.session_transaction() as session:
        own = session["csrf_token"]
    assert own and form.value("csrf_token")
    response = form.fill(**booking_answers("talk")).submit(SEND["da"])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 1


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("offer", ["talk", "dialogue", "advisory"])
def test_a_page_with_errors_is_the_one_rendered_afresh(app, still, monkeypatch, language, offer):
    """Sent with the required fields left out, the form comes back with its errors and what
    was typed, as it would with nothing kept (and a kept page before and after is unharmed)."""
    client = app.test_client()
    client.set_cookie("vink_lang", language)
    address = f"/bestil?tilbud={offer}"
    client.get(address)
    form = browser_form(client, address, action="/bestil").fill(
        organisation_name="Husum Skole", contact_email="not an address"
    )
    answered = form.submit(SEND[language])
    assert answered.status_code == 422
    with monkeypatch.context() as patched:
        afresh(patched)
        assert form.submit(SEND[language]).get_data() == answered.get_data()
    assert b"Husum Skole" in answered.get_data()
    kept = client.get(address).get_data()
    with monkeypatch.context() as patched:
        afresh(patched)
        assert client.get(address).get_data() == kept


def test_a_write_shows_on_the_next_page(app, admin_client):
    """An offer renamed by the admin (in English too) shows on the next visitor's page."""
    visitor = app.test_client()
    assert "Vidensoplæg" in visitor.get("/").get_data(as_text=True)
    kind = offer_kind("talk")
    kind.name_da, kind.name_en = "Oplæg om fællesskaber", "Talk on communities"
    db.session.commit()
    assert "Oplæg om fællesskaber" in app.test_client().get("/").get_data(as_text=True)
    assert "Oplæg om fællesskaber" in visitor.get("/bestil?tilbud=talk").get_data(as_text=True)
    visitor.set_cookie("vink_lang", "en")
    assert "Talk on communities" in visitor.get("/").get_data(as_text=True)


@pytest.fixture
def admin_client(as_role):
    return as_role(Role.ADMIN)


def test_another_day_is_rendered_for_that_day(app, still, monkeypatch):
    """The free times offered are the day's: a week later the first week shown is another,
    and the kept page of the week before is not shown."""
    offer_kind("dialogue").instant_booking = True
    make_ambassador(experienced_override=True), make_ambassador()
    db.session.commit()
    visitor = app.test_client()
    before = visitor.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    still(clock.now() + timedelta(days=7), tick=False)
    later = visitor.get("/bestil?tilbud=dialogue").get_data()
    with monkeypatch.context() as patched:
        afresh(patched)
        assert visitor.get("/bestil?tilbud=dialogue").get_data() == later
    week = re.compile(r"Uge (\d+):")
    assert week.search(before).group(1) != week.search(later.decode()).group(1)


def test_a_signed_in_user_and_a_waiting_message_get_their_own_page(app, as_role):
    """Not every visitor's page: the header names a signed-in user, and a message flashed for
    one visitor is theirs alone."""
    staff = as_role(Role.SECRETARIAT)
    staff.get("/sekretariat/")  # the first page after signing in may still write
    for _ in range(2):
        assert "Log ud" not in app.test_client().get("/").get_data(as_text=True)
        assert "Log ud" in staff.get("/").get_data(as_text=True)
    flashed = app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("success", "Din bestilling er trukket tilbage.")]
    assert "Din bestilling er trukket tilbage." in flashed.get("/").get_data(as_text=True)
    assert "Din bestilling er trukket tilbage." not in app.test_client().get("/").get_data(
        as_text=True
    )


def test_the_form_links_to_counsel_about_a_concern_whatever_is_kept(app):
    """A link to an offer with a form of its own leads there, also once the code is kept, and
    a kind switched to the concern form leads there at the next visit."""
    concern = db.session.scalars(
        db.select(OfferKind).where(OfferKind.booking_form == BookingForm.CONCERN)
    ).first()
    for _ in range(2):
        answer = app.test_client().get(f"/bestil?tilbud={concern.code}")
        assert answer.status_code == 302 and "/sparring" in answer.headers["Location"]
    assert app.test_client().get("/bestil?tilbud=advisory").status_code == 200
    offer_kind("advisory").booking_form = BookingForm.CONCERN
    db.session.commit()
    assert app.test_client().get("/bestil?tilbud=advisory").status_code == 302


def test_an_address_the_portal_does_not_link_to_is_rendered_each_time(app, still, monkeypatch):
    """An unknown code, a value or a parameter typed after the address: each page is rendered
    (and is the page rendered afresh), never kept, so no address typed takes a place."""
    addresses = [
        "/bestil?tilbud=nonsense",
        "/bestil?tilbud=talk&egne_datoer=maybe",
        "/bestil?tilbud=talk&utm_source=x",
        "/?x=1",
    ]
    visitor = app.test_client()
    pages(visitor, addresses)
    with monkeypatch.context() as patched:
        rendered = _counting_renders(patched)
        seen = pages(visitor, addresses)
    assert len(rendered) == len(addresses)
    with monkeypatch.context() as patched:
        afresh(patched)
        assert pages(visitor, addresses) == seen


def test_a_moment_passing_while_a_body_is_rendered_keeps_it_for_no_time(app, travel):
    """A kept body's "until" lies at or before the time its rendering ended: which side of that
    moment it shows is not known, so it is not served again."""
    now = clock.now()
    answers = iter(["first", "second"])

    def render():
        html = next(answers)
        travel(now + timedelta(seconds=2), tick=False)  # the moment passes while rendering
        return html, now + timedelta(seconds=1)

    with app.test_request_context("/"):
        assert once.kept(("a test body",), now, render) == "first"
        assert once.kept(("a test body",), now, render) == "second"


def test_a_page_rendered_across_midnight_is_not_kept(app, travel):
    """A public page is kept per day: one whose rendering began on one day and ended on the
    next shows either, so it is not kept for the first."""
    before_midnight = clock.next_midnight(clock.now()) - timedelta(milliseconds=5)
    travel(before_midnight, tick=False)
    answers = iter(["first", "second"])

    def render():
        travel(before_midnight + timedelta(seconds=1), tick=False)  # midnight passes meanwhile
        return next(answers) + f'<meta name="csrf-token" content="{generate_csrf()}">'

    for expected in ("first", "second"):
        travel(before_midnight, tick=False)
        with app.test_request_context("/"):
            assert once.page("a test page", render).startswith(expected)
