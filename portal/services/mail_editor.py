"""The admin's editing of the mails' wording: the list of mails, a text checked and saved per
language (an edited text is a row that replaces the shipped wording), and a preview filled in
with the newest real case in the database. Only the admin's views import this module.

An edited text is checked before it is stored: only the placeholders its mail offers, and the link
the mail exists to carry kept."""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import i18n, links
from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    DateProposal,
    EmailTemplate,
    Event,
    OfferKind,
    Request,
    User,
)
from ..models.enums import AssignmentStatus, BookingForm, EventStatus, RequestStatus
from . import audit, mail
from .accounts import PASSWORD_LINK_HOURS, PASSWORD_RESET_MINUTES
from .errors import FieldError
from .mail import filling
from .mail.placeholders import event_line
from .request_changes import EMAIL_CHANGE_HOURS
from .requests import callback_due_on

SUBJECT_MAX = 200
BODY_MAX = 5000


class EmailTextError(FieldError):
    """One reason a text is refused; `field` is "subject" or "body"."""


class EmailTextRefused(Exception):
    """The text was refused for the reasons in `problems` (EmailTextErrors); nothing stored."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def editable_kind(kind, language):
    """The MailKind an admin may edit in `language`, or None."""
    spec = mail.mail_kind(kind, language)
    return spec if spec is not None and spec.editable else None


# --- the newest real case for a preview (links in it are examples that open nothing) -------------


EXAMPLE_SIGNED = "eksempel"


def _example_link(endpoint):
    return links.external_url(endpoint, signed=EXAMPLE_SIGNED)


def _newest(query, *order):
    return db.session.scalars(query.order_by(*order).limit(1)).first()


def _newest_request(*conditions):
    found = _newest(
        db.select(Request).where(*conditions), Request.submitted_at.desc(), Request.id.desc()
    )
    if found is None and conditions:
        return _newest_request()
    return found


def _newest_event_with_request(*conditions):
    query = db.select(Event).where(Event.request_id.is_not(None), *conditions)
    found = _newest(query, Event.created_at.desc(), Event.id.desc())
    if found is None and conditions:
        return _newest_event_with_request()
    return found


def _newest_assignment(*conditions):
    query = db.select(Assignment).join(Assignment.event).where(*conditions)
    found = _newest(query, Assignment.offered_at.desc(), Assignment.id.desc())
    if found is None and conditions:
        return _newest_assignment()
    return found


def _request_case(*conditions):
    def sample():
        request = _newest_request(*conditions)
        if request is None:
            return None
        ctx = {"request": request, "tracking_url": _example_link("public.open_tracking_link")}
        return ctx, _(
            "Bestilling nr. %(id)s fra %(org)s", id=request.id, org=request.organisation.name
        )

    return sample


CONCERN_KINDS = db.select(OfferKind.id).where(OfferKind.booking_form == BookingForm.CONCERN)


def _concern_case():
    request = _newest_request(Request.offer_kind_id.in_(CONCERN_KINDS))
    if request is None or request.offer_kind.booking_form != BookingForm.CONCERN:
        return None
    ctx = {
        "request": request,
        "tracking_url": _example_link("public.open_tracking_link"),
        "callback_due": callback_due_on(request),
    }
    return ctx, _(
        "Henvendelse nr. %(id)s fra %(org)s", id=request.id, org=request.organisation.name
    )


def _requester_event_case(*conditions, link=("tracking_url", "public.open_tracking_link")):
    def sample():
        event = _newest_event_with_request(*conditions)
        if event is None:
            return None
        ctx = {"request": event.request, "event": event, link[0]: _example_link(link[1])}
        return ctx, _event_case(event)

    return sample


def _event_case(event):
    return _(
        "Arrangementet %(when)s: %(what)s",
        when=i18n.date_and_time(event.starts_at),
        what=event_line({"event": event}, i18n.current_locale()),
    )


def _assignee_case(*conditions, link=None):
    def sample():
        assignment = _newest_assignment(*conditions)
        if assignment is None:
            return None
        ctx = {
            "assignment": assignment,
            "event": assignment.event,
            "person": assignment.person,
            "others": 0,
            "was_accepted": assignment.status == AssignmentStatus.ACCEPTED,
        }
        if link:
            ctx[link[0]] = _example_link(link[1])
        what = _(
            "%(person)s, %(event)s",
            person=assignment.person.full_name,
            event=_event_case(assignment.event),
        )
        return ctx, what

    return sample


def _request_changed_case():
    """An assignee's case, with the class grown by three and its place named more closely as
    the change (data, not words: the preview is the same in either language)."""
    found = _assignee_case(Event.request_id.is_not(None))()
    if found is None:
        return None
    context, what = found
    request = context["event"].request
    participants = request.expected_participants
    changes = [
        ("expected_participants", participants, participants + 3),
        ("place", request.place, f"{request.place}, 12"),
    ]
    return context | {"changes": changes}, what


def _requester_changed_case():
    """The requester's case, with the class grown by three, a new contact person and a note
    (data, not words: the preview is the same in either language)."""
    found = _requester_event_case()()
    if found is None:
        return None
    context, what = found
    request = context["request"]
    participants = request.expected_participants
    changes = [
        ("contact_name", request.contact.name, "Mette Holm"),
        ("expected_participants", participants, participants + 3),
        ("notes", request.notes, "Mette Holm er klassens nye lærer."),
    ]
    return context | {"changes": changes}, what


def _email_changed_case():
    found = _request_case(Request.offer_kind_id.not_in(CONCERN_KINDS))()
    if found is None:
        return None
    context, what = found
    return context | {"new_email": "ny.adresse@skole.dk"}, what


def _email_confirm_case():
    found = _request_case()()
    if found is None:
        return None
    context, what = found
    url = _example_link("public.open_tracking_link")
    return context | {"url": url, "hours": EMAIL_CHANGE_HOURS}, what


def _user_case():
    user = _newest(db.select(User), User.created_at.desc(), User.id.desc())
    if user is None:
        return None
    ctx = {"user": user, "url": _example_link("auth.choose_password"), "hours": PASSWORD_LINK_HOURS}
    return ctx, _("Brugeren %(name)s", name=user.name)


def _provider_invitation_case():
    found = _user_case()
    if found is None:
        return None
    context, what = found
    context = {
        "user": context["user"],
        "url": links.external_url("auth.login"),
        "provider": current_app.config["OIDC_PROVIDER_NAME"],
    }
    return context, what


def _password_reset_case():
    found = _user_case()
    if found is None:
        return None
    context, what = found
    context = context | {
        "url": _example_link("auth.reset_password"),
        "minutes": PASSWORD_RESET_MINUTES,
    }
    return context, what


def _tracking_links_case():
    request = _newest_request()
    if request is None:
        return None
    ctx = {"entries": [(request, _example_link("public.open_tracking_link"))]}
    return ctx, _("Bestilling nr. %(id)s fra %(org)s", id=request.id, org=request.organisation.name)


def _withdrawn_case():
    request = _newest_request(Request.status == RequestStatus.WITHDRAWN)
    if request is None:
        return None
    cancelled_now = request.event is not None and request.event.status == EventStatus.CANCELLED
    ctx = {
        "request": request,
        "cancelled_now": cancelled_now,
        "tracking_url": _example_link("public.open_tracking_link"),
    }
    if cancelled_now:
        ctx["event"] = request.event  # the requester's receipt takes it out of the calendar
    return ctx, _("Bestilling nr. %(id)s fra %(org)s", id=request.id, org=request.organisation.name)


def _dates_proposed_case():
    proposal = _newest(
        db.select(DateProposal), DateProposal.created_at.desc(), DateProposal.id.desc()
    )
    if proposal is None:
        return None
    request = proposal.request
    ctx = {
        "request": request,
        "proposal": proposal,
    }
    return ctx, _("Bestilling nr. %(id)s fra %(org)s", id=request.id, org=request.organisation.name)


def _seat_claimed_case():
    assignment = _newest_assignment(Assignment.claimed.is_(True))
    if assignment is None:
        return None
    event = assignment.event
    ctx = {
        "assignment": assignment,
        "event": event,
        "person": assignment.person,
    }
    return ctx, _(
        "%(person)s, %(event)s", person=assignment.person.full_name, event=_event_case(event)
    )


SAMPLES = {
    "request_receipt": _request_case(Request.offer_kind_id.not_in(CONCERN_KINDS)),
    "instant_booking_receipt": _requester_event_case(),
    "concern_receipt": _concern_case,
    "requester_request_declined": _request_case(Request.status == RequestStatus.DECLINED),
    "requester_event_scheduled": _requester_event_case(),
    "requester_event_staffed": _requester_event_case(),
    "requester_instant_confirmed": _requester_event_case(),
    "requester_event_rescheduled": _requester_event_case(),
    "requester_event_reminder": _requester_event_case(Event.status == EventStatus.PLANNED),
    "requester_event_cancelled": _requester_event_case(Event.status == EventStatus.CANCELLED),
    "assignee_offer": _assignee_case(link=("answer_url", "offers.answer")),
    "assignee_offer_reminder": _assignee_case(link=("answer_url", "offers.answer")),
    "assignee_offer_taken": _assignee_case(),
    "assignee_offer_withdrawn": _assignee_case(),
    "assignee_event_rescheduled": _assignee_case(),
    "assignee_event_reminder": _assignee_case(Assignment.status == AssignmentStatus.ACCEPTED),
    "assignee_event_cancelled": _assignee_case(Event.status == EventStatus.CANCELLED),
    "requester_evaluation": _requester_event_case(
        Event.status == EventStatus.HELD, link=("evaluation_url", "evaluations.requester")
    ),
    "requester_evaluation_reminder": _requester_event_case(
        Event.status == EventStatus.HELD, link=("evaluation_url", "evaluations.requester")
    ),
    "assignee_attendance_reminder": _assignee_case(
        Assignment.status == AssignmentStatus.ACCEPTED,
        link=("attendance_url", "offers.attendance"),
    ),
    "user_invitation": _user_case,
    "user_password_link": _user_case,
    "user_invitation_provider": _provider_invitation_case,
    "tracking_links": _tracking_links_case,
    "user_password_reset": _password_reset_case,
    "user_second_factor_enrolled": _user_case,
    "user_second_factor_disabled": _user_case,
    "user_recovery_codes_renewed": _user_case,
    "user_second_factor_reset": _user_case,
    "secretariat_request_withdrawn": _withdrawn_case,
    "secretariat_dates_proposed": _dates_proposed_case,
    "secretariat_seat_claimed": _seat_claimed_case,
    "assignee_request_changed": _request_changed_case,
    "requester_email_confirm": _email_confirm_case,
    "requester_request_withdrawn": _withdrawn_case,
    "requester_request_changed": _requester_changed_case,
    "requester_email_changed": _email_changed_case,
}


# --- checking and saving -------------------------------------------------------------------------


def problems(kind, language, subject, body):
    """Every reason the text cannot be used, as EmailTextErrors (empty: it can)."""
    spec = mail.KINDS[kind]
    found = []
    subject = subject or ""
    body = (body or "").replace("\r\n", "\n")
    if not subject.strip():
        found.append(EmailTextError(_l("Skriv et emne."), "subject"))
    elif "\n" in subject or "\r" in subject:
        found.append(EmailTextError(_l("Emnet skal stå på én linje."), "subject"))
    elif len(subject.strip()) > SUBJECT_MAX:
        found.append(
            EmailTextError(_l("Skriv højst %(max)s tegn i emnet.", max=SUBJECT_MAX), "subject")
        )
    if not body.strip():
        found.append(EmailTextError(_l("Skriv en tekst."), "body"))
    elif len(body) > BODY_MAX:
        found.append(
            EmailTextError(_l("Skriv højst %(max)s tegn i teksten.", max=BODY_MAX), "body")
        )
    for field_name, text in (("subject", subject), ("body", body)):
        unknown = [
            n for n in dict.fromkeys(filling.placeholders_in(text)) if n not in spec.placeholders
        ]
        for name in unknown:
            found.append(
                EmailTextError(
                    _l(
                        "Feltet {%(name)s} findes ikke i denne mail. Brug et af felterne i "
                        "listen, eller skriv teksten uden krøllede parenteser.",
                        name=name,
                    ),
                    field_name,
                )
            )
        for name in dict.fromkeys(unclosed_placeholders(text)):
            found.append(
                EmailTextError(
                    _l(
                        "»{%(name)s« mangler sin afsluttende krøllede parentes: skriv {%(name)s}.",
                        name=name,
                    ),
                    field_name,
                )
            )
    if body.strip():
        used = set(filling.placeholders_in(body))
        for name in spec.required:
            if name not in used:
                found.append(
                    EmailTextError(
                        _l(
                            "Teksten skal indeholde {%(name)s}: det er det, mailen skal "
                            "bringe modtageren.",
                            name=name,
                        ),
                        "body",
                    )
                )
    return found


# "{navn" with nothing closing it later on its line: a placeholder whose "}" was lost would reach
# every recipient as typed. ("{ukendt ord}" is text, and stays so.)
UNCLOSED = re.compile(r"\{([^{}\s]{1,60})(?=\s|$)(?![^\n]*\})")


def unclosed_placeholders(text):
    """The names of the placeholders in `text` begun with "{" and never closed on their line."""
    return UNCLOSED.findall(text or "")


def _snapshot(row):
    return {"kind": row.kind, "language": row.language, "subject": row.subject, "body": row.body}


def save_email_text(kind, language, *, by, subject, body):
    """Store the admin's text for (kind, language), to be used for every such mail from now on.

    Returns "saved", "unchanged" (the stored text is the same) or "shipped" (the text is the
    shipped one: any stored text is removed, so the shipped wording serves again).
    Raises EmailTextRefused, storing nothing, when `problems` finds any.
    Side effects: the email_templates row; audit "email_text.saved" (or "email_text.reset")
    with the text before and after.
    """
    subject = (subject or "").strip()
    body = (body or "").replace("\r\n", "\n").strip() + "\n"
    found = problems(kind, language, subject, body)
    if found:
        raise EmailTextRefused(found)
    row = filling.stored_text(kind, language)
    shipped_subject, shipped_body = filling.shipped_text(kind, language)
    if (subject, body.strip()) == (shipped_subject, shipped_body.strip()):
        if row is None:
            return "unchanged"
        reset_email_text(kind, language, by=by)
        return "shipped"
    if row is not None and (row.subject, row.body) == (subject, body):
        return "unchanged"
    before = _snapshot(row) if row is not None else None
    if row is None:
        row = EmailTemplate(kind=kind, language=language)
        db.session.add(row)
    row.subject, row.body = subject, body
    db.session.flush()
    audit.record("email_text.saved", row, by=by, before=before, after=_snapshot(row))
    return "saved"


def reset_email_text(kind, language, *, by):
    """Back to the shipped text: the admin's text for (kind, language) is deleted.

    Returns False when there was none (nothing happens). Side effects: audit
    "email_text.reset" with the text that was deleted."""
    row = filling.stored_text(kind, language)
    if row is None:
        return False
    before, row_id = _snapshot(row), row.id
    db.session.delete(row)
    db.session.flush()
    audit.record(
        "email_text.reset",
        by=by,
        object_type="email_templates",
        object_id=row_id,
        before=before,
        after={"kind": kind, "language": language},
    )
    return True


# --- the admin's screens -------------------------------------------------------------------------


@dataclass
class TextStatus:
    language: str
    row: EmailTemplate | None
    saved: AuditEntry | None  # the entry of the latest save: who and when


def overview():
    """[(MailKind, [TextStatus per language])] for every mail, in the registry's order.
    Two queries whatever the number of edits."""
    rows = {(r.kind, r.language): r for r in db.session.scalars(db.select(EmailTemplate))}
    latest = {}
    if rows:
        newest = (
            db.select(db.func.max(AuditEntry.id))
            .where(
                AuditEntry.object_type == "email_templates",
                AuditEntry.action == "email_text.saved",
                AuditEntry.object_id.in_([r.id for r in rows.values()]),
            )
            .group_by(AuditEntry.object_id)
        )
        for entry in db.session.scalars(db.select(AuditEntry).where(AuditEntry.id.in_(newest))):
            latest[entry.object_id] = entry
    return [
        (
            spec,
            [
                TextStatus(
                    language,
                    rows.get((spec.kind, language)),
                    latest.get(getattr(rows.get((spec.kind, language)), "id", None)),
                )
                for language in spec.languages
            ],
        )
        for spec in mail.KINDS.values()
        if spec.editable
    ]


@dataclass
class Preview:
    subject: str
    body: str
    case: str  # which real case it was filled in with


def preview(kind, language, *, subject, body):
    """The unsaved text filled in with the newest matching case in the database, or None when
    there is no case yet. Raises EmailTextRefused as saving would. Changes nothing."""
    found = problems(kind, language, subject, body)
    if found:
        raise EmailTextRefused(found)
    sample = SAMPLES[kind]()  # the case is described in the page's language
    if sample is None:
        return None
    context, case = sample
    filled_subject, filled_body = filling.fill(kind, language, subject.strip(), body, context)
    return Preview(filled_subject, filled_body, case)


def sample_context(kind, language):
    """The context the newest matching case gives (for tests and the preview), or None."""
    sample = SAMPLES[kind]() if kind in SAMPLES else None
    return sample[0] if sample else None
