"""Scheduling and staffing rules, tested on the service directly."""

import enum
import importlib
import pkgutil
import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

import portal.services
from portal import clock, links
from portal.extensions import db
from portal.models import Assignment, AuditEntry, OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, SeatRole
from portal.services import events, offers, request_states, scheduling, seats, suggestions
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_event,
    make_request,
    make_scheduled,
    move_to,
    offer_kind,
    offer_to,
)

SEAT = {"seat_role": SeatRole.AMBASSADOR, "seat_number": 1}


def _accept(assignment):
    offers.accept_offer(assignment)
    db.session.commit()


def _accepted_on(event, person, seat_number=1):
    [assignment] = offer_to(event, person, seat_number=seat_number)
    _accept(assignment)
    return assignment


# --- scheduling -----------------------------------------------------------------------------


def test_scheduling_a_request_plans_it_and_tells_the_requester():
    request = make_request()
    event = make_scheduled(request=request)
    assert request.status == RequestStatus.PLANNED
    assert request.event == event
    assert len(event.sessions) == 1
    assert [m.to_address for m in mails("requester_event_scheduled")] == ["anne@example.org"]
    assert (
        db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.object_type == "events"))
        == "event.scheduled"
    )


def test_vink_can_schedule_its_own_talk_without_a_request():
    event = make_scheduled("talk")
    assert event.request is None
    assert mails("requester_event_scheduled") == []


def test_an_advisory_course_has_several_sessions_up_to_its_maximum():
    start = clock.now() + timedelta(days=10)
    weekly = [(start + timedelta(weeks=i), start + timedelta(weeks=i, hours=2)) for i in range(4)]
    event = events.schedule_event(
        by=None, offer_kind=offer_kind("advisory"), sessions=weekly, place="SSP", online=False
    )
    assert (event.starts_at, event.ends_at) == (weekly[0][0], weekly[-1][1])
    too_many = [*weekly, (start + timedelta(weeks=5), start + timedelta(weeks=5, hours=2))]
    with pytest.raises(scheduling.SchedulingError):
        events.schedule_event(
            by=None, offer_kind=offer_kind("advisory"), sessions=too_many, place="SSP", online=False
        )
    db.session.rollback()


def test_a_session_must_end_after_it_starts():
    start = clock.now() + timedelta(days=3)
    with pytest.raises(scheduling.SchedulingError):
        events.schedule_event(
            by=None,
            offer_kind=offer_kind("talk"),
            sessions=[(start, start)],
            place="x",
            online=False,
        )


def test_the_seats_come_from_the_offer_kinds_staffing_needs():
    event = make_scheduled("dialogue")
    assert [(s.role, s.number, s.of, s.state) for s in seats.seats(event)] == [
        (SeatRole.AMBASSADOR, 1, 2, "open"),
        (SeatRole.AMBASSADOR, 2, 2, "open"),
    ]
    talk = make_scheduled("talk", starts_at=clock.now() + timedelta(days=20))
    assert [(s.role, s.of) for s in seats.seats(talk)] == [(SeatRole.RESOURCE_PERSON, 1)]


def test_a_dialogue_in_a_school_holiday_is_found_for_the_warning():
    from portal.models import ClosedPeriod
    from portal.models.enums import ClosedPeriodKind

    day = clock.today() + timedelta(days=30)
    db.session.add(
        ClosedPeriod(
            name="Vinterferie",
            kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
            starts_on=day - timedelta(days=2),
            ends_on=day + timedelta(days=2),
        )
    )
    db.session.commit()
    start = clock.local(day.year, day.month, day.day, 10)
    assert [p.name for p in scheduling.closed_periods_during([(start, start)])] == ["Vinterferie"]
    later = start + timedelta(days=10)
    assert scheduling.closed_periods_during([(later, later)]) == []


# --- offers and answers ---------------------------------------------------------------------


