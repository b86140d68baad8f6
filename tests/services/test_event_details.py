"""Practical information and a meeting link on an event (issue 23, part 2): https only, refused
by the service whatever the form, copied from the requester's suggestion at scheduling, and in
every mail, calendar entry and message to everyone about the event (part 5)."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from portal import clock
from portal.event_details import clean_meeting_url, meeting_url_problem
from portal.extensions import db
from portal.i18n import long_date
from portal.models import AuditEntry, Event, Request
from portal.models.enums import Role, SeatRole
from portal.services import calendar, errors, events, mail
from portal.services import requests as requests_service
from tests.event_cases import INFO, LINK
from tests.factories import (
    mails,
    make_request,
    make_scheduled,
    make_staffed_event,
    make_user,
    move_to,
    offer_kind,
    row_counts,
)

REFUSED_LINKS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "http://teams.microsoft.com/l/meetup-join/1",
    "data:text/html,<script>alert(1)</script>",
    "teams.microsoft.com/l/meetup-join/1",
    "https://",
    "https:/teams.microsoft.com",
    "//teams.microsoft.com/x",
    "https://teams.microsoft.com@evil.example/x",
    "https://teams.microsoft.com/a b",
    "https://teams.microsoft.com/\x00x",
    "https://teams.microsoft.com/\u202ecod.exe",
    "https://[::1/x",
    "https://example.org/" + "a" * 490,
]


def _schedule(*, place="", online=True, **details):
    """Schedule an event of one hour ten days from now through the service (`details`: the
    offer kind, the request, the practical information and the meeting link)."""
    start = clock.now() + timedelta(days=10)
    return events.schedule_event(
        by=None,
        sessions=[(start, start + timedelta(hours=1))],
        place=place,
        online=online,
        **details,
    )


def _in_twelve_days():
    return clock.now() + timedelta(days=12)


@pytest.mark.parametrize("link", REFUSED_LINKS)
def test_a_meeting_link_must_be_an_https_address(link):
    assert meeting_url_problem(link) is not None
    with pytest.raises(ValueError, match=r"https://|500"):
        clean_meeting_url(link)


@pytest.mark.parametrize(
    "link",
    [
        LINK,
        "https://zoom.us/j/123456789?pwd=abc",
        "HTTPS://Meet.Google.com/abc-defg-hij",
        'https://example.org/"><script>alert(1)</script>',
        "https://møde.kk.dk/rum/1",
        "  https://meet.jit.si/vink  ",
    ],
)
def test_an_https_address_is_a_meeting_link(link):
    assert meeting_url_problem(link) is None
    assert clean_meeting_url(link) == link.strip()


def test_no_link_is_no_problem():
    assert meeting_url_problem("") is None
    assert clean_meeting_url("   ") == ""


def test_scheduling_keeps_the_practical_information_and_the_link():
    event = _schedule(
        offer_kind=offer_kind("talk"), practical_info=f"  {INFO}\r\n", meeting_url=f" {LINK} "
    )
    db.session.commit()
    db.session.expire_all()
    assert (event.practical_info, event.meeting_url) == (INFO, LINK)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "event.scheduled")
    ).one()
    assert entry.after["meeting_url"] == LINK
    assert entry.after["practical_info"] == INFO


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http://zoom.us/j/1"])
def test_scheduling_with_a_link_that_is_not_https_stores_nothing(link):
    request = make_request()
    before = row_counts()
    with pytest.raises(errors.SchedulingError, match="https://"):
        _schedule(
            place="Husum Skole",
            online=False,
            offer_kind=request.offer_kind,
            request=request,
            meeting_url=link,
        )
    db.session.rollback()
    assert row_counts() == before


def test_scheduling_refuses_practical_information_too_long_with_control_characters_or_a_cpr():
    """It goes to everyone coming, in mails and calendars: the secretariat's text is refused
    as the requester's is."""
    for info in ["x" * 2001, "Indgang B\x07", "Elev 010203-1234 har brug for hjælp."]:
        with pytest.raises(errors.SchedulingError):
            _schedule(
                place="Rådhuset", online=False, offer_kind=offer_kind("talk"), practical_info=info
            )
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_the_requester_suggests_a_link_for_an_online_booking_and_scheduling_copies_it():
    request = make_request(
        offer_kind=offer_kind("talk"), grade="", online=True, place="", meeting_url=LINK
    )
    assert request.meeting_url == LINK
    event = make_scheduled("talk", request=request)
    assert event.meeting_url == LINK
    assert f"- Mødelink: {LINK}" in mails("requester_event_scheduled")[0].body_text


