"""The texts of the mails the portal sends, as the admin edits them.

Every mail has a shipped text (`templates/emails/<kind>.txt`, Jinja, first line the subject).
The admin may replace it, per language, with a text of their own that uses named placeholders
(`{navn}`, `{dato}`, `{link}` ...). Each kind here says when it is sent, which placeholders it
offers (and how each is computed from the context the shipped template receives) and which of
them the text must keep: the link the mail exists to carry.

An edited text is filled in with a regular expression, never with `str.format` or Jinja: the
admin's text can name a placeholder and nothing else (no attribute access, no code). A
placeholder is `{` + a name without spaces + `}`; braces around anything else stay as typed.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import i18n, links
from ..extensions import db
from ..labels import grade_label, label
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
from . import audit
from .errors import FieldError

LANGUAGES = ("da", "en")
SUBJECT_MAX = 200
BODY_MAX = 5000
# A name between braces, without spaces or braces: what the admin may mean as a placeholder.
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,60})\}")


class EmailTextError(FieldError):
    """One reason a text is refused; `field` is "subject" or "body"."""


class EmailTextRefused(Exception):
    """The text was refused for the reasons in `problems` (EmailTextErrors); nothing stored."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# --- placeholders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    name: str
    help: object  # lazy string: what it becomes in the mail
    value: object  # (context, locale) -> str


def _request_of(ctx):
    if ctx.get("request") is not None:
        return ctx["request"]
    event = ctx.get("event")
    return event.request if event is not None else None


def _offer_kind_of(ctx):
    event = ctx.get("event")
    return (event or ctx["request"]).offer_kind


def _name(ctx, locale):
    if ctx.get("person") is not None:
        return ctx["person"].first_name
    if ctx.get("user") is not None:
        return ctx["user"].name
    return ctx["request"].contact.name


def _organisation(ctx, locale):
    request = _request_of(ctx)
    return request.organisation.name if request is not None else ""


def _place(ctx, locale):
    event = ctx["event"]
    return _("online") if event.online else event.place


def _when_and_where(ctx, locale):
    """The sessions and the place, as a list (the shipped `_event_when.txt`, the same words)."""
    event = ctx["event"]
    lines = [
        f"- {i18n.long_date(s.starts_at)} {_('kl.')} "
        f"{i18n.short_time(s.starts_at)}–{i18n.short_time(s.ends_at)}"
        for s in event.sessions
    ]
    lines.append(f"- {_('Sted')}: {_('Online') if event.online else event.place}")
    return "\n".join(lines)


def _event_line(ctx, locale):
    event = ctx["event"]
    text = event.offer_kind.name(locale)
    if event.request is not None:
        return f"{text}, {event.request.organisation.name}"
    if event.title:
        return f"{text}: {event.title}"
    return text


def _role(ctx, locale):
    if ctx.get("assignment") is not None:
        return str(label(ctx["assignment"].seat_role)).lower()
    return str(label(ctx["user"].role)).lower()


def _others_asked(ctx, locale):
    if ctx.get("others"):
        return _("Vi har spurgt flere. Den første, der siger ja, får pladsen.")
    return ""


def _contact_line(ctx, locale):
    request = ctx["event"].request
    if request is None:
        return ""
    return f"- {_('Kontaktperson')}: {request.contact.name}, {request.contact.phone}"


def _cancel_reason(ctx, locale):
    note = ctx["event"].cancel_note
    return f"{_('Begrundelse:')}\n{i18n.quoted(note)}" if note else ""


def _decline_reason(ctx, locale):
    request = ctx["request"]
    text = request.decline_reason.label(locale) if request.decline_reason else ""
    if request.decline_note:
        text += "\n" + i18n.quoted(request.decline_note)
    return text


def _closing(ctx, locale):
    if ctx.get("was_accepted"):
        return _("Tak fordi du sagde ja. Vi vender tilbage med nye forespørgsler.")
    return _("Du skal ikke svare på forespørgslen.")


def _who_comes(ctx, locale):
    return "\n".join(
        f"- {a.person.first_name}, {str(label(a.seat_role)).lower()}"
        for a in ctx["event"].assignments
        if a.status.value == "accepted"
    )