def test_offering_a_seat_emails_a_one_tap_link_that_expires_with_the_deadline():
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=10))
    person = make_ambassador()
    [assignment] = offer_to(event, person)
    assert assignment.status == AssignmentStatus.OFFERED
    hours = offer_kind("dialogue").offer_deadline_hours
    assert abs(assignment.expires_at - (clock.now() + timedelta(hours=hours))) < timedelta(
        minutes=1
    )
    [mail] = mails("assignee_offer")
    assert mail.subject.startswith("Svar ønskes:")
    assert offers.answer_url(assignment) in mail.body_text


def test_an_offer_never_outlives_the_events_start():
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(hours=5))
    [assignment] = offer_to(event, make_ambassador())
    assert assignment.expires_at == event.starts_at


def test_offering_to_several_the_first_to_accept_gets_the_seat():
    event = make_scheduled("dialogue")
    first, second = offer_to(event, make_ambassador(), make_ambassador())
    _accept(second)
    assert second.status == AssignmentStatus.ACCEPTED
    assert first.status == AssignmentStatus.WITHDRAWN
    assert [m.to_address for m in mails("assignee_offer_taken")] == [first.person.email]
    with pytest.raises(scheduling.SchedulingError):
        offers.accept_offer(first)
    db.session.rollback()


def test_a_seat_already_taken_cannot_be_offered_again():
    event = make_scheduled("dialogue")
    _accepted_on(event, make_ambassador())
    with pytest.raises(scheduling.SchedulingError):
        offer_to(event, make_ambassador(), seat_number=1)
    db.session.rollback()


def test_a_resource_person_cannot_take_an_ambassador_seat():
    from tests.factories import make_person

    event = make_scheduled("dialogue")
    with pytest.raises(scheduling.SchedulingError):
        offer_to(event, make_person(is_resource_person=True, is_ambassador=False))
    db.session.rollback()


def test_the_event_is_fully_staffed_when_every_seat_is_accepted():
    event = make_scheduled("dialogue")
    _accepted_on(event, make_ambassador(), seat_number=1)
    assert not seats.is_fully_staffed(event)
    _accepted_on(event, make_ambassador(), seat_number=2)
    assert seats.is_fully_staffed(event)


def test_a_declined_offer_puts_the_seat_on_the_follow_up_list():
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=20))
    [assignment] = offer_to(event, make_ambassador())
    assert event.id not in offers.follow_up_event_ids(now=clock.now())
    offers.decline_offer(assignment, note="Eksamen")
    db.session.commit()
    assert seats.seats(event)[0].state == "declined"
    assert event.id in offers.follow_up_event_ids(now=clock.now())


ACCEPTED, OFFERED = AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED
DECLINED, LAPSED = AssignmentStatus.DECLINED, AssignmentStatus.LAPSED


@pytest.mark.parametrize(
    ("days_ahead", "seats_given", "follow_up"),
    [
        (20, [], False),  # nobody asked yet, weeks ahead
        (3, [], True),  # starting within 7 days, no seat accepted
        (3, [(1, ACCEPTED), (2, ACCEPTED)], False),  # soon and fully staffed
        (3, [(1, ACCEPTED), (2, OFFERED)], True),  # soon, one seat only offered
        (20, [(1, DECLINED)], True),  # a no with nobody asked since
        (20, [(1, LAPSED)], True),  # a lapsed offer counts as a no
        (20, [(1, DECLINED), (1, OFFERED)], False),  # asked someone else since
        (20, [(1, DECLINED), (1, ACCEPTED)], False),  # and they said yes
        (20, [(2, DECLINED), (1, OFFERED)], True),  # the no is on the other seat
        (20, [(1, "claimed")], True),  # a claim from the board waits for approval
        (20, [(3, DECLINED)], False),  # a seat the kind no longer has
        (3, [(1, ACCEPTED), (3, ACCEPTED)], True),  # seat 3 does not fill seat 2
    ],
)
def test_the_follow_up_list_picks_events_by_their_seats(days_ahead, seats_given, follow_up):
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=days_ahead))
    for number, status in seats_given:
        claimed = status == "claimed"
        make_assignment(
            event,
            seat_number=number,
            status=OFFERED if claimed else status,
            claimed=claimed,
        )
    assert (event.id in offers.follow_up_event_ids(now=clock.now())) is follow_up
    assert (event in offers.follow_up_events(now=clock.now())) is follow_up


