"""Direkte booking: the free times an offer kind's seats can be filled at, and taking one."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEntry,
    AvailabilityRule,
    AwayPeriod,
    ClosedPeriod,
    Event,
    Request,
)
from portal.models.enums import (
    AssignmentStatus,
    ClosedPeriodKind,
    EventStatus,
    RequestStatus,
)
from portal.services import free_times, offers
from portal.services import requests as requests_service
from tests.factories import (
    book_a_time as book,
)
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_event,
    make_request,
    offer_kind,
    opened_for_direkte_booking,
    row_counts,
)


@pytest.fixture
def dialogue():
    return opened_for_direkte_booking()


def first_day(kind):
    return free_times.window(kind, today=clock.today())[0]


def first_weekday(kind):
    day = first_day(kind)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def at(day, hour, minute=0):
    return clock.local(day.year, day.month, day.day, hour, minute)


def keys(times):
    return [t.key for t in times]


def pair():
    """Two ambassadors, one of them experienced: a dialogue's seats, if both are free."""
    return make_ambassador(experienced_override=True), make_ambassador()


def test_a_kind_not_marked_for_direkte_booking_has_no_free_times():
    pair()
    assert free_times.free_times(offer_kind("dialogue"), today=clock.today()) == []


def test_with_a_pair_free_every_school_day_slot_of_the_window_is_free(dialogue):
    pair()
    found = free_times.free_times(dialogue, today=clock.today())
    day = first_weekday(dialogue)
    # 90 minutes from 08.00, ending by 15.00: four a day.
    assert keys(found[:4]) == [
        f"{day.isoformat()}T{hh}" for hh in ("08:00", "09:30", "11:00", "12:30")
    ]
    assert all(t.local_start.weekday() < 5 for t in found)
    opens, reaches = free_times.window(dialogue, today=clock.today())
    assert opens <= found[0].day and found[-1].day <= reaches


def test_two_new_ambassadors_cannot_go_alone(dialogue):
    make_ambassador(), make_ambassador()
    assert free_times.free_times(dialogue, today=clock.today()) == []
    make_ambassador(experienced_override=True)
    assert free_times.free_times(dialogue, today=clock.today()) != []


def test_an_accepted_or_offered_event_holds_its_people_with_the_travel_buffer(dialogue):
    experienced, _new = pair()
    day = first_weekday(dialogue)
    event = make_event(kind="talk", starts_at=at(day, 11, 0), minutes=60)
    make_assignment(event, experienced, status=AssignmentStatus.OFFERED)
    found = keys(free_times.free_times(dialogue, today=clock.today(), first=day, last=day))
    # 11.00-12.00 held, plus an hour either side: 09.30-11.00 and 12.30-14.00 are out too.
    assert found == [f"{day.isoformat()}T08:00"]
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert len(free_times.free_times(dialogue, today=clock.today(), first=day, last=day)) == 4


def test_a_declined_offer_holds_nobody(dialogue):
    experienced, _new = pair()
    day = first_weekday(dialogue)
    event = make_event(kind="talk", starts_at=at(day, 11, 0), minutes=60)
    make_assignment(event, experienced, status=AssignmentStatus.DECLINED)
    assert len(free_times.free_times(dialogue, today=clock.today(), first=day, last=day)) == 4


def test_weekly_windows_and_away_days_are_kept(dialogue):
    experienced, new = pair()
    day = first_weekday(dialogue)
    db.session.add(
        AvailabilityRule(
            person_id=new.id, weekday=day.weekday(), starts_at=time(9, 0), ends_at=time(12, 30)
        )
    )
    db.session.add(
        AwayPeriod(
            person_id=experienced.id,
            starts_on=day + timedelta(days=1),
            ends_on=day + timedelta(days=1),
        )
    )
    db.session.commit()
    found = keys(
        free_times.free_times(
            dialogue, today=clock.today(), first=day, last=day + timedelta(days=1)
        )
    )
    assert found == [f"{day.isoformat()}T09:30", f"{day.isoformat()}T11:00"]