def test_the_secretariat_may_replace_the_suggested_link_when_scheduling():
    request = make_request(
        offer_kind=offer_kind("talk"), grade="", online=True, place="", meeting_url=LINK
    )
    event = _schedule(
        offer_kind=request.offer_kind, request=request, meeting_url="https://zoom.us/j/42"
    )
    assert event.meeting_url == "https://zoom.us/j/42"


def test_a_link_suggested_for_a_booking_at_a_place_is_not_kept():
    request = make_request(meeting_url=LINK)  # a dialogue at the school, not online
    assert request.meeting_url == ""


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http://zoom.us/j/1"])
def test_a_booking_with_a_link_that_is_not_https_is_refused_and_nothing_stored(link):
    before = row_counts()
    with pytest.raises(requests_service.RequestError, match="https://"):
        make_request(
            offer_kind=offer_kind("talk"), grade="", online=True, place="", meeting_url=link
        )
    db.session.rollback()
    assert row_counts() == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 0


def test_moving_an_event_sets_its_details_and_tells_everyone():
    event, _person = make_staffed_event()
    move_to(event, _in_twelve_days(), place="", online=True, practical_info=INFO, meeting_url=LINK)
    db.session.commit()
    assert (event.practical_info, event.meeting_url) == (INFO, LINK)
    for kind in ("requester_event_rescheduled", "assignee_event_rescheduled"):
        [message] = mails(kind)
        assert f"- Mødelink: {LINK}" in message.body_text
        assert "Praktisk information:\n> Mød op ved hovedindgangen.\n> Spørg efter Lene" in (
            message.body_text
        )
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "event.rescheduled")
    ).one()
    assert (entry.before["meeting_url"], entry.after["meeting_url"]) == ("", LINK)


def test_moving_without_naming_the_details_keeps_them():
    event = make_scheduled()
    event.practical_info, event.meeting_url = INFO, LINK
    db.session.commit()
    move_to(event, _in_twelve_days(), place="Husum Skole")
    assert (event.practical_info, event.meeting_url) == (INFO, LINK)


def test_moving_with_a_link_that_is_not_https_changes_nothing():
    event = make_scheduled(request=make_request())
    version, starts_at = event.version, event.starts_at
    with pytest.raises(errors.SchedulingError):
        move_to(
            event,
            _in_twelve_days(),
            place="Andetsteds",
            version=version,
            meeting_url="javascript:alert(1)",
        )
    db.session.rollback()
    db.session.expire_all()
    assert (event.version, event.starts_at, event.place, event.meeting_url) == (
        version,
        starts_at,
        "Husum Skole",
        "",
    )
    assert mails("requester_event_rescheduled") == []


def test_a_calendar_entry_carries_the_link_and_the_practical_information():
    event = make_scheduled("talk")
    event.online, event.place = True, ""
    event.practical_info, event.meeting_url = INFO, LINK
    db.session.commit()
    parsed = Calendar.from_ical(calendar.event_calendar(event, title="VINK: Vidensoplæg"))
    [entry] = parsed.walk("VEVENT")
    assert str(entry["location"]) == LINK
    description = str(entry["description"])
    assert f"Mødelink: {LINK}" in description
    assert INFO in description


# --- writing to everyone ------------------------------------------------------------------------


def _event_with_everyone():
    event, yasmin = make_staffed_event(
        request=make_request(contact_name="Anne Mortensen", locale="en"),
        last_name="Haddad",
        email="yasmin@example.org",
    )
    event.practical_info, event.meeting_url = INFO, LINK
    db.session.commit()
    return event, yasmin


