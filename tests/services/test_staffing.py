"""staffing.offer_open_seats: one send fills every open seat, all or nothing."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from portal import clock
from portal.extensions import db
from portal.models import AvailabilityRule, AwayPeriod
from portal.models.enums import AssignmentStatus, SeatRole
from portal.services import errors, offers, reference, staffing, suggestions
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_person,
    make_scheduled,
    offer_kind,
    row_counts,
)


def test_offer_open_seats_gives_each_person_a_seat_of_their_own_in_seat_order():
    event = make_scheduled()
    first, second = make_ambassador(), make_ambassador()
    offered, warnings = staffing.offer_open_seats(
        event, by=None, chosen_ids={SeatRole.AMBASSADOR: [first.id, second.id]}
    )
    assert [(a.person, a.seat_number, a.status) for a in offered] == [
        (first, 1, AssignmentStatus.OFFERED),
        (second, 2, AssignmentStatus.OFFERED),
    ]
    assert warnings == []
    assert len(mails("assignee_offer")) == 2
    assert staffing.open_seats(event) == []


def test_offer_open_seats_skips_a_seat_already_asked_for():
    event = make_scheduled()
    asked, chosen = make_ambassador(), make_ambassador()
    offers.offer_seat(event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[asked])
    [offer], _warnings = staffing.offer_open_seats(
        event, by=None, chosen_ids={SeatRole.AMBASSADOR: [chosen.id]}
    )
    assert offer.seat_number == 2


def test_offer_open_seats_refuses_more_people_than_the_page_showed_seats():
    event = make_scheduled()
    people = [make_ambassador() for _n in range(3)]
    db.session.commit()
    before = row_counts()
    with pytest.raises(staffing.TooManyChosen, match="Du har valgt 3"):
        staffing.offer_open_seats(
            event, by=None, chosen_ids={SeatRole.AMBASSADOR: [p.id for p in people]}
        )
    assert row_counts() == before


def test_offer_open_seats_refuses_as_a_race_when_fewer_seats_are_open_than_shown():
    event = make_scheduled()
    other, people = make_ambassador(), [make_ambassador(), make_ambassador()]
    offers.offer_seat(event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=2, persons=[other])
    with pytest.raises(errors.OfferError, match="En anden har forespurgt") as refused:
        staffing.offer_open_seats(
            event,
            by=None,
            chosen_ids={SeatRole.AMBASSADOR: [p.id for p in people]},
            shown={SeatRole.AMBASSADOR: 2},
        )
    assert not isinstance(refused.value, staffing.TooManyChosen)


def test_offer_open_seats_asks_first_for_someone_away_and_says_so_when_sent_anyway():
    event = make_scheduled()
    away = make_ambassador(first_name="Vera", last_name="Væk")
    day = event.starts_at.astimezone(clock.COPENHAGEN).date()
    db.session.add(AwayPeriod(person=away, starts_on=day, ends_on=day))
    db.session.flush()
    assert suggestions.why_unavailable([away], event) == [(away, True)]
    with pytest.raises(staffing.NeedsConfirmation, match="Vera Væk har meldt sig væk den dag"):
        staffing.offer_open_seats(event, by=None, chosen_ids={SeatRole.AMBASSADOR: [away.id]})
    assert event.assignments == []
    offered, warnings = staffing.offer_open_seats(
        event, by=None, chosen_ids={SeatRole.AMBASSADOR: [away.id]}, anyway=True
    )
    assert [a.person for a in offered] == [away]
    assert [str(w) for w in warnings] == ["Vera Væk har meldt sig væk den dag."]


def _both_roles_open():
    reference._set_needs(
        offer_kind("dialogue"), {SeatRole.AMBASSADOR: 1, SeatRole.RESOURCE_PERSON: 1}
    )
    db.session.commit()
    return make_scheduled()


def test_offer_open_seats_refuses_a_person_chosen_for_both_roles_and_stores_nothing(
    count_queries,
):
    event = _both_roles_open()
    both = make_person(first_name="Bodil", last_name="Begge", is_ambassador=True)
    chosen = {SeatRole.AMBASSADOR: [both.id], SeatRole.RESOURCE_PERSON: [both.id]}
    before = row_counts()
    with count_queries() as counted, pytest.raises(staffing.ChosenTwice) as refused:
        staffing.offer_open_seats(event, by=None, chosen_ids=chosen)
    assert str(refused.value) == (
        "Bodil Begge er valgt i begge lister, men kan kun have én plads ved arrangementet. "
        "Fjern det ene flueben."
    )
    assert isinstance(refused.value, staffing.ChoiceRefused)
    # Everyone chosen, of every role, is loaded in one query.
    assert counted.count == 1
    assert row_counts() == before
    assert mails("assignee_offer") == []


def test_offer_open_seats_leaves_out_an_id_nobody_has():
    event = make_scheduled()
    person = make_ambassador()
    offered, _warnings = staffing.offer_open_seats(
        event, by=None, chosen_ids={SeatRole.AMBASSADOR: [99999, person.id, person.id]}
    )
    assert [a.person for a in offered] == [person]


def test_offer_open_seats_says_one_open_seat_in_the_singular():
    event = make_scheduled()
    make_assignment(event, make_ambassador(), seat_number=1)
    people = [make_ambassador(), make_ambassador()]
    chosen = {SeatRole.AMBASSADOR: [p.id for p in people]}
    with pytest.raises(staffing.TooManyChosen) as refused:
        staffing.offer_open_seats(event, by=None, chosen_ids=chosen)
    assert "men der er kun 1 ledig plads. Fjern flueben, så der kun er én." in str(refused.value)
    with force_locale("en"), pytest.raises(staffing.TooManyChosen) as refused:
        staffing.offer_open_seats(event, by=None, chosen_ids=chosen)
    assert "but only 1 seat is open" in str(refused.value)


def _away_on_the_day(event, *people):
    day = event.starts_at.astimezone(clock.COPENHAGEN).date()
    for person in people:
        db.session.add(AwayPeriod(person=person, starts_on=day, ends_on=day))
    db.session.flush()


def test_the_warnings_name_several_people_as_a_sentence_does_in_the_plural():
    event = make_scheduled()
    anna = make_ambassador(first_name="Anna", last_name="And")
    bo = make_ambassador(first_name="Bo", last_name="Bech")
    _away_on_the_day(event, anna, bo)
    outside = [make_ambassador(first_name=n, last_name="Aften") for n in ("Cecilie", "Dan")]
    weekday = (event.starts_at.astimezone(clock.COPENHAGEN).weekday() + 1) % 7
    for person in outside:
        person.availability_rules = [
            AvailabilityRule(
                weekday=weekday,
                starts_at=clock.local(2030, 1, 1, 8, 0).time(),
                ends_at=clock.local(2030, 1, 1, 16, 0).time(),
            )
        ]
    db.session.flush()
    people = [anna, bo, *outside]
    assert [str(w) for w in staffing.warnings_for(people, event)] == [
        "Anna And og Bo Bech har meldt sig væk den dag.",
        "Cecilie Aften og Dan Aften er ikke ledige på det tidspunkt ifølge deres faste ugetider.",
    ]
    with force_locale("en"):
        assert [str(w) for w in staffing.warnings_for(people, event)] == [
            "Anna And and Bo Bech have said they are away that day.",
            "Cecilie Aften and Dan Aften are not available at that time according to their "
            "weekly hours.",
        ]
        assert [str(w) for w in staffing.warnings_for([anna], event)] == [
            "Anna And has said they are away that day."
        ]


def test_newly_unable_after_move_names_only_those_the_move_lets_down():
    event = make_scheduled()
    start, end = event.starts_at, event.ends_at
    already = make_ambassador(first_name="Allerede")  # away on the current day
    make_assignment(event, already, seat_number=1)
    fine = make_ambassador(first_name="Fint")
    make_assignment(event, fine, seat_number=2)
    _away_on_the_day(event, already)
    # Away on the new day too: both cannot there, only the one who can now is news.
    later = (start + timedelta(days=7), end + timedelta(days=7))
    day = later[0].astimezone(clock.COPENHAGEN).date()
    for person in (already, fine):
        db.session.add(AwayPeriod(person=person, starts_on=day, ends_on=day))
    db.session.flush()
    assert staffing.newly_unable_after_move(event, [(start, end)]) == []
    assert staffing.newly_unable_after_move(event, [later]) == [fine]
