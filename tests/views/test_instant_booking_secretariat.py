"""A direct booking stays the secretariat's: its request and event are tagged "Direkte booket",
the event page says the time is tentative and by when its seats should be filled, a booking
past that deadline comes first in "Kræver handling", and the secretariat moves it, staffs it
again, cancels it and plans its request again as any other, with the usual mails (declining
the request is refused, as for any planned one)."""

from datetime import timedelta

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.i18n import date_and_time
from portal.models import DeclineReason
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, Role
from portal.services import offers
from tests.asking import asking_page
from tests.browser_form import browser_form
from tests.factories import (
    accept,
    accepted_on,
    mails,
    make_ambassador,
    make_request,
    make_scheduled,
    offer_to,
)
from tests.instant_booked import make_instant_booking
from tests.views.test_valid_html import checker_missing, nu_errors, write_page

TAG = '<span class="state-tag is-instant">Direkte booket</span>'


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


@pytest.fixture
def booked():
    """A direct booking: Yasmin accepted the first seat, Amina is asked for the second."""
    request, event = make_instant_booking(organisation_name="Tingbjerg Skole")
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    accepted_on(event, yasmin, seat_number=1)
    [amina] = offer_to(event, make_ambassador(first_name="Amina"), seat_number=2)
    return request, event, yasmin, amina


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _text(element):
    return " ".join(element.text_content().split())


def _event_page(client, event):
    return _page(client, f"/sekretariat/arrangementer/{event.id}")


def _event_form(client, event, action):
    page = f"/sekretariat/arrangementer/{event.id}"
    return browser_form(client, page, action=f"{page}/{action}")


def _sessions(start, place="Tingbjerg Skole, aulaen"):
    local = start.astimezone(clock.COPENHAGEN)
    return {
        "sessions-0-day": local.date().isoformat(),
        "sessions-0-starts": local.strftime("%H:%M"),
        "sessions-0-ends": (local + timedelta(minutes=90)).strftime("%H:%M"),
        "place": place,
    }


def _days_ahead(days):
    day = clock.today() + timedelta(days=days)
    return clock.local(day.year, day.month, day.day, 10, 0)


# --- what the pages say -----------------------------------------------------------------------


def test_the_inbox_tags_a_direct_booking_and_no_other_request(staff, booked):
    make_scheduled(request=make_request(organisation_name="Husum Skole"))
    inbox = lxml.html.fromstring(_page(staff, "/sekretariat/indbakke"))
    status = {
        _text(row.xpath("td[@data-title='Organisation']/a")[0]): _text(
            row.xpath("td[@data-title='Status']")[0]
        )
        for row in inbox.xpath("//div[@id='inbox-results']//tbody/tr")
    }
    assert status == {"Tingbjerg Skole": "Planlagt Direkte booket", "Husum Skole": "Planlagt"}


def test_the_request_page_tags_a_direct_booking(staff, booked):
    request, *_ = booked
    page = _page(staff, f"/sekretariat/henvendelser/{request.id}")
    assert f"<strong>Planlagt</strong> {TAG}" in page
    ordinary = make_scheduled(request=make_request()).request
    assert TAG not in _page(staff, f"/sekretariat/henvendelser/{ordinary.id}")


def test_the_event_page_says_the_time_is_tentative_and_by_when_to_staff_it(as_role, booked, travel):
    _request, event, _yasmin, _amina = booked
    deadline = date_and_time(event.staff_by)

    page = _event_page(as_role(Role.SECRETARIAT), event)
    assert TAG in page
    assert f"Foreløbig tid, til alle har sagt ja · Frist for bemanding: {deadline}</p>" in page
    assert "(overskredet)" not in page

    travel(event.staff_by + timedelta(minutes=1))
    page = _event_page(as_role(Role.SECRETARIAT), event)
    assert f'Frist for bemanding: {deadline} <strong class="overdue">(overskredet)</strong>' in page


def test_the_deadline_goes_once_every_seat_said_yes_and_the_tentative_note_with_the_flag(
    staff, booked
):
    _request, event, _yasmin, amina = booked
    accept(amina)
    page = _event_page(staff, event)
    assert "Frist for bemanding" not in page
    # Every seat has said yes: the time is no longer tentative, and the page says so.
    assert not event.tentative
    assert "Foreløbig tid" not in page
    assert TAG in page  # still booked directly


def test_an_event_the_secretariat_planned_says_nothing_of_direct_booking(staff):
    event = make_scheduled(request=make_request())
    page = _event_page(staff, event)
    assert TAG not in page
    assert "Foreløbig tid" not in page and "Frist for bemanding" not in page


