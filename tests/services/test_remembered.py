"""The free times are remembered between requests (`services.remembered`) and stay exact: after
every kind of write to what they are computed from, by a service, by a bulk statement, by another
connection or by two writers at once, the next page shows what a fresh computation shows, and a
write rolled back leaves no trace. Run on both databases (CI runs the suite on each)."""

import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import ClosedPeriod, Person
from portal.models.enums import ClosedPeriodKind, SeatRole
from portal.services import assignments, free_times, offers, people, reference
from portal.services.remembered import remembered
from tests.factories import (
    book_a_time,
    make_ambassador,
    make_event,
    make_user,
    opened_for_direkte_booking,
)
from tests.threads import run_at_once


@pytest.fixture
def dialogue():
    """The dialogue, booked directly in a window of seven days."""
    return opened_for_direkte_booking(reaches=13)


@pytest.fixture
def pair():
    """The only pair who can go: an experienced and a new ambassador."""
    return make_ambassador(experienced_override=True), make_ambassador()


def shown(kind):
    return [t.key for t in free_times.free_times(kind, today=clock.today())]


def computed(kind):
    """What a computation from scratch gives now, remembering nothing."""
    if not kind.takes_free_times:
        return []
    first, last = free_times.window(kind, today=clock.today())
    return [t.key for t in free_times._computed(kind, first, last)]


def first_weekday(kind):
    day = free_times.window(kind, today=clock.today())[0]
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def admin():
    return make_user(role="admin")


def test_a_second_page_reads_one_version_instead_of_the_panel(dialogue, pair, count_queries):
    first = shown(dialogue)
    assert first
    with count_queries() as again:
        assert shown(dialogue) == first
    assert (again.count, again.probes) == (0, 1), again.statements  # the data version alone


def _away(kind, experienced, _new):
    day = first_weekday(kind)
    assignments.add_away_period(experienced, starts_on=day, ends_on=day)


def _busy(kind, _experienced, new):
    event = make_event(
        kind="dialogue", starts_at=clock.local(*first_weekday(kind).timetuple()[:3], 8)
    )
    offers.offer_seat(
        event, by=admin(), seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[new]
    )


def _weekly_window(kind, experienced, _new):
    assignments.add_availability_rule(
        experienced, weekday=first_weekday(kind).weekday(), starts_at=time(8), ends_at=time(9)
    )


def _closed(kind, _experienced, _new):
    day = first_weekday(kind)
    reference.add_closed_period(
        by=admin(), name="Lukket", kind=ClosedPeriodKind.CLOSURE, starts_on=day, ends_on=day
    )


def _deactivated(_kind, experienced, _new):
    people.set_person_active(experienced, False, by=admin())


def _kind_closed(kind, _experienced, _new):
    reference.set_offer_kind_active(kind, by=admin(), active=False)


def _a_time_taken(kind, _experienced, _new):
    book_a_time(kind, free_times.free_times(kind, today=clock.today())[0].key)


def _bulk(_kind, experienced, _new):
    db.session.execute(
        sa.update(Person).where(Person.id == experienced.id).values(experienced_override=False)
    )


def _other_connection(_kind, experienced, _new):
    with db.engine.begin() as other:
        other.execute(sa.update(Person).where(Person.id == experienced.id).values(active=False))
    db.session.expire_all()


@pytest.mark.parametrize(
    "write",
    [
        _away,
        _busy,
        _weekly_window,
        _closed,
        _deactivated,
        _kind_closed,
        _a_time_taken,
        _bulk,
        _other_connection,
    ],
)
def test_after_each_write_the_page_shows_what_a_computation_shows(dialogue, pair, write):
    before = shown(dialogue)
    write(dialogue, *pair)
    db.session.commit()
    after = shown(dialogue)
    assert after == computed(dialogue)
    assert after != before  # each write above takes times away: none is a no-op


def test_a_write_rolled_back_leaves_the_times_as_they_were(dialogue, pair):
    before = shown(dialogue)
    experienced, _new = pair
    experienced.active = False
    assert shown(dialogue) == []  # a change not yet flushed is seen (the computation flushes it)
    assert shown(dialogue) == [] == computed(dialogue)  # flushed: its own write, seen, not kept
    db.session.rollback()
    assert shown(dialogue) == before == computed(dialogue)


def test_two_writers_at_once_are_both_in_the_next_page(app, dialogue, pair):
    shown(dialogue)
    day = first_weekday(dialogue)
    days = [day, day + timedelta(days=1)]
    start = threading.Barrier(2)
    failures = []

    def close(on):
        try:
            with app.app_context():
                start.wait(timeout=10)
                db.session.add(
                    ClosedPeriod(
                        name=f"Lukket {on}", kind=ClosedPeriodKind.CLOSURE, starts_on=on, ends_on=on
                    )
                )
                db.session.commit()
        except Exception as error:  # reported by the test
            failures.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    run_at_once(close, days)
    assert not failures
    after = shown(dialogue)
    assert after == computed(dialogue)
    assert not {key[:10] for key in after} & {d.isoformat() for d in days}


def test_a_remembered_result_is_never_found_under_another_offer_kind_or_day(pair, travel):
    dialogue = opened_for_direkte_booking(reaches=13)
    talk = opened_for_direkte_booking("talk", reaches=13)  # both written before either is shown
    before = shown(dialogue)
    assert shown(talk) == computed(talk) != before  # a talk needs a resource person: none here
    travel.shift(timedelta(days=3))
    assert shown(dialogue) == computed(dialogue) != before


def test_within_a_transaction_that_writes_each_write_is_seen(dialogue, pair):
    experienced, new = pair
    day = first_weekday(dialogue)
    assignments.add_away_period(new, starts_on=day, ends_on=day)
    db.session.flush()
    first_write = shown(dialogue)
    assert first_write == computed(dialogue)
    assignments.add_away_period(experienced, starts_on=day, ends_on=day + timedelta(days=1))
    db.session.flush()  # a second write, nothing committed or ended in between
    assert shown(dialogue) == computed(dialogue) != first_write
    db.session.rollback()


def test_two_lookups_with_nothing_read_between_them_read_the_version_once(
    dialogue, pair, count_queries
):
    """A page's look-ups one after the other share one read of the data version (one round
    trip to PostgreSQL, not one each); a statement between them has it read again."""
    shown(dialogue)
    with count_queries() as together:
        first, second = shown(dialogue), shown(dialogue)
    assert first == second and (together.count, together.probes) == (0, 1)
    with count_queries() as apart:
        db.session.execute(sa.select(Person.id).limit(1))
        third = shown(dialogue)
    assert third == first and (apart.count, apart.probes) == (1, 1), apart.statements


def test_a_version_read_in_one_transaction_is_never_used_in_the_next(pair):
    """What another connection commits after a lookup is in the next transaction's (the next
    request's) lookups, though this connection ran nothing since it read the version."""
    someone = pair[0].id  # read now: reading it after the lookups would run a statement

    def active():
        return db.session.scalar(sa.select(sa.func.count()).where(Person.active.is_(True)))

    db.session.commit()
    before = remembered(("active people",), active)
    assert remembered(("active people",), active) == before  # found: the version read, kept
    with db.engine.begin() as other:
        other.execute(sa.update(Person).where(Person.id == someone).values(active=False))
    db.session.rollback()  # the request ends; the next one takes the pooled connection again
    assert remembered(("active people",), active) == before - 1
