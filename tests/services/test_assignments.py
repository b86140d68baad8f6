"""The assignee side of staffing as services: claims from the open-seats board, the
open seats a person may take, the calendar feed and the attendance link."""

import re
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Attendance, StaffingNeed, Topic
from portal.models.enums import AssignmentStatus, EventStatus, Role, SeatRole
from portal.services import assignments, errors, events, offers, reminders
from tests.browser_form import browser_form
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_person,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
    offer_to,
)


def test_a_claim_cannot_be_accepted_by_the_claimer_only_by_the_secretariat():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    claim = assignments.claim_seat(
        person, event, seat_role=SeatRole.AMBASSADOR, seat_number=1, by=None
    )
    db.session.commit()
    assert [m.kind for m in mails("secretariat_seat_claimed")] == ["secretariat_seat_claimed"]
    assert event in offers.follow_up_events(now=clock.now())
    with pytest.raises(errors.OfferError, match="godkende"):
        offers.accept_offer(claim, by=None)
    db.session.rollback()
    overview = assignments.overview_for(person, now=clock.now())
    assert overview["offers"] == []
    assert overview["claims"] == [claim]
    offers.accept_offer(claim, by=make_user(role=Role.SECRETARIAT))
    assert claim.status == AssignmentStatus.ACCEPTED


def test_a_withdrawn_person_cannot_claim_the_seat_back():
    person = make_ambassador()
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    [offer] = offer_to(event, person)
    offers.withdraw_assignment(offer, by=None)
    db.session.commit()
    assert assignments.open_seats_page(person, now=clock.now()).items == []


def test_the_feed_shows_a_cancelled_event_only_to_those_who_had_said_yes(app):
    event = make_scheduled()
    accepted_person, asked_person = make_ambassador(), make_ambassador()
    [yes] = offer_to(event, accepted_person, seat_number=1)
    offers.accept_offer(yes)
    offer_to(event, asked_person, seat_number=2)
    events.cancel_event(event, by=None)
    db.session.commit()
    assert [a.event for a in assignments.feed_assignments(accepted_person)] == [event]
    assert assignments.feed_assignments(asked_person) == []
    offered_only = next(
        m for m in mails("assignee_event_cancelled") if m.to_address == asked_person.email
    )
    assert "Tak fordi du sagde ja" not in offered_only.body_text


# --- the open-seats board -----------------------------------------------------------------------

ACCEPTED, OFFERED = AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED
DECLINED, LAPSED, WITHDRAWN = (
    AssignmentStatus.DECLINED,
    AssignmentStatus.LAPSED,
    AssignmentStatus.WITHDRAWN,
)
RESOURCE = SeatRole.RESOURCE_PERSON


@pytest.mark.parametrize(
    ("seats_given", "seat_shown"),
    [
        ([], 1),  # nobody asked yet
        ([(1, ACCEPTED)], 2),  # seat 1 taken, seat 2 open
        ([(1, OFFERED)], 2),  # seat 1 asked for
        ([(1, OFFERED), (1, OFFERED)], 2),  # two asked for one seat still leave seat 2
        ([(1, ACCEPTED), (2, ACCEPTED)], None),  # fully staffed
        ([(1, ACCEPTED), (2, OFFERED)], None),  # the last seat asked for
        ([(1, DECLINED)], 1),  # a no frees the seat
        ([(1, LAPSED), (2, ACCEPTED)], 1),  # so does an offer that lapsed
        ([(1, WITHDRAWN), (2, ACCEPTED)], 1),  # and a person taken off it
        ([(1, DECLINED), (1, OFFERED), (2, ACCEPTED)], None),  # asked someone else since
        ([(1, ACCEPTED), (3, OFFERED)], 2),  # seat 3, which the kind no longer has, is not seat 2
        ([(1, ACCEPTED), (2, ACCEPTED, RESOURCE)], 2),  # another role's seat 2 is not this one
        ([(2, DECLINED, "mine")], None),  # asked before: the secretariat decides, not the board
        ([(1, WITHDRAWN, "mine")], None),  # taken off it: no claiming it back
        ([(1, LAPSED, "mine")], None),
    ],
)
def test_the_board_shows_an_event_with_its_first_seat_nobody_holds_or_is_asked_for(
    seats_given, seat_shown
):
    me = make_ambassador()
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=12))
    for number, status, *whose_or_role in seats_given:
        extra = whose_or_role[0] if whose_or_role else None
        make_assignment(
            event,
            me if extra == "mine" else None,
            seat_number=number,
            status=status,
            seat_role=extra if isinstance(extra, SeatRole) else SeatRole.AMBASSADOR,
        )
    board = assignments.open_seats_page(me, now=clock.now())
    found = assignments.open_seat(me, event.id, now=clock.now())
    if seat_shown is None:
        assert board.items == [] and board.total == 0
        assert found is None
    else:
        [line] = board.items
        assert (line.event, line.role, line.number) == (event, SeatRole.AMBASSADOR, seat_shown)
        assert board.total == 1
        assert (found.event, found.number) == (event, seat_shown)


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (None, True),
        ("cancelled", False),
        ("held", False),
        ("started", False),
        ("a talk", False),  # a resource person's seat, and I am an ambassador
    ],
)
def test_the_board_shows_only_future_planned_events_with_a_seat_of_my_role(change, shown):
    me = make_ambassador()
    event = make_scheduled(
        "talk" if change == "a talk" else "dialogue",
        starts_at=clock.now()
        + (timedelta(minutes=-5) if change == "started" else timedelta(days=3)),
    )
    if change in ("cancelled", "held"):
        event.status = EventStatus(change)
        db.session.commit()
    assert (
        event in [line.event for line in assignments.open_seats_page(me, now=clock.now()).items]
    ) is shown