def test_past_its_deadline_the_booking_comes_first_in_kraever_handling(as_role, booked, travel):
    _request, event, _yasmin, _amina = booked
    older = make_request(organisation_name="Ny skole")  # sent before the deadline passed
    travel(event.staff_by + timedelta(minutes=1))

    inbox = lxml.html.fromstring(_page(as_role(Role.SECRETARIAT), "/sekretariat/indbakke"))
    rows = inbox.xpath("//ul[contains(@class, 'action-needed')]/li")
    assert [row.get("class") for row in rows] == [
        "action-item action-instant_unstaffed",
        "action-item action-new",
    ]
    first = _text(rows[0])
    assert first.startswith("Direkte booket: pladserne er ikke besat Ung-til-ung dialog")
    assert "Tingbjerg Skole" in first
    assert f"Frist for bemanding: {date_and_time(event.staff_by)} (overskredet)" in first
    assert rows[0].xpath(".//a/@href") == [f"/sekretariat/arrangementer/{event.id}"]
    assert rows[1].xpath(".//a/@href") == [f"/sekretariat/henvendelser/{older.id}"]
    [badge] = inbox.xpath("//h2[contains(., 'Kræver handling')]/span[@class='badge']")
    assert _text(badge) == "2"


def test_before_its_deadline_a_direct_booking_followed_up_is_tagged(staff):
    _request, event = make_instant_booking(starts_at=_days_ahead(3))  # within the week
    inbox = lxml.html.fromstring(_page(staff, "/sekretariat/indbakke"))
    [row] = inbox.xpath("//ul[contains(@class, 'action-needed')]/li")
    assert row.xpath(".//a/@href") == [f"/sekretariat/arrangementer/{event.id}"]
    assert row.get("class") == "action-item action-follow_up"
    assert _text(row).startswith(
        "Bemanding: følg op Ung-til-ung dialog: Husum Skole Direkte booket,"
    )


def test_more_than_ten_past_their_deadline_lead_to_the_events(as_role, travel):
    for n in range(12):
        make_instant_booking(starts_at=_days_ahead(20 + n))
    travel(clock.now() + timedelta(hours=73))
    page = _page(as_role(Role.SECRETARIAT), "/sekretariat/indbakke")
    needs = page.split("Kræver handling")[1].split("Alle henvendelser")[0]
    assert needs.count('class="action-item action-instant_unstaffed"') == 10
    assert '<span class="badge">12</span>' in needs
    assert '<a href="/sekretariat/arrangementer">2 arrangementer mere at følge op på</a>' in needs


@pytest.mark.skipif(checker_missing(), reason="VNU_JAR not set: run the suite with `make test`")
def test_a_direct_bookings_pages_are_valid_html_in_danish_and_english(app, as_role, tmp_path):
    # Past its deadline, with a seat asked and one taken; the demo data has no direct booking.
    request, event = make_instant_booking(staff_by=clock.now() - timedelta(hours=1))
    accepted_on(event, make_ambassador())
    make_request(organisation_name="Ny skole")
    written = []
    for language in ("da", "en"):
        staff = as_role(Role.SECRETARIAT)
        staff.get(f"/sprog/{language}")
        for path in (
            "/sekretariat/indbakke",
            f"/sekretariat/henvendelser/{request.id}",
            f"/sekretariat/arrangementer/{event.id}",
        ):
            written.append(write_page(tmp_path, "secretariat", language, path, _page(staff, path)))
    assert nu_errors(written) == []


# --- the secretariat acts on it as on any other ------------------------------------------------


def test_the_secretariat_moves_a_direct_booking_and_everyone_is_told(staff, booked):
    request, event, yasmin, amina = booked
    start = _days_ahead(21)
    response = _event_form(staff, event, "flyt").fill(**_sessions(start)).submit()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sekretariat/arrangementer/{event.id}"
    db.session.expire_all()
    assert event.starts_at == start
    assert event.place == "Tingbjerg Skole, aulaen"
    [requester] = mails("requester_event_rescheduled")
    assert requester.to_address == request.contact.email
    told = {m.to_address for m in mails("assignee_event_rescheduled")}
    assert told == {yasmin.email, amina.person.email}


