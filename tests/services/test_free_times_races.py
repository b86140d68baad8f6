"""Direkte booking when two requesters take a time at the same moment: the lock a booking takes
(`availability.lock_instant_booking`) makes the second wait for the first and judge the panel
again, so exactly one gets the time and the other is told it is taken, with nothing of theirs
stored. Each booking runs in its own thread, connection and transaction, as two gunicorn
workers would; PostgreSQL waits on an advisory lock, SQLite on its write lock."""

import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import (
    Assignment,
    AvailabilityRule,
    Event,
    OfferKind,
    Organisation,
    OutboxMessage,
    Request,
)
from portal.models.enums import AssignmentStatus, Audience, OrganisationKind, RequestStatus
from portal.services import free_times
from portal.services import requests as requests_service
from portal.services.availability import INSTANT_BOOKING_LOCK
from tests.factories import make_ambassador, opened_for_direkte_booking
from tests.threads import run_at_once

# A missing lock loses a single race only most of the time: several rounds in one test make
# the suite catch it every time.
RACE_ROUNDS = 5


@pytest.fixture
def dialogue():
    """The dialogue, booked directly in a window of seven days: each weekday comes once."""
    return opened_for_direkte_booking(reaches=13)


def weekdays(kind):
    """The window's weekdays, Monday first."""
    first, last = free_times.window(kind, today=clock.today())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return sorted((d for d in days if d.weekday() < 5), key=lambda d: d.weekday())


def last_pair(day, starts, ends):
    """An experienced and a new ambassador, the only pair free on `day`'s weekday (from
    `starts` to `ends`), and then only: a dialogue's last free times."""
    pair = [make_ambassador(experienced_override=True), make_ambassador()]
    for person in pair:
        db.session.add(
            AvailabilityRule(
                person_id=person.id, weekday=day.weekday(), starts_at=starts, ends_at=ends
            )
        )
    db.session.commit()
    return pair


def requester(name):
    """What one requester types into the booking form."""
    return {
        "organisation_name": f"{name} Skole",
        "organisation_kind": OrganisationKind.SCHOOL,
        "district": None,
        "contact_name": f"{name} Mortensen",
        "contact_email": f"{name.lower()}@example.org",
        "contact_phone": "+45 33 66 33 66",
        "topic": None,
        "audience": Audience.STUDENTS,
        "grade": "8. klasse",
        "expected_participants": 24,
        "place": f"{name} Skole, lokale 12",
        "online": False,
        "language": "da",
        "accessibility_needs": "",
        "notes": "",
        "locale": "da",
    }


def _at_once(app, kind_id, bookings):
    """Take each (time key, requester) of `bookings` from its own thread, connection and
    transaction, all released at the same instant; per booking ("booked", request id) or
    ("taken", the message), in the bookings' order. Anything else is reported as ("error",
    repr), shown in the assertion."""
    barrier = threading.Barrier(len(bookings))
    answers = [None] * len(bookings)

    def book(n):
        key, fields = bookings[n]
        with app.app_context():
            kind = db.session.get(OfferKind, kind_id)
            assert kind.staffing_needs  # loaded before the start, as the form's page does
            barrier.wait()
            try:
                request = requests_service.book_a_time(time_key=key, offer_kind=kind, **fields)
                db.session.commit()
                answers[n] = ("booked", request.id)
            except free_times.TimeTaken as error:
                db.session.rollback()
                answers[n] = ("taken", str(error))
            except Exception as error:  # the test reports what went wrong
                db.session.rollback()
                answers[n] = ("error", repr(error))
            finally:
                db.session.remove()

    run_at_once(book, range(len(bookings)))
    return answers


def keys(kind, **days):
    return [t.key for t in free_times.free_times(kind, today=clock.today(), **days)]


def count(model, *where):
    return db.session.scalar(db.select(sa.func.count()).select_from(model).where(*where))


def assert_one_booked_and_the_other_stored_nothing(answers, bookings, pair, *, round_):
    """Exactly one booking got its time: its request planned, its event tentative at that
    time, a seat offered to each of the pair. The other was told the time is taken, and
    nothing of it is stored: no request, organisation, event, offer or mail."""
    assert sorted(verdict for verdict, _what in answers) == ["booked", "taken"], answers
    [(won, request_id)] = [
        (n, what) for n, (verdict, what) in enumerate(answers) if verdict == "booked"
    ]
    [(lost, message)] = [
        (n, what) for n, (verdict, what) in enumerate(answers) if verdict == "taken"
    ]
    assert "Tiden er lige blevet taget" in message
    db.session.expire_all()
    request = db.session.get(Request, request_id)
    assert request.status == RequestStatus.PLANNED and request.booked_instantly
    key, fields = bookings[won]
    assert request.contact.email == fields["contact_email"]
    event = request.event
    assert event.tentative and free_times.FreeTime(event.starts_at, event.ends_at).key == key
    assert sorted(
        a.person_id for a in event.assignments if a.status == AssignmentStatus.OFFERED
    ) == sorted(p.id for p in pair)
    _key, loser = bookings[lost]
    assert count(Organisation, Organisation.name == loser["organisation_name"]) == 0
    assert count(OutboxMessage, OutboxMessage.to_address == loser["contact_email"]) == 0
    # One booking a round, each with its two offers: the loser's left nothing behind.
    assert count(Request) == count(Event) == round_ + 1
    assert count(Assignment) == 2 * (round_ + 1)


def test_two_requesters_taking_the_last_free_time_at_once_one_gets_it(app, dialogue):
    for round_, day in enumerate(weekdays(dialogue)[:RACE_ROUNDS]):
        pair = last_pair(day, time(9, 30), time(11, 0))
        key = f"{day.isoformat()}T09:30"
        assert keys(dialogue) == [key]
        bookings = [(key, requester(f"Nord{round_}")), (key, requester(f"Syd{round_}"))]
        answers = _at_once(app, dialogue.id, bookings)
        assert_one_booked_and_the_other_stored_nothing(answers, bookings, pair, round_=round_)
        assert keys(dialogue) == []


def test_two_requesters_taking_two_times_that_need_the_same_last_pair_one_gets_theirs(
    app, dialogue
):
    # 09.30-11.00 and 11.00-12.30 touch: within the travel buffer, nobody holds both.
    for round_, day in enumerate(weekdays(dialogue)[:RACE_ROUNDS]):
        pair = last_pair(day, time(9, 30), time(12, 30))
        early, late = f"{day.isoformat()}T09:30", f"{day.isoformat()}T11:00"
        assert keys(dialogue) == [early, late]
        bookings = [(early, requester(f"Nord{round_}")), (late, requester(f"Syd{round_}"))]
        answers = _at_once(app, dialogue.id, bookings)
        assert_one_booked_and_the_other_stored_nothing(answers, bookings, pair, round_=round_)
        assert keys(dialogue) == []


@pytest.mark.postgres_only
def test_on_postgresql_a_direkte_booking_holds_its_lock_until_it_commits(dialogue):
    """The lock the races rely on, seen from a second connection: it cannot take it."""
    [day, *_] = weekdays(dialogue)
    last_pair(day, time(9, 30), time(11, 0))
    requests_service.book_a_time(
        time_key=f"{day.isoformat()}T09:30", offer_kind=dialogue, **requester("Nord")
    )  # flushed, not committed: the lock is held
    take = sa.select(sa.func.pg_try_advisory_xact_lock(INSTANT_BOOKING_LOCK))
    with db.engine.connect() as other:
        assert other.scalar(take) is False
        other.rollback()
    db.session.rollback()
    with db.engine.connect() as other:
        assert other.scalar(take) is True
        other.rollback()
