"""Issue 21: one ranked list of suggestions per event and one send that fills every open seat."""

from datetime import timedelta

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.models import AvailabilityRule, AwayPeriod
from portal.models.enums import AssignmentStatus, Role, SeatRole
from portal.services import offers
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_person,
    make_scheduled,
    offer_kind,
    row_counts,
)


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def _page(event):
    return f"/sekretariat/arrangementer/{event.id}"


def _staffing_form(client, event):
    return browser_form(client, _page(event), action=f"{_page(event)}/forespoerg")


def _ticked_seats(event):
    db.session.expire_all()
    return sorted(
        (a.seat_role, a.seat_number, a.person_id)
        for a in event.assignments
        if a.status == AssignmentStatus.OFFERED
    )


def test_the_event_page_shows_one_ranked_list_and_one_send_for_all_open_seats(staff):
    event = make_scheduled()  # a dialogue: two ambassador seats
    for n in range(6):
        make_ambassador(first_name=f"Anna{n}")
    html = lxml.html.fromstring(staff.get(_page(event)).get_data(as_text=True))
    sends = html.xpath("//form[contains(@action, '/forespoerg')]")
    assert len(sends) == 1
    assert len(html.xpath("//button[normalize-space()='Send forespørgsler']")) == 1
    boxes = sends[0].xpath(".//input[@name='ambassador']/@value")
    assert len(boxes) == len(set(boxes)) == 6  # each person once, not once per seat
    assert "Dialogambassadør: 2 ledige pladser, vælg op til 2" in sends[0].text_content()
    # The first few in view, the rest behind "Vis flere".
    assert len(sends[0].xpath(".//details//input[@name='ambassador']")) == 2


def test_one_send_offers_every_chosen_person_a_seat_of_their_own(staff):
    event = make_scheduled()
    yasmin, amina = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Amina")
    response = _staffing_form(staff, event).fill(ambassador=[yasmin.id, amina.id]).submit()
    assert response.status_code == 302
    assert _ticked_seats(event) == [
        (SeatRole.AMBASSADOR, 1, amina.id),
        (SeatRole.AMBASSADOR, 2, yasmin.id),
    ]
    assert sorted(m.to_address for m in mails("assignee_offer")) == sorted(
        [yasmin.email, amina.email]
    )
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Forespørgslen er sendt til {amina.full_name} og {yasmin.full_name}." in page
    # Both seats asked for: nothing left to send.
    assert f"{_page(event)}/forespoerg" not in page


def test_one_send_fills_seats_of_each_role(staff, app):
    from portal.services import reference

    kind = offer_kind("dialogue")
    reference._set_needs(kind, {SeatRole.AMBASSADOR: 1, SeatRole.RESOURCE_PERSON: 1})
    db.session.commit()
    event = make_scheduled()
    ambassador = make_ambassador(first_name="Yasmin")
    resource = make_person(first_name="Rasmus", is_ambassador=False)
    text = staff.get(_page(event)).get_data(as_text=True)
    assert "Dialogambassadør: 1 ledig plads, vælg én" in text
    assert "Resurseperson: 1 ledig plads, vælg én" in text
    form = _staffing_form(staff, event)
    response = form.fill(ambassador=[ambassador.id], resource_person=[resource.id]).submit()
    assert response.status_code == 302
    assert {(role, person) for role, _n, person in _ticked_seats(event)} == {
        (SeatRole.AMBASSADOR, ambassador.id),
        (SeatRole.RESOURCE_PERSON, resource.id),
    }


def _both_roles_open():
    from portal.services import reference

    kind = offer_kind("dialogue")
    reference._set_needs(kind, {SeatRole.AMBASSADOR: 1, SeatRole.RESOURCE_PERSON: 1})
    db.session.commit()
    return make_scheduled()


def test_a_person_ticked_in_both_lists_is_refused_with_a_422_and_nothing_stored(staff):
    event = _both_roles_open()
    both = make_person(first_name="Bodil", last_name="Begge", is_ambassador=True)
    form = _staffing_form(staff, event)
    assert str(both.id) in form.options("ambassador")
    assert str(both.id) in form.options("resource_person")
    before = row_counts()
    response = form.fill(ambassador=[both.id], resource_person=[both.id]).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert (
        "Bodil Begge er valgt i begge lister, men kan kun have én plads ved arrangementet. "
        "Fjern det ene flueben."
    ) in text
    assert row_counts() == before
    assert mails("assignee_offer") == []
    # The answer stands in the form with both ticks kept, so one can be taken off.
    again = pick(forms_in(staff, _page(event), text), _page(event), f"{_page(event)}/forespoerg")
    assert again.value("ambassador") == again.value("resource_person") == str(both.id)
    assert again.fill(resource_person=[]).submit().status_code == 302
    assert [person for _r, _n, person in _ticked_seats(event)] == [both.id]


