"""The resource panel and the dialogue ambassadors, kept by the admin: who they are, their roles,
topics and languages, whether they count as experienced, and their load."""

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import Assignment, Event, Person, Request
from ..models.enums import AssignmentStatus, EventStatus, SeatRole
from . import assignments, audit
from .errors import FieldError
from .mail.kinds import LANGUAGES as MAIL_LANGUAGES
from .pages import paginate
from .suggestions import term_start

PERSONS_PER_PAGE = 50
FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_resource_person",
    "is_ambassador",
    "languages",
    "mail_locale",
    "bio",
    "experienced_override",
]
# The languages the portal writes a person's mails in: those it has mail texts in.
MAIL_LOCALES = MAIL_LANGUAGES
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class PersonError(FieldError):
    """The change cannot be made (see FieldError)."""


def _checked(values, person=None):
    values = dict(values)
    for name in ("first_name", "last_name", "phone"):
        values[name] = " ".join((values.get(name) or "").split())
    values["bio"] = (values.get("bio") or "").strip()
    try:
        values["email"] = validate_email(
            values.get("email") or "", check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as error:
        raise PersonError(
            _l("Ugyldig e-mailadresse: %(error)s", error=str(error)), "email"
        ) from None
    taken = db.session.scalar(
        db.select(Person.id).where(
            Person.email == values["email"], Person.id != (person.id if person else -1)
        )
    )
    if taken is not None:
        raise PersonError(
            _l("En anden person i panelet har e-mailadressen %(email)s.", email=values["email"]),
            "email",
        )
    if not (values.get("is_resource_person") or values.get("is_ambassador")):
        raise PersonError(
            _l("Vælg mindst én rolle: resurseperson eller dialogambassadør."), "is_ambassador"
        )
    codes = (values.get("languages") or "").lower().replace(",", " ").split()
    if not codes or not all(LANGUAGE_CODE.match(code) for code in codes):
        raise PersonError(
            _l("Skriv sprogene som koder adskilt af mellemrum, fx da en ar."), "languages"
        )
    values["languages"] = " ".join(dict.fromkeys(codes))  # in order, each once
    values["mail_locale"] = values.get("mail_locale") or "da"
    if values["mail_locale"] not in MAIL_LOCALES:
        raise PersonError(_l("Vælg dansk eller engelsk til mails."), "mail_locale")
    return values


def create_person(*, by, topics=(), **values):
    """A new person in the panel. Side effects: audit "person.created" with the values."""
    values = _checked(values)
    person = Person(**{name: values.get(name) for name in FIELDS})
    person.topics = list(topics)
    db.session.add(person)
    db.session.flush()
    audit.record("person.created", person, by=by, after=_snapshot(person))
    return person


def update_person(person, *, by, topics=(), **values):
    """Change who the person is, their roles, topics, languages and experience. Side effects:
    audit "person.changed" with before and after, only if anything changed."""
    values = _checked(values, person)
    before = _snapshot(person)
    for name in FIELDS:
        setattr(person, name, values.get(name))
    person.topics = list(topics)
    db.session.flush()
    after = _snapshot(person)
    if after != before:
        audit.record("person.changed", person, by=by, before=before, after=after)
    return after != before


def set_person_active(person, active, *, by):
    """A deactivated person is never suggested or asked again; what they have said yes to
    stays, for the secretariat to decide on. Deactivation is total: every key the person holds
    dies at once (calendar feed, answer and attendance links); reactivated, they get new ones,
    never the old (assignments.revoke_links, issue_links). The one way a person's active state
    changes, from the panel's page or with their user's. Side effects: audit
    "person.deactivated" or "person.reactivated"."""
    if person.active == active:
        return
    person.active = active
    if active:
        assignments.issue_links(person)
    else:
        assignments.revoke_links(person)
    db.session.flush()
    audit.record(
        "person.reactivated" if active else "person.deactivated",
        person,
        by=by,
        before={"active": not active},
        after={"active": active},
    )


def _snapshot(person):
    values = audit.snapshot(person, FIELDS)
    values["topics"] = sorted(t.id for t in person.topics)
    return values


def persons_page(*, page, text=""):
    """One page of the panel, by name, optionally only those whose name or email holds `text`."""
    select = db.select(Person)
    if text:
        select = select.where(
            db.or_(
                (Person.first_name + " " + Person.last_name).icontains(text, autoescape=True),
                Person.email.icontains(text, autoescape=True),
            )
        )
    return paginate(
        select,
        order_by=[Person.active.desc(), Person.first_name, Person.last_name, Person.id],
        page=page,
        per_page=PERSONS_PER_PAGE,
    )


@dataclass
class Load:
    this_term: int  # accepted seats on events not cancelled, from the term's start
    this_year: int  # the same from 1 January
    dialogues_held: int
    experienced: bool
    experienced_by_hand: bool
    upcoming: list  # the next few accepted events (at most UPCOMING)


UPCOMING = 5


def load_of(person, *, today=None):
    """What the person carries this term and this year (events in them, not beyond), their
    experience and next few events. Two queries."""

    today = today or clock.today()
    first = term_start(today)
    term = clock.local(first.year, first.month, first.day)
    # Terms run August-December and January-July: the next one starts in January or August.
    term_end = (
        clock.local(first.year + 1, 1, 1) if first.month == 8 else clock.local(first.year, 8, 1)
    )
    year, year_end = clock.local(today.year, 1, 1), clock.local(today.year + 1, 1, 1)
    accepted = (
        db.select(db.func.count(Assignment.id))
        .join(Assignment.event)
        .where(
            Assignment.person_id == person.id,
            Assignment.status == AssignmentStatus.ACCEPTED,
            Event.status != EventStatus.CANCELLED,
        )
    )
    this_term, this_year, dialogues_held = db.session.execute(
        db.select(
            accepted.where(Event.starts_at >= term, Event.starts_at < term_end).scalar_subquery(),
            accepted.where(Event.starts_at >= year, Event.starts_at < year_end).scalar_subquery(),
            accepted.where(
                Assignment.seat_role == SeatRole.AMBASSADOR, Event.status == EventStatus.HELD
            ).scalar_subquery(),
        )
    ).one()
    upcoming = db.session.scalars(
        db.select(Event)
        .options(
            joinedload(Event.offer_kind),
            joinedload(Event.request).joinedload(Request.organisation),
        )
        .join(Assignment, Assignment.event_id == Event.id)
        .where(
            Assignment.person_id == person.id,
            Assignment.status == AssignmentStatus.ACCEPTED,
            Event.status == EventStatus.PLANNED,
            Event.starts_at >= clock.now(),
        )
        .order_by(Event.starts_at)
        .limit(UPCOMING)
    ).all()
    threshold = current_app.config["EXPERIENCED_AFTER_DIALOGUES"]
    return Load(
        this_term=this_term,
        this_year=this_year,
        dialogues_held=dialogues_held,
        experienced=person.is_experienced(dialogues_held, threshold),
        experienced_by_hand=person.experienced_override is not None,
        upcoming=upcoming,
    )
