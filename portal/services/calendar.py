"""Calendar files (.ics): one VEVENT per session, in Copenhagen time, updated by SEQUENCE."""

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .. import clock
from ..models.enums import EventStatus
from .assignments import feed_assignments

PRODID = "-//Koebenhavns Kommune//VINK Booking//DA"


def event_calendar(event, *, title, description="", url=None):
    """The .ics bytes for one event. `title` is what the attendee sees in their calendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for number, session in enumerate(event.sessions, start=1):
        calendar.add_component(
            _vevent(event, session, number, title=title, description=description, url=url)
        )
    return calendar.to_ical()


def _vevent(event, session, number, *, title, description, url):
    entry = CalendarEvent()
    entry.add("uid", f"vink-event-{event.id}-session-{number}@vink.kk.dk")
    entry.add("dtstamp", clock.now())
    entry.add("dtstart", session.starts_at.astimezone(clock.COPENHAGEN))
    entry.add("dtend", session.ends_at.astimezone(clock.COPENHAGEN))
    entry.add(
        "summary",
        title if len(event.sessions) == 1 else f"{title} ({number}/{len(event.sessions)})",
    )
    entry.add("location", "Online" if event.online else event.place)
    entry.add("sequence", event.version)
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    if description:
        entry.add("description", description)
    if url:
        entry.add("url", url)
    return entry


def person_feed(person, *, url_for_event):
    """A subscribable calendar of the person's accepted events (cancelled ones marked so)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"VINK: {person.first_name}")
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    calendar.add("refresh-interval;value=duration", "PT1H")
    for assignment in feed_assignments(person):
        event = assignment.event
        title = f"VINK: {event.offer_kind.name_da}"
        for number, session in enumerate(event.sessions, start=1):
            calendar.add_component(
                _vevent(
                    event, session, number, title=title, description="", url=url_for_event(event)
                )
            )
    return calendar.to_ical()