def test_the_staffing_form_and_its_answer_speak_of_offers_in_english(staff):
    event = make_scheduled()
    amina, bo = make_ambassador(first_name="Amina"), make_ambassador(first_name="Bo")
    staff.get("/sprog/en")
    html = lxml.html.fromstring(staff.get(_page(event)).get_data(as_text=True))
    assert len(html.xpath("//button[normalize-space()='Send offers']")) == 1
    assert html.xpath("//table[contains(@class, 'suggestions')]//th[2]/text()")[0] == "Available"
    response = _staffing_form(staff, event).fill(ambassador=[amina.id, bo.id]).submit()
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The offer has been sent to {amina.full_name} and {bo.full_name}." in page


def test_choosing_more_people_than_open_seats_is_refused_and_stores_nothing(staff):
    event = make_scheduled()
    people = [make_ambassador(first_name=name) for name in ("Amina", "Bo", "Cecilie")]
    before = row_counts()
    response = _staffing_form(staff, event).fill(ambassador=[p.id for p in people]).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Du har valgt 3 som dialogambassadør, men der er kun 2 ledige pladser" in text
    assert row_counts() == before
    assert mails("assignee_offer") == []
    # The answer stands in the form, with the ticks kept.
    again = pick(forms_in(staff, _page(event), text), _page(event), f"{_page(event)}/forespoerg")
    assert [v for k, v in again.values() if k == "ambassador"] == [str(p.id) for p in people]


def test_a_seat_offered_meanwhile_makes_the_send_a_409_and_stores_nothing(staff):
    event = make_scheduled()
    amina, bo, cecilie = (make_ambassador(first_name=n) for n in ("Amina", "Bo", "Cecilie"))
    form = _staffing_form(staff, event).fill(ambassador=[amina.id, bo.id])
    offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[cecilie]
    )
    db.session.commit()  # a colleague filled one of the two seats while the page was open
    response = form.submit()
    assert response.status_code == 409
    assert "En anden har forespurgt pladserne" in response.get_data(as_text=True)
    assert _ticked_seats(event) == [(SeatRole.AMBASSADOR, 1, cecilie.id)]


def test_a_person_deactivated_meanwhile_is_refused_and_nobody_is_asked(staff):
    event = make_scheduled()
    amina, bo = make_ambassador(first_name="Amina"), make_ambassador(first_name="Bo")
    form = _staffing_form(staff, event).fill(ambassador=[amina.id, bo.id])
    bo.active = False
    db.session.commit()
    response = form.submit()
    assert response.status_code == 409
    assert f"{bo.full_name} kan ikke tage den plads" in response.get_data(as_text=True)
    assert _ticked_seats(event) == []
    assert mails("assignee_offer") == []


def test_the_list_says_why_someone_cannot_and_the_confirmation_repeats_it(staff):
    start = clock.now() + timedelta(days=12)
    event = make_scheduled(starts_at=start)
    day = start.astimezone(clock.COPENHAGEN).date()
    away = make_ambassador(first_name="Vera", last_name="Væk")
    away.away_periods = [AwayPeriod(starts_on=day, ends_on=day)]
    evening = make_ambassador(first_name="Aske", last_name="Aften")
    evening.availability_rules = [
        AvailabilityRule(
            weekday=day.weekday(),
            starts_at=clock.local(2030, 1, 1, 18, 0).time(),
            ends_at=clock.local(2030, 1, 1, 21, 0).time(),
        )
    ]
    db.session.commit()
    text = staff.get(_page(event)).get_data(as_text=True)
    assert "Væk den dag" in text and "Uden for sine faste tider" in text
    warned = _staffing_form(staff, event).fill(ambassador=[away.id, evening.id]).submit()
    assert warned.status_code == 422
    body = warned.get_data(as_text=True)
    assert "Vera Væk har meldt sig væk den dag." in body
    assert "Aske Aften er ikke ledig på det tidspunkt ifølge sine faste ugetider." in body
    assert _ticked_seats(event) == []
    again = pick(forms_in(staff, _page(event), body), _page(event), f"{_page(event)}/forespoerg")
    sent = again.fill(confirm_unavailable=True).submit()
    assert sent.status_code == 302
    assert len(_ticked_seats(event)) == 2
    shown = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Bemærk: Vera Væk har meldt sig væk den dag." in shown


