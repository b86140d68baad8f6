"""The placeholders a mail's wording may use (`{navn}`, `{dato}`, `{link}` ...), each with what it
becomes in the mail, computed from the context the service sending the mail gives.

A placeholder is `{` + a name without spaces + `}`; braces around anything else stay as typed.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import i18n, links
from ...event_details import cancel_reason
from ...extensions import db
from ...labels import grade_label, label, who_is_asked
from ...models import Topic
from ...models.enums import AssignmentStatus

# A name between braces, without spaces or braces: what the admin may mean as a placeholder.
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,60})\}")


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


def _at_organisation(ctx, locale):
    request = _request_of(ctx)
    return f" hos {request.organisation.name}" if request is not None else ""


def _place(ctx, locale):
    event = ctx["event"]
    return _("online") if event.online else event.place


def _when_and_where(ctx, locale):
    """The sessions and the place, as a list (one line a session, then the place)."""
    event = ctx["event"]
    return _sessions_and_place(event)


def _sessions_and_place(event):
    lines = [
        f"- {i18n.long_date(s.starts_at)} {_('kl.')} "
        f"{i18n.short_time(s.starts_at)}–{i18n.short_time(s.ends_at)}"
        for s in event.sessions
    ]
    lines.append(f"- {_('Sted')}: {_('Online') if event.online else event.place}")
    return "\n".join(lines)


def _planned(ctx, locale):
    """The event as it is now planned, headed, when the context has one (a mail about a
    booking, which may not be planned yet)."""
    event = ctx.get("event")
    if event is None:
        return ""
    heading = _("Arrangementet, som det er planlagt nu:")
    return f"{heading}\n{_sessions_and_place(event)}"


def _meeting_link(ctx, locale):
    """A list item under the times and place, as `_when_and_where` writes them (nothing for a
    booking with no event planned)."""
    url = ctx["event"].meeting_url if ctx.get("event") is not None else ""
    return f"- {_('Mødelink')}: {url}" if url else ""


def _practical_info(ctx, locale):
    text = ctx["event"].practical_info if ctx.get("event") is not None else ""
    return f"{_('Praktisk information')}:\n{i18n.quoted(text)}" if text else ""


def event_line(ctx, locale):
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
    note = cancel_reason(ctx["event"])
    return f"{_('Begrundelse:')}\n{i18n.quoted(note)}" if note else ""


def _decline_reason(ctx, locale):
    request = ctx["request"]
    text = request.decline_reason.label(locale) if request.decline_reason else ""
    if request.decline_note:
        text += "\n" + i18n.quoted(request.decline_note)
    return text


# What a requester's change is called in the mail to the people of the event.
CHANGED_FIELDS = {
    "contact_name": _l("Kontaktperson"),
    "contact_email": _l("E-mail"),
    "contact_phone": _l("Telefon"),
    "expected_participants": _l("Deltagere"),
    "grade": _l("Klassetrin"),
    "audience": _l("Hvem deltagerne er"),
    "place": _l("Sted"),
    "online": _l("Online"),
    "meeting_url": _l("Mødelink"),
    "topic_id": _l("Emne"),
    "accessibility_needs": _l("Behov for tilgængelighed"),
    "practical_info": _l("Praktisk information"),
    "notes": _l("Bestillerens bemærkninger"),
}
# The same change told to the requester: their own notes are theirs, not "the requester's".
CHANGED_FIELDS_TO_REQUESTER = CHANGED_FIELDS | {"notes": _l("Jeres bemærkninger")}
LONG_TEXTS = ("accessibility_needs", "practical_info", "notes")


def _changed_value(name, value, locale):
    if value in (None, ""):
        return "–"
    if name == "grade":
        return str(grade_label(value))
    if name == "audience":
        return str(label(value)).lower()
    if name == "online":
        return _("ja") if value else _("nej")
    if name == "topic_id":
        topic = db.session.get(Topic, value)
        return topic.name(locale) if topic is not None else "–"
    return str(value)


def _changes(ctx, locale):
    """Each change on a line of its own ("- Deltagere: 24 → 27"); a changed text in full. A
    mail that carries the requester's private link goes to the requester (`_booking_link`), and
    names the fields as theirs."""
    fields = CHANGED_FIELDS_TO_REQUESTER if ctx.get("tracking_url") else CHANGED_FIELDS
    lines = []
    for name, before, after in ctx["changes"]:
        heading = f"- {fields[name]}"
        if name in LONG_TEXTS:
            lines.append(f"{heading}:\n{i18n.quoted(after) if after else '  –'}")
        else:
            old, new = _changed_value(name, before, locale), _changed_value(name, after, locale)
            lines.append(f"{heading}: {old} → {new}")
    return "\n".join(lines)


def _closing(ctx, locale):
    if ctx.get("was_accepted"):
        return _("Tak fordi du sagde ja. Vi vender tilbage med nye forespørgsler.")
    return _("Du skal ikke svare på forespørgslen.")


def _who_comes(ctx, locale):
    return "\n".join(
        f"- {a.person.first_name}, {str(label(a.seat_role)).lower()}"
        for a in ctx["event"].assignments
        if a.status == AssignmentStatus.ACCEPTED
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
    lines = [
        f"- {_('Tilbud')}: {request.offer_kind.name(locale)}",
        f"- {_('Organisation')}: {request.organisation.name}",
        f"- {_('Deltagere')}: {participants}",
        f"- {_('Sted')}: {_('Online') if request.online else request.place}",
    ]
    if not request.booked_instantly:  # a time taken is named above, not a wish
        lines.append(f"- {_('Ønskede datoer')}: {', '.join(dates)}")
    return "\n".join(lines)


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
    starts_at = ctx["request"].event.starts_at
    return _(
        "Det planlagte arrangement %(when)s er aflyst, og de tilknyttede personer har fået besked.",
        when=f"{i18n.long_date(starts_at)} {_('kl.')} {i18n.short_time(starts_at)}",
    )


def _tracking_links(ctx, locale):
    return "\n".join(
        f"- {req.offer_kind.name(locale)}, {req.organisation.name} "
        f"({i18n.long_date(req.submitted_at)}):\n  {url}"
        for req, url in ctx["entries"]
    )


def _booking_link(ctx, locale):
    """For the requester, a line with the private link to their booking (else nothing)."""
    url = ctx.get("tracking_url")
    return _("Jeres bestilling: %(url)s", url=url) if url else ""


def _link(ctx, locale):
    for key in ("tracking_url", "answer_url", "attendance_url", "evaluation_url", "url"):
        if ctx.get(key):
            return ctx[key]
    return ""


def request_page(ctx):
    return links.external_url("secretariat.request_detail", request_id=ctx["request"].id)


def event_page(ctx):
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
        "hos_organisation",
        _l("»hos« og den bestillende organisations navn, når der er en (ellers intet)"),
        _at_organisation,
    ),
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
        "planlagt",
        _l("Arrangementets tider og sted under en overskrift, når det er planlagt (ellers intet)"),
        _planned,
    ),
    Placeholder(
        "moedelink",
        _l("Linjen med arrangementets mødelink, når der er et (ellers intet)"),
        _meeting_link,
    ),
    Placeholder(
        "praktisk",
        _l("»Praktisk information:« og sekretariatets tekst, når der er en (ellers intet)"),
        _practical_info,
    ),
    Placeholder(
        "arrangement", _l("Tilbuddet og organisationen (eller arrangementets titel)"), event_line
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
        "spurgte",
        _l("Hvem der er spurgt ved en direkte booking, fx »dialogambassadørerne«"),
        lambda c, lo: str(who_is_asked(_offer_kind_of(c))),
    ),
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
    Placeholder(
        "ny_adresse", _l("Den nye, bekræftede e-mailadresse"), lambda c, lo: c["new_email"]
    ),
    Placeholder("person", _l("Personens fulde navn"), lambda c, lo: c["person"].full_name),
    Placeholder(
        "kommunens_login",
        _l("Navnet på kommunens login, fx Københavns Kommune"),
        lambda c, lo: c["provider"],
    ),
    Placeholder("timer", _l("Hvor mange timer linket virker"), lambda c, lo: str(c["hours"])),
    Placeholder(
        "minutter", _l("Hvor mange minutter linket virker"), lambda c, lo: str(c["minutes"])
    ),
    Placeholder("links", _l("Hver bestilling med sit link, som en liste"), _tracking_links),
    Placeholder("kontakt", _l("Sekretariatets e-mail og telefon"), _contact_details),
    Placeholder(
        "aendringer",
        _l("Hvad der er ændret i bestillingen, før og nu, som en liste"),
        _changes,
    ),
    Placeholder("link", _l("Linket, mailen bringer (se ovenfor)"), _link),
    Placeholder(
        "bestillingslink",
        _l("Til bestilleren: linjen med linket til bestillingen (til andre intet)"),
        _booking_link,
    ),
    Placeholder("emne", _l("Emnet, som sekretariatet skrev det"), lambda c, lo: c["subject"]),
    Placeholder("tekst", _l("Teksten, som sekretariatet skrev den"), lambda c, lo: c["body"]),
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
