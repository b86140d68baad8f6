"""The calendar invitation a mail carries (its kind's `invitation`): the context's event as
one entry in the recipient's calendar, added or updated (METHOD:REQUEST) or removed (CANCEL),
from the secretariat as organizer, so Outlook and Google Calendar offer to add it and keep it
in step with every move."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ... import ics

METHODS = {"request": ics.REQUEST, "cancel": ics.CANCEL}


def invitation_for(spec, *, to, locale, context):
    """The iCalendar text of the invitation mail `spec` carries to `to`, or None when its kind
    carries none, there is no event to invite to, or the context says `invite=False` (a mail
    about an event whose entry nothing changed)."""
    event = context.get("event")
    if not context.get("invite", True):
        return None
    if spec.invitation is None or event is None or not event.sessions:
        return None
    request = context.get("request") or event.request
    attendee_name = request.contact.name if request is not None else None
    # In the recipient's language: the title, and what the entry's description says.
    with force_locale(locale):
        booked_by = (
            _("Bestilt af %(org)s.", org=request.organisation.name) if request is not None else ""
        )
        return ics.invitation(
            event,
            method=METHODS[spec.invitation],
            title=f"VINK: {event.offer_kind.name(locale)}",
            description=booked_by,
            organizer=(current_app.config["SECRETARIAT_EMAIL"], "VINK"),
            attendee=(to.strip(), attendee_name),
        )
