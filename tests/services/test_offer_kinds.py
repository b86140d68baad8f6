"""Offer kinds, their staffing needs and topics as the admin keeps them: each rule, each audit."""

import pytest

from portal.extensions import db
from portal.forms.public import RequestForm
from portal.models import AuditEntry, OfferKind, Topic
from portal.models.enums import AssignmentStatus, BookingForm, EventStatus, SeatRole
from portal.services import catalogue, events, reference, seats
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
)

VALUES = {
    "name_da": "Forældremøde om radikalisering",
    "name_en": "",
    "description_da": "Et oplæg for forældre på en skole.",
    "description_en": "",
    "booking_form": BookingForm.ADULTS,
    "default_duration_minutes": 60,
    "max_sessions": 1,
    "online_allowed": True,
    "offer_deadline_hours": 48,
    "auto_chain": True,
    "auto_accept_claims": False,
}
ONE_RESOURCE_PERSON = {SeatRole.RESOURCE_PERSON: 1, SeatRole.AMBASSADOR: 0}


def _add(**overrides):
    needs = overrides.pop("needs", ONE_RESOURCE_PERSON)
    return reference.save_offer_kind(
        None, by=make_user(role="admin"), needs=needs, **(VALUES | overrides)
    )


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_a_new_kind_is_bookable_at_once_with_its_staffing_and_is_audited():
    kind = _add()
    assert kind.code == "foraeldremoede_om_radika"  # Danish letters spelled out, then cut
    assert kind.name_en == kind.name_da  # no English name: the Danish one serves
    assert kind in catalogue.active_offer_kinds()
    assert catalogue.offer_kind_by_code(kind.code) is kind
    assert [(n.seat_role, n.count) for n in kind.staffing_needs] == [(SeatRole.RESOURCE_PERSON, 1)]
    # The booking form asks what its booking form says (adults, online).
    assert RequestForm.asked_fields(kind) == {
        "audience",
        "expected_participants",
        "online",
        "meeting_url",
    }
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert entry.action == "offer_kind.added"
    assert entry.after["needs"] == {"resource_person": 1}


def test_a_kind_for_a_class_asks_the_grade_and_warns_in_school_holidays():
    kind = _add(booking_form=BookingForm.CLASS, online_allowed=False)
    assert RequestForm.asked_fields(kind) == {"grade", "expected_participants"}
    assert kind.for_a_class


def test_two_kinds_with_one_name_are_refused_whatever_the_case():
    _add()
    with pytest.raises(reference.ReferenceDataError, match="allerede et tilbud"):
        _add(name_da="FORÆLDREMØDE OM RADIKALISERING")
    with pytest.raises(reference.ReferenceDataError, match="allerede et tilbud"):
        reference.save_offer_kind(
            offer_kind("talk"),
            by=None,
            needs=ONE_RESOURCE_PERSON,
            **(VALUES | {"name_da": offer_kind("dialogue").name_da}),
        )


def test_codes_of_kinds_with_similar_names_differ():
    first = _add(name_da="Oplæg for personale")
    second = _add(name_da="Oplæg for personale!")
    assert first.code != second.code


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"needs": {SeatRole.RESOURCE_PERSON: 0, SeatRole.AMBASSADOR: 0}}, "mindst én plads"),
        ({"needs": {SeatRole.RESOURCE_PERSON: 11}}, "fra 0 til 10"),
        ({"default_duration_minutes": 5}, "Varigheden"),
        ({"max_sessions": 0}, "fra 1 til 10 møder"),
        ({"offer_deadline_hours": 24 * 15}, "Svarfristen"),
        ({"instant_opens_days": 0}, "første dag kan ligge fra 1 til 179"),
        ({"instant_opens_days": 180, "instant_reach_days": 180}, "første dag kan ligge"),
        ({"instant_reach_days": 181}, "sidste dag kan ligge fra 2 til 180"),
        ({"instant_opens_days": 20, "instant_reach_days": 20}, "efter den første"),
        ({"instant_reach_days": 5}, "efter den første"),  # the default opens after 7 days
        ({"instant_deadline_hours": 0}, "Fristen for bemanding"),
        ({"instant_deadline_hours": 24 * 30 + 1}, "Fristen for bemanding"),
        (
            {
                "booking_form": BookingForm.CONCERN,
                "needs": {SeatRole.RESOURCE_PERSON: 0, SeatRole.AMBASSADOR: 0},
                "instant_booking": True,
            },
            "kan ikke bookes direkte",
        ),
    ],
)
def test_a_kind_out_of_range_is_refused_and_nothing_is_stored(overrides, message):
    before = db.session.scalar(db.select(db.func.count()).select_from(OfferKind))
    with pytest.raises(reference.ReferenceDataError, match=message):
        _add(**overrides)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(OfferKind)) == before
    assert _actions() == []