def test_a_closed_period_has_no_free_times(dialogue):
    pair()
    day = first_weekday(dialogue)
    db.session.add(
        ClosedPeriod(
            name="Lukket", kind=ClosedPeriodKind.SCHOOL_HOLIDAY, starts_on=day, ends_on=day
        )
    )
    db.session.commit()
    found = free_times.free_times(
        dialogue, today=clock.today(), first=day, last=day + timedelta(days=1)
    )
    assert {t.day for t in found} == {day + timedelta(days=1)} - {
        d for d in [day + timedelta(days=1)] if d.weekday() >= 5
    }


def test_a_time_off_the_grid_or_outside_the_window_is_none(dialogue):
    day = first_weekday(dialogue)
    today = clock.today()
    assert free_times.time_for(dialogue, f"{day.isoformat()}T08:00", today=today) is not None
    for key in [
        f"{day.isoformat()}T08:15",
        f"{day.isoformat()}T14:00",  # would end 15.30
        f"{(today + timedelta(days=1)).isoformat()}T08:00",
        f"{(today + timedelta(days=200)).isoformat()}T08:00",
        "2030-02-30T08:00",
        "x",
        "",
        f"{day.isoformat()}T08:00\x00",
    ]:
        assert free_times.time_for(dialogue, key, today=today) is None, key


def test_free_times_cost_the_same_queries_whatever_the_panel(dialogue, count_queries):
    pair()
    with count_queries() as few:
        free_times.free_times(dialogue, today=clock.today())
    for _ in range(10):
        make_ambassador(experienced_override=False)
    day = first_weekday(dialogue)
    for hour in (8, 10, 12):
        event = make_event(kind="talk", starts_at=at(day, hour), minutes=30)
        make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    with count_queries() as many:
        free_times.free_times(dialogue, today=clock.today())
    # The kind and its needs, the closed days, then the panel: who has windows holding which
    # hours, who has none and who is experienced (one statement), away days, held sessions;
    # and the data version the times are remembered under (services/remembered.py).
    assert many.count == few.count <= 7


def test_taking_a_time_plans_it_and_offers_each_seat_to_a_free_person(dialogue):
    experienced, new = pair()
    day = first_weekday(dialogue)
    booked = book(dialogue, f"{day.isoformat()}T09:30")
    assert booked.status == RequestStatus.PLANNED and booked.booked_instantly
    event = booked.event
    assert event.starts_at == at(day, 9, 30) and event.tentative
    hours = timedelta(hours=dialogue.instant_deadline_hours)
    assert event.staff_by == min(booked.submitted_at + hours, event.starts_at)
    offered = sorted(
        (a.seat_number, a.person_id)
        for a in event.assignments
        if a.status == AssignmentStatus.OFFERED
    )
    assert {p for _n, p in offered} == {experienced.id, new.id}
    assert [n for n, _p in offered] == [1, 2]
    [receipt] = mails("instant_booking_receipt")
    assert "Tiden er reserveret" in receipt.subject
    assert "dialogambassadørerne" in receipt.body_text
    assert "Ønskede datoer" not in receipt.body_text  # the time taken, not a wish
    entry = Calendar.from_ical(receipt.calendar_ics)
    [vevent] = entry.walk("VEVENT")
    assert str(vevent["status"]) == "TENTATIVE"
    assert not mails("requester_event_scheduled") and not mails("request_receipt")
    # The time is held: nobody else can take it, and it is no longer shown.
    assert f"{day.isoformat()}T09:30" not in keys(
        free_times.free_times(dialogue, today=clock.today(), first=day, last=day)
    )
    before = row_counts()
    with pytest.raises(free_times.TimeTaken):
        book(dialogue, f"{day.isoformat()}T09:30", contact_email="other@example.org")
    db.session.rollback()
    assert row_counts() == before


def test_the_seats_go_to_an_experienced_ambassador_and_a_new_one_whatever_their_names(
    dialogue,
):
    # Two new ambassadors rank before the experienced one by name: the second seat still goes
    # to the experienced one, for a pair of two new ones never visits a class.
    make_ambassador(first_name="Aa"), make_ambassador(first_name="Ab")
    seasoned = make_ambassador(first_name="Zz", experienced_override=True)
    day = first_weekday(dialogue)
    event = book(dialogue, f"{day.isoformat()}T09:30").event
    asked = {a.person_id for a in event.assignments}
    assert seasoned.id in asked and len(asked) == 2