def test_held_cancelled_and_past_events_need_no_follow_up():
    starts = clock.now() + timedelta(days=3)
    cancelled = make_scheduled("dialogue", starts_at=starts)
    held = make_scheduled("dialogue", starts_at=starts)
    past = make_scheduled("dialogue", starts_at=clock.now() + timedelta(hours=1))
    cancelled.status, held.status = EventStatus.CANCELLED, EventStatus.HELD
    db.session.commit()
    later = clock.now() + timedelta(hours=2)
    assert offers.follow_up_event_ids(now=later) == set()
    assert past.id in offers.follow_up_event_ids(now=clock.now())


def test_an_expired_offer_cannot_be_accepted():
    event = make_scheduled("dialogue")
    [assignment] = offer_to(event, make_ambassador())
    assignment.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        offers.accept_offer(assignment)
    db.session.rollback()
    assert assignment.status == AssignmentStatus.OFFERED


# --- the overlap rule at its edges ----------------------------------------------------------


def _two_events(first_start, first_minutes, second_start, second_minutes=90):
    first = make_scheduled("dialogue", starts_at=first_start, minutes=first_minutes)
    second = make_scheduled("dialogue", starts_at=second_start, minutes=second_minutes)
    return first, second


@pytest.mark.parametrize(
    ("gap_minutes", "allowed"),
    [(-30, False), (0, False), (30, False), (59, False), (60, True), (120, True)],
)
def test_a_person_cannot_accept_events_closer_than_the_travel_buffer(gap_minutes, allowed):
    start = clock.local(2030, 9, 11, 9, 0)
    first, second = _two_events(start, 90, start + timedelta(minutes=90 + gap_minutes))
    person = make_ambassador()
    _accepted_on(first, person)
    [offer] = offer_to(second, person)
    if allowed:
        _accept(offer)
        assert offer.status == AssignmentStatus.ACCEPTED
    else:
        with pytest.raises(scheduling.SchedulingError, match="optaget"):
            offers.accept_offer(offer)
        db.session.rollback()
        assert offer.status == AssignmentStatus.OFFERED


