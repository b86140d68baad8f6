"""A requester changes what they booked (services/request_changes.py): checked as the booking
form checks, audited with before and after, told to the people of a planned event when it
touches them, shown to the secretariat; a new email address only once its link is opened."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import AuditEntry
from portal.services import inbox, request_changes
from portal.services.request_states import RequestError
from tests.factories import (
    mails,
    make_request,
    make_scheduled,
    make_staffed_event,
    make_user,
    offer_kind,
)


def _entries(action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def staffed():
    """A planned dialogue for 24 pupils, with an ambassador who said yes."""
    event, person = make_staffed_event()
    return event.request, event, person


def test_a_change_before_planning_is_stored_and_audited_with_before_and_after():
    request = make_request()
    changed = request_changes.change_request(
        request, changes={"expected_participants": 27, "contact_name": "Bo Hansen"}
    )
    db.session.commit()
    assert changed == ["contact_name", "expected_participants"]
    assert (request.expected_participants, request.contact.name) == (27, "Bo Hansen")
    [entry] = _entries("request.changed")
    assert entry.before == {"contact_name": "Anne Mortensen", "expected_participants": 24}
    assert entry.after == {"contact_name": "Bo Hansen", "expected_participants": 27}
    assert entry.actor_label == "requester"
    assert request.changed_by_requester_at is None
    assert mails("assignee_request_changed") == []


def test_nothing_changed_stores_nothing():
    request = make_request()
    assert request_changes.change_request(request, changes={"expected_participants": 24}) == []
    assert _entries("request.changed") == []


def test_the_people_of_a_planned_event_get_one_mail_listing_what_changed(staffed):
    request, _event, person = staffed
    request_changes.change_request(
        request,
        changes={"expected_participants": 27, "notes": "Vi er i lokale 12.", "contact_name": "Bo"},
    )
    db.session.commit()
    [mail] = mails("assignee_request_changed")
    assert mail.to_address == person.email
    assert "- Deltagere: 24 → 27" in mail.body_text
    assert "> Vi er i lokale 12." in mail.body_text
    assert "Kontaktperson" not in mail.body_text  # the contact person is the secretariat's
    assert request.changed_by_requester_at is not None
    rows, _totals = inbox.needs_action(now=clock.now())
    assert ("changed", request) in rows


@pytest.mark.parametrize(
    ("locale", "theirs"), [("da", "- Jeres bemærkninger:"), ("en", "- Your notes:")]
)
def test_the_requester_reads_their_changed_notes_as_their_own_and_the_assignee_as_theirs(
    staffed, locale, theirs
):
    request, _event, _person = staffed
    request.locale = locale
    request_changes.change_request(request, changes={"notes": "Vi er i lokale 12."})
    db.session.commit()
    [to_requester] = mails("requester_request_changed")
    assert theirs in to_requester.body_text
    assert "Bestillerens" not in to_requester.body_text
    assert "requester's" not in to_requester.body_text
    [to_assignee] = mails("assignee_request_changed")
    assert "- Bestillerens bemærkninger:" in to_assignee.body_text


def test_a_person_whose_mails_are_in_english_reads_the_change_in_english(staffed):
    request, _event, person = staffed
    person.mail_locale = "en"
    request_changes.change_request(request, changes={"expected_participants": 27})
    db.session.commit()
    [mail] = mails("assignee_request_changed")
    assert mail.subject.startswith("Booking changed: Youth-to-youth dialogue")
    assert "- Participants: 24 → 27" in mail.body_text
    assert "Deltagere" not in mail.body_text


def test_a_new_contact_person_alone_does_not_disturb_the_people_of_the_event(staffed):
    request, _event, _person = staffed
    request_changes.change_request(request, changes={"contact_name": "Bo Hansen"})
    db.session.commit()
    assert mails("assignee_request_changed") == []
    assert request.changed_by_requester_at is None


def test_a_new_place_moves_the_planned_event_there(staffed):
    request, event, _person = staffed
    request_changes.change_request(request, changes={"place": "Husum Skole, lokale 12"})
    db.session.commit()
    assert event.place == "Husum Skole, lokale 12"
    assert (
        "- Sted: Husum Skole → Husum Skole, lokale 12"
        in mails("assignee_request_changed")[0].body_text
    )


def test_the_requester_reads_the_planned_event_with_its_link_and_practical_information(staffed):
    """Whatever changed, the requester's mail shows the event as it now is; only a move updates
    their calendar (a REQUEST with the same SEQUENCE would tell a calendar nothing)."""
    request, event, _person = staffed
    event.practical_info = "Mød op ved hovedindgangen.\nHusk madpakke."
    event.online, event.place = True, ""
    event.meeting_url = "https://teams.example.dk/moede/1"
    db.session.commit()
    request_changes.change_request(request, changes={"contact_phone": "+45 33 66 33 67"})
    db.session.commit()
    [told] = mails("requester_request_changed")
    assert "Arrangementet, som det er planlagt nu:" in told.body_text
    assert "- Sted: Online" in told.body_text
    assert "- Mødelink: https://teams.example.dk/moede/1" in told.body_text
    assert "> Husk madpakke." in told.body_text
    assert told.calendar_ics is None

    request_changes.change_request(request, changes={"place": "Husum Skole, lokale 12"})
    db.session.commit()
    _told, moved = mails("requester_request_changed")
    assert "- Sted: Husum Skole, lokale 12" in moved.body_text
    assert "Mødelink" not in moved.body_text
    assert moved.calendar_ics is not None


def test_new_practical_information_reaches_the_event_and_its_people(staffed):
    request, event, _person = staffed
    request_changes.change_request(request, changes={"practical_info": "Indgang C."})
    db.session.commit()
    assert event.practical_info == "Indgang C."
    [told] = mails("assignee_request_changed")
    assert "- Praktisk information:\n> Indgang C." in told.body_text
    [to_requester] = mails("requester_request_changed")
    assert to_requester.calendar_ics is not None  # the entry's description says it
    assert request.changed_by_requester_at is not None


def test_once_planned_the_change_starts_from_the_events_text_whoever_wrote_it(staffed):
    """One text once an event is planned: the requester edits what the secretariat added,
    and everyone reads the same thing (never the requester's old suggestion beside it)."""
    request, event, _person = staffed
    event.practical_info = "Mød op kl. 9.45 i receptionen."
    db.session.commit()
    assert request_changes.practical_info(request) == "Mød op kl. 9.45 i receptionen."
    request_changes.change_request(
        request, changes={"practical_info": "Mød op kl. 9.45 i receptionen. Indgang C."}
    )
    db.session.commit()
    assert event.practical_info == request.practical_info
    [told] = mails("assignee_request_changed")
    assert "> Mød op kl. 9.45 i receptionen.\n  → \n" not in told.body_text
    assert told.body_text.count("Indgang C.") == 2  # the change, and the event's information
    [entry] = _entries("request.changed")
    assert entry.before == {"practical_info": "Mød op kl. 9.45 i receptionen."}


def test_a_booking_not_yet_planned_is_told_without_an_event():
    request = make_request()
    request_changes.change_request(request, changes={"expected_participants": 27})
    db.session.commit()
    [told] = mails("requester_request_changed")
    assert "- Deltagere: 24 → 27" in told.body_text
    assert "planlagt" not in told.body_text and "Sted" not in told.body_text
    assert told.calendar_ics is None


def test_more_participants_than_the_offer_kind_takes_is_refused_and_nothing_is_stored():
    kind = offer_kind("dialogue")
    kind.max_participants = 28
    request = make_request()
    with pytest.raises(RequestError, match="højst 28 deltagere"):
        request_changes.change_request(
            request, changes={"expected_participants": 29, "contact_name": "Bo"}
        )
    db.session.rollback()
    assert (request.expected_participants, request.contact.name) == (24, "Anne Mortensen")


@pytest.mark.parametrize(
    "changes",
    [
        {"notes": "Eleven har CPR 010203-1234"},
        {"online": True},  # a dialogue is never online
        {"expected_participants": 0},
        {"contact_phone": "  "},
    ],
)
def test_what_the_booking_form_refuses_is_refused_here(changes):
    request = make_request()
    with pytest.raises(RequestError):
        request_changes.change_request(request, changes=changes)
    assert _entries("request.changed") == []


def test_once_the_event_has_started_only_the_secretariat_can_change_it(travel):
    request = make_request()
    event = make_scheduled(request=request)
    travel.shift(event.starts_at - clock.now() + timedelta(minutes=1))
    assert request_changes.can_change(request) is False
    with pytest.raises(RequestError):
        request_changes.change_request(request, changes={"expected_participants": 20})
    secretary = make_user()
    assert request_changes.change_request(
        request, changes={"expected_participants": 20}, by=secretary
    ) == ["expected_participants"]


def test_the_secretariat_marks_a_change_seen(staffed):
    request, _event, _person = staffed
    request_changes.change_request(request, changes={"expected_participants": 25})
    assert request_changes.mark_change_seen(request, by=make_user()) is True
    assert request.changed_by_requester_at is None
    assert ("changed", request) not in inbox.needs_action(now=clock.now())[0]


# --- a new email address ----------------------------------------------------------------------


def _link_in(mail):
    return next(line for line in mail.body_text.splitlines() if "/ny-email/" in line).strip()


def test_a_new_address_is_used_only_once_its_link_is_opened():
    request = make_request()
    assert request_changes.ask_to_change_email(request, " Bo@Skole.dk ") is True
    [mail] = mails("requester_email_confirm")
    assert mail.to_address == "bo@skole.dk"
    assert request.contact.email == "anne@example.org"
    signed = _link_in(mail).rsplit("/", 1)[1]
    confirmed = request_changes.confirm_email_change(request.id, signed)
    assert confirmed == request and request.contact.email == "bo@skole.dk"
    [entry] = _entries("request.email_changed")
    assert entry.after == {"contact_email": "bo@skole.dk"}
    with pytest.raises(links.LinkError):  # used: it opens nothing more
        request_changes.confirm_email_change(request.id, signed)


def test_the_same_address_sends_nothing():
    request = make_request()
    assert request_changes.ask_to_change_email(request, "ANNE@example.org") is False
    assert mails("requester_email_confirm") == []


def test_a_link_for_another_booking_an_old_link_or_a_tampered_one_changes_nothing(travel):
    request, other = make_request(), make_request(contact_email="c@example.org")
    request_changes.ask_to_change_email(request, "bo@skole.dk")
    signed = _link_in(mails("requester_email_confirm")[0]).rsplit("/", 1)[1]
    with pytest.raises(links.LinkError):
        request_changes.confirm_email_change(other.id, signed)
    with pytest.raises(links.LinkError):
        request_changes.confirm_email_change(request.id, signed[:-3] + "abc")
    travel.shift(timedelta(hours=request_changes.EMAIL_CHANGE_HOURS, minutes=1))
    with pytest.raises(links.LinkError):
        request_changes.confirm_email_change(request.id, signed)
    assert request.contact.email == "anne@example.org"
