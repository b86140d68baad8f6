"""Calendar files (.ics) people download or subscribe to, in Copenhagen time with its
VTIMEZONE, updated by SEQUENCE. The iCalendar itself is written by `portal.ics`, which the
mail package shares for the invitations a requester's mails carry."""

from .. import ics
from .assignments import feed_assignments


def event_calendar(event, *, title, description="", url=None):
    """The .ics bytes of one event for an assignee: one VEVENT per session, with the UIDs
    their feed uses, so a file opened and a feed subscribed to make one entry, not two."""
    calendar = ics.new_calendar(ics.PUBLISH)
    for entry in ics.session_entries(event, title=title, description=description, url=url):
        calendar.add_component(entry)
    return ics.finish(calendar, event.sessions)


def requester_calendar(event, *, title, description=""):
    """The .ics bytes of the requester's event: one entry under the UID their invitations
    use, so a file opened and an invitation accepted make one entry, and a move or a cancel
    mailed later updates it."""
    calendar = ics.new_calendar(ics.PUBLISH)
    for entry in ics.series_entries(event, title=title, description=description):
        calendar.add_component(entry)
    return ics.finish(calendar, event.sessions)


def feed_title(event):
    """What a feed's entry is called: VINK, the offer, and whom it is at (or the event's own
    title), so "VINK: Ung-til-ung dialog, Husum Skole" reads alone in a busy calendar."""
    name = f"VINK: {event.offer_kind.name_da}"
    if event.request is not None:
        return f"{name}, {event.request.organisation.name}"
    if event.title:
        return f"{name}: {event.title}"
    return name


def person_feed(person, *, url_for_event):
    """A subscribable calendar of the person's accepted events (cancelled ones marked so)."""
    calendar = ics.new_calendar(
        ics.PUBLISH,
        x_wr_calname=f"VINK: {person.first_name}",
        x_wr_timezone="Europe/Copenhagen",
    )
    calendar.add("refresh-interval;value=duration", "PT1H")
    sessions = []
    for assignment in feed_assignments(person):
        event = assignment.event
        sessions.extend(event.sessions)
        for entry in ics.session_entries(event, title=feed_title(event), url=url_for_event(event)):
            calendar.add_component(entry)
    return ics.finish(calendar, sessions)
