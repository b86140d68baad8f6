"""The request page's history is a bounded list: the newest entries, and how many older ones
it leaves out."""

from portal.extensions import db
from portal.models.enums import Role
from portal.services import audit
from portal.services import events as events_service
from portal.services import requests as requests_service
from tests.factories import make_ambassador, make_request, make_scheduled, offer_to


def _busy_request():
    """A request with a handful of audit entries: submitted, planned and scheduled."""
    request = make_request()
    make_scheduled(request=request)
    db.session.commit()
    return request


def test_the_staff_history_is_the_newest_entries_and_how_many_there_are(monkeypatch):
    request = _busy_request()
    everything, total = requests_service.history_for_staff(request)
    assert total == len(everything) >= 3
    monkeypatch.setattr(audit, "STAFF_HISTORY_SHOWN", 2)
    shown, capped_total = requests_service.history_for_staff(request)
    assert shown == everything[:2]
    assert capped_total == total


def test_the_request_page_says_how_many_older_entries_it_leaves_out(monkeypatch, as_role):
    request = _busy_request()
    _entries, total = requests_service.history_for_staff(request)
    monkeypatch.setattr(audit, "STAFF_HISTORY_SHOWN", 2)
    page = as_role(Role.SECRETARIAT).get(f"/sekretariat/henvendelser/{request.id}")
    _shows_two_and_says_the_rest(page.get_data(as_text=True), total)


def _shows_two_and_says_the_rest(html, total):
    """The page's history lists two entries (the cap the test sets) and says how many more."""
    history = html.split('<ol class="history-list', 1)[1].split("</ol>", 1)[0]
    assert history.count("<li>") == 2
    left_out = total - 2
    word = "hændelse" if left_out == 1 else "hændelser"
    assert f"+{left_out} ældre {word} vises ikke" in html


def test_a_short_history_says_nothing_is_left_out(as_role):
    request = _busy_request()
    html = as_role(Role.SECRETARIAT).get(f"/sekretariat/henvendelser/{request.id}")
    assert "vises ikke" not in html.get_data(as_text=True)


def test_the_event_page_says_how_many_older_entries_it_leaves_out(monkeypatch, as_role):
    """An event's history (its offers, answers, moves, attendance) is bounded the same way."""
    event = make_scheduled(request=make_request())
    offer_to(event, make_ambassador(first_name="Omar"))
    offer_to(event, make_ambassador(first_name="Aisha"), seat_number=2)
    _entries, total = events_service.history_for_staff(event)
    assert total >= 3
    monkeypatch.setattr(audit, "STAFF_HISTORY_SHOWN", 2)
    page = as_role(Role.SECRETARIAT).get(f"/sekretariat/arrangementer/{event.id}")
    _shows_two_and_says_the_rest(page.get_data(as_text=True), total)
