"""A request's history keeps every event it ever had: an event cancelled and replaced by a new
one keeps its organisation and request, and both the secretariat and the requester still see
when it was and why it was cancelled."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.i18n import date_and_time
from portal.models.enums import EventStatus, Role
from portal.services import events
from portal.services import requests as requests_service
from portal.services import tracking as tracking_service
from tests.factories import make_request, make_scheduled

NOTE = "Skolen er lukket den dag."


@pytest.fixture
def replanned():
    """A request planned, cancelled with a reason, and planned again a week later."""
    request = make_request()
    first = make_scheduled(request=request)
    events.cancel_event(first, by=None, note=NOTE)
    db.session.commit()
    second = make_scheduled(request=request, starts_at=first.starts_at + timedelta(days=7))
    return request, first, second


def test_a_replaced_event_keeps_the_request_it_was_for(replanned):
    request, first, second = replanned
    db.session.expire_all()
    assert request.event == second
    assert first.request is None and first.former_request == request
    assert first.for_request.organisation.name == "Husum Skole"
    assert requests_service.events_of(request) == [first, second]


def test_the_staff_history_holds_both_events(replanned):
    request, first, second = replanned
    entries, _total = requests_service.history_for_staff(request)
    about = {(e.object_type, e.object_id) for e in entries}
    assert ("events", first.id) in about and ("events", second.id) in about


def test_the_requesters_history_says_when_each_event_was_and_why_one_was_cancelled(replanned):
    request, first, second = replanned
    lines = tracking_service.public_history(request)
    cancelled = [line for line in lines if line.action == "event.cancelled"]
    assert [(line.event_at, line.note) for line in cancelled] == [(first.starts_at, NOTE)]
    scheduled = [line.event_at for line in lines if line.action == "event.scheduled"]
    assert scheduled == [first.starts_at, second.starts_at]


def test_the_secretariat_sees_the_cancelled_event_on_the_request_and_its_organisation_on_it(
    replanned, as_role
):
    request, first, _second = replanned
    client = as_role(Role.SECRETARIAT)
    page = client.get(f"/sekretariat/henvendelser/{request.id}").get_data(as_text=True)
    assert "Aflyste arrangementer" in page
    assert f"/sekretariat/arrangementer/{first.id}" in page
    assert NOTE in page
    old = client.get(f"/sekretariat/arrangementer/{first.id}").get_data(as_text=True)
    assert "Husum Skole" in old
    assert f"/sekretariat/henvendelser/{request.id}" in old
    assert "Henvendelsen er planlagt igen med et nyt arrangement." in old


def test_the_requester_sees_both_events_in_the_history(replanned, client):
    request, first, second = replanned
    client.get(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    page = client.get(f"/bestilling/{request.id}").get_data(as_text=True)
    assert f"arrangementet {date_and_time(first.starts_at)}" in page
    assert f"arrangementet {date_and_time(second.starts_at)}" in page
    assert f"Begrundelse: {NOTE}" in page


def test_a_cancelled_event_not_replaced_still_belongs_to_its_request():
    request = make_request()
    event = make_scheduled(request=request)
    events.cancel_event(event, by=None, note="")
    db.session.commit()
    assert request.event == event and event.status == EventStatus.CANCELLED
    assert event.for_request == request and event.former_request is None
    assert clock.now() < event.starts_at