def test_a_send_without_its_csrf_token_is_refused(staff):
    event = make_scheduled()
    person = make_ambassador()
    form = _staffing_form(staff, event).fill(ambassador=[person.id])
    response = form.tamper("csrf_token", None).submit()
    assert response.status_code in (400, 422)
    assert _ticked_seats(event) == []


@pytest.mark.parametrize("role", [Role.ASSIGNEE, None])
def test_only_the_secretariat_can_send(as_role, client, role):
    event = make_scheduled()
    person = make_ambassador()
    db.session.commit()
    outsider = as_role(role) if role else client
    response = outsider.post(
        f"{_page(event)}/forespoerg", data={"ambassador": person.id, "open_ambassador": 2}
    )
    assert response.status_code in (302, 400, 403)
    if response.status_code == 302:
        assert "/log-ind" in response.headers["Location"]
    assert _ticked_seats(event) == []


@pytest.mark.parametrize(
    ("tampered", "tick"),
    [
        ({"ambassador": "abc"}, False),
        ({"ambassador": "99999999999999"}, False),
        # Someone ticked, or "Vælg mindst én person" answers before the count is read.
        ({"open_ambassador": "-1"}, True),
        ({"open_ambassador": "x" * 50}, True),
        ({"open_ambassador": "99999999999999999999"}, True),
        ({"resource_person": "1"}, False),
    ],
)
def test_nonsense_in_the_send_is_refused_without_a_500(staff, tampered, tick):
    event = make_scheduled()
    person = make_ambassador()
    form = _staffing_form(staff, event)
    if tick:
        form.fill(ambassador=[person.id])
    for name, value in tampered.items():
        form.tamper(name, value)
    response = form.submit()
    assert response.status_code in (400, 409, 422)
    assert _ticked_seats(event) == []


def test_an_accepted_seat_leaves_one_to_choose(staff):
    event = make_scheduled()
    make_assignment(event, make_ambassador(), seat_number=1)
    amina, bo = make_ambassador(first_name="Amina"), make_ambassador(first_name="Bo")
    text = staff.get(_page(event)).get_data(as_text=True)
    assert "Dialogambassadør: 1 ledig plads, vælg én" in text
    response = _staffing_form(staff, event).fill(ambassador=[amina.id, bo.id]).submit()
    assert response.status_code == 422
    assert (
        "Du har valgt 2 som dialogambassadør, men der er kun 1 ledig plads. "
        "Fjern flueben, så der kun er én."
    ) in response.get_data(as_text=True)
    response = _staffing_form(staff, event).fill(ambassador=[bo.id]).submit()
    assert response.status_code == 302
    assert _ticked_seats(event) == [(SeatRole.AMBASSADOR, 2, bo.id)]


@pytest.mark.postgres_only
def test_two_members_filling_both_seats_at_once_race_to_302_and_409(app, as_role):
    """Different people for the same two seats: the lock lets one send fill them; the other,
    re-reading the seats under it, finds none open and stores nothing."""
    from tests.views.test_races import RACE_ROUNDS, _at_once

    clients = [as_role(Role.SECRETARIAT), as_role(Role.SECRETARIAT)]
    for n in range(RACE_ROUNDS):
        event = make_scheduled()
        # Each round's people sort first among the suggestions (by first name).
        pairs = [
            [make_ambassador(first_name=f"A{99 - n:02}{c}{k}") for k in range(2)]
            for c in range(len(clients))
        ]
        db.session.commit()
        forms = [
            _staffing_form(client, event).fill(ambassador=[p.id for p in pair])
            for client, pair in zip(clients, pairs, strict=True)
        ]
        answers = _at_once(app, forms)
        assert sorted(status for status, _text in answers) == [302, 409]
        [refused] = [text for status, text in answers if status == 409]
        assert "En anden har forespurgt pladserne" in refused
        offered = _ticked_seats(event)
        assert [number for _role, number, _person in offered] == [1, 2]
        winners = next(
            pair for (status, _t), pair in zip(answers, pairs, strict=True) if status == 302
        )
        assert {person for _r, _n, person in offered} == {p.id for p in winners}
