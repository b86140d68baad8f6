"""iCalendar (.ics) files: the personal feed and one event's file (METHOD:PUBLISH), and the
invitations a requester's mails carry (METHOD:REQUEST, then CANCEL; RFC 5546).

Times are written in Europe/Copenhagen with its VTIMEZONE, so a calendar shows 10.00 on both
sides of a summer-time change. Not a service: the services (feeds, downloads) and the mail
package (invitations) both build on it.

Two shapes, for two kinds of reader:
- a feed or an assignee's file has one VEVENT per session, each with its own UID;
- an invitation is one iTIP object, whose components must all share one UID (RFC 5546, 3.2.2):
  the event is one entry, its first session the master VEVENT, the others given by a weekly
  RRULE on their weekdays with EXDATEs (with an overriding VEVENT where a session starts or ends
  otherwise than the rule says; see `_recurrence`). A move sends the
  whole series again under a higher SEQUENCE and a cancel removes it whole, so a session
  dropped by a move leaves nothing behind in the requester's calendar.
"""

from datetime import date, datetime, timedelta

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from . import clock
from .event_details import calendar_description
from .models.enums import EventStatus

PRODID = "-//Koebenhavns Kommune//VINK Booking//DA"
DOMAIN = "vink.kk.dk"

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def event_uid(event):
    """The UID of the event as one calendar entry: invitations and the requester's download."""
    return f"vink-event-{event.id}@{DOMAIN}"


def session_uid(event, number):
    """The UID of one session, in a feed or an assignee's download."""
    return f"vink-event-{event.id}-session-{number}@{DOMAIN}"


