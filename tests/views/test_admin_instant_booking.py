"""The admin switches direkte booking on and off for an offer kind and sets its window (the first
and the last bookable day) and its staffing deadline, posted as a browser posts the page."""

import lxml.html
import pytest

from portal.extensions import db
from portal.models import AuditEntry, OfferKind
from portal.models.enums import Role
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import offer_kind, row_counts

OFFER_KINDS = "/admin/tilbud"
INSTANT_FIELDS = {
    "instant_booking",
    "instant_opens_days",
    "instant_reach_days",
    "instant_deadline_hours",
}


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _page(kind):
    return f"{OFFER_KINDS}/{kind.id}"


def _form(admin, kind):
    return browser_form(admin, _page(kind), action=_page(kind))


def _field_error(html, name):
    """The error the page shows at the field `name` ("" for none)."""
    found = lxml.html.fromstring(html).xpath(f'//*[@id="{name}-error"]')
    return " ".join(found[0].text_content().split()) if found else ""


def _window(kind):
    return (
        kind.instant_booking,
        kind.instant_opens_days,
        kind.instant_reach_days,
        kind.instant_deadline_hours,
    )


def _updates(kind):
    return db.session.scalars(
        db.select(AuditEntry).where(
            AuditEntry.action == "offer_kind.updated", AuditEntry.object_id == kind.id
        )
    ).all()


def test_the_page_shows_direct_booking_off_with_the_default_window(admin):
    talk = offer_kind("talk")
    html = admin.get(_page(talk)).get_data(as_text=True)
    assert "Direkte booking" in html
    form = _form(admin, talk)
    assert form.names() >= INSTANT_FIELDS
    assert form.value("instant_booking") is None  # not ticked
    assert form.value("instant_opens_days") == "7"
    assert form.value("instant_reach_days") == "35"
    assert form.value("instant_deadline_hours") == "72"


def test_the_admin_switches_direct_booking_on_with_its_window_and_the_change_is_audited(admin):
    talk = offer_kind("talk")
    form = _form(admin, talk).fill(instant_booking=True, instant_opens_days="3")
    response = form.fill(instant_reach_days="60", instant_deadline_hours="48").submit()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(OFFER_KINDS)
    assert _window(talk) == (True, 3, 60, 48)
    [entry] = _updates(talk)
    assert {name: entry.before[name] for name in INSTANT_FIELDS} == {
        "instant_booking": False,
        "instant_opens_days": 7,
        "instant_reach_days": 35,
        "instant_deadline_hours": 72,
    }
    assert {name: entry.after[name] for name in INSTANT_FIELDS} == {
        "instant_booking": True,
        "instant_opens_days": 3,
        "instant_reach_days": 60,
        "instant_deadline_hours": 48,
    }
    log = admin.get("/admin/log").get_data(as_text=True)
    for label in (
        "Direkte booking",
        "Direkte booking åbner dage frem",
        "Direkte booking rækker dage frem",
        "Frist for bemanding i timer",
    ):
        assert label in log
    assert "instant_" not in log  # words, not field names


def test_the_list_tags_the_kinds_that_can_be_booked_directly(admin):
    talk, dialogue = offer_kind("talk"), offer_kind("dialogue")
    assert "Direkte booking" not in admin.get(OFFER_KINDS).get_data(as_text=True)
    assert _form(admin, talk).fill(instant_booking=True).submit().status_code == 302
    rows = lxml.html.fromstring(admin.get(OFFER_KINDS).get_data(as_text=True)).xpath("//tbody/tr")
    tagged = {
        row.xpath("td")[0].xpath("string(a)")
        for row in rows
        if "Direkte booking" in row.xpath("string(td[1])")
    }
    assert tagged == {talk.name_da}
    assert dialogue.instant_booking is False


def test_switching_direct_booking_off_keeps_the_window_for_next_time(admin):
    talk = offer_kind("talk")
    talk.instant_booking, talk.instant_opens_days, talk.instant_reach_days = True, 2, 90
    db.session.commit()
    form = _form(admin, talk)
    assert form.value("instant_booking") == "y"  # ticked, as stored
    assert form.fill(instant_booking=False).submit().status_code == 302
    assert _window(talk) == (False, 2, 90, 72)
    [entry] = _updates(talk)
    assert (entry.before["instant_booking"], entry.after["instant_booking"]) == (True, False)