def test_editing_a_kind_changes_its_seats_and_the_audit_shows_before_and_after():
    talk = offer_kind("talk")
    values = VALUES | {"name_da": talk.name_da, "name_en": talk.name_en}
    needs = {SeatRole.RESOURCE_PERSON: 2, SeatRole.AMBASSADOR: 1}
    reference.save_offer_kind(talk, by=None, needs=needs, **values)
    assert (talk.need(SeatRole.RESOURCE_PERSON), talk.need(SeatRole.AMBASSADOR)) == (2, 1)
    event = make_scheduled("talk")
    assert len(seats.seats(event)) == 3
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action.like("offer_kind.%"))
    )
    assert entry.before["needs"] == {"resource_person": 1}
    assert entry.after["needs"] == {"resource_person": 2, "ambassador": 1}
    # Saving the same values again writes no entry.
    reference.save_offer_kind(talk, by=None, needs=needs, **values)
    assert _actions().count("offer_kind.updated") == 1


def test_fewer_seats_are_refused_while_someone_holds_a_seat_that_would_go():
    dialogue = offer_kind("dialogue")
    event = make_scheduled("dialogue")
    make_assignment(event, make_ambassador(), seat_number=2, status=AssignmentStatus.ACCEPTED)
    values = VALUES | {"name_da": dialogue.name_da, "booking_form": BookingForm.CLASS}
    with pytest.raises(reference.ReferenceDataError, match="Træk forespørgslen tilbage"):
        reference.save_offer_kind(dialogue, by=None, needs={SeatRole.AMBASSADOR: 1}, **values)
    db.session.rollback()
    assert dialogue.need(SeatRole.AMBASSADOR) == 2
    # Seat 1 taken is no obstacle to going from two seats to one.
    event.assignments[0].seat_number = 1
    db.session.commit()
    reference.save_offer_kind(dialogue, by=None, needs={SeatRole.AMBASSADOR: 1}, **values)
    assert dialogue.need(SeatRole.AMBASSADOR) == 1


def test_a_hidden_kind_leaves_the_booking_form_and_its_requests_stay():
    kind = _add()
    request = make_request(offer_kind=kind)
    reference.set_offer_kind_active(kind, by=None, active=False)
    assert kind not in catalogue.active_offer_kinds()
    assert catalogue.offer_kind_by_code(kind.code) is None
    assert request.offer_kind is kind
    assert db.session.get(OfferKind, kind.id) is not None  # hidden, never deleted
    assert "offer_kind.hidden" in _actions()
    reference.set_offer_kind_active(kind, by=None, active=True)
    assert kind in catalogue.active_offer_kinds()


def test_the_last_bookable_kind_cannot_be_hidden():
    kinds = catalogue.active_offer_kinds()
    for kind in kinds[1:]:
        reference.set_offer_kind_active(kind, by=None, active=False)
    with pytest.raises(reference.ReferenceDataError, match="Mindst ét tilbud"):
        reference.set_offer_kind_active(kinds[0], by=None, active=False)
    assert kinds[0].active


