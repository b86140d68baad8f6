"""After an event is cancelled, the request's pages tell the truth: the cancelled event is said
to be cancelled, when and why, and once the request is planned again the new event is the one
to see. The old event and its replacement lead to each other."""

from datetime import timedelta

import pytest

from portal import links
from portal.extensions import db
from portal.i18n import date_and_time, long_date
from portal.models.enums import Role
from portal.services import events
from portal.services import requests as requests_service
from tests.factories import make_request, make_scheduled

NOTE = "Skolen er lukket den dag."


@pytest.fixture
def cancelled():
    """A request planned, and its event cancelled with a reason; not planned again (yet)."""
    request = make_request()
    event = make_scheduled(request=request)
    events.cancel_event(event, by=None, note=NOTE)
    db.session.commit()
    return request, event


@pytest.fixture
def replanned(cancelled):
    """The same request planned again a week later."""
    request, first = cancelled
    second = make_scheduled(request=request, starts_at=first.starts_at + timedelta(days=7))
    return request, first, second


def _staff_page(as_role, path):
    response = as_role(Role.SECRETARIAT).get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tracking_page(client, request):
    client.get(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    response = client.get(f"/bestilling/{request.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_request_page_says_the_event_is_cancelled_when_and_why_not_planned(cancelled, as_role):
    request, event = cancelled
    page = _staff_page(as_role, f"/sekretariat/henvendelser/{request.id}")
    assert "Se arrangementet<" not in page
    assert "<strong>Aflyst – find ny dato</strong>" in page
    assert "<strong>Planlagt</strong>" not in page
    assert f"Arrangementet {date_and_time(event.starts_at)}–" in page  # its times, from–to
    assert f"Begrundelse: {NOTE}" in page
    assert f'href="/sekretariat/arrangementer/{event.id}">Se det aflyste arrangement<' in page
    assert 'href="#planlaeg"' in page and 'id="planlaeg"' in page


def test_the_requester_sees_when_and_why_the_event_was_cancelled(cancelled, client):
    request, event = cancelled
    page = _tracking_page(client, request)
    assert f"Arrangementet {date_and_time(event.starts_at)} er aflyst." in page
    assert NOTE in page
    assert "Tid og sted" not in page
    assert "kalender.ics" not in page


def test_after_planning_again_the_request_page_leads_to_the_new_event_and_keeps_the_old(
    replanned, as_role
):
    request, first, second = replanned
    page = _staff_page(as_role, f"/sekretariat/henvendelser/{request.id}")
    assert f'href="/sekretariat/arrangementer/{second.id}">Se arrangementet</a>' in page
    assert f"({date_and_time(second.starts_at)})" in page
    assert "<strong>Planlagt</strong>" in page
    assert "Aflyst – find ny dato" not in page
    assert "Se det aflyste arrangement" not in page
    cancelled_list = page.split("Aflyste arrangementer", 1)[1].split("Historik", 1)[0]
    assert f"/sekretariat/arrangementer/{first.id}" in cancelled_list
    assert f"/sekretariat/arrangementer/{second.id}" not in cancelled_list
    assert NOTE in cancelled_list


def test_after_planning_again_the_requester_sees_the_new_event_and_that_the_old_was_cancelled(
    replanned, client
):
    request, first, second = replanned
    page = _tracking_page(client, request)
    assert "Planlagt" in page
    assert f"Arrangementet {date_and_time(first.starts_at)} er aflyst." in page
    assert f"Begrundelse: {NOTE}" in page
    assert "Det nye arrangement står herunder." in page
    when_and_where = page.split("Tid og sted", 1)[1].split("</ul>", 1)[0]
    assert long_date(second.starts_at) in when_and_where
    assert long_date(first.starts_at) not in when_and_where
    assert "kalender.ics" in page


def test_the_cancelled_event_leads_to_its_replacement_and_the_replacement_back(replanned, as_role):
    _request, first, second = replanned
    old = _staff_page(as_role, f"/sekretariat/arrangementer/{first.id}")
    assert "Henvendelsen er planlagt igen med et nyt arrangement." in old
    assert (
        f'href="/sekretariat/arrangementer/{second.id}">Se det nye arrangement, '
        f"{date_and_time(second.starts_at)}<" in old
    )
    new = _staff_page(as_role, f"/sekretariat/arrangementer/{second.id}")
    assert (
        f'href="/sekretariat/arrangementer/{first.id}">Erstatter aflyst arrangement '
        f"{date_and_time(first.starts_at)}<" in new
    )
    assert f"Aflyst: {NOTE}" in new
    assert "Henvendelsen er planlagt igen" not in new


def test_a_cancelled_event_not_replaced_leads_nowhere_else(cancelled, as_role):
    _request, event = cancelled
    page = _staff_page(as_role, f"/sekretariat/arrangementer/{event.id}")
    assert "Se det nye arrangement" not in page
    assert "Erstatter aflyst arrangement" not in page
    assert "Henvendelsen er planlagt igen" not in page


def test_each_event_of_a_request_planned_three_times_leads_to_the_one_before_and_after(
    replanned,
):
    request, first, second = replanned
    events.cancel_event(second, by=None, note="")
    db.session.commit()
    third = make_scheduled(request=request, starts_at=second.starts_at + timedelta(days=7))
    assert requests_service.replaced_and_replacement(first) == (None, second)
    assert requests_service.replaced_and_replacement(second) == (first, third)
    assert requests_service.replaced_and_replacement(third) == (second, None)


def test_vinks_own_event_has_no_event_before_or_after():
    own = make_scheduled()
    assert requests_service.replaced_and_replacement(own) == (None, None)


def test_a_withdrawn_request_says_why_its_event_was_cancelled_and_no_longer_asks_for_action(
    as_role,
):
    from portal.services import request_changes

    request = make_request()
    event = make_scheduled(request=request)
    request_changes.change_request(request, changes={"expected_participants": 26})
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    page = _staff_page(as_role, f"/sekretariat/henvendelser/{request.id}")
    assert "Bestilleren har trukket bestillingen tilbage." in page
    # The change is history now: no banner asks the secretariat to look at it.
    assert "Bestilleren har ændret bestillingen" not in page
    event_page = _staff_page(as_role, f"/sekretariat/arrangementer/{event.id}")
    assert "Aflyst: Bestilleren har trukket bestillingen tilbage." in event_page


def test_the_staff_history_says_which_event_each_line_is_about(as_role, replanned):
    request, first, second = replanned
    page = _staff_page(as_role, f"/sekretariat/henvendelser/{request.id}")
    history = page.split("<h2>Historik</h2>", 1)[1]
    for event in (first, second):
        link = f'href="/sekretariat/arrangementer/{event.id}">arrangementet '
        assert link + date_and_time(event.starts_at) in history


def test_a_cancelled_events_empty_seat_is_not_called_free(as_role, cancelled):
    _request, event = cancelled
    page = _staff_page(as_role, f"/sekretariat/arrangementer/{event.id}")
    seats = page.split("<h2>Bemanding", 1)[1].split("</table>", 1)[0]
    assert "Ledig" not in seats
    assert "Ikke besat (aflyst)" in seats


def test_a_seat_declined_before_the_event_was_cancelled_needs_no_follow_up(as_role):
    """Nothing is to be followed up on an event that will not take place."""
    from portal.services import offers
    from tests.factories import make_ambassador, offer_to

    event = make_scheduled(request=make_request())
    [offered] = offer_to(event, make_ambassador())
    offers.decline_offer(offered, reason=None, note="")
    events.cancel_event(event, by=None, note=NOTE)
    db.session.commit()
    page = _staff_page(as_role, f"/sekretariat/arrangementer/{event.id}")
    seats = page.split("<h2>Bemanding", 1)[1].split("</table>", 1)[0]
    assert "følg op" not in seats
    assert "Ikke besat (aflyst)" in seats