def test_every_session_of_a_course_counts_for_the_overlap():
    person = make_ambassador(is_resource_person=True)
    start = clock.local(2030, 9, 16, 9, 0)
    sessions = [
        (start, start + timedelta(hours=2)),
        (start + timedelta(weeks=1), start + timedelta(weeks=1, hours=2)),
    ]
    course = events.schedule_event(
        by=None, offer_kind=offer_kind("advisory"), sessions=sessions, place="SSP", online=False
    )
    db.session.commit()
    [held] = offers.offer_seat(
        course, by=None, seat_role=SeatRole.RESOURCE_PERSON, seat_number=1, persons=[person]
    )
    _accept(held)
    talk = make_scheduled("talk", starts_at=start + timedelta(weeks=1, hours=1))
    [offer] = offers.offer_seat(
        talk, by=None, seat_role=SeatRole.RESOURCE_PERSON, seat_number=1, persons=[person]
    )
    with pytest.raises(scheduling.SchedulingError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_the_overlap_rule_counts_real_time_across_the_change_to_winter_time():
    # 27 October 2030: clocks go back at 03.00 CEST to 02.00 CET. Stored in UTC, so an event at
    # 01.00-02.00 and one at 03.00 are three real hours apart, not one.
    first_start = clock.local(2030, 10, 27, 1, 0)
    second_start = clock.local(2030, 10, 27, 3, 0)
    assert second_start - first_start == timedelta(hours=3)
    first, second = _two_events(first_start, 60, second_start)
    person = make_ambassador()
    _accepted_on(first, person)
    [offer] = offer_to(second, person)
    _accept(offer)
    assert offer.status == AssignmentStatus.ACCEPTED


def test_the_overlap_rule_counts_real_time_across_the_change_to_summer_time():
    # 30 March 2031: clocks jump from 02.00 CET to 03.00 CEST. 00.30-01.30 and 03.00 look 90
    # minutes apart on the wall, but only 30 real minutes pass: less than the buffer.
    first_start = clock.local(2031, 3, 30, 0, 30)
    second_start = clock.local(2031, 3, 30, 3, 0)
    first, second = _two_events(first_start, 60, second_start)
    person = make_ambassador()
    _accepted_on(first, person)
    [offer] = offer_to(second, person)
    with pytest.raises(scheduling.SchedulingError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_a_cancelled_event_does_not_block_the_person():
    start = clock.local(2030, 9, 11, 9, 0)
    first, second = _two_events(start, 90, start)
    person = make_ambassador()
    _accepted_on(first, person)
    events.cancel_event(first, by=None, note="Sygdom")
    db.session.commit()
    [offer] = offer_to(second, person)
    _accept(offer)
    assert offer.status == AssignmentStatus.ACCEPTED


# --- rescheduling and cancelling --------------------------------------------------------------


def test_rescheduling_tells_everyone_and_bumps_the_version():
    request = make_request()
    event = make_scheduled(request=request)
    assignment = _accepted_on(event, make_ambassador())
    version = event.version
    start = event.starts_at + timedelta(days=1)
    move_to(event, start, place="Aulaen")
    db.session.commit()
    assert event.version > version
    assert event.place == "Aulaen"
    assert [m.to_address for m in mails("requester_event_rescheduled")] == ["anne@example.org"]
    assert [m.to_address for m in mails("assignee_event_rescheduled")] == [assignment.person.email]


def test_a_stale_save_is_refused_with_what_the_other_person_changed():
    event = make_scheduled()
    seen = event.version
    start = event.starts_at + timedelta(hours=2)
    move_to(event, start, place="Ny adresse", version=seen)
    db.session.commit()
    with pytest.raises(scheduling.EditConflict) as conflict:
        move_to(event, start, place="Min adresse", version=seen)
    db.session.rollback()
    [change] = conflict.value.changes
    assert change.after["place"] == "Ny adresse"
    assert event.place == "Ny adresse"


def test_rescheduling_into_a_clash_for_an_accepted_person_is_refused():
    start = clock.local(2030, 9, 11, 9, 0)
    first, second = _two_events(start, 90, start + timedelta(days=1))
    person = make_ambassador()
    _accepted_on(first, person)
    _accepted_on(second, person)
    with pytest.raises(scheduling.SchedulingError, match="optaget"):
        move_to(second, start)
    db.session.rollback()


def test_a_held_event_cannot_be_cancelled():
    event = make_event(status=EventStatus.HELD, starts_at=clock.now() - timedelta(days=1))
    with pytest.raises(scheduling.SchedulingError):
        events.cancel_event(event, by=None)
    db.session.rollback()


def test_cancelling_tells_the_requester_and_the_people():
    request = make_request()
    event = make_scheduled(request=request)
    assignment = _accepted_on(event, make_ambassador())
    events.cancel_event(event, by=None, note="Skolen er lukket")
    db.session.commit()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert len(mails("requester_event_cancelled")) == 1
    assert len(mails("assignee_event_cancelled")) == 1


# --- suggestions ----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, 10])
def test_suggestions_put_free_available_and_matching_people_first(limit):
    from portal.models import AwayPeriod, Topic

    request = make_request()
    request.topic = db.session.scalars(db.select(Topic)).first()
    start = clock.now() + timedelta(days=12)
    event = make_scheduled(request=request, starts_at=start)
    busy = make_ambassador(first_name="Busy")
    away = make_ambassador(first_name="Away")
    make_ambassador(first_name="Plain")
    match = make_ambassador(first_name="Match")
    match.topics = [request.topic]
    away.away_periods = [
        AwayPeriod(
            starts_on=start.date() - timedelta(days=1), ends_on=start.date() + timedelta(days=1)
        )
    ]
    db.session.commit()
    _accepted_on(make_scheduled(starts_at=start), busy)
    ranked = [
        s.person.first_name
        for s in suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=limit)
    ]
    assert (
        ranked.index("Match") < ranked.index("Plain") < ranked.index("Away") < ranked.index("Busy")
    )


def _at_ten(*, days_ahead):
    """10.00 Copenhagen time `days_ahead` days from today: a session that never crosses
    midnight, whenever the test runs."""
    day = clock.today() + timedelta(days=days_ahead)
    return clock.local(day.year, day.month, day.day, 10, 0)


def _worse_by(criterion, event, better, worse):
    """Make `worse` a worse fit than `better` for `event` by `criterion` alone."""
    from portal.models import AvailabilityRule, AwayPeriod, Topic

    start = event.starts_at.astimezone(clock.COPENHAGEN)
    if criterion == "busy":
        _accepted_on(make_scheduled(starts_at=event.starts_at + timedelta(minutes=30)), worse)
    elif criterion == "away":
        worse.away_periods = [AwayPeriod(starts_on=start.date(), ends_on=start.date())]
    elif criterion == "weekly window":  # a window all day, but on another weekday
        worse.availability_rules = [
            AvailabilityRule(
                weekday=(start.weekday() + 1) % 7, starts_at=time(0), ends_at=time(23, 59)
            )
        ]
    elif criterion == "topic":
        event.request.topic = db.session.scalars(db.select(Topic)).first()
        better.topics = [event.request.topic]
    elif criterion == "language":
        event.request.language = "en"
        better.languages, worse.languages = "da en", "da"
    elif criterion == "events this term":
        _accepted_on(make_scheduled(starts_at=event.starts_at + timedelta(days=9)), worse)
    db.session.commit()


@pytest.mark.parametrize(
    "criterion",
    ["busy", "away", "weekly window", "topic", "language", "events this term"],
)
@pytest.mark.parametrize("limit", [None, 1])
def test_suggestions_rank_by_each_criterion_of_fit(criterion, limit):
    event = make_scheduled(request=make_request(), starts_at=_at_ten(days_ahead=12))
    # "Aa" would come first by name: only the criterion can put "Zz" ahead of it.
    worse, better = make_ambassador(first_name="Aa"), make_ambassador(first_name="Zz")
    _worse_by(criterion, event, better, worse)
    ranked = suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=limit)
    names = [s.person.first_name for s in ranked]
    assert names[0] == "Zz", names
    if limit is None:
        assert names.index("Zz") < names.index("Aa")