def test_a_topic_is_added_renamed_and_hidden_but_stays_on_its_requests():
    admin = make_user(role="admin")
    topic = reference.save_topic(None, by=admin, name_da="Konspirationsteorier", name_en="")
    assert topic.name_en == "Konspirationsteorier"
    assert topic in catalogue.active_topics()
    request = make_request(topic=topic)
    reference.save_topic(topic, by=admin, name_da="Konspirationer", name_en="Conspiracies")
    with pytest.raises(reference.ReferenceDataError, match="allerede et emne"):
        reference.save_topic(None, by=admin, name_da="konspirationer")
    reference.set_topic_active(topic, by=admin, active=False)
    assert topic not in catalogue.active_topics()
    assert request.topic is topic
    assert db.session.get(Topic, topic.id).name_en == "Conspiracies"
    topic_actions = [a for a in _actions() if a.startswith("topic.")]
    assert topic_actions == ["topic.added", "topic.updated", "topic.hidden"]


def test_an_open_offer_on_a_seat_that_would_go_also_stops_fewer_seats_but_a_held_event_not():
    dialogue = offer_kind("dialogue")
    values = VALUES | {"name_da": dialogue.name_da, "booking_form": BookingForm.CLASS}
    event = make_scheduled("dialogue")
    offered = make_assignment(
        event, make_ambassador(), seat_number=2, status=AssignmentStatus.OFFERED
    )
    with pytest.raises(reference.ReferenceDataError, match="den "):
        reference.save_offer_kind(dialogue, by=None, needs={SeatRole.AMBASSADOR: 1}, **values)
    db.session.rollback()
    # Once the event is no longer planned, its seats are history, not a reason to refuse.
    offered.event.status = EventStatus.CANCELLED
    db.session.commit()
    reference.save_offer_kind(dialogue, by=None, needs={SeatRole.AMBASSADOR: 1}, **values)
    assert dialogue.need(SeatRole.AMBASSADOR) == 1


def test_fewer_sessions_than_a_planned_event_has_are_refused():
    from datetime import timedelta

    from portal import clock

    advisory = offer_kind("advisory")
    first = clock.now() + timedelta(days=20)
    events.schedule_event(
        by=None,
        offer_kind=advisory,
        sessions=[
            (first, first + timedelta(hours=2)),
            (first + timedelta(days=7), first + timedelta(days=7, hours=2)),
        ],
        place="Rådhuset",
        online=False,
    )
    db.session.commit()
    values = VALUES | {"name_da": advisory.name_da, "max_sessions": 1}
    with pytest.raises(reference.ReferenceDataError, match="har 2 møder"):
        reference.save_offer_kind(advisory, by=None, needs=ONE_RESOURCE_PERSON, **values)
    db.session.rollback()
    reference.save_offer_kind(
        advisory, by=None, needs=ONE_RESOURCE_PERSON, **(values | {"max_sessions": 2})
    )
    assert advisory.max_sessions == 2


def test_a_name_that_differs_only_in_the_case_of_a_danish_letter_is_taken():
    admin = make_user(role="admin")
    reference.save_topic(None, by=admin, name_da="Æresrelateret vold")
    with pytest.raises(reference.ReferenceDataError, match="allerede et emne"):
        reference.save_topic(None, by=admin, name_da="æresrelateret vold")
    _add(name_da="Øvelse i dialog")
    with pytest.raises(reference.ReferenceDataError, match="allerede et tilbud"):
        _add(name_da="øVELSE I DIALOG")


def test_a_kind_without_descriptions_is_stored_with_empty_ones():
    kind = _add(description_da=None, description_en=None)
    assert (kind.description_da, kind.description_en) == ("", "")


def test_renaming_a_topic_to_its_own_name_writes_nothing():
    topic = reference.save_topic(None, by=None, name_da="Polarisering", name_en="Polarisation")
    reference.save_topic(topic, by=None, name_da="Polarisering", name_en="Polarisation")
    assert _actions().count("topic.updated") == 0