def new_calendar(method, **extra):
    """An empty VCALENDAR with METHOD `method` and any extra calendar properties."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for name, value in extra.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def finish(calendar, sessions):
    """The calendar's bytes, with the VTIMEZONE its times need, covering the years of
    `sessions` (a zone without transitions for a year would make Outlook guess)."""
    if sessions:
        first = min(s.starts_at for s in sessions).astimezone(clock.COPENHAGEN)
        last = max(s.ends_at for s in sessions).astimezone(clock.COPENHAGEN)
        calendar.add_missing_timezones(
            first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
        )
    return calendar.to_ical()


def location(event):
    """Where the event is: the place, or for an online one its meeting link (which calendars
    make a link) or the word Online."""
    if event.online:
        return event.meeting_url or "Online"
    return event.place


def _local(moment):
    return moment.astimezone(clock.COPENHAGEN)


def _cancelled(event):
    return event.status == EventStatus.CANCELLED


def _common(entry, event, *, title, description, url, cancelled):
    entry.add("dtstamp", clock.now())
    entry.add("summary", title)
    entry.add("location", location(event))
    entry.add("sequence", event.version)
    # A direkte booked time stays tentative until every seat has said yes.
    entry.add(
        "status", "CANCELLED" if cancelled else "TENTATIVE" if event.tentative else "CONFIRMED"
    )
    # The meeting link and the practical information follow what the caller wrote.
    description = calendar_description(description, event)
    if description:
        entry.add("description", description)
    if url:
        entry.add("url", url)


def session_entries(event, *, title, description="", url=None):
    """One VEVENT per session, each with its own UID (for feeds and an assignee's file)."""
    entries = []
    for number, session in enumerate(event.sessions, start=1):
        entry = CalendarEvent()
        entry.add("uid", session_uid(event, number))
        entry.add("dtstart", _local(session.starts_at))
        entry.add("dtend", _local(session.ends_at))
        several = len(event.sessions) > 1
        _common(
            entry,
            event,
            title=f"{title} ({number}/{len(event.sessions)})" if several else title,
            description=description,
            url=url,
            cancelled=_cancelled(event),
        )
        entries.append(entry)
    return entries


def series_entries(event, *, title, description="", url=None, people=(), cancelled=None):
    """The event as one entry under `event_uid`: the first session the master, the others its
    instances. `people` are (name, value) properties such as ORGANIZER and ATTENDEE, written on
    every component. `cancelled` (default: whether the event is) writes STATUS:CANCELLED and
    the master alone (a cancel names the series; its instances go with it)."""
    if cancelled is None:
        cancelled = _cancelled(event)
    sessions = sorted(event.sessions, key=lambda s: s.starts_at)
    first = sessions[0]
    master = CalendarEvent()
    master.add("uid", event_uid(event))
    master.add("dtstart", _local(first.starts_at))
    master.add("dtend", _local(first.ends_at))
    instances = _recurrence(master, sessions)
    _common(master, event, title=title, description=description, url=url, cancelled=cancelled)
    for name, value in people:
        master.add(name, value)
    entries = [master]
    if cancelled:
        return entries
    for recurrence_id, session in instances:
        instance = CalendarEvent()
        instance.add("uid", event_uid(event))
        instance.add("recurrence-id", recurrence_id)
        instance.add("dtstart", _local(session.starts_at))
        instance.add("dtend", _local(session.ends_at))
        _common(instance, event, title=title, description=description, url=url, cancelled=False)
        for name, value in people:
            instance.add(name, value)
        entries.append(instance)
    return entries


# A rule whose days mostly hold no session is written as its dates instead.
MOST_SKIPPED = 60


def _recurrence(master, sessions):
    """Write the sessions after the first onto `master` and return the (RECURRENCE-ID, session)
    pairs that need their own VEVENT.

    Outlook shows only the first session of an entry whose others are RDATEs, so the sessions
    are written as a rule every calendar reads: weekly on the weekdays they fall on, from the
    first session's day to the last's (COUNT), with an EXDATE for each day the rule gives and
    no session takes, and an overriding VEVENT for a session that starts at another hour or
    lasts otherwise than the first. The rule keeps the first session's clock time in
    Copenhagen, so it holds across a summer-time change. Two sessions on one day cannot be
    one rule; those events (and one whose rule would skip more than MOST_SKIPPED days) keep
    RDATEs, with an override for each session of another length."""
    first, *others = sessions
    if not others:
        return []
    start = _local(first.starts_at)
    length = first.ends_at - first.starts_at
    days = [_local(s.starts_at).date() for s in sessions]
    weekdays = sorted({day.weekday() for day in days})
    ruled = [
        day
        for day in (days[0] + timedelta(days=k) for k in range((days[-1] - days[0]).days + 1))
        if day.weekday() in weekdays
    ]
    if len(set(days)) < len(days) or len(ruled) - len(days) > MOST_SKIPPED:
        master.add("rdate", [_local(s.starts_at) for s in others])
        return [(_local(s.starts_at), s) for s in others if s.ends_at - s.starts_at != length]

    def occurrence(day):
        return datetime.combine(day, start.time(), tzinfo=clock.COPENHAGEN)

    master.add(
        "rrule",
        {"freq": "weekly", "byday": [WEEKDAYS[d] for d in weekdays], "count": len(ruled)},
    )
    taken = set(days)
    skipped = [occurrence(day) for day in ruled if day not in taken]
    if skipped:
        master.add("exdate", skipped)
    return [
        (occurrence(day), session)
        for day, session in zip(days[1:], others, strict=True)
        if _local(session.starts_at) != occurrence(day)
        or session.ends_at - session.starts_at != length
    ]


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def address(email, name=None, **params):
    """A CAL-ADDRESS (mailto:) with its CN and any other parameters (ROLE, RSVP ...)."""
    value = vCalAddress(f"mailto:{email}")
    if name:
        value.params["cn"] = vText(name)
    for key, param in params.items():
        value.params[key.replace("_", "-")] = param
    return value


def invitation(event, *, method, title, organizer, attendee, description=""):
    """An iTIP invitation for `event` (RFC 5546): METHOD:REQUEST to add or update it in the
    attendee's calendar, CANCEL to remove it. One UID for the event, SEQUENCE its version,
    which rises with every change (so a later message always supersedes an earlier one).

    `organizer` and `attendee` are (email, name) pairs. Returns the iCalendar text."""
    people = [
        ("organizer", address(*organizer)),
        (
            "attendee",
            address(
                *attendee,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="FALSE",
                cutype="INDIVIDUAL",
            ),
        ),
    ]
    calendar = new_calendar(method)
    entries = series_entries(
        event,
        title=title,
        description=description,
        people=people,
        cancelled=method == CANCEL,
    )
    for entry in entries:
        calendar.add_component(entry)
    return finish(calendar, event.sessions).decode("utf-8")


def method_of(text):
    """The METHOD of an iCalendar text (REQUEST, CANCEL ...)."""
    return str(Calendar.from_ical(text).get("method", "")).upper()