@pytest.mark.parametrize("partner_experienced", [True, False])
def test_a_dialogue_pairs_an_ambassador_with_one_of_the_other_experience(partner_experienced):
    event = make_scheduled(request=make_request(), starts_at=_at_ten(days_ahead=12))
    _accepted_on(event, make_ambassador(experienced_override=partner_experienced))
    same = make_ambassador(first_name="Aa", experienced_override=partner_experienced)
    other = make_ambassador(first_name="Zz", experienced_override=not partner_experienced)
    [first, *rest] = suggestions.suggestions(event, SeatRole.AMBASSADOR, limit=2)
    assert (first.person, first.experienced) == (other, not partner_experienced)
    assert [s.person for s in rest] == [same]


def test_the_best_few_chosen_by_the_database_are_the_head_of_the_full_ranking():
    # The event page asks for the best SHOWN; the chain walks the whole ranking. Over the demo
    # data's events (free, busy, away, weekly windows, topics, languages, load this term,
    # experienced partners) the LIMIT changes the length of the list and nothing else.
    from portal import demo
    from portal.models import Event, Person

    demo.load(scale=1)
    # Languages vary too: some speak Danish only, some English only, some both.
    for person in db.session.scalars(db.select(Person)):
        person.languages = ("da", "en", "da en")[person.id % 3]
    db.session.commit()
    events = db.session.scalars(
        db.select(Event)
        .where(Event.status == EventStatus.PLANNED, Event.starts_at > clock.now())
        .order_by(Event.starts_at)
    ).all()
    compared = 0
    for event in events:
        if event.request is not None:
            event.request.language = ("da", "en")[event.id % 2]
        for role in {need.seat_role for need in event.offer_kind.staffing_needs}:
            everyone = suggestions.suggestions(event, role)
            for limit in (3, 8):
                best = suggestions.suggestions(event, role, limit=limit)
                assert [s.person.id for s in best] == [s.person.id for s in everyone[:limit]], (
                    event.id,
                    role,
                    limit,
                )
                compared += 1
    assert compared >= 10