def test_a_person_with_two_roles_is_offered_the_seats_in_the_order_the_event_lists_them():
    talk = offer_kind("talk")
    db.session.add(StaffingNeed(offer_kind=talk, seat_role=SeatRole.AMBASSADOR, count=1))
    db.session.commit()
    me = make_person(is_resource_person=True, is_ambassador=True)
    event = make_scheduled("talk", starts_at=clock.now() + timedelta(days=12))
    [first] = assignments.open_seats_page(me, now=clock.now()).items
    assert (first.role, first.number) == (SeatRole.AMBASSADOR, 1)
    make_assignment(event, seat_role=SeatRole.AMBASSADOR, status=ACCEPTED)
    [then] = assignments.open_seats_page(me, now=clock.now()).items
    assert (then.role, then.number) == (RESOURCE, 1)
    only_ambassador = make_ambassador()
    assert assignments.open_seats_page(only_ambassador, now=clock.now()).items == []


def test_the_board_says_which_events_are_about_my_topics():
    mine, other = db.session.scalars(db.select(Topic).order_by(Topic.id).limit(2)).all()
    me = make_ambassador()
    me.topics = [mine]
    db.session.commit()
    soon = clock.now() + timedelta(days=12)
    own = make_scheduled("dialogue", starts_at=soon)  # VINK's own: no request, no topic
    no_topic = make_scheduled("dialogue", starts_at=soon, request=make_request(topic=None))
    on_mine = make_scheduled("dialogue", starts_at=soon, request=make_request(topic=mine))
    on_other = make_scheduled("dialogue", starts_at=soon, request=make_request(topic=other))
    board = assignments.open_seats_page(me, now=clock.now()).items
    assert {line.event: line.topic_match for line in board} == {
        own: True,
        no_topic: True,
        on_mine: True,
        on_other: False,
    }


def test_the_board_is_paged_soonest_first():
    me = make_ambassador()
    start = clock.now() + timedelta(days=12)
    made = [make_scheduled("dialogue", starts_at=start + timedelta(hours=3 * n)) for n in range(5)]
    first = assignments.open_seats_page(me, now=clock.now(), per_page=2)
    assert [line.event for line in first.items] == made[:2]
    assert (first.total, first.page, first.pages) == (5, 1, 3)
    last = assignments.open_seats_page(me, now=clock.now(), page=3, per_page=2)
    assert [line.event for line in last.items] == made[4:]
    beyond = assignments.open_seats_page(me, now=clock.now(), page=9, per_page=2)
    assert (beyond.page, [line.event for line in beyond.items]) == (3, made[4:])


# --- my page ------------------------------------------------------------------------------------

CANCELLED, HELD, PLANNED = EventStatus.CANCELLED, EventStatus.HELD, EventStatus.PLANNED


