"""An event's practical information and meeting link: what a meeting link may be (an https
address, nothing else), and how both read in a calendar entry. Pure functions, used by the forms
(to explain) and the services (to refuse whatever the form), like `personal_data`.

A link is only ever shown as a link (`<a href>` with the address as its text) and written into
mails and calendar files as text: https only, so `javascript:`, `data:` and plain `http:` never
become something a click runs or sends in the clear."""

import unicodedata
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .models.enums import CancelledBy
from .personal_data import cpr_numbers

MAX_MEETING_URL = 500
MAX_PRACTICAL_INFO = 2000

NOT_HTTPS = _l("Mødelinket skal være en webadresse, der begynder med https://.")
TOO_LONG = _l("Mødelinket må højst være %(max)s tegn.", max=MAX_MEETING_URL)
INFO_TOO_LONG = _l("Den praktiske information må højst være %(max)s tegn.", max=MAX_PRACTICAL_INFO)


def meeting_url_problem(value):
    """Why `value` cannot be a meeting link (a lazy message), or None when it can (or is empty).
    White space around it is no problem: `clean_meeting_url` drops it."""
    url = (value or "").strip()
    if not url:
        return None
    if len(url) > MAX_MEETING_URL:
        return TOO_LONG
    # Controls, format characters (a right-to-left override) and spaces: no address has them,
    # and each can make a link read as another than it opens.
    if any(unicodedata.category(c)[0] in "CZ" for c in url):
        return NOT_HTTPS
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unclosed [ in the host, a port that is no number
        return NOT_HTTPS
    if parts.scheme.lower() != "https" or not url.lower().startswith("https://") or not host:
        return NOT_HTTPS
    # "https://teams.microsoft.com@evil.example" opens evil.example: no user part.
    if "@" in parts.netloc or "\\" in url:
        return NOT_HTTPS
    return None


def clean_meeting_url(value):
    """The link as stored: trimmed, "" for none. Raises ValueError with the reason for one that
    `meeting_url_problem` refuses."""
    problem = meeting_url_problem(value)
    if problem is not None:
        raise ValueError(str(problem))
    return (value or "").strip()


def clean_practical_info(value):
    """The practical information as stored: trimmed, with Windows line breaks made plain.
    Raises ValueError when it is too long, holds a control character or a CPR number."""
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_PRACTICAL_INFO:
        raise ValueError(str(INFO_TOO_LONG))
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise ValueError(str(_l("Den praktiske information indeholder tegn, der ikke kan gemmes.")))
    if cpr_numbers(text):
        # It goes to everyone coming, in mails and calendars: never a CPR number.
        raise ValueError(str(_l("Skriv ikke CPR-numre i den praktiske information.")))
    return text


def calendar_description(description, event):
    """DESCRIPTION of an event's calendar entry: `description`, then the meeting link and the
    practical information, each only when there is one."""
    parts = [description] if description else []
    if event.meeting_url:
        parts.append(f"{_('Mødelink')}: {event.meeting_url}")
    if event.practical_info:
        parts.append(f"{_('Praktisk information')}:\n{event.practical_info}")
    return "\n\n".join(parts)


WITHDRAWN = _l("Bestilleren har trukket bestillingen tilbage.")


def cancel_reason(event):
    """Why `event` was cancelled, in the language being written: the note as the secretariat
    wrote it, or, for an event cancelled because its requester withdrew, those words (kept as
    who cancelled it, not as Danish text, so an English page and mail say it in English). An
    event the secretariat cancelled without a note has no reason, even when its requester
    withdrew the booking afterwards."""
    if event.cancel_note:
        return event.cancel_note
    if event.cancelled_by == CancelledBy.REQUESTER:
        return str(WITHDRAWN)
    return ""