def test_the_secretariat_staffs_a_seat_again_and_the_booking_leaves_kraever_handling(
    as_role, booked, travel
):
    _request, event, _yasmin, amina = booked
    travel(event.staff_by + timedelta(minutes=1))
    staff = as_role(Role.SECRETARIAT)
    assert "action-instant_unstaffed" in _page(staff, "/sekretariat/indbakke")
    # Amina has not answered: the secretariat takes the offer back and asks Bo.
    asking = f"/sekretariat/tildelinger/{amina.id}/traek-tilbage"
    asking_page(staff, f"/sekretariat/arrangementer/{event.id}", asking)
    assert browser_form(staff, asking, action=asking).submit().status_code == 302
    assert amina.status == AssignmentStatus.WITHDRAWN
    [withdrawn] = mails("assignee_offer_withdrawn")
    assert withdrawn.to_address == amina.person.email
    bo = make_ambassador(first_name="Bo")
    response = _event_form(staff, event, "forespoerg").fill(ambassador=[bo.id]).submit()
    assert response.status_code == 302
    db.session.expire_all()
    [asked] = [a for a in event.assignments if a.person_id == bo.id]
    assert (asked.seat_number, asked.status) == (2, AssignmentStatus.OFFERED)
    assert [m.to_address for m in mails("assignee_offer") if m.to_address == bo.email]
    # Still open past the deadline, so still first; once Bo says yes, nothing is left to do.
    assert "action-instant_unstaffed" in _page(staff, "/sekretariat/indbakke")
    offers.accept_offer(asked)
    db.session.commit()
    page = _page(staff, "/sekretariat/indbakke")
    assert "action-instant_unstaffed" not in page
    assert "Intet kræver handling lige nu." in page


def _cancel(staff, event):
    page = f"/sekretariat/arrangementer/{event.id}/aflys"
    asking_page(staff, f"/sekretariat/arrangementer/{event.id}", page)
    response = browser_form(staff, page, action=page).fill(cancel_note="Ingen ledige").submit()
    assert response.status_code == 302
    assert event.status == EventStatus.CANCELLED


def test_the_secretariat_cancels_a_direct_booking_and_everyone_is_told(staff, booked):
    request, event, yasmin, amina = booked
    _cancel(staff, event)
    [requester] = mails("requester_event_cancelled")
    assert requester.to_address == request.contact.email
    assert "Ingen ledige" in requester.body_text
    told = {m.to_address for m in mails("assignee_event_cancelled")}
    assert told == {yasmin.email, amina.person.email}
    assert amina.status == AssignmentStatus.WITHDRAWN
    assert 'class="action-item action-rebook"' in _page(staff, "/sekretariat/indbakke")


@pytest.mark.parametrize("directly", [True, False], ids=["direct-booking", "planned-by-us"])
def test_a_cancelled_bookings_request_is_declined_only_as_any_planned_one_is(staff, directly):
    # A planned request changes through its event: once it is cancelled, it is planned again
    # (or the requester withdraws it); declining is refused, for a direct booking as for any.
    if directly:
        request, event = make_instant_booking()
    else:
        request = make_request()
        event = make_scheduled(request=request)
    _cancel(staff, event)
    page = f"/sekretariat/henvendelser/{request.id}/afvis"
    asking = _page(staff, page)
    assert "Henvendelsen kan ikke afvises: den er planlagt." in asking
    assert f'action="{page}"' not in asking
    # A post all the same (made by hand, or forged) is refused and changes nothing.
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.scope == "request")
    ).first()
    sent = staff.post(
        page,
        data={"csrf_token": staff.csrf_token(page), "reason": reason.id, "bekraeftet": "1"},
    )
    assert sent.status_code == 409
    assert request.status == RequestStatus.PLANNED
    assert mails("requester_request_declined") == []


def test_the_secretariat_cancels_a_direct_booking_then_plans_the_request_again(staff, booked):
    request, first, _yasmin, _amina = booked
    _cancel(staff, first)
    inbox = _page(staff, "/sekretariat/indbakke")
    assert 'class="action-item action-rebook"' in inbox and "action-instant_unstaffed" not in inbox
    start = _days_ahead(28)
    page = f"/sekretariat/henvendelser/{request.id}"
    response = (
        browser_form(staff, page, action=f"{page}/planlaeg").fill(**_sessions(start)).submit()
    )
    assert response.status_code == 302
    db.session.expire_all()
    second = request.event
    assert second.id != first.id and second.starts_at == start
    assert request.status == RequestStatus.PLANNED
    assert first.former_request == request
    # Planned by the secretariat: a time of its own, not a tentative one with a deadline.
    assert not second.tentative and second.staff_by is None
    scheduled = mails("requester_event_scheduled")
    assert len(scheduled) == 2  # the direct booking's, and now the new time's
    assert scheduled[-1].to_address == request.contact.email
    assert "Frist for bemanding" not in _event_page(staff, second)
