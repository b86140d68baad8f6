""" "Kræver handling", the inbox's facet counts and the overview's counts per status are
remembered under the data version (see services/remembered.py), and what needs action also
while the time decides nothing new: every answer equals one computed afresh, at every moment the
time changes what is listed, after every kind of write, on both databases."""

from datetime import time, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AvailabilityRule, Request
from portal.models.enums import Metric, RequestStatus, SeatRole
from portal.services import assignments, inbox, reporting, retention, suggestions, targets
from portal.services import requests as requests_service
from tests.factories import (
    accepted_on,
    make_ambassador,
    make_event,
    make_request,
    make_scheduled,
    offer_kind,
)
from tests.instant_booked import make_instant_booking


def _days_ahead(days, hour=10):
    day = clock.today() + timedelta(days=days)
    return clock.local(day.year, day.month, day.day, hour)


def _listed(now):
    """needs_action at `now` as (reason, id) pairs, and its totals."""
    items, totals = inbox.needs_action(now=now)
    pairs = []
    for reason, item in items:
        pairs.append((reason, item.event.id if reason == "away" else item.id))
    return pairs, totals


def _afresh(now):
    """The same, computed now with nothing remembered."""
    (ids, totals), _until = inbox._first_ids(now=now)
    pairs = [
        (reason, i)
        for reason in ("instant_unstaffed", "call_back", "new", "new_dates", "rebook", "changed")
        for i in ids[reason]
    ]
    pairs += [("away", i) for i in ids["away"]]
    pairs += [("follow_up", i) for i in ids["follow_up"]]
    pairs += [("reflection", i) for i in ids["reflection"]]
    return pairs, totals


@pytest.fixture
def moments(travel):
    """A day with every kind of moment at which the time changes what needs action: a
    direkte booking's staffing deadline, an event coming within the week of following up, one
    to follow up starting, one with someone away on it starting and ending, and midnight
    ending an away period before the event it touches is over. The moments, soonest first."""
    _request, instant = make_instant_booking(
        staff_by=clock.now() + timedelta(hours=2), starts_at=_days_ahead(3)
    )
    coming = make_event(kind="dialogue", starts_at=_days_ahead(7, hour=16))
    soon = make_event(kind="dialogue", starts_at=clock.now() + timedelta(minutes=30))
    away_on = make_scheduled(starts_at=clock.now() + timedelta(hours=1), minutes=120)
    person = make_ambassador()
    accepted_on(away_on, person)
    today = clock.today()
    assignments.add_away_period(person, starts_on=today, ends_on=today)
    # Overnight, 22.00 to 02.00, with someone accepted who is away today only: listed as away
    # until midnight, when the away period is over though the event is not.
    overnight = make_scheduled(starts_at=_days_ahead(0, hour=22), minutes=240)
    night_owl = make_ambassador()
    accepted_on(overnight, night_owl)
    assignments.add_away_period(night_owl, starts_on=today, ends_on=today)
    make_request()  # a new request: listed whatever the time
    db.session.commit()
    tomorrow = today + timedelta(days=1)
    return sorted(
        [
            instant.staff_by,
            coming.starts_at - timedelta(days=7),
            soon.starts_at,
            away_on.starts_at,
            away_on.ends_at,
            overnight.starts_at,
            clock.local(tomorrow.year, tomorrow.month, tomorrow.day),
        ]
    )


def test_what_needs_action_equals_a_fresh_answer_at_every_moment_the_time_changes_it(
    travel, moments
):
    seen = set()
    for moment in moments:
        for offset in (-timedelta(seconds=1), timedelta(0), timedelta(seconds=1)):
            at = moment + offset
            travel(at, tick=False)
            listed = _listed(at)
            assert listed == _afresh(at), at
            seen.add(tuple(listed[0]))
    # The moments do change the list: a remembered list kept past one would be found wrong.
    assert len(seen) >= 4


def test_a_list_seen_again_before_anything_changes_is_not_asked_again(
    travel, moments, count_queries
):
    travel(moments[0] - timedelta(minutes=5), tick=False)
    first = _listed(clock.now())
    with count_queries() as again:
        assert _listed(clock.now()) == first
    assert again.probes == 1
    assert not [s for s in again.statements if "UNION ALL" in s], again.statements


# Writes that change what needs action or the inbox's counts (searched by the contact's name,
# which retention blanks): `someone_away_later` (below) prepares what "an away period" needs.
WRITES = ["a new request", "a request withdrawn", "a change seen", "an away period", "retention"]


def someone_away_later():
    """Someone who said yes to an event five days ahead (committed): the person."""
    on_leave = make_ambassador()
    accepted_on(make_scheduled(starts_at=_days_ahead(5)), on_leave)
    db.session.commit()
    return on_leave