def _order(ctx, locale):
    request = ctx["request"]
    participants = str(request.expected_participants)
    if request.grade:
        participants += f" ({grade_label(request.grade)})"
    dates = []
    if request.date_proposals:
        for d in request.date_proposals[0].dates:
            text = i18n.long_date(d.starts_on)
            if d.ends_on != d.starts_on:
                text += "–" + i18n.long_date(d.ends_on)
            dates.append(text)
    return "\n".join(
        [
            f"- {_('Tilbud')}: {request.offer_kind.name(locale)}",
            f"- {_('Organisation')}: {request.organisation.name}",
            f"- {_('Deltagere')}: {participants}",
            f"- {_('Sted')}: {_('Online') if request.online else request.place}",
            f"- {_('Ønskede datoer')}: {', '.join(dates)}",
        ]
    )


def _proposed_dates(ctx, locale):
    lines = []
    for d in ctx["proposal"].dates:
        text = f"- {i18n.long_date(d.starts_on)}"
        if d.ends_on != d.starts_on:
            text += f" – {i18n.long_date(d.ends_on)}"
        lines.append(text)
    return "\n".join(lines)


def _their_words(note):
    """The requester's note on lines of its own, or "(ingen)" after the heading's colon."""
    return "\n" + i18n.quoted(note) if note else "(ingen)"


def _cancelled_now(ctx, locale):
    if not ctx.get("cancelled_now"):
        return ""
    when = i18n.date_and_time(ctx["request"].event.starts_at)
    # Danish only, as the secretariat's shipped template is.
    return (
        f"Det planlagte arrangement {when} er aflyst, og de tilknyttede personer har fået besked."
    )


def _tracking_links(ctx, locale):
    return "\n".join(
        f"- {req.offer_kind.name(locale)}, {req.organisation.name} "
        f"({i18n.long_date(req.submitted_at)}):\n  {url}"
        for req, url in ctx["entries"]
    )


def _link(ctx, locale):
    for key in ("tracking_url", "answer_url", "attendance_url", "url"):
        if ctx.get(key):
            return ctx[key]
    return ""


def _secretariat_start(ctx):
    return links.external_url("secretariat.index")


def _event_page(ctx):
    return links.external_url("secretariat.event_detail", event_id=ctx["event"].id)


def _contact_details(ctx, locale):
    config = current_app.config
    return f"{config['SECRETARIAT_EMAIL']} · {config['SECRETARIAT_PHONE']}"


def _placeholders(*items):
    return {p.name: p for p in items}


# Every placeholder any mail offers, by name. A kind picks the ones its context can fill.
PLACEHOLDERS = _placeholders(
    Placeholder(
        "navn", _l("Modtagerens navn (fornavn for resursepersoner og ambassadører)"), _name
    ),
    Placeholder(
        "tilbud", _l("Tilbuddets navn, fx Vidensoplæg"), lambda c, lo: _offer_kind_of(c).name(lo)
    ),
    Placeholder("organisation", _l("Den bestillende organisations navn"), _organisation),
    Placeholder(
        "dato",
        _l("Arrangementets dato, fx 21. november 2026"),
        lambda c, lo: i18n.long_date(c["event"].starts_at),
    ),
    Placeholder(
        "tid",
        _l("Klokkeslættet, arrangementet begynder, fx 14.30"),
        lambda c, lo: i18n.short_time(c["event"].starts_at),
    ),
    Placeholder("sted", _l("Stedet, eller online"), _place),
    Placeholder(
        "tider_og_sted",
        _l("Hvert møde med dato og klokkeslæt, og stedet, som en liste"),
        _when_and_where,
    ),
    Placeholder(
        "arrangement", _l("Tilbuddet og organisationen (eller arrangementets titel)"), _event_line
    ),
    Placeholder("rolle", _l("Rollen, fx dialogambassadør"), _role),
    Placeholder(
        "svarfrist",
        _l("Hvornår forespørgslen udløber"),
        lambda c, lo: i18n.date_and_time(c["assignment"].expires_at),
    ),
    Placeholder(
        "flere_spurgt",
        _l("Når flere er spurgt om pladsen: at den første, der siger ja, får den (ellers intet)"),
        _others_asked,
    ),
    Placeholder(
        "kontaktperson",
        _l("Linjen med bestillerens kontaktperson og telefon (intet uden bestiller)"),
        _contact_line,
    ),
    Placeholder(
        "aflysningsgrund",
        _l("»Begrundelse:« og sekretariatets note om aflysningen (intet uden note)"),
        _cancel_reason,
    ),
    Placeholder(
        "afslagsgrund", _l("Begrundelsen for afslaget og sekretariatets note"), _decline_reason
    ),
    Placeholder(
        "afslutning",
        _l("Tak for et ja, hvis personen havde sagt ja; ellers at personen ikke skal svare"),
        _closing,
    ),
    Placeholder("hvem", _l("De personer, der kommer, med rolle, som en liste"), _who_comes),
    Placeholder(
        "bestillingen",
        _l("Det bestilte: tilbud, organisation, deltagere, sted og ønskede datoer, som en liste"),
        _order,
    ),
    Placeholder("bestiller", _l("Bestillerens navn"), lambda c, lo: c["request"].contact.name),
    Placeholder("nummer", _l("Bestillingens nummer"), lambda c, lo: str(c["request"].id)),
    Placeholder("forslag", _l("De foreslåede datoer, som en liste"), _proposed_dates),
    Placeholder(
        "besked",
        _l("Bestillerens besked, eller (ingen)"),
        lambda c, lo: _their_words(c["proposal"].note),
    ),
    Placeholder(
        "tilbagetrækningsgrund",
        _l("Bestillerens begrundelse, eller (ingen)"),
        lambda c, lo: _their_words(c["request"].withdraw_note),
    ),
    Placeholder(
        "aflyst",
        _l("At det planlagte arrangement er aflyst, hvis det var planlagt (ellers intet)"),
        _cancelled_now,
    ),
    Placeholder("person", _l("Personens fulde navn"), lambda c, lo: c["person"].full_name),
    Placeholder("timer", _l("Hvor mange timer linket virker"), lambda c, lo: str(c["hours"])),
    Placeholder("links", _l("Hver bestilling med sit link, som en liste"), _tracking_links),
    Placeholder("kontakt", _l("Sekretariatets e-mail og telefon"), _contact_details),
    Placeholder("link", _l("Linket, mailen bringer (se ovenfor)"), _link),
    Placeholder(
        "telefon", _l("Det telefonnummer, vi ringer på"), lambda c, lo: c["request"].contact.phone
    ),
    Placeholder(
        "ring_senest",
        _l("Den sidste dag, vi ringer, fx 8. december 2026"),
        lambda c, lo: i18n.long_date(c["callback_due"]),
    ),
    Placeholder(
        "tidspunkt",
        _l("Hvornår på dagen, fx formiddag, kl. 9-12"),
        lambda c, lo: str(label(c["request"].callback_time)).lower(),
    ),
)


