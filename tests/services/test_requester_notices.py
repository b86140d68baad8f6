"""What the requester is told of what they (or the secretariat) did to their booking, and their
calendar with it: a withdrawal is confirmed and takes a planned event out of the calendar, a
change is listed field by field and moves the calendar entry when the place moved, a new
address is told to the old one, and what the secretariat wrote to everyone stays in the
requester's history."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from portal import clock, i18n, ics, links
from portal.extensions import db
from portal.services import events, request_changes, tracking
from portal.services import requests as requests_service
from tests.factories import mails, make_concern, make_request, make_scheduled, make_staffed_event


def _entry(message):
    """The one VEVENT of a mail's invitation, and the invitation's METHOD."""
    calendar = Calendar.from_ical(message.calendar_ics)
    [entry] = calendar.walk("VEVENT")
    return str(calendar["method"]), entry


def test_a_withdrawal_is_confirmed_and_the_planned_event_leaves_the_calendar(app):
    event = make_scheduled(request=make_request(locale="en"))
    [scheduled] = mails("requester_event_scheduled")
    requests_service.withdraw_request(event.request, note="")
    db.session.commit()
    [receipt] = mails("requester_request_withdrawn")
    assert receipt.to_address == event.request.contact.email
    assert receipt.subject.startswith("Withdrawn: Youth-to-youth dialogue")
    assert "The planned event on" in receipt.body_text
    assert links.tracking_url(event.request) in receipt.body_text
    method, entry = _entry(receipt)
    _method, planned = _entry(scheduled)
    assert method == ics.CANCEL
    assert str(entry["uid"]) == str(planned["uid"]) == ics.event_uid(event)
    assert entry["sequence"] > planned["sequence"]
    assert str(entry["status"]) == "CANCELLED"


def test_a_withdrawal_before_planning_is_confirmed_without_a_calendar_entry():
    request = make_request()
    requests_service.withdraw_request(request, note="Vi fandt en anden løsning.")
    db.session.commit()
    [receipt] = mails("requester_request_withdrawn")
    assert receipt.calendar_ics is None
    assert "aflyst" not in receipt.body_text
    assert "I har trukket jeres bestilling af Ung-til-ung dialog tilbage" in receipt.body_text


def test_a_withdrawn_concern_is_confirmed_too():
    concern = make_concern()
    requests_service.withdraw_request(concern, note="")
    db.session.commit()
    [receipt] = mails("requester_request_withdrawn")
    assert receipt.to_address == concern.contact.email


def test_the_secretariats_mails_link_to_the_request_itself(app):
    request = make_request()
    requests_service.propose_dates(
        request, dates=[(clock.today() + timedelta(days=30),) * 2], note=""
    )
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    page = links.external_url("secretariat.request_detail", request_id=request.id)
    for kind in ("secretariat_dates_proposed", "secretariat_request_withdrawn"):
        [message] = mails(kind)
        assert page in message.body_text, kind


def test_the_requester_is_told_what_changed_field_by_field_whoever_changed_it():
    request = make_request()
    request_changes.change_request(
        request, changes={"expected_participants": 27, "contact_name": "Bo Hansen"}
    )
    request_changes.change_request(request, changes={"grade": "9"}, by=None)
    db.session.commit()
    first, second = mails("requester_request_changed")
    assert first.to_address == request.contact.email
    assert "- Kontaktperson: Anne Mortensen → Bo Hansen" in first.body_text
    assert "- Deltagere: 24 → 27" in first.body_text
    assert "Klassetrin" in second.body_text and "Deltagere" not in second.body_text
    # Nothing planned, so nothing for the calendar.
    assert first.calendar_ics is None and second.calendar_ics is None


def test_a_change_the_secretariat_makes_is_told_to_the_requester_in_their_language(app):
    from tests.factories import make_user

    request = make_request(locale="en")
    request_changes.change_request(
        request, changes={"expected_participants": 20}, by=make_user(name="Sara Sekretær")
    )
    db.session.commit()
    [message] = mails("requester_request_changed")
    assert "Your booking has changed:" in message.body_text
    assert "- Participants: 24 → 20" in message.body_text


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"place": "Aulaen, 1. sal"}, "Aulaen, 1. sal"),
        ({"online": True, "meeting_url": "https://meet.example.org/vink"}, None),
    ],
    ids=["new place", "goes online"],
)
def test_a_change_of_place_moves_the_planned_event_in_the_requesters_calendar(changes, location):
    event, _person = make_staffed_event()
    event.offer_kind.online_allowed = True
    [scheduled] = mails("requester_event_scheduled")
    request_changes.change_request(event.request, changes=changes)
    db.session.commit()
    [message] = mails("requester_request_changed")
    method, entry = _entry(message)
    _method, planned = _entry(scheduled)
    assert method == ics.REQUEST
    assert str(entry["uid"]) == str(planned["uid"])
    assert entry["sequence"] > planned["sequence"]
    assert str(entry["location"]) == (location or changes["meeting_url"])
    assert str(entry["location"]) == ics.location(event)


def test_a_change_that_does_not_move_the_event_carries_no_calendar_entry():
    event, _person = make_staffed_event()
    request_changes.change_request(event.request, changes={"expected_participants": 26})
    db.session.commit()
    [message] = mails("requester_request_changed")
    assert message.calendar_ics is None
    assert "- Deltagere: 24 → 26" in message.body_text


def test_a_refused_change_tells_nobody():
    request = make_request()
    with pytest.raises(requests_service.RequestError):
        request_changes.change_request(request, changes={"expected_participants": 0})
    db.session.rollback()
    assert mails("requester_request_changed") == []


def test_the_old_address_is_told_when_the_new_one_is_confirmed():
    request = make_request(locale="en")
    old = request.contact.email
    request_changes.ask_to_change_email(request, "ny@skole.dk")
    [confirm] = mails("requester_email_confirm")
    signed = confirm.body_text.split("/ny-email/")[1].split()[0].split("/", 1)[1]
    db.session.commit()
    assert mails("requester_email_changed") == []  # not before the link is opened
    request_changes.confirm_email_change(request.id, signed)
    db.session.commit()
    [told] = mails("requester_email_changed")
    assert told.to_address == old
    assert "From now on VINK writes to ny@skole.dk about your booking." in told.body_text
    assert "/b/" not in told.body_text  # the private link goes to the new address only


def _confirm_new_address(request, address):
    request_changes.ask_to_change_email(request, address)
    [confirm] = mails("requester_email_confirm")
    signed = confirm.body_text.split("/ny-email/")[1].split()[0].split("/", 1)[1]
    db.session.commit()
    request_changes.confirm_email_change(request.id, signed)
    db.session.commit()


def test_a_new_address_takes_the_planned_event_into_its_calendar_and_out_of_the_old():
    event, _person = make_staffed_event()
    old = event.request.contact.email
    [scheduled] = mails("requester_event_scheduled")
    _confirm_new_address(event.request, "ny@skole.dk")
    [told] = mails("requester_email_changed")
    method, gone = _entry(told)
    assert told.to_address == old and method == ics.CANCEL
    [moved] = mails("requester_request_changed")
    method, entry = _entry(moved)
    assert moved.to_address == "ny@skole.dk" and method == ics.REQUEST
    _method, planned = _entry(scheduled)
    assert str(entry["uid"]) == str(gone["uid"]) == str(planned["uid"])
    assert entry["sequence"] >= planned["sequence"] and gone["sequence"] >= planned["sequence"]
    assert "- E-mail: " in moved.body_text and "ny@skole.dk" in moved.body_text


def test_a_new_address_without_a_planned_event_gets_no_calendar_entry():
    request = make_request()
    _confirm_new_address(request, "ny@skole.dk")
    [told] = mails("requester_email_changed")
    assert told.calendar_ics is None
    assert mails("requester_request_changed") == []


def test_what_the_secretariat_wrote_to_everyone_stays_in_the_requesters_history():
    event, _person = make_staffed_event()
    events.message_everyone(
        event, by=None, subject="Husk navneskilte", body="Vi mødes ved hovedindgangen.\nKl. 9."
    )
    db.session.commit()
    [line] = [
        line for line in tracking.public_history(event.request) if line.action == "event.messaged"
    ]
    assert line.subject == "Husk navneskilte"
    assert line.note == "Vi mødes ved hovedindgangen.\nKl. 9."
    [to_requester] = [
        m for m in mails("event_message") if m.to_address == event.request.contact.email
    ]
    when = i18n.long_date(event.starts_at)
    assert to_requester.subject == f"Husk navneskilte (Ung-til-ung dialog {when})"


def test_a_message_that_did_not_reach_the_requester_is_not_in_their_history():
    event, _person = make_staffed_event()
    event.request.contact.anonymised_at = clock.now()  # told_of_a_change leaves them out
    events.message_everyone(event, by=None, subject="Kun til ambassadørerne", body="Hej")
    db.session.commit()
    event.request.contact.anonymised_at = None
    actions = [line.action for line in tracking.public_history(event.request)]
    assert "event.messaged" not in actions


def test_only_the_requester_gets_the_link_to_the_booking_with_a_message_to_everyone():
    event, person = make_staffed_event()
    events.message_everyone(event, by=None, subject="Husk", body="Hej")
    db.session.commit()
    by_address = {m.to_address: m.body_text for m in mails("event_message")}
    link = links.tracking_url(event.request)
    assert f"Jeres bestilling: {link}" in by_address[event.request.contact.email]
    assert "/b/" not in by_address[person.email]
    assert "Jeres bestilling" not in by_address[person.email]


def test_the_requesters_own_reason_for_withdrawing_is_in_their_history():
    event = make_scheduled(request=make_request())
    requests_service.withdraw_request(event.request, note="Klassen er på lejrskole.")
    db.session.commit()
    lines = {line.action: line for line in tracking.public_history(event.request)}
    assert lines["request.withdrawn"].note == "Klassen er på lejrskole."
    # The event it cancelled has no note of its own: the withdrawal says why.
    assert lines["event.cancelled"].note == ""