def test_a_message_to_everyone_carries_the_event_with_the_typed_text():
    event, _yasmin = _event_with_everyone()
    sent = events.message_everyone(
        event, by=None, subject="Husk navneskilte", body="Vi mødes ved indgangen.\n\nHilsen Lene"
    )
    assert sent == 2
    by_address = {m.to_address: m for m in mails("event_message")}
    assert set(by_address) == {"anne@example.org", "yasmin@example.org"}
    for message in by_address.values():
        # The subject as typed, then what it is about, in the reader's language.
        assert message.subject.startswith("Husk navneskilte (")
        assert message.body_text.startswith("Vi mødes ved indgangen.\n\nHilsen Lene\n\n")
        assert "Ung-til-ung dialog, Husum Skole" in message.body_text or (
            "Youth-to-youth dialogue, Husum Skole" in message.body_text
        )
        assert f"- Mødelink: {LINK}" in message.body_text or f"- Meeting link: {LINK}" in (
            message.body_text
        )
        assert "> Mød op ved hovedindgangen." in message.body_text
        assert "Husum Skole" in message.body_text
    assert by_address["yasmin@example.org"].subject == (
        f"Husk navneskilte (Ung-til-ung dialog {long_date(event.starts_at)})"
    )
    assert by_address["anne@example.org"].subject.startswith(
        "Husk navneskilte (Youth-to-youth dialogue "
    )
    danish = by_address["yasmin@example.org"].body_text
    assert "Beskeden handler om dette arrangement:" in danish
    assert f"- {clock_words(event)}" in danish
    assert "- Sted: Husum Skole" in danish
    # The requester booked in English: the frame around the text is English.
    english = by_address["anne@example.org"].body_text
    assert "Sted:" not in english
    assert "- Place: Husum Skole" in english


def clock_words(event):
    from portal import i18n

    start, end = event.sessions[0].starts_at, event.sessions[0].ends_at
    return f"{i18n.long_date(start)} kl. {i18n.short_time(start)}–{i18n.short_time(end)}"


def test_a_message_to_everyone_keeps_braces_the_secretariat_typed_as_typed():
    event, _yasmin = _event_with_everyone()
    events.message_everyone(event, by=None, subject="Om {navn}", body="Hej {navn} og {link}")
    for message in mails("event_message"):
        assert message.subject.startswith("Om {navn} (")
        assert message.body_text.startswith("Hej {navn} og {link}\n")


def test_the_history_keeps_who_was_written_to_when_and_what():
    event, yasmin = _event_with_everyone()
    staff = make_user(Role.SECRETARIAT, name="Sara Nørgaard")
    events.message_everyone(event, by=staff, subject="Husk navneskilte", body="Vi mødes kl. 9.")
    db.session.commit()
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "event.messaged")
    ).one()
    assert entry.actor_id == staff.id
    assert entry.at is not None
    assert entry.object_id == event.id
    assert entry.after["subject"] == "Husk navneskilte"
    assert entry.after["body"] == "Vi mødes kl. 9."
    assert entry.after["recipients"] == 2
    assert sorted(entry.after["to"], key=lambda w: w["email"]) == [
        {"name": "Anne Mortensen", "email": "anne@example.org", "role": "requester"},
        {
            "name": yasmin.full_name,
            "email": "yasmin@example.org",
            "role": SeatRole.AMBASSADOR.value,
        },
    ]


def test_the_message_mail_without_details_has_no_empty_lines_for_them():
    event = make_scheduled(request=make_request())
    events.message_everyone(event, by=None, subject="Emne", body="Tekst")
    [message] = mails("event_message")
    assert "Mødelink" not in message.body_text
    assert "Praktisk information" not in message.body_text
    assert "\n\n\n" not in message.body_text


def test_an_event_message_in_english_exists_but_stays_out_of_the_admins_mail_texts():
    assert mail.mail_kind("event_message", "en") is not None
    assert mail.KINDS["event_message"].editable is False