def test_suggestions_take_a_constant_number_of_queries(count_queries):
    event = make_scheduled()
    for _ in range(3):
        make_ambassador()
    db.session.expire_all()
    with count_queries() as few:
        suggestions.suggestions(event, SeatRole.AMBASSADOR)
    for _ in range(12):
        make_ambassador()
    db.session.expire_all()
    with count_queries() as many:
        suggestions.suggestions(event, SeatRole.AMBASSADOR)
    assert many.count == few.count


# --- the race ---------------------------------------------------------------------------------


def _race(app, assignment_ids):
    """Accept each assignment in its own thread, connection and transaction, all at once."""
    barrier = threading.Barrier(len(assignment_ids))
    results = {}

    def accept(assignment_id):
        with app.app_context():
            assignment = db.session.get(Assignment, assignment_id)
            barrier.wait()
            try:
                offers.accept_offer(assignment)
                db.session.commit()
                results[assignment_id] = "won"
            except scheduling.SchedulingError as error:
                db.session.rollback()
                results[assignment_id] = str(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(i,)) for i in assignment_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# A missing lock loses a single race only most of the time: several rounds in one test make
# the suite catch it every time.
RACE_ROUNDS = 5


def _accepted_count(event_ids):
    db.session.expire_all()
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Assignment)
        .where(Assignment.status == AssignmentStatus.ACCEPTED, Assignment.event_id.in_(event_ids))
    )


def test_two_people_racing_for_one_seat_exactly_one_wins(app):
    for _round in range(RACE_ROUNDS):
        event = make_scheduled()
        offered = offer_to(event, make_ambassador(), make_ambassador())
        results = _race(app, [a.id for a in offered])
        assert sorted(results.values()).count("won") == 1
        [loser] = [r for r in results.values() if r != "won"]
        assert "Pladsen er besat" in loser
        assert _accepted_count([event.id]) == 1


def test_one_person_racing_to_accept_two_overlapping_events_gets_one(app):
    for n in range(RACE_ROUNDS):
        start = clock.now() + timedelta(days=15 + n)
        first, second = _two_events(start, 90, start + timedelta(minutes=30))
        person = make_ambassador()
        offered = [offer_to(first, person)[0], offer_to(second, person)[0]]
        results = _race(app, [a.id for a in offered])
        assert list(results.values()).count("won") == 1
        [loser] = [r for r in results.values() if r != "won"]
        assert "optaget" in loser
        assert _accepted_count([first.id, second.id]) == 1