def write_one(write, *, now, on_leave):
    """Make one of WRITES at `now` (the clock standing still), committed."""
    if write == "a new request":
        make_request()
    elif write == "a request withdrawn":
        newest = db.session.scalars(db.select(Request).order_by(Request.id.desc())).first()
        requests_service.withdraw_request(newest, note="")
    elif write == "a change seen":
        db.session.execute(db.update(Request).values(changed_by_requester_at=now))
    elif write == "an away period":
        day = _days_ahead(5).date()
        assignments.add_away_period(on_leave, starts_on=day, ends_on=day)
    elif write == "retention":
        assert retention.anonymise_expired_contacts(now=now + timedelta(days=3 * 365))
    db.session.commit()


@pytest.mark.parametrize("write", WRITES)
def test_every_write_is_in_the_next_answer(travel, moments, write):
    """Each write changes what needs action or the counts, and the next answer equals a fresh
    one: the clock stands still."""
    travel(moments[0] - timedelta(minutes=5), tick=False)
    now = clock.now()
    on_leave = someone_away_later()
    before = _listed(now)
    filters = inbox.InboxFilters(q="Mortensen")
    facets = inbox._facet_counts(filters)
    statuses = inbox.count_by_status()
    write_one(write, now=now, on_leave=on_leave)
    assert _listed(now) == _afresh(now)
    assert inbox._facet_counts(filters) == inbox._counted_facets(filters)
    assert (_listed(now), inbox._facet_counts(filters)) != (before, facets)
    # The overview's count of requests per status, over every request.
    assert inbox.count_by_status() == inbox._counted_by_status()
    if write in ("a new request", "a request withdrawn"):
        assert inbox.count_by_status() != statuses


def test_facet_counts_are_never_found_under_other_filters(moments):
    every = inbox.InboxFilters()
    planned = inbox.InboxFilters(status=RequestStatus.PLANNED)
    searched = inbox.InboxFilters(q="Husum")
    for filters in (every, planned, searched, every, planned, searched):
        assert inbox._facet_counts(filters) == inbox._counted_facets(filters)
    assert inbox._facet_counts(every) != inbox._facet_counts(planned)


def _report(year):
    return reporting.build_report(year, years=[year])


def _report_afresh(year):
    return reporting._build_report(year, today=clock.today(), locale="da", years=[year])


@pytest.mark.parametrize(
    "write", ["a new request", "a talk planned", "a target", "a bulk statement", "the next day"]
)
def test_the_report_equals_a_fresh_one_after_every_write_and_each_day(travel, write):
    year = clock.today().year
    make_request()
    db.session.commit()
    before = _report(year)
    assert _report(year) is before  # remembered: the same object, not computed again
    if write == "a new request":
        make_request()
    elif write == "a talk planned":
        make_event(kind="talk", starts_at=clock.now() + timedelta(days=10))
    elif write == "a target":
        targets.set_targets(year, {Metric.TALKS_HELD: 40}, by=None)
    elif write == "a bulk statement":
        db.session.execute(db.update(Request).values(status=RequestStatus.WITHDRAWN))
    elif write == "the next day":
        travel.shift(timedelta(days=1))
    db.session.commit()
    after = _report(year)
    assert after == _report_afresh(year)
    assert after != before


def test_the_report_is_the_same_after_retention_and_equals_a_fresh_one(travel):
    """Retention keeps the report's figures (test_retention); here the remembered report is
    read again after it, not kept from before."""
    year = clock.today().year
    make_request()
    db.session.commit()
    before = _report(year)
    assert retention.anonymise_expired_contacts(now=clock.now() + timedelta(days=3 * 365))
    db.session.commit()
    after = _report(year)
    assert after is not before
    assert after == _report_afresh(year) == before


def _weekday_ahead(days):
    day = clock.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _free_that_day(day):
    [counted] = suggestions.free_on_days(
        offer_kind("dialogue"), [day], start_time=time(9, 0), minutes=90
    )
    return counted.active, counted.free


@pytest.mark.parametrize("write", ["an accepted event", "an away period", "a window", "gone"])
def test_the_request_pages_free_counts_follow_every_write(write):
    day = _weekday_ahead(14)
    first, second = make_ambassador(), make_ambassador()
    db.session.commit()
    before = _free_that_day(day)
    assert _free_that_day(day) == before == ({SeatRole.AMBASSADOR: 2}, {SeatRole.AMBASSADOR: 2})
    if write == "an accepted event":
        accepted_on(make_scheduled(starts_at=clock.local(day.year, day.month, day.day, 9)), first)
    elif write == "an away period":
        assignments.add_away_period(first, starts_on=day, ends_on=day)
    elif write == "a window":
        first.availability_rules = [
            AvailabilityRule(weekday=(day.weekday() + 1) % 5, starts_at=time(8), ends_at=time(16))
        ]
    elif write == "gone":
        second.active = False
    db.session.commit()
    start = clock.local(day.year, day.month, day.day, 9)
    afresh = suggestions._counted_free(
        [SeatRole.AMBASSADOR], [(start, start + timedelta(minutes=90))]
    )
    after = _free_that_day(day)
    assert (after[0][SeatRole.AMBASSADOR], after[1][SeatRole.AMBASSADOR]) == afresh
    assert after != before
