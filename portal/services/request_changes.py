"""A requester changes what they booked: contact person and phone, participants, class or
audience, place, online and meeting link, practical information, topic, accessibility needs and
notes; a new email
address only once a link sent to it is opened. Each change is checked as the booking form checks
it, audited with before and after, and told to the people already assigned when it touches them;
the secretariat sees a change to a planned booking among what needs action."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from .. import clock, links
from ..event_details import clean_meeting_url, clean_practical_info
from ..extensions import db
from ..models import Request, Topic
from ..models.enums import AssignmentStatus, EventStatus, RequestStatus
from . import audit, mail
from .request_states import RequestError
from .requests import event_started, is_concern, refuse_cpr_numbers

EMAIL_CHANGE = "email-change"
EMAIL_CHANGE_HOURS = 48
# What the people at a planned event are told of, in this order (the mail lists them so).
TOLD_TO_ASSIGNED = (
    "expected_participants",
    "grade",
    "audience",
    "place",
    "online",
    "meeting_url",
    "practical_info",
    "topic_id",
    "accessibility_needs",
    "notes",
)
CONTACT = ("contact_name", "contact_phone")
# What a planned event follows (and the requester's calendar entry with it).
MOVES_THE_EVENT = ("place", "online", "meeting_url")
CHANGEABLE = (*CONTACT, *TOLD_TO_ASSIGNED)


def _planned_event(request):
    """The request's event while it is planned (a change follows it and its people are told),
    else None."""
    event = request.event
    return event if event is not None and event.status == EventStatus.PLANNED else None


def can_change(request):
    """A booking (not a concern) still open, until its event has started: after that only the
    secretariat changes it."""
    return (
        not is_concern(request)
        and request.status in RequestStatus.open_states()
        and not event_started(request)
    )


def _current(request):
    values = {name: getattr(request, name) for name in TOLD_TO_ASSIGNED}
    values["contact_name"] = request.contact.name
    values["contact_phone"] = request.contact.phone
    values["practical_info"] = practical_info(request)
    return values


def practical_info(request):
    """The practical information a change starts from: the planned event's, which the
    secretariat may have added to, else the requester's own suggestion. Once an event is
    planned there is one text, whoever wrote it last."""
    event = _planned_event(request)
    return event.practical_info if event is not None else request.practical_info


def _cleaned(request, wanted):
    """`wanted` checked as the booking form checks it; RequestError with the reason if not."""
    values = {name: wanted[name] for name in CHANGEABLE if name in wanted}
    texts = (
        "contact_name",
        "contact_phone",
        "place",
        "practical_info",
        "accessibility_needs",
        "notes",
        "grade",
    )
    for name in (*texts, "meeting_url"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if values.get("contact_name") == "" or values.get("contact_phone") == "":
        raise RequestError(_l("Skriv navn og telefonnummer på kontaktpersonen."))
    kind = request.offer_kind
    online = values.get("online", request.online)
    if online and not kind.online_allowed:
        raise RequestError(_l("Dette tilbud kan ikke holdes online."))
    participants = values.get("expected_participants", request.expected_participants)
    if participants is None or not 1 <= participants <= 500:
        raise RequestError(_l("Skriv et antal mellem 1 og 500."))
    if kind.max_participants is not None and participants > kind.max_participants:
        raise RequestError(
            _l(
                "%(offer)s er for højst %(max)s deltagere. Skriv til sekretariatet, hvis I "
                "bliver flere.",
                offer=kind.name(),
                max=kind.max_participants,
            )
        )
    refuse_cpr_numbers(
        *(values.get(n, "") for n in ("place", "practical_info", "accessibility_needs", "notes"))
    )
    try:
        values["meeting_url"] = clean_meeting_url(values.get("meeting_url", request.meeting_url))
        if "practical_info" in values:
            values["practical_info"] = clean_practical_info(values["practical_info"])
    except ValueError as error:
        raise RequestError(str(error)) from None
    if not online:
        values["meeting_url"] = ""
    else:
        values["place"] = ""
    topic_id = values.get("topic_id")
    if topic_id is not None and db.session.get(Topic, topic_id) is None:
        raise RequestError(_l("Vælg et emne fra listen."))
    return values


def change_request(request, *, changes, by=None):
    """Change what `request` books to `changes` ({field: value}, the fields of CHANGEABLE the
    page showed). By the requester (`by` None) only while `can_change`; by the secretariat
    (`by`, a user) while the request is open. Returns the names of the fields that changed.

    Raises RequestError, storing nothing, when a value is refused: a number the offer kind's
    event cannot take, a CPR number, online for an offer that is never online, a meeting link
    that is no https address. Side effects, when anything changed: the request (and the place,
    online, meeting link and practical information of its planned event); audit
    "request.changed" with before and after; when the event is planned and the change touches
    its people, one mail to each person asked or coming listing what changed
    ("assignee_request_changed"), and, for a change by the requester, the request marked
    changed for the secretariat; one mail to the requester listing what changed
    ("requester_request_changed") and the planned event as it now is, carrying its updated
    calendar entry when the change changed the event."""
    if by is None and not can_change(request):
        raise RequestError(_l("Bestillingen kan ikke længere ændres her. Skriv til sekretariatet."))
    if by is not None and request.status not in RequestStatus.open_states():
        raise RequestError(_l("Bestillingen er lukket og kan ikke ændres."))
    values = _cleaned(request, changes)
    before = _current(request)
    changed = [name for name in CHANGEABLE if name in values and values[name] != before[name]]
    if not changed:
        return []
    for name in changed:
        if name in CONTACT:
            setattr(request.contact, name.removeprefix("contact_"), values[name])
        else:
            setattr(request, name, values[name])
    event = _planned_event(request)
    planned = event is not None
    taken = _follow_on_the_event(event, request, changed) if planned else set()
    db.session.flush()
    audit.record(
        "request.changed",
        request,
        by=by,
        actor_label="" if by is not None else "requester",
        before={name: audit.jsonable(before[name]) for name in changed},
        after={name: audit.jsonable(values[name]) for name in changed},
    )
    told = [name for name in changed if name in TOLD_TO_ASSIGNED]
    if planned and told:
        if by is None:
            request.changed_by_requester_at = clock.now()
        _tell_the_assigned(event, [(name, before[name], values[name]) for name in told])
    mail.send(
        "requester_request_changed",
        to=request.contact.email,
        locale=request.locale,
        request=request,
        changes=[(name, before[name], values[name]) for name in changed],
        tracking_url=links.tracking_url(request),
        # The planned event as it now is, with its link and practical information; the event
        # goes to the requester's calendar again (a REQUEST under a higher SEQUENCE) only when
        # the change changed it.
        **({"event": event, "invite": bool(taken)} if planned else {}),
    )
    return changed


def _follow_on_the_event(event, request, changed):
    """The planned event goes where the booking now says: its place, or online with the link,
    and its practical information (the text the change started from, see `practical_info`).
    The names of the changes the event took."""
    taken = set(MOVES_THE_EVENT) & set(changed)
    if taken:
        event.online = request.online
        event.place = "" if request.online else request.place
        event.meeting_url = request.meeting_url if request.online else ""
    if "practical_info" in changed:
        event.practical_info = request.practical_info
        taken.add("practical_info")
    return taken


def _tell_the_assigned(event, changes):
    for assignment in event.assignments:
        if assignment.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.OFFERED):
            mail.send(
                "assignee_request_changed",
                to=assignment.person.email,
                locale=assignment.person.mail_locale,
                event=event,
                person=assignment.person,
                assignment=assignment,
                changes=changes,
            )


def mark_change_seen(request, *, by):
    """The secretariat has seen the requester's change: it leaves what needs action.
    Side effects: audit "request.change_seen"."""
    if request.changed_by_requester_at is None:
        return False
    request.changed_by_requester_at = None
    db.session.flush()
    audit.record("request.change_seen", request, by=by)
    return True


# --- a new email address, once it is confirmed --------------------------------------------------


def ask_to_change_email(request, new_email):
    """Send a link to `new_email`; the booking's address becomes it when the link is opened
    (`confirm_email_change`). Returns False when it is the address already stored.
    Side effects: one mail to `new_email` ("requester_email_confirm")."""
    new_email = (new_email or "").strip().lower()
    if not new_email or new_email == request.contact.email.lower():
        return False
    # The address it replaces is signed too: once it is replaced, the link opens nothing more.
    old_email = request.contact.email
    signed = links.sign_timed(
        EMAIL_CHANGE, [request.id, request.tracking_token, old_email, new_email]
    )
    mail.send(
        "requester_email_confirm",
        to=new_email,
        locale=request.locale,
        request=request,
        url=links.external_url("public.confirm_email", request_id=request.id, signed=signed),
        hours=EMAIL_CHANGE_HOURS,
    )
    return True


def confirm_email_change(request_id, signed):
    """The request whose new address the link confirms, now stored; LinkError for a link that
    is not genuine, is for another booking, is older than EMAIL_CHANGE_HOURS or was used (the
    address it replaces is no longer the booking's).
    Side effects: the contact's email; audit "request.email_changed" with before and after;
    a mail to the old address naming the new one ("requester_email_changed"), and when an event
    is planned, its calendar entry moves with the address: the old address's mail cancels it,
    and the new address gets it ("requester_request_changed", under the same UID)."""
    max_age = int(timedelta(hours=EMAIL_CHANGE_HOURS).total_seconds())
    value = links.unsign_timed(EMAIL_CHANGE, signed, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 4 and value[0] == request_id):
        raise links.LinkError(EMAIL_CHANGE)
    _id, token, old_email, new_email = value
    request = db.session.get(Request, request_id)
    if request is None or not links.tokens_match(request.tracking_token, str(token)):
        raise links.LinkError(EMAIL_CHANGE)
    if request.contact.email != old_email:
        raise links.LinkError(EMAIL_CHANGE)
    request.contact.email = new_email
    db.session.flush()
    audit.record(
        "request.email_changed",
        request,
        actor_label="requester",
        before={"contact_email": old_email},
        after={"contact_email": new_email},
    )
    event = _planned_event(request)
    planned = {"event": event} if event is not None else {}
    # The old address is told, so a change nobody there asked for does not pass unseen.
    mail.send(
        "requester_email_changed",
        to=old_email,
        locale=request.locale,
        request=request,
        new_email=new_email,
        **planned,
    )
    if planned:
        mail.send(
            "requester_request_changed",
            to=new_email,
            locale=request.locale,
            request=request,
            changes=[("contact_email", old_email, new_email)],
            tracking_url=links.tracking_url(request),
            **planned,
        )
    return request