@pytest.mark.postgres_only
def test_on_postgresql_an_accept_holds_the_person_and_event_rows_until_it_commits(app):
    """The lock the race tests rely on, seen from a second connection: NOWAIT fails."""
    event = make_scheduled()
    [offer] = offer_to(event, make_ambassador())
    offers.accept_offer(offer)  # flushed, not committed: the locks are held
    with db.engine.connect() as other:
        for table, row_id in (("persons", offer.person_id), ("events", event.id)):
            with pytest.raises(sa.exc.OperationalError, match="lock"):
                other.execute(
                    sa.text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE NOWAIT"),  # noqa: S608
                    {"id": row_id},
                )
            other.rollback()
    db.session.rollback()


def test_the_answer_link_opens_only_its_own_assignment():
    event = make_scheduled()
    mine, other = offer_to(event, make_ambassador(), make_ambassador())
    signed = links.sign(scheduling.ANSWER_LINK, mine.id, mine.answer_token)
    assert offers.assignment_for_answer(signed) == mine
    forged = links.sign(scheduling.ANSWER_LINK, other.id, mine.answer_token)
    with pytest.raises(links.LinkError):
        offers.assignment_for_answer(forged)


# --- the offer chain on a decline ---------------------------------------------------------------


def _offered_to(event, person):
    return [
        a
        for a in event.assignments
        if a.person_id == person.id and a.status == AssignmentStatus.OFFERED
    ]


def test_a_declined_offer_goes_on_to_the_next_free_person_at_once():
    event = make_scheduled()
    first, second = make_ambassador(first_name="Først"), make_ambassador(first_name="Næste")
    [offer] = offer_to(event, first)
    offers.decline_offer(offer, reason=None, note="Eksamen")
    db.session.commit()
    db.session.refresh(event)
    assert len(_offered_to(event, second)) == 1
    chained = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "assignment.chained")
    ).one()
    assert chained.after == {"from": first.id, "to": second.id}
    mails = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.to_address == second.email)
    ).all()
    assert len(mails) == 1


def test_a_decline_does_not_chain_where_the_offer_kind_does_not():
    event = make_scheduled()
    event.offer_kind.auto_chain = False
    first, second = make_ambassador(), make_ambassador()
    [offer] = offer_to(event, first)
    offers.decline_offer(offer, reason=None, note="")
    db.session.commit()
    db.session.refresh(event)
    assert _offered_to(event, second) == []


def test_a_decline_does_not_chain_while_the_seat_is_still_offered_to_someone_else():
    event = make_scheduled()
    first, other, third = make_ambassador(), make_ambassador(), make_ambassador()
    offer, _still_open = offer_to(event, first, other)
    offers.decline_offer(offer, reason=None, note="")
    db.session.commit()
    db.session.refresh(event)
    assert _offered_to(event, third) == []


def test_an_offer_cannot_be_accepted_once_the_event_has_started():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=3))
    [offer] = offer_to(event, make_ambassador())
    move_to(event, clock.now() - timedelta(minutes=30))
    db.session.commit()
    assert offer.expires_at <= event.starts_at
    assert offers.answerable(offer) == "expired"
    with pytest.raises(scheduling.SchedulingError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_an_expired_offer_cannot_be_declined_either():
    event = make_scheduled()
    [offer] = offer_to(event, make_ambassador())
    offer.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        offers.decline_offer(offer)
    db.session.rollback()
    assert offer.status == AssignmentStatus.OFFERED


def test_the_staffing_of_a_held_event_is_not_rewritten():
    event = make_scheduled(starts_at=clock.now() - timedelta(days=2))
    assignment = make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    event.status = EventStatus.HELD
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError):
        offers.withdraw_assignment(assignment, by=None)
    db.session.rollback()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_an_inactive_person_cannot_accept():
    event = make_scheduled()
    person = make_ambassador()
    [offer] = offer_to(event, person)
    person.active = False
    db.session.commit()
    with pytest.raises(scheduling.SchedulingError, match="aktiv"):
        offers.accept_offer(offer)
    db.session.rollback()


