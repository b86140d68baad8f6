"""Offering a seat and the answers: accept, decline, withdraw, the follow-up list, the chain
to the next person and the race for a seat, tested on the service directly."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock, links
from portal.extensions import db
from portal.models import Assignment, AuditEntry, OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus
from portal.services import errors, events, offers, seats
from tests.factories import (
    accept,
    accepted_on,
    mails,
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    move_to,
    offer_kind,
    offer_to,
)
from tests.threads import run_at_once

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
    accept(second)
    assert second.status == AssignmentStatus.ACCEPTED
    assert first.status == AssignmentStatus.WITHDRAWN
    assert [m.to_address for m in mails("assignee_offer_taken")] == [first.person.email]
    with pytest.raises(errors.OfferError):
        offers.accept_offer(first)
    db.session.rollback()


def test_a_seat_already_taken_cannot_be_offered_again():
    event = make_scheduled("dialogue")
    accepted_on(event, make_ambassador())
    with pytest.raises(errors.OfferError):
        offer_to(event, make_ambassador(), seat_number=1)
    db.session.rollback()


def test_a_resource_person_cannot_take_an_ambassador_seat():
    from tests.factories import make_person

    event = make_scheduled("dialogue")
    with pytest.raises(errors.OfferError):
        offer_to(event, make_person(is_resource_person=True, is_ambassador=False))
    db.session.rollback()


def test_the_event_is_fully_staffed_when_every_seat_is_accepted():
    event = make_scheduled("dialogue")
    accepted_on(event, make_ambassador(), seat_number=1)
    assert not seats.is_fully_staffed(event)
    accepted_on(event, make_ambassador(), seat_number=2)
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
    with pytest.raises(errors.OfferError):
        offers.accept_offer(assignment)
    db.session.rollback()
    assert assignment.status == AssignmentStatus.OFFERED


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
            except errors.OfferError as error:
                db.session.rollback()
                results[assignment_id] = str(error)
            finally:
                db.session.remove()

    run_at_once(accept, assignment_ids)
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
        first = make_scheduled(starts_at=start)
        second = make_scheduled(starts_at=start + timedelta(minutes=30))
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
    signed = links.sign(offers.ANSWER_LINK, mine.id, mine.answer_token)
    assert offers.assignment_for_answer(signed) == mine
    forged = links.sign(offers.ANSWER_LINK, other.id, mine.answer_token)
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
    with pytest.raises(errors.OfferError):
        offers.accept_offer(offer)
    db.session.rollback()


def test_an_expired_offer_cannot_be_declined_either():
    event = make_scheduled()
    [offer] = offer_to(event, make_ambassador())
    offer.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(errors.OfferError):
        offers.decline_offer(offer)
    db.session.rollback()
    assert offer.status == AssignmentStatus.OFFERED


def test_the_staffing_of_a_held_event_is_not_rewritten():
    event = make_scheduled(starts_at=clock.now() - timedelta(days=2))
    assignment = make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    event.status = EventStatus.HELD
    db.session.commit()
    with pytest.raises(errors.OfferError):
        offers.withdraw_assignment(assignment, by=None)
    db.session.rollback()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_an_inactive_person_cannot_accept():
    event = make_scheduled()
    person = make_ambassador()
    [offer] = offer_to(event, person)
    person.active = False
    db.session.commit()
    with pytest.raises(errors.OfferError, match="aktiv"):
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


def test_a_declined_offer_is_answered_and_cannot_be_accepted_after_all():
    event = make_scheduled()
    event.offer_kind.auto_chain = False
    [offer] = offer_to(event, make_ambassador())
    offers.decline_offer(offer, reason=None, note="Eksamen")
    db.session.commit()
    assert offers.answerable(offer) == "used"
    with pytest.raises(errors.OfferError, match="allerede besvaret"):
        offers.accept_offer(offer)
    db.session.rollback()
    db.session.refresh(offer)
    assert offer.status == AssignmentStatus.DECLINED
    assert not seats.is_fully_staffed(event)
    assert (
        db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "assignment.accepted"))
        is None
    )


def test_a_decline_stands_when_the_chained_offer_is_refused_meanwhile(monkeypatch):
    """Someone offered or took the seat between the decline's check and its chain: the decline
    is kept, nobody else is named to the person declining, and nothing is half offered."""
    event = make_scheduled()
    first, _next = make_ambassador(), make_ambassador()
    [offer] = offer_to(event, first)

    def refused(*args, **kwargs):
        raise errors.OfferError("Pladsen er allerede besat.")

    monkeypatch.setattr(offers, "offer_seat", refused)
    assert offers.decline_offer(offer, reason=None, note="") is None
    db.session.commit()
    assert offer.status == AssignmentStatus.DECLINED


def test_a_person_whose_mails_are_in_english_is_asked_told_and_written_to_in_english():
    """The admin's choice (persons.mail_locale) reaches every mail to the person; the same
    event's requester, who booked in Danish, is still written to in Danish."""
    english = make_ambassador(first_name="Sam", mail_locale="en")
    event = make_scheduled(request=make_request())
    [assignment] = offer_to(event, english)
    accept(assignment)
    move_to(event, event.starts_at + timedelta(days=1))
    events.message_everyone(event, by=None, subject="Husk", body="Vi ses.")
    events.cancel_event(event, by=None)
    db.session.commit()
    kinds = ("assignee_offer", "assignee_event_rescheduled", "event_message")
    for kind in (*kinds, "assignee_event_cancelled"):
        [mail] = [m for m in mails(kind) if m.to_address == english.email]
        assert "Kind regards" in mail.body_text, kind
        assert "Med venlig hilsen" not in mail.body_text, kind
    [to_requester] = [m for m in mails("event_message") if m.to_address != english.email]
    assert "Med venlig hilsen" in to_requester.body_text
