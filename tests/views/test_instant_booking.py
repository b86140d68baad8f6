"""Direkte booking on the public form: the free times of a week, taking one, and the ways
back to wished dates, posted as a browser posts them."""

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Request
from portal.models.enums import RequestStatus
from portal.services import free_times
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import booking_answers, make_ambassador, offer_kind, row_counts

SEND = "Send bestilling"
NO_DATES = {"dates-0-first": None, "dates-1-first": None, "dates-1-last": None}


@pytest.fixture
def dialogue():
    kind = offer_kind("dialogue")
    kind.instant_booking = True
    db.session.commit()
    return kind


@pytest.fixture
def pair():
    return make_ambassador(experienced_override=True), make_ambassador()


def answers(**overrides):
    values = booking_answers("dialogue", **overrides)
    for name in NO_DATES:
        values.pop(name, None)
    return values


def the_form(client, url="/bestil?tilbud=dialogue"):
    return browser_form(client, url, action="/bestil")


def again(client, page):
    """The booking form of a page a POST answered with."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    return pick(forms_in(client, "/bestil", html), "/bestil", action="/bestil")


def offered(form):
    """The free times the page offers, as the radio values."""
    return [el.get("value") for el in form.element.iter("input") if el.get("name") == "free_time"]


def test_the_form_shows_the_first_week_with_free_times_instead_of_wished_dates(
    client, dialogue, pair
):
    page = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert "Vælg en ledig tid" in page
    assert "Tiden er jeres, så snart I sender den." in page
    assert "dialogambassadørerne kan komme" in page
    assert 'name="dates-0-first"' not in page
    assert "Næste uge" in page and "Forrige uge" not in page
    form = the_form(client)
    times = offered(form)
    first = free_times.free_times(dialogue, today=clock.today())[0]
    assert times[0] == first.key and len(times) >= 4


def test_a_teacher_takes_a_shown_time_and_the_receipt_says_it_is_held(client, dialogue, pair):
    form = the_form(client).fill(**answers())
    key = offered(form)[1]
    response = form.fill(free_time=key).submit(SEND)
    assert response.status_code == 302, response.get_data(as_text=True)
    booked = db.session.scalars(db.select(Request)).one()
    assert booked.booked_instantly and booked.status == RequestStatus.PLANNED
    assert (
        booked.event.tentative
        and booked.event.starts_at
        == free_times.time_for(dialogue, key, today=clock.today()).starts_at
    )
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tiden er reserveret" in receipt
    assert "Tiden, I tog" in receipt and "Ønskede datoer" not in receipt  # a time, not a wish
    assert "I får besked, når dialogambassadørerne har sagt ja" in receipt


def test_another_week_keeps_what_was_typed(client, dialogue, pair):
    form = the_form(client).fill(**answers(organisation_name="Lundehus Skole"))
    first_week = offered(form)
    page = form.submit("Næste uge")
    assert page.status_code == 200
    shown = again(client, page)
    assert shown.value("organisation_name") == "Lundehus Skole"
    assert offered(shown) and set(offered(shown)).isdisjoint(first_week)
    assert "Forrige uge" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 0


def test_wished_dates_instead_and_back(client, dialogue, pair):
    form = the_form(client).fill(**answers())
    page = form.submit("Passer ingen af tiderne? Foreslå selv datoer")
    text = page.get_data(as_text=True)
    assert 'name="dates-0-first"' in text and 'name="free_time"' not in text
    wished = again(client, text)
    response = wished.fill(**booking_answers("dialogue")).submit(SEND)
    assert response.status_code == 302
    request = db.session.scalars(db.select(Request)).one()
    assert request.status == RequestStatus.SUBMITTED and not request.booked_instantly
    back = again(client, text).submit("Se de ledige tider i stedet")
    assert 'name="free_time"' in back.get_data(as_text=True)


def test_a_time_chosen_in_one_week_is_kept_while_another_week_shows(client, dialogue, pair):
    form = the_form(client).fill(**answers())
    chosen = offered(form)[2]
    page = form.fill(free_time=chosen).submit("Næste uge").get_data(as_text=True)
    assert "Den tid, I har valgt" in page
    shown = again(client, page)
    assert offered(shown)[0] == chosen and shown.value("free_time") == chosen  # still chosen
    first_week = shown.submit("Forrige uge").get_data(as_text=True)
    assert again(client, first_week).value("free_time") == chosen  # in its own place again
    assert "Den tid, I har valgt" not in first_week
    # Sent from the other week without a new choice, the chosen time is booked.
    response = shown.submit(SEND)
    assert response.status_code == 302, response.get_data(as_text=True)
    booked = db.session.scalars(db.select(Request)).one()
    assert (
        booked.event.starts_at
        == free_times.time_for(dialogue, chosen, today=clock.today()).starts_at
    )


def test_a_time_chosen_in_another_week_gives_way_to_a_new_choice(client, dialogue, pair):
    form = the_form(client).fill(**answers())
    chosen = offered(form)[0]
    shown = again(client, form.fill(free_time=chosen).submit("Næste uge"))
    instead = offered(shown)[1]
    assert shown.fill(free_time=instead).submit(SEND).status_code == 302
    booked = db.session.scalars(db.select(Request)).one()
    assert (
        booked.event.starts_at
        == free_times.time_for(dialogue, instead, today=clock.today()).starts_at
    )


def test_switching_between_free_times_and_wished_dates_loses_neither(client, dialogue, pair):
    second_week = again(client, the_form(client).fill(**answers()).submit("Næste uge"))
    chosen = offered(second_week)[1]
    wished = again(
        client,
        second_week.fill(free_time=chosen).submit("Passer ingen af tiderne? Foreslå selv datoer"),
    )
    dates = {k: v for k, v in booking_answers("dialogue").items() if k.startswith("dates")}
    back = wished.fill(**dates).submit("Se de ledige tider i stedet").get_data(as_text=True)
    times = again(client, back)
    assert times.value("free_time") == chosen  # still chosen, and shown in its own week
    assert "Den tid, I har valgt" not in back and "Forrige uge" in back
    wished_again = again(client, times.submit("Passer ingen af tiderne? Foreslå selv datoer"))
    for name, value in dates.items():
        assert wished_again.value(name) == value, name


@pytest.mark.parametrize(
    "typed",
    ["2030-09-10" * 20, "2030-09-10\x00<b>", '2030-09-10" onfocus="x', "２０３０-０９-１０"],
)
def test_what_is_kept_for_the_other_way_is_bounded_and_printable(client, dialogue, pair, typed):
    wished = again(client, the_form(client).submit("Passer ingen af tiderne? Foreslå selv datoer"))
    page = wished.fill(dates_0_first=typed).submit("Se de ledige tider i stedet")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    kept = [
        el.get("value")
        for el in again(client, html).element.iter("input")
        if el.get("name") == "dates-0-first"
    ]
    if typed.isprintable():
        assert kept == [typed[:40]]  # as typed, cut to a date's worth
    else:
        assert kept == [] and "\x00" not in html
    assert 'onfocus="x' not in html


def test_the_last_week_of_the_window_says_why_there_is_no_next(client, dialogue, pair):
    html = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert "Senere uger åbner" not in html
    for _ in range(10):
        if "Næste uge" not in html:
            break
        html = again(client, html).submit("Næste uge").get_data(as_text=True)
    assert "Næste uge" not in html and "Tider kan tages op til 35 dage frem" in html


def test_a_week_without_free_times_says_so_and_offers_wished_dates(client, dialogue):
    make_ambassador(), make_ambassador()  # nobody experienced: no dialogue can go
    page = client.get("/bestil?tilbud=dialogue").get_data(as_text=True)
    assert "Der er ingen ledige tider i denne uge." in page
    assert "Passer ingen af tiderne? Foreslå selv datoer" in page


def test_a_time_taken_since_the_page_was_shown_is_refused_and_nothing_is_lost(
    client, dialogue, pair
):
    form = the_form(client).fill(**answers(organisation_name="Lundehus Skole"))
    key = offered(form)[0]
    other = the_form(client).fill(**answers(contact_email="other@example.org"))
    assert other.fill(free_time=key).submit(SEND).status_code == 302
    before = row_counts()
    response = form.fill(free_time=key).submit(SEND)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Den tid er ikke længere ledig. Vælg en anden tid." in text
    assert 'value="Lundehus Skole"' in text
    assert row_counts() == before


def test_a_race_lost_at_the_lock_answers_409_with_the_week_as_it_is_now(
    client, dialogue, pair, monkeypatch
):
    form = the_form(client).fill(**answers(organisation_name="Lundehus Skole"))
    key = offered(form)[0]

    def taken(*_args, **_kwargs):
        raise free_times.TimeTaken("Tiden er lige blevet taget. Vælg en anden tid.")

    monkeypatch.setattr(free_times, "hold", taken)
    response = form.fill(free_time=key).submit(SEND)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Tiden er lige blevet taget. Vælg en anden tid." in text
    assert 'value="Lundehus Skole"' in text
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 0


@pytest.mark.parametrize(
    "value", ["x", "2030-09-10T08:15", "2030-09-10T08:00x", "2030-09-07T08:00", " ", ""]
)
def test_a_forged_time_is_refused_not_a_500(client, dialogue, pair, value):
    form = the_form(client).fill(**answers()).tamper("free_time", value)
    response = form.submit(SEND)
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 0


@pytest.mark.parametrize("week", ["x", "1999-01-04", "2030-09-10\x00", ""])
def test_a_forged_week_shows_the_first_week(client, dialogue, pair, week):
    form = the_form(client).fill(**answers()).tamper("uge", week)
    response = form.submit(SEND)
    # Another week was asked for (by a forged button): the form again, as typed.
    assert response.status_code == 200
    assert offered(again(client, response))


def test_switching_to_the_dialogue_with_htmx_brings_its_free_times(client, dialogue, pair):
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    form.fill(offer_kind="dialogue")
    response = form.submit(to="/bestil/felter", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert 'id="when-fields" data-hx-swap-oob="true"' in text
    assert 'name="free_time"' in text


def test_paging_weeks_never_uses_up_the_limit_on_bookings(app, client, dialogue, pair, monkeypatch):
    # A school behind one address pages back and forth: the booking after it is not refused.
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per hour")
    form = the_form(client).fill(**answers())
    for _ in range(3):
        page = form.submit("Næste uge")
        assert page.status_code == 200
        form = again(client, page)
        page = form.submit("Forrige uge")
        assert page.status_code == 200
        form = again(client, page)
    assert form.submit("Passer ingen af tiderne? Foreslå selv datoer").status_code == 200
    response = form.fill(free_time=offered(form)[0]).submit(SEND)
    assert response.status_code == 302


def test_a_page_that_showed_wished_dates_keeps_them_when_the_offer_opens_meanwhile(client, pair):
    kind = offer_kind("dialogue")
    form = the_form(client).fill(**booking_answers("dialogue"))
    assert "free_time" not in form.names()
    kind.instant_booking = True
    db.session.commit()
    response = form.submit(SEND)
    assert response.status_code == 302, response.get_data(as_text=True)
    request = db.session.scalars(db.select(Request)).one()
    assert not request.booked_instantly and request.status == RequestStatus.SUBMITTED


def test_a_page_that_showed_free_times_says_so_when_the_offer_closes_meanwhile(
    client, dialogue, pair
):
    form = the_form(client).fill(**answers(organisation_name="Lundehus Skole"))
    form.fill(free_time=offered(form)[0])
    dialogue.instant_booking = False
    db.session.commit()
    response = form.submit(SEND)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Tilbuddet kan ikke længere bookes direkte. Foreslå datoer, og send igen." in text
    assert 'name="dates-0-first"' in text and 'value="Lundehus Skole"' in text
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 0


def test_an_empty_week_refused_leads_the_error_summary_to_the_group(client, dialogue):
    make_ambassador(), make_ambassador()  # nobody experienced: no time to choose
    form = the_form(client).fill(**answers())
    response = form.submit(SEND)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'href="#free_time-group"' in text and 'id="free_time-group"' in text