# --- the mails ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailKind:
    """One mail the portal sends."""

    kind: str
    title: object  # lazy: the mail's name in the admin's list
    sent_when: object  # lazy: when the portal sends it, and to whom
    placeholders: tuple  # names, in the order the editor lists them
    required: tuple = ("link",)
    link_help: object = None  # lazy: what {link} opens, for this mail
    languages: tuple = LANGUAGES
    default: object = None  # () -> (subject, body) in the current locale, with placeholders
    # context -> the link, for a mail whose shipped template builds it itself (else the
    # context's tracking_url, answer_url, attendance_url or url)
    link_value: object = None
    sample: object = None  # () -> (context, what it is) from the newest matching case, or None

    def placeholder_list(self):
        return [PLACEHOLDERS[name] for name in self.placeholders]


def _lines(*lines):
    return "\n".join(lines)


def _signature():
    return _lines(_("Med venlig hilsen"), _("VINK, Københavns Kommune"), "{kontakt}")


def _short_signature():
    return _lines(_("Med venlig hilsen"), _("VINK, Københavns Kommune"))


SUBJECT_ORG = {"offer": "{tilbud}", "org": "{organisation}"}
SUBJECT_WHEN = {"offer": "{tilbud}", "when": "{dato} {tid}"}


def _request_receipt():
    return _("Kvittering: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Tak for jeres bestilling hos VINK. Vi har modtaget den, og sekretariatet vender "
            "tilbage, typisk inden for en uge."
        ),
        "",
        _("Følg bestillingen her:"),
        "{link}",
        "",
        _(
            "Linket er personligt. Del det kun med dem, der skal kunne se og ændre bestillingen. "
            "På siden kan I se status, bede om en anden dato eller trække bestillingen tilbage."
        ),
        "",
        _("Det har I bestilt"),
        "{bestillingen}",
        "",
        _signature(),
    )


def _concern_receipt():
    return _("Kvittering: %(offer)s", offer="{tilbud}"), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Tak fordi du henvendte dig til VINK. Vi ringer dig op på %(phone)s senest "
            "%(day)s, %(when)s.",
            phone="{telefon}",
            day="{ring_senest}",
            when="{tidspunkt}",
        ),
        "",
        _("Du kan se din henvendelse og trække den tilbage her:"),
        "{link}",
        "",
        _("Linket er personligt. Del det ikke."),
        "",
        _("Hvis du mener, at nogen er i akut fare, så ring 112."),
        "",
        _signature(),
    )