def test_a_kind_of_counsel_about_a_concern_has_no_seats_and_is_asked_for_on_its_own_form():
    no_seats = {SeatRole.RESOURCE_PERSON: 0, SeatRole.AMBASSADOR: 0}
    with pytest.raises(reference.ReferenceDataError, match="ingen pladser"):
        _add(booking_form=BookingForm.CONCERN)
    kind = _add(name_da="Sparring for lærere", booking_form=BookingForm.CONCERN, needs=no_seats)
    assert kind.seats_needed == 0
    assert kind in catalogue.active_offer_kinds()
    assert kind not in catalogue.bookable_offer_kinds()
    assert catalogue.concern_kind(kind.code) is kind


def test_a_kind_with_requests_cannot_switch_to_or_from_counsel_about_a_concern():
    talk = offer_kind("talk")
    make_request(offer_kind=talk, grade="", audience="staff")
    no_seats = {SeatRole.RESOURCE_PERSON: 0, SeatRole.AMBASSADOR: 0}
    values = {name: getattr(talk, name) for name in OfferKind.EDITABLE}
    with pytest.raises(reference.ReferenceDataError, match="skifte til eller fra"):
        reference.save_offer_kind(
            talk,
            by=make_user(role="admin"),
            needs=no_seats,
            **(values | {"booking_form": BookingForm.CONCERN}),
        )
    db.session.rollback()
    assert offer_kind("talk").booking_form == BookingForm.ADULTS


def test_counsel_about_a_concern_does_not_count_as_the_last_bookable_kind():
    for code in ("dialogue", "advisory"):
        reference.set_offer_kind_active(offer_kind(code), by=None, active=False)
    assert offer_kind("concern").active
    with pytest.raises(reference.ReferenceDataError, match="Mindst ét tilbud"):
        reference.set_offer_kind_active(offer_kind("talk"), by=None, active=False)
    reference.set_offer_kind_active(offer_kind("concern"), by=None, active=False)
    assert not offer_kind("concern").active


def test_a_new_kind_is_not_booked_directly_unless_asked_and_the_audit_shows_its_window():
    kind = _add()
    assert (kind.instant_booking, kind.instant_opens_days, kind.instant_reach_days) == (
        False,
        7,
        35,
    )
    assert kind.instant_deadline_hours == 72
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert entry.after["instant_booking"] is False
    assert entry.after["instant_reach_days"] == 35


def test_a_window_half_given_is_checked_against_what_is_stored():
    talk = offer_kind("talk")
    values = {name: getattr(talk, name) for name in OfferKind.EDITABLE}
    del values["instant_opens_days"]
    talk.instant_opens_days, talk.instant_reach_days = 30, 60
    db.session.flush()
    with pytest.raises(reference.ReferenceDataError, match="efter den første"):
        reference.save_offer_kind(
            talk,
            by=None,
            needs={SeatRole.RESOURCE_PERSON: 1},
            **(values | {"instant_reach_days": 30}),
        )


def test_counsel_about_a_concern_is_never_booked_directly():
    concern = offer_kind("concern")
    no_seats = {SeatRole.RESOURCE_PERSON: 0, SeatRole.AMBASSADOR: 0}
    values = {name: getattr(concern, name) for name in OfferKind.EDITABLE}
    with pytest.raises(reference.ReferenceDataError, match="kan ikke bookes direkte"):
        reference.save_offer_kind(
            concern, by=None, needs=no_seats, **(values | {"instant_booking": True})
        )
    db.session.rollback()
    assert offer_kind("concern").instant_booking is False
    # Its page sends no direkte booking at all: the rest is saved as before.
    shown = {k: v for k, v in values.items() if not k.startswith("instant_")}
    reference.save_offer_kind(concern, by=None, needs=no_seats, **(shown | {"name_en": "Counsel"}))
    assert offer_kind("concern").name_en == "Counsel"