@pytest.mark.parametrize(
    ("given", "shown_in"),
    [
        ({"status": OFFERED}, "offers"),
        ({"status": OFFERED, "expires": +1}, "offers"),
        ({"status": OFFERED, "expires": -1}, None),  # past its deadline: the link says expired
        ({"status": OFFERED, "when": "past"}, None),  # the event has begun
        ({"status": OFFERED, "event": CANCELLED}, None),
        ({"status": OFFERED, "event": HELD}, None),
        ({"status": OFFERED, "claimed": True}, "claims"),
        ({"status": OFFERED, "claimed": True, "when": "past"}, None),
        ({"status": ACCEPTED}, "upcoming"),
        ({"status": ACCEPTED, "event": CANCELLED}, None),
        ({"status": ACCEPTED, "when": "past"}, "awaiting_attendance"),
        ({"status": ACCEPTED, "when": "past", "recorded": True}, None),
        ({"status": ACCEPTED, "when": "last year", "event": HELD}, "awaiting_attendance"),
        ({"status": ACCEPTED, "when": "this year", "event": HELD}, "awaiting_attendance"),
        ({"status": ACCEPTED, "when": "this year", "event": HELD, "recorded": True}, "history"),
        ({"status": ACCEPTED, "when": "last year", "event": HELD, "recorded": True}, None),
        ({"status": DECLINED}, None),
        ({"status": LAPSED}, None),
        ({"status": WITHDRAWN}, None),
        ({"status": WITHDRAWN, "event": CANCELLED}, None),
    ],
)
def test_my_page_puts_each_assignment_in_one_list_by_its_state_and_its_events(given, shown_in):
    me = make_ambassador()
    year_start = clock.local(clock.today().year, 1, 1)
    starts_at = {
        None: clock.now() + timedelta(days=12),
        "past": clock.now() - timedelta(days=2),
        "this year": year_start + timedelta(hours=10),
        "last year": year_start - timedelta(days=2),
    }[given.get("when")]
    event = make_scheduled("dialogue", starts_at=starts_at)
    event.status = given.get("event", PLANNED)
    if given.get("recorded"):
        _record_attendance(event)
    expires = given.get("expires")
    mine = make_assignment(
        event,
        me,
        status=given["status"],
        claimed=given.get("claimed", False),
        expires_at=clock.now() + timedelta(hours=expires) if expires else None,
    )
    overview = assignments.overview_for(me, now=clock.now())
    lists = ("offers", "claims", "upcoming", "awaiting_attendance", "history")
    assert {name: overview[name] for name in lists} == {
        name: [mine] if name == shown_in else [] for name in lists
    }
    assert overview["totals"] == {name: int(name == shown_in) for name in lists}


def test_my_page_shows_the_first_of_each_list_and_counts_them_all(monkeypatch):
    monkeypatch.setitem(assignments.OVERVIEW_ROWS, "upcoming", 2)
    monkeypatch.setitem(assignments.OVERVIEW_ROWS, "history", 2)
    me = make_ambassador()
    start = clock.now() + timedelta(days=12)
    upcoming = [
        make_assignment(make_scheduled(starts_at=start + timedelta(days=n)), me) for n in (2, 0, 1)
    ]
    year_start = clock.local(clock.today().year, 1, 1)
    held = []
    for hours in (1, 3, 2):
        event = make_scheduled(starts_at=year_start + timedelta(hours=hours))
        event.status = EventStatus.HELD
        held.append(make_assignment(event, me))
        _record_attendance(event)
    overview = assignments.overview_for(me, now=clock.now())
    assert overview["upcoming"] == [upcoming[1], upcoming[2]]  # the soonest
    assert overview["history"] == [held[1], held[2]]  # the latest
    assert (overview["totals"]["upcoming"], overview["totals"]["history"]) == (3, 3)


def _record_attendance(event):
    """Head counts as older data has them, whatever the event's status (the service would
    also mark it held)."""
    db.session.add(Attendance(event=event, students=20))
    db.session.commit()


# --- the attendance link ------------------------------------------------------------------------


def test_the_attendance_link_stops_working_once_the_seat_is_withdrawn_after_the_mail(client):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=22))
    assignment = make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    assert reminders.send_reminders(now=clock.now())["fremmøde"] == 1
    db.session.commit()
    [mail] = mails("assignee_attendance_reminder")
    link = re.search(r"/svar/fremmoede/\S+", mail.body_text).group(0)
    form = browser_form(client, link, action=link)  # opened from the mail: it works
    events.cancel_event(event, by=None, note="Klassen var på tur; det blev aldrig holdt")
    db.session.commit()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert client.get(link).status_code == 404
    assert form.fill(students=20, staff=2).submit().status_code == 404
    db.session.expire_all()
    assert db.session.scalars(db.select(Attendance)).all() == []
    assert event.status == EventStatus.CANCELLED