def _requester_declined():
    return _("Svar på jeres bestilling: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Sekretariatet kan desværre ikke imødekomme bestillingen."),
        _("Begrundelse:") + " {afslagsgrund}",
        "",
        _("Se bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def _requester_event(subject, intro, follow):
    def default():
        return _(subject, **SUBJECT_ORG), _lines(
            _("Kære %(name)s", name="{navn}"),
            "",
            _(intro),
            "{tider_og_sted}",
            "",
            _(follow),
            "{link}",
            "",
            _signature(),
        )

    return default


def _requester_staffed():
    return _("Det er aftalt, hvem der kommer: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Nu er det aftalt, hvem der kommer:"),
        "{hvem}",
        "{tider_og_sted}",
        "",
        _("Følg bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def _requester_cancelled():
    return _("Aflyst: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Vi har desværre måttet aflyse arrangementet %(when)s.", when="{dato} {tid}"),
        "{aflysningsgrund}",
        "",
        _("Sekretariatet kontakter jer om en ny dato. Følg bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def _requester_reminder():
    return _("Påmindelse: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Om to dage kommer VINK til jer:"),
        "{tider_og_sted}",
        "",
        _("Se, hvem der kommer:"),
        "{link}",
        "",
        _signature(),
    )


def _assignee_offer():
    return _("Svar ønskes: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Vil du være %(role)s ved dette arrangement?", role="{rolle}"),
        "- {arrangement}",
        "{tider_og_sted}",
        "",
        "{flere_spurgt}",
        "",
        _(
            "Åbn linket, og tryk »%(yes)s« eller »%(no)s« (linket virker, til forespørgslen "
            "udløber %(when)s):",
            yes=_("Ja, jeg kommer"),
            no=_("Nej, jeg kan ikke"),
            when="{svarfrist}",
        ),
        "{link}",
        "",
        _signature(),
    )


def _assignee_offer_reminder():
    return _("Svar ønskes: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Vi mangler dit svar på forespørgslen om at være %(role)s ved dette arrangement:",
            role="{rolle}",
        ),
        "- {arrangement}",
        "{tider_og_sted}",
        "",
        _(
            "Åbn linket, og tryk »%(yes)s« eller »%(no)s«, senest %(when)s:",
            yes=_("Ja, jeg kommer"),
            no=_("Nej, jeg kan ikke"),
            when="{svarfrist}",
        ),
        "{link}",
        "",
        _signature(),
    )


def _assignee_short(subject, text):
    def default():
        return _(subject, **SUBJECT_WHEN), _lines(
            _("Hej %(name)s", name="{navn}"), "", _(text), "", _signature()
        )

    return default


def _assignee_cancelled():
    return _("Aflyst: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Arrangementet %(when)s, %(place)s, er aflyst. Du skal ikke komme.",
            when="{dato} {tid}",
            place="{sted}",
        ),
        "",
        "{aflysningsgrund}",
        "",
        "{afslutning}",
        "",
        _short_signature(),
    )


def _assignee_rescheduled():
    return _("Ændret tidspunkt eller sted: %(offer)s", offer="{tilbud}"), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Arrangementet, du er tilknyttet, er ændret. Det gælder nu:"),
        "{tider_og_sted}",
        "",
        _("Kan du ikke længere, så skriv til sekretariatet hurtigst muligt."),
        "",
        _signature(),
    )


def _assignee_event_reminder():
    return _("Påmindelse: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Om to dage er du med her:"),
        "- {arrangement}",
        "{tider_og_sted}",
        "{kontaktperson}",
        "",
        _("Kan du ikke alligevel, så skriv til sekretariatet hurtigst muligt."),
        "",
        _signature(),
    )


def _attendance_reminder():
    return _("Hvor mange deltog? %(offer)s %(when)s", offer="{tilbud}", when="{dato}"), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Tak for din indsats. Skriv, hvor mange der deltog, så tæller arrangementet med i "
            "VINKs opgørelse. Det tager et minut, og du skal ikke logge ind:"
        ),
        "{link}",
        "",
        _signature(),
    )


