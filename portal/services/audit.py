"""The audit log. Every state change in every service calls `record`."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import clock, i18n
from ..extensions import db
from ..labels import actor_label, label, object_label
from ..models import (
    Assignment,
    AuditEntry,
    DeclineReason,
    Event,
    OfferKind,
    Organisation,
    Person,
    Request,
    Topic,
    User,
)
from ..models.enums import (
    AnswerKind,
    AssignmentStatus,
    Audience,
    BookingForm,
    CancelledBy,
    EvaluationAudience,
    EventStatus,
    FundingSource,
    Metric,
    OrganisationKind,
    RequestStatus,
    Role,
    SeatRole,
)
from .pages import paginate


def snapshot(obj, fields):
    """The JSON-able values of `fields` on `obj`, for an entry's before/after."""
    return {field: jsonable(getattr(obj, field)) for field in fields}


def record(
    action,
    obj=None,
    *,
    by=None,
    actor_label="",
    before=None,
    after=None,
    object_type=None,
    object_id=None,
):
    """Write one audit entry and flush.

    `by` is the acting User, or None with `actor_label` naming who acted ("requester", "system").
    `obj` gives the object's type and id unless `object_type`/`object_id` are passed.
    """
    entry = AuditEntry(
        actor_id=by.id if by is not None else None,
        actor_label=actor_label or (by.email if by is not None else "system"),
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=object_id if object_id is not None else (obj.id if obj is not None else None),
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def history(object_type, object_id):
    """Entries for one object, oldest first."""
    return db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


# A staff page's history (a request's, an event's) shows at most this many entries.
STAFF_HISTORY_SHOWN = 200


def newest_for_staff(condition):
    """([the entries `condition` picks, newest first, at most STAFF_HISTORY_SHOWN], how many
    there are in all). One query: the total rides on each row (count(*) OVER (), taken before
    the LIMIT), and so does each entry's actor, as the database has them now: the signed-in
    user too, whom the session holds from before the page was begun (a page kept under the
    data version names them as that version does)."""
    total = db.func.count().over().label("total")
    rows = db.session.execute(
        db.select(AuditEntry, total)
        .where(condition)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(STAFF_HISTORY_SHOWN)
        .options(joinedload(AuditEntry.actor))
        .execution_options(populate_existing=True)
    ).all()
    return [row[0] for row in rows], rows[0][1] if rows else 0


def jsonable(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


LOG_PAGE_SIZE = 50


@dataclass
class LogFilters:
    """What the admin narrows the log to; None (or "") means any."""

    who: str = ""  # part of the actor's name, email or label ("requester", "system")
    object_type: str = ""
    action: str = ""
    from_day: date | None = None  # Copenhagen days, both included
    to_day: date | None = None

    def conditions(self):
        found = []
        if self.who:
            # The log shows a user's name: the emails of the users so named match too.
            named = sa.select(User.email).where(User.name.icontains(self.who, autoescape=True))
            found.append(
                sa.or_(
                    AuditEntry.actor_label.icontains(self.who, autoescape=True),
                    AuditEntry.actor_label.in_(named),
                )
            )
        if self.object_type:
            found.append(AuditEntry.object_type == self.object_type)
        if self.action:
            found.append(AuditEntry.action == self.action)
        if self.from_day:
            found.append(AuditEntry.at >= _start_of(self.from_day))
        if self.to_day:
            found.append(AuditEntry.at < _start_of(self.to_day + timedelta(days=1)))
        return found


def _start_of(day):
    return datetime.combine(day, time(), tzinfo=clock.COPENHAGEN).astimezone(UTC)


def log_page(filters, *, page):
    """One page of the audit log, newest first, narrowed by `filters`. Two queries."""
    return paginate(
        db.select(AuditEntry).where(*filters.conditions()),
        order_by=[AuditEntry.at.desc(), AuditEntry.id.desc()],
        page=page,
        per_page=LOG_PAGE_SIZE,
    )


def logged_kinds():
    """(object types, actions) that occur in the log, for the filters. One query each, on the
    few distinct values there are (dozens, whatever the log's length)."""
    types = db.session.scalars(
        db.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    actions = db.session.scalars(
        db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).all()
    return types, actions


# --- the log in words -----------------------------------------------------------------------
# An entry stores codes (field names, ids, enum values, UTC ISO times) so that it stays true
# whatever is renamed later; the log shows them in the reader's words and Copenhagen time.

FIELD_LABELS = {
    "cancelled_by": _l("Aflyst af"),
    "provider_only": _l("Skal logge ind via kommunens login"),
    "break_glass": _l("Nødadgang"),
    "status": _l("Status"),
    "note": _l("Bemærkning"),
    "rating": _l("Hvordan det gik (1-5)"),
    "follow_up": _l("Følg op"),
    "handled": _l("Fulgt op"),
    "person_id": _l("Person"),
    "organisation_id": _l("Organisation"),
    "offer_kind_id": _l("Tilbud"),
    "offer_kind": _l("Tilbud"),
    "event_id": _l("Arrangement"),
    "reason_id": _l("Begrundelse"),
    "counselled_on": _l("Samtale holdt"),
    "dates": _l("Datoer"),
    "seat": _l("Plads"),
    "from": _l("Fra"),
    "to": _l("Til"),
    "values": _l("Værdier"),
    "version": _l("Version"),
    "starts_at": _l("Starter"),
    "ends_at": _l("Slutter"),
    "sessions": _l("Møder"),
    "place": _l("Sted"),
    "expected_participants": _l("Deltagere"),
    "max_participants": _l("Højst antal deltagere"),
    "grade": _l("Klassetrin"),
    "audience": _l("Hvem deltagerne er"),
    "topic_id": _l("Emne"),
    "accessibility_needs": _l("Behov for tilgængelighed"),
    "notes": _l("Bestillerens bemærkninger"),
    "contact_name": _l("Kontaktperson"),
    "contact_phone": _l("Telefon"),
    "contact_email": _l("E-mail"),
    "issuer": _l("Identitetsudbyder"),
    "online": _l("Online"),
    "practical_info": _l("Praktisk information"),
    "meeting_url": _l("Mødelink"),
    "tentative": _l("Foreløbig tid"),
    "staff_by": _l("Frist for bemanding"),
    "subject": i18n.MAIL_SUBJECT,
    "recipients": _l("Modtagere"),
    "weekday": _l("Ugedag"),
    "name": _l("Navn"),
    "kind": _l("Type"),
    "starts_on": _l("Fra og med"),
    "ends_on": _l("Til og med"),
    "scope": _l("Gælder for"),
    "label_da": _l("Tekst på dansk"),
    "label_en": _l("Tekst på engelsk"),
    "active": _l("Aktiv"),
    "name_da": _l("Navn på dansk"),
    "name_en": _l("Navn på engelsk"),
    "description_da": _l("Beskrivelse på dansk"),
    "description_en": _l("Beskrivelse på engelsk"),
    "booking_form": _l("Bestillingsformular"),
    "default_duration_minutes": _l("Varighed i minutter"),
    "max_sessions": _l("Højst antal møder"),
    "online_allowed": _l("Kan holdes online"),
    "offer_deadline_hours": _l("Svarfrist i timer"),
    "auto_chain": _l("Send videre til næste forslag"),
    "auto_accept_claims": _l("Godkend ønsker om pladser selv"),
    "instant_booking": _l("Direkte booking"),
    "instant_opens_days": _l("Direkte booking åbner dage frem"),
    "instant_reach_days": _l("Direkte booking rækker dage frem"),
    "instant_deadline_hours": _l("Frist for bemanding i timer"),
    "needs": _l("Pladser"),
    "fee_ore": _l("Takst"),
    "held": _l("Afholdt"),
    "year": _l("År"),
    "ssp_committee": _l("SSP-udvalg"),
    "participants": _l("Deltagere"),
    "offer_kinds": _l("Andre tilbud"),
    "support_course_kind": _l("Type af støtteforløb"),
    "source": _l("Kilde"),
    "email": _l("E-mail"),
    "role": _l("Rolle"),
    "first_name": _l("Fornavn"),
    "last_name": _l("Efternavn"),
    "phone": _l("Telefon"),
    "is_resource_person": _l("Resurseperson"),
    "is_ambassador": _l("Dialogambassadør"),
    "languages": _l("Sprog"),
    "mail_locale": _l("Sprog i mails"),
    "bio": _l("Om personen"),
    "experienced_override": _l("Erfaren"),
    "topics": _l("Emner"),
    "kind_id": _l("Type"),
    "started_on": _l("Startede"),
    "ended_on": _l("Sluttede"),
    "district_id": _l("Bydel"),
    "language": _l("Sprog"),
    "body": _l("Tekst"),
    "merged": _l("Slået sammen"),
    "requests_moved": _l("Henvendelser flyttet"),
    "id": _l("Id"),
    "students": _l("Elever"),
    "staff": _l("Personale"),
    "parents": _l("Forældre"),
    "other": _l("Andre"),
    "scale": _l("Omfang"),  # demo data: how many copies
    "answer_kind": _l("Svartype"),
    "text_da": _l("Spørgsmål på dansk"),
    "text_en": _l("Spørgsmål på engelsk"),
    "required": _l("Skal besvares"),
    "sort_order": _l("Plads i rækkefølgen"),
}
# A field whose word differs by the entry's table.
TABLE_FIELD_LABELS = {("evaluation_questions", "audience"): _l("Hvem svarer")}
# Which enum a stored value belongs to, by the entry's table and the field.
ENUMS = {
    ("requests", "status"): RequestStatus,
    ("events", "status"): EventStatus,
    ("assignments", "status"): AssignmentStatus,
    ("organisations", "kind"): OrganisationKind,
    ("users", "role"): Role,
    ("offer_kinds", "booking_form"): BookingForm,
    ("events", "role"): SeatRole,  # whom "event.messaged" wrote to (or "requester")
    ("requests", "audience"): Audience,
    ("sign_in_rules", "provider_only"): Role,
    ("events", "cancelled_by"): CancelledBy,
    ("budget_lines", "source"): FundingSource,
    ("evaluation_questions", "answer_kind"): AnswerKind,
    ("evaluation_questions", "audience"): EvaluationAudience,
}
# Fields holding the id of a row with a name, and the table it names.
NAMED_IDS = {
    "person_id": "persons",
    "organisation_id": "organisations",
    "offer_kind_id": "offer_kinds",
    "event_id": "events",
    "reason_id": "decline_reasons",
    "topic_id": "topics",
}
# Actions whose "from" and "to" are people (the seat passed on from one to the next).
PERSON_FROM_TO = {"assignment.chained"}
# Tables whose rows the log names: requests by their organisation, assignments by their person.
NAMED_TABLES = (
    "persons",
    "organisations",
    "events",
    "offer_kinds",
    "users",
    "requests",
    "assignments",
    "decline_reasons",
    "topics",
)
METRICS = {metric.value for metric in Metric}
SEAT_ROLES = {role.value for role in SeatRole}
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


@dataclass
class Change:
    """One field of an entry: its label and its value before and after, in words."""

    label: str
    before: str
    after: str


@dataclass
class ReadableEntry:
    entry: AuditEntry
    at: str  # when, in the reader's words and Copenhagen time
    who: str  # the user's name, or the word for the requester or the portal
    subject: str  # "Person: Anna Jensen", or the table's word and the id
    changes: list


def readable(entries):
    """`entries` in the reader's words: each object and id named, each field labelled, each
    value in words and Copenhagen time, before beside after. One query for all the names."""
    names = _names(entries)
    users = _user_names({entry.actor_label for entry in entries})
    return [
        ReadableEntry(
            entry=entry,
            at=_at(entry.at),
            who=users.get(entry.actor_label) or str(actor_label(entry.actor_label)),
            subject=_subject(entry, names),
            changes=_changes(entry, names, {}),
        )
        for entry in entries
    ]


# Entries whose history line lists what changed, field by field.
SHOWS_CHANGES = ("request.changed", "request.email_changed")


def changes_shown(entries, *, field_labels=None):
    """{entry id: [Change]} for the entries of `entries` whose history shows what changed
    (SHOWS_CHANGES), in the reader's words (`field_labels` names a field otherwise, for a reader
    who is not staff). One query for all the names, none without any."""
    shown = [entry for entry in entries if entry.action in SHOWS_CHANGES]
    if not shown:
        return {}
    names = _names(shown)
    return {entry.id: _changes(entry, names, field_labels or {}) for entry in shown}


def _user_names(emails):
    """{email: name} of the users who acted (a user is recorded by her email). One query."""
    emails = {email for email in emails if email and "@" in email}
    if not emails:
        return {}
    rows = db.session.execute(sa.select(User.email, User.name).where(User.email.in_(emails)))
    return {row.email: row.name for row in rows}


def _subject(entry, names):
    word = object_label(entry.object_type)
    if entry.object_id is None:
        return str(word)
    if entry.object_type == "targets":  # the id is the year
        return f"{word} {entry.object_id}"
    name = names.get((entry.object_type, entry.object_id))
    return f"{word}: {name}" if name else f"{word} {entry.object_id}"


def _changes(entry, names, field_labels):
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [Change("", _shown(before, entry, "", names), _shown(after, entry, "", names))]
    keys = list(before) + [key for key in after if key not in before]
    # A field written again with the value it had is no change (a save that kept it).
    keys = [
        key for key in keys if key not in before or key not in after or before[key] != after[key]
    ]
    return [
        Change(
            str(field_labels[key]) if key in field_labels else _field_label(key, entry),
            _shown(before.get(key), entry, key, names) if key in before else "",
            _shown(after.get(key), entry, key, names) if key in after else "",
        )
        for key in keys
    ]


def _named_table(key, entry):
    """The table whose row a field's id names, or None."""
    if key in ("from", "to") and entry.action in PERSON_FROM_TO:
        return "persons"
    return NAMED_IDS.get(key)


def _field_label(key, entry):
    if key in METRICS:
        return str(label(Metric(key)))
    if key in SEAT_ROLES:  # an offer kind's seats: {"ambassador": 2}
        return str(label(SeatRole(key)))
    if (entry.object_type, key) in TABLE_FIELD_LABELS:
        return str(TABLE_FIELD_LABELS[entry.object_type, key])
    return str(FIELD_LABELS.get(key, key))


def _shown(value, entry, key, names):
    """A stored value in words: a name for an id, a label for an enum value, Copenhagen time
    for a UTC ISO time, Ja/Nej, and lists and nested values item by item."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    table = _named_table(key, entry)
    if table and isinstance(value, int):
        return names.get((table, value)) or str(value)
    enum = ENUMS.get((entry.object_type, key))
    if enum and value in enum.__members__.values():
        return str(label(enum(value)))
    if isinstance(value, dict):
        return "; ".join(
            f"{_field_label(k, entry)}: {_shown(v, entry, k, names)}" for k, v in value.items()
        )
    if isinstance(value, list):
        if all(isinstance(v, list) and len(v) == 2 for v in value):  # periods: [start, end]
            return "; ".join(f"{_when(v[0])}–{_when(v[1])}" for v in value)
        return ", ".join(_shown(v, entry, key, names) for v in value)
    if isinstance(value, str):
        return _when(value)
    if key == "fee_ore" and isinstance(value, int):
        return i18n.kroner(value)
    if key in METRICS and isinstance(value, int):  # a target: 2.000 (da), 2,000 (en)
        return i18n.number(value)
    return str(value)


def _at(moment):
    """21. januar 2027 kl. 18.00 (da) / 21 January 2027 at 18:00 (en), Copenhagen time."""
    return _("%(date)s kl. %(time)s", date=i18n.long_date(moment), time=i18n.short_time(moment))


def _when(text):
    """A stored ISO time or date in the reader's words, in Copenhagen time; other text as it is."""
    if not isinstance(text, str):
        return str(text)
    try:
        if ISO_DATETIME.match(text):
            return _at(datetime.fromisoformat(text))
        if ISO_DATE.match(text):
            return i18n.long_date(date.fromisoformat(text))
        if ISO_TIME.match(text):
            return i18n.short_time(time.fromisoformat(text))
    except ValueError:
        pass
    return text


def _names(entries):
    """{(table, id): name} for every object and id field of `entries` the log names."""
    if not entries:
        return {}
    wanted = {table: set() for table in NAMED_TABLES}
    for entry in entries:
        if entry.object_type in wanted and entry.object_id is not None:
            wanted[entry.object_type].add(entry.object_id)
        for values in (entry.before, entry.after):
            for key, value in (values or {}).items() if isinstance(values, dict) else ():
                table = _named_table(key, entry)
                if table and isinstance(value, int) and not isinstance(value, bool):
                    wanted[table].add(value)
    english = i18n.current_locale() == "en"
    person_name = Person.first_name + " " + Person.last_name
    kind_name = sa.func.coalesce(
        sa.func.nullif(OfferKind.name_en if english else OfferKind.name_da, ""), OfferKind.name_da
    )
    # As the event pages name an event: its offer, and whom it is for or its own title.
    event_name = kind_name + sa.func.coalesce(
        sa.literal(": ") + Organisation.name,
        sa.case((Event.title != "", sa.literal(": ") + Event.title), else_=""),
    )

    def part(table, ids_of, name, *joins):
        query = sa.select(sa.literal(table).label("kind"), ids_of.label("id"), name.label("name"))
        for target, on in joins:
            query = query.outerjoin(target, on)
        return query.where(ids_of.in_(wanted[table]))

    rows = db.session.execute(
        sa.union_all(
            part("persons", Person.id, person_name),
            part("organisations", Organisation.id, Organisation.name),
            part(
                "events",
                Event.id,
                event_name,
                (OfferKind, OfferKind.id == Event.offer_kind_id),
                (Request, Request.id == Event.request_id),
                (Organisation, Organisation.id == Request.organisation_id),
            ),
            part("offer_kinds", OfferKind.id, kind_name),
            part("users", User.id, User.email),
            part(
                "requests",
                Request.id,
                Organisation.name,
                (Organisation, Organisation.id == Request.organisation_id),
            ),
            part(
                "assignments",
                Assignment.id,
                person_name,
                (Person, Person.id == Assignment.person_id),
            ),
            part(
                "decline_reasons",
                DeclineReason.id,
                sa.func.coalesce(
                    sa.func.nullif(
                        DeclineReason.label_en if english else DeclineReason.label_da, ""
                    ),
                    DeclineReason.label_da,
                ),
            ),
            part(
                "topics",
                Topic.id,
                sa.func.coalesce(
                    sa.func.nullif(Topic.name_en if english else Topic.name_da, ""), Topic.name_da
                ),
            ),
        )
    ).all()
    return {(row.kind, row.id): row.name for row in rows if row.name}
