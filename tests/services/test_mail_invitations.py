"""Calendar invitations: the requester's mails for a planned, moved and cancelled event carry
the event as an iTIP object (RFC 5546), so Outlook and Google Calendar add it once and then
update or remove that same entry instead of adding a second one."""

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import calendar, events, mail
from portal.services.mail import outbox
from tests.factories import (
    accepted_on,
    mails,
    make_ambassador,
    make_request,
    make_scheduled,
    move_to,
    offer_kind,
)
from tests.smtp_server import SMTPServer

PLANNED_MOVED_CANCELLED = (
    "requester_event_scheduled",
    "requester_event_rescheduled",
    "requester_event_cancelled",
)
# and, with the event, when a withdrawal cancels it or a change moves it (test_requester_notices)
INVITED = (
    *PLANNED_MOVED_CANCELLED,
    "requester_request_withdrawn",
    "requester_request_changed",
    # A new address confirmed: the old one's entry is cancelled (the new one's is the change).
    "requester_email_changed",
    # Direkte booking: the time taken, tentative, then confirmed when everyone has said yes.
    "instant_booking_receipt",
    "requester_instant_confirmed",
)


def _parsed(message):
    return Calendar.from_ical(message.calendar_ics)


def _entry(message):
    [entry] = _parsed(message).walk("VEVENT")
    return entry


def _go_online(event, meeting_url):
    """`event` becomes an online one at `meeting_url`, at the same times, through the service
    (not committed)."""
    event.meeting_url = meeting_url
    events.reschedule_event(
        event,
        by=None,
        sessions=[(s.starts_at, s.ends_at) for s in event.sessions],
        place="",
        online=True,
        expected_version=event.version,
    )


def _planned_moved_cancelled():
    """A dialogue planned for Saturday 20 March 2027, 10.00 (winter time), moved past the
    change to summer time (28 March) to 30 March, 10.00, then cancelled."""
    event = make_scheduled(request=make_request(), starts_at=clock.local(2027, 3, 20, 10, 0))
    versions = [event.version]
    move_to(event, clock.local(2027, 3, 30, 10, 0), place="Aulaen")
    db.session.commit()
    versions.append(event.version)
    events.cancel_event(event, by=None, note="Skolen er lukket")
    db.session.commit()
    versions.append(event.version)
    return event, versions, [mails(kind)[0] for kind in PLANNED_MOVED_CANCELLED]


def test_planned_moved_and_cancelled_mails_carry_request_request_cancel():
    _event, _versions, sent = _planned_moved_cancelled()
    assert [str(_parsed(m)["method"]) for m in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [str(_entry(m)["status"]) for m in sent] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_the_event_keeps_one_uid_and_its_sequence_rises_with_every_mail():
    event, versions, sent = _planned_moved_cancelled()
    uids = {str(_entry(m)["uid"]) for m in sent}
    assert uids == {f"vink-event-{event.id}@vink.kk.dk"}
    sequences = [_entry(m).decoded("sequence") for m in sent]
    assert sequences == versions  # the move raised the version before its mail was written
    assert sequences[0] < sequences[1] < sequences[2]


def test_each_invitation_names_the_secretariat_as_organizer_and_the_requester_as_attendee(app):
    _event, _versions, sent = _planned_moved_cancelled()
    for message in sent:
        entry = _entry(message)
        assert str(entry["organizer"]) == f"mailto:{app.config['SECRETARIAT_EMAIL']}"
        assert str(entry["attendee"]) == "mailto:anne@example.org"
        assert entry["attendee"].params["CN"] == "Anne Mortensen"
        assert entry.decoded("dtstamp").tzinfo is not None
        assert str(entry["summary"]) == "VINK: Ung-til-ung dialog"


def test_the_times_are_right_in_copenhagen_on_both_sides_of_the_summer_time_change():
    _event, _versions, sent = _planned_moved_cancelled()
    planned, moved, _cancelled = (_entry(m) for m in sent)
    assert planned.decoded("dtstart") == datetime(2027, 3, 20, 9, 0, tzinfo=UTC)  # CET
    assert moved.decoded("dtstart") == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)  # CEST
    assert moved.decoded("dtend") == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    start = moved.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (10, "Europe/Copenhagen")
    [zone] = _parsed(sent[1]).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Copenhagen"
    assert _parsed(sent[1]).get_missing_tzids() == set()