def _user_invitation():
    return _("Du er inviteret til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "Du er oprettet som bruger af VINKs bookingportal (%(role)s). Vælg din adgangskode "
            "her:",
            role="{rolle}",
        ),
        "",
        "{link}",
        "",
        _(
            "Linket virker én gang og i %(hours)s timer. Er det udløbet, kan en administrator "
            "sende et nyt.",
            hours="{timer}",
        ),
        _("Har du ikke ventet denne mail, kan du se bort fra den."),
        "",
        _signature(),
    )


def _user_password_link():
    return _("Vælg en ny adgangskode til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _("En administrator har sendt dig et link til at vælge en ny adgangskode:"),
        "",
        "{link}",
        "",
        _(
            "Linket virker én gang og i %(hours)s timer. Din gamle adgangskode virker, indtil "
            "du har valgt en ny.",
            hours="{timer}",
        ),
        "",
        _signature(),
    )


def _tracking_links_text():
    return _("Links til jeres bestillinger hos VINK"), _lines(
        _("Goddag"),
        "",
        _(
            "Nogen har bedt om at få linkene til bestillinger lavet med denne e-mailadresse. "
            "Her er de:"
        ),
        "",
        "{links}",
        "",
        _("Har I ikke bedt om det, kan I se bort fra denne e-mail."),
        "",
        _short_signature(),
    )


# The secretariat's own mails are written in Danish only, as their shipped templates are: they
# go to the secretariat's shared address, never to a requester or an assignee.
def _secretariat_withdrawn():
    return "Trukket tilbage: {tilbud} for {organisation}", _lines(
        "{bestiller} har trukket bestilling nr. {nummer} tilbage.",
        "",
        "Begrundelse: {tilbagetrækningsgrund}",
        "{aflyst}",
        "",
        "Bestillingen i portalen: {link}",
    )


def _secretariat_dates_proposed():
    return "Nye datoer ønsket: {tilbud} for {organisation}", _lines(
        "{bestiller} beder om en anden dato til bestilling nr. {nummer}.",
        "",
        "Forslag:",
        "{forslag}",
        "",
        "Besked: {besked}",
        "",
        "Bestillingen i portalen: {link}",
    )


def _secretariat_seat_claimed():
    return "Ønsker en plads: {tilbud} {dato} {tid}", _lines(
        "{person} ({rolle}) har bedt om en ledig plads hos {organisation}.",
        "",
        "Godkend eller afvis på arrangementets side: {link}",
    )


# --- the newest real case for a preview (links in it are examples that open nothing) --------


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
    from .requests import callback_due_on  # requests queues mail through this module

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


def _requester_event_case(*conditions):
    def sample():
        event = _newest_event_with_request(*conditions)
        if event is None:
            return None
        ctx = {
            "request": event.request,
            "event": event,
            "tracking_url": _example_link("public.open_tracking_link"),
        }
        return ctx, _event_case(event)

    return sample