def test_when_every_seat_says_yes_the_time_is_confirmed(dialogue):
    pair()
    day = first_weekday(dialogue)
    event = book(dialogue, f"{day.isoformat()}T09:30").event
    first, second = list(event.assignments)
    offers.accept_offer(first)
    db.session.commit()
    assert event.tentative and not mails("requester_instant_confirmed")
    offers.accept_offer(second)
    db.session.commit()
    assert not event.tentative
    [confirmed] = mails("requester_instant_confirmed")
    [receipt] = mails("instant_booking_receipt")
    [was], [now] = (Calendar.from_ical(m.calendar_ics).walk("VEVENT") for m in (receipt, confirmed))
    assert str(now["status"]) == "CONFIRMED" and now["uid"] == was["uid"]
    assert int(now["sequence"]) > int(was["sequence"])
    assert not mails("requester_event_staffed")


def test_a_no_chains_the_seat_to_the_next_free_person(dialogue):
    _experienced, new = pair()
    third = make_ambassador()
    day = first_weekday(dialogue)
    event = book(dialogue, f"{day.isoformat()}T09:30").event
    [of_new] = [a for a in event.assignments if a.person_id == new.id]
    chained = offers.decline_offer(of_new)
    db.session.commit()
    assert chained is not None and chained.person_id == third.id


def test_an_ordinary_booking_of_the_same_kind_still_goes_to_the_secretariat(dialogue):
    pair()
    request = make_request()
    assert request.status == RequestStatus.SUBMITTED and not request.booked_instantly
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0
    assert db.session.get(Request, request.id).event is None


def test_the_booking_is_audited_in_the_order_it_happened_and_as_tentative(dialogue):
    pair()
    day = first_weekday(dialogue)
    booked = book(dialogue, f"{day.isoformat()}T09:30")
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert actions[:3] == ["request.submitted", "request.planned", "event.scheduled"]
    assert actions[3:] == ["assignment.offered", "assignment.offered"]
    assert entries[0].actor_label == "requester" and entries[2].actor_label == "requester"
    scheduled = entries[2].after
    assert scheduled["tentative"] is True
    assert scheduled["staff_by"] == booked.event.staff_by.isoformat()


def test_the_staffing_deadline_leaves_the_secretariat_a_day(dialogue):
    booked_at = clock.now()
    soon = booked_at + timedelta(days=2)
    far = booked_at + timedelta(days=30)
    deadline = requests_service.staffing_deadline
    assert deadline(dialogue, booked_at=booked_at, starts_at=far) == booked_at + timedelta(hours=72)
    assert deadline(dialogue, booked_at=booked_at, starts_at=soon) == soon - timedelta(days=1)
    tomorrow_morning = booked_at + timedelta(hours=16)
    assert deadline(dialogue, booked_at=booked_at, starts_at=tomorrow_morning) == booked_at


def test_a_no_from_the_experienced_one_never_chains_to_a_second_new_one(dialogue):
    seasoned, _new = pair()
    make_ambassador(first_name="Aa")  # free too, but new
    day = first_weekday(dialogue)
    event = book(dialogue, f"{day.isoformat()}T09:30").event
    asked = {a.person_id for a in event.assignments}
    [of_seasoned] = [a for a in event.assignments if a.person_id == seasoned.id]
    assert offers.decline_offer(of_seasoned) is None  # the secretariat's to solve
    db.session.commit()
    assert {a.person_id for a in event.assignments} == asked
    other = make_ambassador(first_name="Zz", experienced_override=True)
    [of_new] = [a for a in event.assignments if a.person_id not in (seasoned.id,)]
    chained = offers.decline_offer(of_new)
    db.session.commit()
    # The new one's seat goes to the experienced one now free, though a new one ranks first.
    assert chained is not None and chained.person_id == other.id


def test_the_chain_never_asks_someone_offered_another_time_then(dialogue):
    seasoned, new = pair()
    busy = make_ambassador()
    day = first_weekday(dialogue)
    elsewhere = make_event(kind="talk", starts_at=at(day, 9, 30), minutes=60)
    make_assignment(elsewhere, busy, status=AssignmentStatus.OFFERED)
    event = book(dialogue, f"{day.isoformat()}T09:30").event
    [of_new] = [a for a in event.assignments if a.person_id == new.id]
    assert offers.decline_offer(of_new) is None  # nobody free: the secretariat's to solve
    db.session.commit()
    assert {a.person_id for a in event.assignments} == {seasoned.id, new.id}
