"""`flask send-reminders`: reminders, lapses and the offer chain, idempotent."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus, SeatRole
from portal.services import offers, reminders
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_person,
    make_request,
    make_scheduled,
    move_to,
)


def _run(now=None):
    counts = reminders.send_reminders(now=now)
    db.session.commit()
    return counts


def _offer(event, person, *, hours_ago=0):
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )
    assignment.offered_at = clock.now() - timedelta(hours=hours_ago)
    db.session.commit()
    return assignment


def test_an_offer_unanswered_for_48_hours_gets_one_reminder():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    assignment = _offer(event, make_ambassador(), hours_ago=49)
    assignment.expires_at = clock.now() + timedelta(hours=20)
    db.session.commit()
    assert _run()["svar_ønskes"] == 1
    [mail] = mails("assignee_offer_reminder")
    assert mail.subject.startswith("Svar ønskes:")
    assert offers.answer_url(assignment) in mail.body_text
    assert _run()["svar_ønskes"] == 0
    assert len(mails("assignee_offer_reminder")) == 1


def test_a_young_offer_gets_no_reminder():
    _offer(make_scheduled(), make_ambassador(), hours_ago=10)
    assert _run()["svar_ønskes"] == 0


def test_an_expired_offer_lapses_and_the_seat_goes_to_the_next_person():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    first, second = make_ambassador(first_name="Anna"), make_ambassador(first_name="Bo")
    lapsing = _offer(event, first)
    lapsing.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    counts = _run()
    assert (counts["udløbet"], counts["sendt_videre"]) == (1, 1)
    assert lapsing.status == AssignmentStatus.LAPSED
    [chained] = [a for a in event.assignments if a.status == AssignmentStatus.OFFERED]
    assert chained.person == second
    assert (chained.seat_role, chained.seat_number) == (lapsing.seat_role, lapsing.seat_number)
    assert _run()["udløbet"] == 0


def test_the_chain_can_be_switched_off_per_offer_kind():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    event.offer_kind.auto_chain = False
    make_ambassador()
    lapsing = _offer(event, make_ambassador())
    lapsing.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    assert _run()["sendt_videre"] == 0
    assert [a.status for a in event.assignments] == [AssignmentStatus.LAPSED]


def test_two_days_before_the_people_and_the_requester_are_reminded_once():
    request = make_request()
    event = make_scheduled(request=request, starts_at=clock.now() + timedelta(hours=40))
    person = make_ambassador()
    make_assignment(event, person, status=AssignmentStatus.ACCEPTED)
    assert _run()["påmindelser"] == 2
    assert [m.to_address for m in mails("assignee_event_reminder")] == [person.email]
    assert [m.to_address for m in mails("requester_event_reminder")] == ["anne@example.org"]
    assert _run()["påmindelser"] == 0


def test_the_day_after_each_person_is_asked_for_attendance_once():
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=22))
    person = make_ambassador()
    make_assignment(event, person, status=AssignmentStatus.ACCEPTED)
    assert _run()["fremmøde"] == 1
    [mail] = mails("assignee_attendance_reminder")
    assert "/svar/fremmoede/" in mail.body_text
    assert _run()["fremmøde"] == 0


def test_no_attendance_reminder_once_attendance_is_recorded():
    from portal.services import attendance

    event = make_scheduled(starts_at=clock.now() - timedelta(hours=22))
    make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    attendance.record_attendance(event, counts={"students": 20})
    db.session.commit()
    assert _run()["fremmøde"] == 0


def test_the_command_runs_and_reports(app):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0
    assert "svar_ønskes: 0" in result.output


def test_an_accepted_seat_never_lapses_even_past_the_offer_deadline():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    assignment = _offer(event, make_ambassador())
    offers.accept_offer(assignment)
    assignment.expires_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    assert _run()["udløbet"] == 0
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_a_seat_still_offered_to_someone_else_is_not_offered_on():
    """Offered to two at once: when one offer lapses, the other is still open, so the chain
    does not ask a third person for the same seat."""
    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    first, second = offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=[make_ambassador(), make_ambassador()],
    )
    make_ambassador()  # someone the chain could ask
    first.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    counts = _run()
    assert counts["udløbet"] == 1
    assert counts["sendt_videre"] == 0
    db.session.refresh(second)
    assert second.status == AssignmentStatus.OFFERED
    offered = [a for a in event.assignments if a.status == AssignmentStatus.OFFERED]
    assert [a.id for a in offered] == [second.id]


def test_a_moved_event_is_reminded_again_for_its_new_date():
    request = make_request()
    event = make_scheduled(request=request, starts_at=clock.now() + timedelta(hours=40))
    assert reminders.remind_upcoming_events(now=clock.now()) == 1
    move_to(event, event.starts_at + timedelta(hours=3))
    db.session.commit()
    assert reminders.remind_upcoming_events(now=clock.now()) == 1


# Every offer kind's deadline, and one an admin shortened to a day: the reminder must land
# while there is still time to answer, whatever the deadline.
@pytest.mark.parametrize(
    ("kind", "deadline_hours"),
    [("talk", None), ("dialogue", None), ("advisory", None), ("dialogue", 24), ("talk", 6)],
    ids=["talk-72h", "dialogue-48h", "advisory", "dialogue-set-to-24h", "talk-set-to-6h"],
)
def test_every_offer_is_reminded_once_with_time_left_to_answer(travel, kind, deadline_hours):
    event = make_scheduled(kind, starts_at=clock.now() + timedelta(days=20))
    if deadline_hours:
        event.offer_kind.offer_deadline_hours = deadline_hours
    need = event.offer_kind.staffing_needs[0]
    [assignment] = offers.offer_seat(
        event,
        by=None,
        seat_role=need.seat_role,
        seat_number=1,
        persons=[make_person(is_ambassador=True)],
    )
    db.session.commit()
    window = assignment.expires_at - assignment.offered_at
    reminded = None
    # `flask send-reminders` every 15 minutes, as deploy/ schedules it, until the offer lapses.
    while assignment.status == AssignmentStatus.OFFERED:
        travel.shift(timedelta(minutes=15))
        if _run()["svar_ønskes"] and reminded is None:
            reminded = clock.now()
    assert assignment.status == AssignmentStatus.LAPSED
    assert len(mails("assignee_offer_reminder")) == 1, "reminded once"
    left = assignment.expires_at - reminded
    assert left >= min(timedelta(hours=12), window / 2) - timedelta(minutes=15)
    assert reminded - assignment.offered_at <= timedelta(hours=48, minutes=15)


def test_a_deactivated_person_gets_no_reminder_of_any_kind(travel):
    from portal.services import people

    event = make_scheduled(starts_at=clock.now() + timedelta(days=20))
    gone = make_ambassador()
    _offer(event, gone, hours_ago=49)
    soon = make_scheduled(starts_at=clock.now() + timedelta(hours=40))
    make_assignment(soon, gone)
    people.set_person_active(gone, False, by=None)
    db.session.commit()
    assert _run()["svar_ønskes"] == 0
    assert mails("assignee_event_reminder") == []
    travel(soon.ends_at + timedelta(hours=13))
    assert _run()["fremmøde"] == 0
