"""A cancelled event is cancelled everywhere: its state word, and it counts towards no one's
experience or load."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import AssignmentStatus, EventStatus, Role, SeatRole
from portal.services import errors, events, offers, seats, suggestions
from tests.browser_form import forms_on
from tests.factories import mails, make_ambassador, make_assignment, make_event, make_scheduled


@pytest.mark.parametrize(
    ("status", "days", "accepted", "expected"),
    [
        (EventStatus.CANCELLED, -3, 2, "cancelled"),  # past: not "held", not "awaiting"
        (EventStatus.CANCELLED, 3, 2, "cancelled"),  # fully staffed: not "staffed"
        (EventStatus.HELD, -3, 2, "held"),
        (EventStatus.PLANNED, -3, 2, "awaiting_attendance"),
        (EventStatus.PLANNED, 3, 2, "staffed"),
        (EventStatus.PLANNED, 3, 1, "planned"),
    ],
)
def test_display_state_follows_the_event_status_first(status, days, accepted, expected):
    event = make_event(kind="dialogue", status=status, starts_at=clock.now() + timedelta(days=days))
    assert seats.display_state(event, accepted, 2) == expected


def _suggestion_for(person, event):
    return next(
        s for s in suggestions.suggestions(event, SeatRole.AMBASSADOR) if s.person.id == person.id
    )


def test_cancelled_events_count_neither_as_experience_nor_as_load_this_term(app):
    person = make_ambassador()
    threshold = app.config["EXPERIENCED_AFTER_DIALOGUES"]
    term_day = suggestions.term_start(clock.today())
    for n in range(threshold):
        cancelled = make_event(
            kind="dialogue",
            status=EventStatus.CANCELLED,
            starts_at=clock.local(term_day.year, term_day.month, term_day.day, 9)
            + timedelta(days=n, hours=1),
        )
        make_assignment(cancelled, person, status=AssignmentStatus.ACCEPTED)
    upcoming = make_event(kind="dialogue", starts_at=clock.now() + timedelta(days=30))
    suggestion = _suggestion_for(person, upcoming)
    assert suggestion.experienced is False
    assert suggestion.events_this_term == 0


def test_held_events_do_count_as_experience_and_load(app):
    person = make_ambassador()
    threshold = app.config["EXPERIENCED_AFTER_DIALOGUES"]
    for n in range(threshold):
        held = make_event(
            kind="dialogue",
            status=EventStatus.HELD,
            starts_at=clock.now() - timedelta(days=1 + n, hours=1),
        )
        make_assignment(held, person, status=AssignmentStatus.ACCEPTED)
    upcoming = make_event(kind="dialogue", starts_at=clock.now() + timedelta(days=30))
    suggestion = _suggestion_for(person, upcoming)
    assert suggestion.experienced is True
    this_term = suggestions.term_start(clock.today())
    counted = sum(
        1 for n in range(threshold) if (clock.today() - timedelta(days=1 + n)) >= this_term
    )
    assert suggestion.events_this_term == counted


def test_the_state_word_on_the_event_page_list_and_calendar_says_cancelled(as_role):
    event = make_event(
        kind="talk", status=EventStatus.CANCELLED, starts_at=clock.now() - timedelta(days=1)
    )
    client = as_role(Role.SECRETARIAT)
    day = (clock.now() - timedelta(days=1)).astimezone(clock.COPENHAGEN).date().isoformat()
    pages = [
        f"/sekretariat/arrangementer/{event.id}",
        "/sekretariat/arrangementer?vis=tidligere",
        f"/sekretariat/kalender?dato={day}",
    ]
    for path in pages:
        text = client.get(path).get_data(as_text=True)
        assert 'class="state-tag state-cancelled">Aflyst<' in text, path
        assert "state-held" not in text, path


def test_a_cancelled_event_is_never_staffed_again(as_role):
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=10))
    events.cancel_event(event, by=None, note="Skolen er lukket")
    db.session.commit()
    person = make_ambassador()  # free, and would be suggested for a planned event
    page = f"/sekretariat/arrangementer/{event.id}"
    actions = {urlsplit(form.action).path for form in forms_on(as_role(Role.SECRETARIAT), page)}
    assert f"{page}/forespoerg" not in actions
    with pytest.raises(errors.OfferError, match="kommende, planlagte"):
        offers.offer_seat(
            event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
        )
    db.session.rollback()
    assert event.assignments == []
    assert mails("assignee_offer") == []