def test_only_the_requesters_planned_moved_and_cancelled_mails_carry_an_invitation():
    assert {kind for kind, spec in mail.KINDS.items() if spec.invitation} == set(INVITED)
    event = make_scheduled(request=make_request())
    accepted_on(event, make_ambassador())
    move_to(event, event.starts_at + timedelta(days=1))
    events.cancel_event(event, by=None)
    db.session.commit()
    for kind in ("request_receipt", "assignee_event_rescheduled", "assignee_event_cancelled"):
        assert [m.calendar_ics for m in mails(kind)] == [None], kind


def _occurrences(calendar):
    """Every (start, end) a calendar shows for the one entry in `calendar`, expanded as RFC 5545
    says (python-dateutil): the master's rule or dates, less its EXDATEs, each instance moved
    where a VEVENT with its RECURRENCE-ID says."""
    master, *overrides = calendar.walk("VEVENT")
    start = master.decoded("dtstart")
    length = master.decoded("dtend") - start
    times = rruleset()
    if "rrule" in master:
        times.rrule(rrulestr(master["rrule"].to_ical().decode(), dtstart=start))
    else:
        times.rdate(start)
    for name, add in (("rdate", times.rdate), ("exdate", times.exdate)):
        values = master.get(name, [])
        for value in values if isinstance(values, list) else [values]:
            for moment in value.dts:
                add(moment.dt)
    moved = {
        o.decoded("recurrence-id"): (o.decoded("dtstart"), o.decoded("dtend")) for o in overrides
    }
    assert set(moved) <= set(times), "an override of no instance"
    return [moved.get(moment, (moment, moment + length)) for moment in times]


def _series(*sessions):
    """Sessions as (day, from, to) in Copenhagen time, at hours given as (h, m)."""
    return [(clock.local(*day, *begin), clock.local(*day, *end)) for day, begin, end in sessions]


def _twice_a_week_for_a_term():
    """Mondays and Wednesdays, 4 January to 31 March 2027: 26 sessions across the change to
    summer time (28 March)."""
    first = date(2027, 1, 4)
    days = [first + timedelta(weeks=w, days=d) for w in range(13) for d in (0, 2)]
    return _series(*(((d.year, d.month, d.day), (8, 15), (9, 45)) for d in days))


WEEKLY = _series(
    ((2027, 10, 18), (14, 0), (16, 0)),
    ((2027, 10, 25), (14, 0), (16, 0)),
    ((2027, 11, 8), (14, 0), (17, 0)),
    ((2027, 11, 15), (15, 0), (17, 0)),
)
# name: (the rule's weekdays, or None for dates; the sessions as the secretariat gives them)
SHAPES = {
    # Mondays across the change to winter time (31 October 2027), a week skipped, the third
    # session an hour longer and the fourth an hour later.
    "one weekday": (["MO"], WEEKLY),
    # The same, given in another order than they happen.
    "given out of order": (["MO"], [WEEKLY[2], WEEKLY[0], WEEKLY[3], WEEKLY[1]]),
    # Monday, Thursday (later), Monday and Tuesday across the change to summer time (28 March
    # 2027): the rule's first Tuesday is skipped.
    "three weekdays": (
        ["MO", "TU", "TH"],
        _series(
            ((2027, 3, 22), (9, 0), (11, 0)),
            ((2027, 3, 25), (10, 0), (12, 0)),
            ((2027, 3, 29), (9, 0), (11, 0)),
            ((2027, 3, 30), (9, 0), (11, 0)),
        ),
    ),
    "twice a week for a term": (["MO", "WE"], _twice_a_week_for_a_term()),
    # Two sessions on one day cannot be one rule: dates, as before.
    "same day": (
        None,
        _series(
            ((2027, 3, 22), (9, 0), (11, 0)),
            ((2027, 3, 22), (13, 0), (15, 30)),
            ((2027, 3, 23), (9, 0), (11, 0)),
        ),
    ),
    # A rule that would skip 69 Mondays: dates.
    "far apart": (
        None,
        _series(((2027, 1, 4), (9, 0), (11, 0)), ((2028, 5, 1), (9, 0), (11, 0))),
    ),
}


def _planned_with(sessions):
    kind = offer_kind("advisory")
    kind.max_sessions = max(kind.max_sessions, len(sessions))  # a course of a whole term
    event = events.schedule_event(
        by=None,
        offer_kind=kind,
        sessions=sessions,
        place="SSP",
        online=False,
        request=make_request(),
    )
    db.session.commit()
    return event


