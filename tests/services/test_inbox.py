"""The secretariat's inbox, tested on the service: the list under its filters, and "Kræver
handling", where each request and each event appears once (issue 21.10), whatever number of
reasons it has: the totals then add up to what the list holds."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus
from portal.services import assignments, events
from portal.services import inbox as inbox_service
from portal.services import requests as requests_service
from tests.factories import make_ambassador, make_assignment, make_request, make_scheduled


def _propose_new_dates(request):
    requests_service.propose_dates(
        request, dates=[(clock.today() + timedelta(days=60), None)], note=""
    )
    db.session.commit()


def _listed(items, obj):
    """The reasons `obj` (a request or an event) is listed under."""
    return [
        reason for reason, item in items if item is obj or (reason == "away" and item.event is obj)
    ]


def test_a_new_request_asking_for_new_dates_is_listed_once():
    request = make_request()
    _propose_new_dates(request)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, request) == ["new"]
    assert sum(totals.values()) == len(items) == 1


def test_a_cancelled_event_whose_requester_asks_for_new_dates_is_listed_once():
    request = make_request()
    event = make_scheduled(request=request)
    events.cancel_event(event, by=None, note="")
    db.session.commit()
    _propose_new_dates(request)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, request) == ["new_dates"]
    assert sum(totals.values()) == len(items) == 1


def test_a_planned_event_to_follow_up_whose_requester_asks_for_new_dates_is_listed_once():
    request = make_request()
    event = make_scheduled(request=request)
    make_assignment(event, status=AssignmentStatus.DECLINED)
    _propose_new_dates(request)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, request) + _listed(items, event) == ["new_dates"]
    assert sum(totals.values()) == len(items) == 1


def test_someone_away_on_an_accepted_event_is_listed_though_its_request_asks_for_new_dates():
    # The ambassador's warning promises the secretariat sees it: a different problem from the
    # new dates, so listed beside them, not folded into the request's row.
    request = make_request()
    day = clock.today() + timedelta(days=20)
    event = make_scheduled(request=request, starts_at=clock.local(day.year, day.month, day.day, 10))
    yasmin = make_ambassador(first_name="Yasmin")
    make_assignment(event, yasmin)
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    _propose_new_dates(request)

    items, totals = inbox_service.needs_action(now=clock.now())

    assert _listed(items, request) + _listed(items, event) == ["new_dates", "away"]
    assert [p.first_name for reason, item in items if reason == "away" for p in item.people] == [
        "Yasmin"
    ]
    assert totals["away"] == 1
    assert sum(totals.values()) == len(items) == 2


def test_away_conflicts_show_the_first_ten_soonest_first_and_count_the_rest():
    first_day = clock.today() + timedelta(days=20)
    away_on = []
    for n in range(inbox_service.NEEDS_ACTION_ROWS + 2):
        day = first_day + timedelta(days=n)
        event = make_scheduled(
            request=make_request(), starts_at=clock.local(day.year, day.month, day.day, 10)
        )
        person = make_ambassador()
        make_assignment(event, person)
        assignments.add_away_period(person, starts_on=day, ends_on=day)
        away_on.append(event)
    db.session.commit()

    items, totals = inbox_service.needs_action(now=clock.now())

    assert [item.event for reason, item in items if reason == "away"] == away_on[:10]
    assert totals["away"] == 12


def test_each_reason_leaves_out_the_earlier_reasons_queries_not_nested_copies(count_queries):
    # Each reason excludes the requests of those before it; were each exclusion built on the
    # previous reason's already-excluding query, the statement would double with each reason.
    with count_queries() as counted:
        inbox_service.needs_action(now=clock.now())

    [union] = [s for s in counted.statements if "UNION ALL" in s]
    # Written once in "call_back", once in "new", and once in each of the four later
    # reasons' exclusions of both (new_dates, rebook, changed, follow_up): 1 + 2 + 2 + 2 + 2 + 2.
    assert union.count("offer_kinds.booking_form") == 11
    # The direct bookings past their deadline, listed first, are left out by every reason after
    # them but "away" and "reflection": once in their own, once in each of six exclusions.
    assert union.count("requests.booked_instantly") == 7


def test_a_request_sent_at_half_past_midnight_on_new_years_day_counts_in_the_new_year(travel):
    # 00.30 on 1 January in Copenhagen is 23.30 on 31 December in UTC.
    travel(clock.local(2031, 1, 1, 0, 30))
    request = make_request()
    assert request.submitted_at.year == 2030  # stored in UTC
    page = inbox_service.inbox(
        inbox_service.InboxFilters(year=2031), now=clock.now(), whole_page=False
    )
    assert [r.id for r in page.items] == [request.id]
    assert page.counts["year"] == {"2031": 1}
    old_year = inbox_service.inbox(
        inbox_service.InboxFilters(year=2030), now=clock.now(), whole_page=False
    )
    assert old_year.items == []