def _event_case(event):
    return _(
        "Arrangementet %(when)s: %(what)s",
        when=i18n.date_and_time(event.starts_at),
        what=_event_line({"event": event}, i18n.current_locale()),
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
            "was_accepted": assignment.status.value == "accepted",
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


def _user_case():
    user = _newest(db.select(User), User.created_at.desc(), User.id.desc())
    if user is None:
        return None
    from .accounts import PASSWORD_LINK_HOURS

    ctx = {"user": user, "url": _example_link("auth.choose_password"), "hours": PASSWORD_LINK_HOURS}
    return ctx, _("Brugeren %(name)s", name=user.name)


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
    ctx = {
        "request": request,
        "cancelled_now": request.event is not None
        and request.event.status == EventStatus.CANCELLED,
    }
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


REQUESTER_WHEN = ("navn", "tilbud", "organisation", "dato", "tid", "sted", "tider_og_sted")
ASSIGNEE_WHEN = ("navn", "tilbud", "organisation", "dato", "tid", "sted", "tider_og_sted")
TRACKING_LINK = _l("Bestillerens personlige link til bestillingen")
ANSWER_LINK = _l("Linket, hvor personen svarer ja eller nej med ét tryk")

KINDS = {
    k.kind: k
    for k in [
        MailKind(
            "request_receipt",
            _l("Kvittering for en bestilling"),
            _l("Til bestilleren, straks efter bestillingen er sendt."),
            ("navn", "tilbud", "organisation", "bestillingen", "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_request_receipt,
            sample=_request_case(Request.offer_kind_id.not_in(CONCERN_KINDS)),
        ),
        MailKind(
            "concern_receipt",
            _l("Kvittering for en henvendelse om sparring"),
            _l("Til medarbejderen, straks efter henvendelsen om en bekymring er sendt."),
            ("navn", "tilbud", "telefon", "ring_senest", "tidspunkt", "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_concern_receipt,
            sample=_concern_case,
        ),
        MailKind(
            "requester_request_declined",
            _l("Afslag på en bestilling"),
            _l("Til bestilleren, når sekretariatet afviser bestillingen."),
            ("navn", "tilbud", "organisation", "afslagsgrund", "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_declined,
            sample=_request_case(Request.status == RequestStatus.DECLINED),
        ),
        MailKind(
            "requester_event_scheduled",
            _l("Datoen er fastlagt"),
            _l("Til bestilleren, når sekretariatet har planlagt arrangementet."),
            (*REQUESTER_WHEN, "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_event(
                "Datoen er fastlagt: %(offer)s for %(org)s",
                "Datoen for jeres bestilling er fastlagt:",
                "Vi skriver igen, når det er aftalt, hvem der kommer. Følg bestillingen her:",
            ),
            sample=_requester_event_case(),
        ),
        MailKind(
            "requester_event_staffed",
            _l("Det er aftalt, hvem der kommer"),
            _l("Til bestilleren, når alle pladser ved arrangementet er besat."),
            (*REQUESTER_WHEN, "hvem", "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_staffed,
            sample=_requester_event_case(),
        ),
        MailKind(
            "requester_event_rescheduled",
            _l("Ændret tidspunkt eller sted (til bestilleren)"),
            _l("Til bestilleren, når sekretariatet flytter arrangementet."),
            (*REQUESTER_WHEN, "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_event(
                "Ændret tidspunkt eller sted: %(offer)s for %(org)s",
                "Tidspunktet eller stedet for jeres bestilling er ændret. Det gælder nu:",
                "Følg bestillingen her:",
            ),
            sample=_requester_event_case(),
        ),
        MailKind(
            "requester_event_reminder",
            _l("Påmindelse (til bestilleren)"),
            _l("Til bestilleren, to dage før arrangementet."),
            (*REQUESTER_WHEN, "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_reminder,
            sample=_requester_event_case(Event.status == EventStatus.PLANNED),
        ),
        MailKind(
            "requester_event_cancelled",
            _l("Aflysning (til bestilleren)"),
            _l("Til bestilleren, når sekretariatet aflyser arrangementet."),
            (*REQUESTER_WHEN, "aflysningsgrund", "link", "kontakt"),
            link_help=TRACKING_LINK,
            default=_requester_cancelled,
            sample=_requester_event_case(Event.status == EventStatus.CANCELLED),
        ),
        MailKind(
            "assignee_offer",
            _l("Forespørgsel om en plads"),
            _l("Til en resurseperson eller ambassadør, der bliver spurgt om en plads."),
            (
                *ASSIGNEE_WHEN,
                "arrangement",
                "rolle",
                "svarfrist",
                "flere_spurgt",
                "link",
                "kontakt",
            ),
            link_help=ANSWER_LINK,
            default=_assignee_offer,
            sample=_assignee_case(link=("answer_url", "offers.answer")),
        ),
        MailKind(
            "assignee_offer_reminder",
            _l("Påmindelse om en forespørgsel"),
            _l(
                "Til den spurgte, når der ikke er svaret efter 48 timer, "
                "eller 12 timer før svarfristen, hvis den kommer før."
            ),
            (*ASSIGNEE_WHEN, "arrangement", "rolle", "svarfrist", "link", "kontakt"),
            link_help=ANSWER_LINK,
            default=_assignee_offer_reminder,
            sample=_assignee_case(link=("answer_url", "offers.answer")),
        ),
        MailKind(
            "assignee_offer_taken",
            _l("Pladsen er besat"),
            _l("Til de andre spurgte, når en har sagt ja til pladsen først."),
            ("navn", "tilbud", "dato", "tid", "kontakt"),
            required=(),
            default=_assignee_short(
                "Pladsen er besat: %(offer)s %(when)s",
                "En anden sagde ja først, så du skal ikke svare på forespørgslen. Tak fordi du "
                "var klar.",
            ),
            sample=_assignee_case(),
        ),
        MailKind(
            "assignee_offer_withdrawn",
            _l("Forespørgslen er trukket tilbage"),
            _l("Til den spurgte, når sekretariatet trækker forespørgslen tilbage."),
            ("navn", "tilbud", "dato", "tid", "kontakt"),
            required=(),
            default=_assignee_short(
                "Forespørgslen er trukket tilbage: %(offer)s %(when)s",
                "Sekretariatet har trukket forespørgslen tilbage. Du skal ikke komme.",
            ),
            sample=_assignee_case(),
        ),
        MailKind(
            "assignee_event_rescheduled",
            _l("Ændret tidspunkt eller sted (til de tilknyttede)"),
            _l("Til de spurgte og tilknyttede personer, når arrangementet flyttes."),
            (*ASSIGNEE_WHEN, "kontakt"),
            required=(),
            default=_assignee_rescheduled,
            sample=_assignee_case(),
        ),
        MailKind(
            "assignee_event_reminder",
            _l("Påmindelse (til de tilknyttede)"),
            _l("Til de tilknyttede personer, to dage før arrangementet."),
            (*ASSIGNEE_WHEN, "arrangement", "kontaktperson", "kontakt"),
            required=(),
            default=_assignee_event_reminder,
            sample=_assignee_case(Assignment.status == AssignmentStatus.ACCEPTED),
        ),
        MailKind(
            "assignee_event_cancelled",
            _l("Aflysning (til de tilknyttede)"),
            _l("Til de spurgte og tilknyttede personer, når arrangementet aflyses."),
            (*ASSIGNEE_WHEN, "aflysningsgrund", "afslutning"),
            required=(),
            default=_assignee_cancelled,
            sample=_assignee_case(Event.status == EventStatus.CANCELLED),
        ),
        MailKind(
            "assignee_attendance_reminder",
            _l("Hvor mange deltog?"),
            _l(
                "Til de tilknyttede personer, dagen efter et arrangement uden registreret fremmøde."
            ),
            ("navn", "tilbud", "dato", "link", "kontakt"),
            link_help=_l("Linket til fremmødeformularen (uden login)"),
            default=_attendance_reminder,
            sample=_assignee_case(
                Assignment.status == AssignmentStatus.ACCEPTED,
                link=("attendance_url", "offers.attendance"),
            ),
        ),
        MailKind(
            "user_invitation",
            _l("Invitation til en ny bruger"),
            _l("Til en ny bruger, når en administrator opretter brugeren."),
            ("navn", "rolle", "timer", "link", "kontakt"),
            link_help=_l("Linket, hvor brugeren vælger sin adgangskode"),
            default=_user_invitation,
            sample=_user_case,
        ),
        MailKind(
            "user_password_link",
            _l("Link til ny adgangskode"),
            _l("Til en bruger, når en administrator sender et link til en ny adgangskode."),
            ("navn", "timer", "link", "kontakt"),
            link_help=_l("Linket, hvor brugeren vælger sin adgangskode"),
            default=_user_password_link,
            sample=_user_case,
        ),
        MailKind(
            "tracking_links",
            _l("Glemt link"),
            _l("Til en bestiller, der har bedt om linkene til sine bestillinger igen."),
            ("links",),
            required=("links",),
            default=_tracking_links_text,
            sample=_tracking_links_case,
        ),
        MailKind(
            "secretariat_request_withdrawn",
            _l("Bestilling trukket tilbage (til sekretariatet)"),
            _l("Til sekretariatets fælles adresse, når en bestiller trækker bestillingen tilbage."),
            (
                "bestiller",
                "nummer",
                "tilbud",
                "organisation",
                "tilbagetrækningsgrund",
                "aflyst",
                "link",
            ),
            link_help=_l("Sekretariatets forside i portalen"),
            link_value=_secretariat_start,
            languages=("da",),
            default=_secretariat_withdrawn,
            sample=_withdrawn_case,
        ),
        MailKind(
            "secretariat_dates_proposed",
            _l("Nye datoer ønsket (til sekretariatet)"),
            _l("Til sekretariatets fælles adresse, når en bestiller beder om en anden dato."),
            ("bestiller", "nummer", "tilbud", "organisation", "forslag", "besked", "link"),
            link_help=_l("Sekretariatets forside i portalen"),
            link_value=_secretariat_start,
            languages=("da",),
            default=_secretariat_dates_proposed,
            sample=_dates_proposed_case,
        ),
        MailKind(
            "secretariat_seat_claimed",
            _l("Ønsker en plads (til sekretariatet)"),
            _l(
                "Til sekretariatets fælles adresse, når en person tager en ledig plads, der skal "
                "godkendes."
            ),
            ("person", "rolle", "tilbud", "organisation", "dato", "tid", "link"),
            link_help=_l("Arrangementets side, hvor pladsen godkendes"),
            link_value=_event_page,
            languages=("da",),
            default=_secretariat_seat_claimed,
            sample=_seat_claimed_case,
        ),
    ]
}


def mail_kind(kind, language):
    """The MailKind, or None when there is no such mail in that language."""
    found = KINDS.get(kind)
    return found if found is not None and language in found.languages else None


# --- reading and filling in ---------------------------------------------------------------------


def default_text(kind, language):
    """(subject, body) of the shipped text in placeholder form, in `language`."""
    with force_locale(language):
        return KINDS[kind].default()


def stored_text(kind, language):
    """The admin's EmailTemplate for (kind, language), or None: the shipped text is used."""
    return db.session.scalar(
        db.select(EmailTemplate).where(
            EmailTemplate.kind == kind, EmailTemplate.language == language
        )
    )


def current_text(kind, language):
    """(subject, body) the editor starts from: the admin's text, else the shipped one."""
    row = stored_text(kind, language)
    return (row.subject, row.body) if row is not None else default_text(kind, language)


def placeholders_in(text):
    return PLACEHOLDER.findall(text or "")


def fill(kind, language, subject, body, context):
    """(subject, body) of an admin's text with its placeholders filled from `context` (what the
    shipped template would receive), the same shape `render_templated` returns.

    A line holding only a placeholder that comes out empty goes, and so do extra blank lines:
    "{aflysningsgrund}" without a note leaves no hole in the mail."""
    spec = KINDS[kind]
    offered = set(spec.placeholders)
    values = {}

    def value(name):
        if name not in values:
            if name == "link" and spec.link_value is not None:
                values[name] = spec.link_value(context)
            else:
                values[name] = str(PLACEHOLDERS[name].value(context, language) or "")
        return values[name]

    def substitute(text):
        def one(match):
            name = match.group(1)
            return value(name) if name in offered else match.group(0)

        lines = []
        for line in text.replace("\r\n", "\n").split("\n"):
            alone = PLACEHOLDER.fullmatch(line.strip())
            if alone and alone.group(1) in offered and not value(alone.group(1)):
                continue
            lines.extend(part.rstrip() for part in PLACEHOLDER.sub(one, line).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))

    with force_locale(language):
        filled_subject = " ".join(substitute(subject).split())
        filled_body = substitute(body).strip() + "\n"
    return filled_subject, filled_body


def render_stored(kind, language, context):
    """(subject, body) from the admin's text for (kind, language), or None when there is none."""
    if kind not in KINDS:
        return None
    row = stored_text(kind, language)
    if row is None:
        return None
    return fill(kind, language, row.subject, row.body, context)


# --- checking and saving ------------------------------------------------------------------------


def problems(kind, language, subject, body):
    """Every reason the text cannot be used, as EmailTextErrors (empty: it can)."""
    spec = KINDS[kind]
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
        unknown = [n for n in dict.fromkeys(placeholders_in(text)) if n not in spec.placeholders]
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
    if body.strip():
        used = set(placeholders_in(body))
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


def _snapshot(row):
    return {"kind": row.kind, "language": row.language, "subject": row.subject, "body": row.body}


def save_email_text(kind, language, *, by, subject, body):
    """Store the admin's text for (kind, language), to be used for every such mail from now on.

    Returns "saved", "unchanged" (the stored text is the same) or "shipped" (the text is the
    shipped one: any stored text is removed, so the shipped template serves again).
    Raises EmailTextRefused, storing nothing, when `problems` finds any.
    Side effects: the email_templates row; audit "email_text.saved" (or "email_text.reset")
    with the text before and after.
    """
    subject = (subject or "").strip()
    body = (body or "").replace("\r\n", "\n").strip() + "\n"
    found = problems(kind, language, subject, body)
    if found:
        raise EmailTextRefused(found)
    row = stored_text(kind, language)
    shipped_subject, shipped_body = default_text(kind, language)
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
    row = stored_text(kind, language)
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


# --- the admin's screens ------------------------------------------------------------------------


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
        for spec in KINDS.values()
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
    sample = KINDS[kind].sample()  # the case is described in the page's language
    if sample is None:
        return None
    context, case = sample
    filled_subject, filled_body = fill(kind, language, subject.strip(), body, context)
    return Preview(filled_subject, filled_body, case)


def sample_context(kind, language):
    """The context the newest matching case gives (for tests and the preview), or None."""
    sample = KINDS[kind].sample()
    return sample[0] if sample else None