@pytest.mark.parametrize("shape", list(SHAPES))
def test_an_event_of_several_sessions_is_one_entry_every_calendar_expands_to_its_sessions(
    shape,
):
    """All components of an iTIP object share one UID. Outlook shows only the first of an
    entry's RDATEs, so the sessions are a weekly rule on their weekdays with EXDATEs and
    overrides, which expands to exactly the sessions; two sessions on one day keep RDATEs."""
    byday, given = SHAPES[shape]
    event = _planned_with(given)
    [planned] = mails("requester_event_scheduled")
    calendar = _parsed(planned)
    assert {str(e["uid"]) for e in calendar.walk("VEVENT")} == {f"vink-event-{event.id}@vink.kk.dk"}
    master = calendar.walk("VEVENT")[0]
    if byday is None:
        assert "rrule" not in master and "rdate" in master
    else:
        assert master["rrule"]["FREQ"] == ["WEEKLY"] and "rdate" not in master
        assert master["rrule"]["BYDAY"] == byday
    assert _occurrences(calendar) == sorted(given)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_requesters_download_expands_to_the_same_sessions(shape):
    _byday, given = SHAPES[shape]
    event = _planned_with(given)
    text = calendar.requester_calendar(event, title="VINK")
    assert _occurrences(Calendar.from_ical(text)) == sorted(given)


def test_a_cancel_removes_the_series_whole():
    event = _planned_with(WEEKLY)
    [planned] = mails("requester_event_scheduled")
    master = _parsed(planned).walk("VEVENT")[0]
    events.cancel_event(event, by=None)
    db.session.commit()
    [cancel] = mails("requester_event_cancelled")
    [entry] = _parsed(cancel).walk("VEVENT")  # no RECURRENCE-ID: the whole series goes
    assert str(entry["uid"]) == f"vink-event-{event.id}@vink.kk.dk"
    assert "recurrence-id" not in entry
    assert entry["rrule"] == master["rrule"]
    assert entry.decoded("sequence") > master.decoded("sequence")


def test_an_online_event_is_located_at_its_meeting_link():
    event = make_scheduled(request=make_request())
    _go_online(event, "https://meet.example.org/vink-42")
    db.session.commit()
    [moved] = mails("requester_event_rescheduled")
    assert str(_entry(moved)["location"]) == "https://meet.example.org/vink-42"


def test_the_practical_information_travels_in_the_invitation():
    event = make_scheduled(request=make_request())
    event.practical_info = "Mød op i hovedindgangen.\nHusk ID-kort."
    move_to(event, event.starts_at + timedelta(days=1))
    db.session.commit()
    [moved] = mails("requester_event_rescheduled")
    description = str(_entry(moved)["description"])
    assert description.startswith("Bestilt af Husum Skole.")
    assert "Mød op i hovedindgangen.\nHusk ID-kort." in description


def test_an_english_requester_gets_the_invitation_in_english():
    make_scheduled(request=make_request(locale="en"))
    [planned] = mails("requester_event_scheduled")
    entry = _entry(planned)
    assert str(entry["summary"]) == "VINK: Youth-to-youth dialogue"
    assert str(entry["description"]) == "Booked by Husum Skole."


def test_an_english_requester_gets_the_details_in_english_whoever_moves_the_event(app):
    """The mail is written during a staff member's request, in their language: the
    invitation's words follow the requester's."""
    event = make_scheduled(request=make_request(locale="en"))
    with app.test_request_context(headers={"Accept-Language": "da"}):
        _go_online(event, "https://meet.example.org/vink-42")
    db.session.commit()
    [moved] = mails("requester_event_rescheduled")
    description = str(_entry(moved)["description"])
    assert "Mødelink" not in description
    assert "https://meet.example.org/vink-42" in description


@pytest.mark.parametrize(("kind", "method"), [(INVITED[0], "REQUEST"), (INVITED[2], "CANCEL")])
def test_the_mail_server_receives_the_invitation_as_a_calendar_part_with_its_method(
    smtp_config, kind, method
):
    event = make_scheduled(request=make_request())
    events.cancel_event(event, by=None)
    db.session.commit()
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.kind != kind))
    db.session.commit()
    with SMTPServer(smtp_config["MAIL_PORT"]) as server:
        assert outbox.deliver_due() == (1, 0)
    [received] = server.messages
    assert received.get_content_type() == "multipart/mixed"
    [calendar_part] = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == method
    assert calendar_part.get_content_charset() == "utf-8"
    assert str(Calendar.from_ical(calendar_part.get_content())["method"]) == method
    [attached] = list(received.iter_attachments())
    assert attached.get_filename() == "invitation.ics"
    assert str(Calendar.from_ical(attached.get_content())["method"]) == method
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert text.replace("\r\n", "\n") == mails(kind)[0].body_text  # the text as it was