def test_saving_the_page_unchanged_audits_nothing(admin):
    talk = offer_kind("talk")
    assert _form(admin, talk).submit().status_code == 302
    assert _updates(talk) == []


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"instant_opens_days": "10", "instant_reach_days": "10"},
            "instant_reach_days",
            "Den sidste dag skal ligge efter den første",
        ),
        (
            {"instant_opens_days": "30", "instant_reach_days": "14"},
            "instant_reach_days",
            "Den sidste dag skal ligge efter den første",
        ),
        (
            {"instant_reach_days": "181"},
            "instant_reach_days",
            "Den sidste dag kan ligge fra 2 til 180 dage frem.",
        ),
        (
            {"instant_opens_days": "0"},
            "instant_opens_days",
            "Den første dag kan ligge fra 1 til 179 dage frem.",
        ),
        (
            {"instant_opens_days": "-3"},
            "instant_opens_days",
            "Den første dag kan ligge fra 1 til 179 dage frem.",
        ),
        (
            {"instant_deadline_hours": "0"},
            "instant_deadline_hours",
            "Fristen for bemanding skal være mellem 1 time og 30 dage (720 timer).",
        ),
        (
            {"instant_deadline_hours": "721"},
            "instant_deadline_hours",
            "Fristen for bemanding skal være mellem 1 time og 30 dage (720 timer).",
        ),
        ({"instant_opens_days": "en uge"}, "instant_opens_days", "Skriv et helt tal"),
        ({"instant_reach_days": "35,5"}, "instant_reach_days", "uden decimaler"),
        ({"instant_deadline_hours": "72 timer"}, "instant_deadline_hours", "Skriv et helt tal"),
        (
            {"instant_deadline_hours": "99999999999999"},
            "instant_deadline_hours",
            "Fristen for bemanding skal være mellem 1 time og 30 dage (720 timer).",
        ),
        ({"instant_opens_days": "   "}, "instant_opens_days", "Skriv et antal dage."),
        ({"instant_deadline_hours": ""}, "instant_deadline_hours", "Skriv en frist i timer."),
    ],
    ids=[
        "reach-equals-opens",
        "reach-before-opens",
        "reach-beyond-180",
        "opens-today",
        "opens-negative",
        "deadline-zero",
        "deadline-beyond-30-days",
        "opens-words",
        "reach-decimal",
        "deadline-with-unit",
        "deadline-huge",
        "opens-blank",
        "deadline-empty",
    ],
)
def test_a_bad_window_or_deadline_is_refused_at_its_field_and_nothing_is_stored(
    admin, typed, field, message
):
    talk = offer_kind("talk")
    before, window = row_counts(), _window(talk)
    response = _form(admin, talk).fill(instant_booking=True, **typed).submit()
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in _field_error(html, field)
    again = pick(forms_in(admin, _page(talk), html), _page(talk), action=_page(talk))
    for name, value in typed.items():
        assert again.value(name) == value  # kept as typed
    assert again.value("instant_booking") == "y"
    db.session.expire_all()
    assert row_counts() == before
    assert _window(talk) == window


def test_a_window_is_checked_with_direct_booking_off_too(admin):
    """The window is stored either way, and switched on later as it stands."""
    talk = offer_kind("talk")
    form = _form(admin, talk).fill(instant_opens_days="40", instant_reach_days="20")
    response = form.submit()
    assert response.status_code == 422
    assert "Den sidste dag skal ligge efter den første" in _field_error(
        response.get_data(as_text=True), "instant_reach_days"
    )
    db.session.expire_all()
    assert _window(talk) == (False, 7, 35, 72)


def test_the_widest_window_and_the_longest_deadline_are_taken(admin):
    talk = offer_kind("talk")
    form = _form(admin, talk).fill(instant_booking=True, instant_opens_days="179")
    form.fill(instant_reach_days="180", instant_deadline_hours="720")
    assert form.submit().status_code == 302
    assert _window(talk) == (True, 179, 180, 720)


def test_a_concern_kind_shows_no_direct_booking_and_saves_as_before(admin):
    concern = offer_kind("concern")
    html = admin.get(_page(concern)).get_data(as_text=True)
    assert "Direkte booking" not in html
    form = _form(admin, concern)
    assert not INSTANT_FIELDS & form.names()
    response = form.fill(name_en="Counsel about a concern").submit()
    assert response.status_code == 302
    assert concern.name_en == "Counsel about a concern"
    assert concern.instant_booking is False


def test_a_new_concern_kind_with_direct_booking_is_refused_at_the_checkbox(admin):
    new = f"{OFFER_KINDS}/nyt"
    before = row_counts()
    form = browser_form(admin, new, action=new).fill(name_da="Sparring om sociale medier")
    form.fill(booking_form="concern", need_resource_person="0", instant_booking=True)
    response = form.submit()
    assert response.status_code == 422
    assert "kan ikke bookes direkte" in _field_error(
        response.get_data(as_text=True), "instant_booking"
    )
    assert row_counts() == before
    saved = form.fill(instant_booking=False).submit()
    assert saved.status_code == 302
    kind = db.session.scalar(
        db.select(OfferKind).where(OfferKind.name_da == "Sparring om sociale medier")
    )
    assert kind.instant_booking is False


def test_a_kind_that_becomes_a_concern_must_leave_direct_booking(admin):
    new = f"{OFFER_KINDS}/nyt"
    form = browser_form(admin, new, action=new).fill(name_da="Forældresparring")
    assert form.fill(instant_booking=True).submit().status_code == 302
    kind = db.session.scalar(db.select(OfferKind).where(OfferKind.name_da == "Forældresparring"))
    assert kind.instant_booking is True
    switch = _form(admin, kind).fill(booking_form="concern", need_resource_person="0")
    response = switch.submit()
    assert response.status_code == 422
    assert "kan ikke bookes direkte" in _field_error(
        response.get_data(as_text=True), "instant_booking"
    )
    db.session.expire_all()
    assert kind.booking_form.value == "adults"
    assert switch.fill(instant_booking=False).submit().status_code == 302
    assert (kind.booking_form.value, kind.instant_booking) == ("concern", False)