def test_the_requester_hears_who_comes_once_the_event_is_fully_staffed():
    request = make_request()
    event = make_scheduled(request=request)
    for seat in (1, 2):
        [offer] = offer_to(event, make_ambassador(first_name=f"Amb{seat}"), seat_number=seat)
        offers.accept_offer(offer)
        db.session.commit()
    [mail] = mails("requester_event_staffed")
    assert mail.to_address == "anne@example.org"
    assert "Amb1" in mail.body_text and "Amb2" in mail.body_text


# --- the transition tables ----------------------------------------------------------------------

# The states nothing comes back from. DESIGN.md ("The flow") names no move out of any of them:
# "declined ──> next offer" is a new offer to the next person, not the declined one reopened; a
# cancelled event is followed by scheduling a new one ("cancel, then schedule again"); a
# withdrawn request or assignment and a lapsed offer are over.
FINAL = {"declined", "lapsed", "withdrawn", "cancelled"}
# Moves out of a final state that the design names, each with the words that name it. None.
ALLOWED_OUT_OF_FINAL = {
    # (SomeStatus.FROM, SomeStatus.TO): "the line of DESIGN.md that names the move",
}


def _transition_tables():
    """Every table of allowed moves in portal/services, by where it is defined: a module-level
    dict from every member of one status enum to a set of members of that enum."""
    tables = {}
    for found in pkgutil.walk_packages(portal.services.__path__, "portal.services."):
        module = importlib.import_module(found.name)
        for name, table in vars(module).items():
            if not isinstance(table, dict) or not table:
                continue
            kinds = {type(key) for key in table}
            if len(kinds) != 1 or not issubclass(next(iter(kinds)), enum.Enum):
                continue
            if all(isinstance(moves, set | frozenset) for moves in table.values()):
                tables.setdefault(id(table), (f"{module.__name__}.{name}", table))
    return dict(tables.values())


def test_the_walk_finds_the_event_assignment_and_request_tables():
    tables = _transition_tables()
    assert tables["portal.services.scheduling.EVENT_TRANSITIONS"] is scheduling.EVENT_TRANSITIONS
    assert (
        tables["portal.services.scheduling.ASSIGNMENT_TRANSITIONS"]
        is scheduling.ASSIGNMENT_TRANSITIONS
    )
    assert tables["portal.services.request_states.TRANSITIONS"] is request_states.TRANSITIONS


@pytest.mark.parametrize("name", sorted(_transition_tables()))
def test_nothing_moves_out_of_declined_lapsed_withdrawn_or_cancelled(name):
    table = _transition_tables()[name]
    status = type(next(iter(table)))
    assert set(table) == set(status), f"{name} must say where every state may go"
    for state in status:
        for target in table[state]:
            assert type(target) is status, f"{name}: {state!r} -> {target!r}"
    moves_out = {
        (state, target)
        for state, targets in table.items()
        if state.value in FINAL
        for target in targets
    }
    # By type: the status enums are strings, so RequestStatus.DECLINED == AssignmentStatus.DECLINED.
    allowed = {move for move in ALLOWED_OUT_OF_FINAL if type(move[0]) is status}
    assert moves_out == allowed, name


def test_a_declined_offer_is_answered_and_cannot_be_accepted_after_all():
    event = make_scheduled()
    event.offer_kind.auto_chain = False
    [offer] = offer_to(event, make_ambassador())
    offers.decline_offer(offer, reason=None, note="Eksamen")
    db.session.commit()
    assert offers.answerable(offer) == "used"
    with pytest.raises(scheduling.SchedulingError, match="allerede besvaret"):
        offers.accept_offer(offer)
    db.session.rollback()
    db.session.refresh(offer)
    assert offer.status == AssignmentStatus.DECLINED
    assert not seats.is_fully_staffed(event)
    assert (
        db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "assignment.accepted"))
        is None
    )
