"""Callable factories: make_<thing>(**overrides) builds a valid row, commits it, and returns it.

They commit because a test's setup must survive a request that rolls back (a 422, a 409)."""

import itertools
from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import District, Event, EventSession, OfferKind, OutboxMessage, Person, User
from portal.models.enums import (
    Administration,
    Audience,
    CallbackTime,
    ConcernKind,
    EventStatus,
    OrganisationKind,
    Role,
    SeatRole,
)
from portal.services import events, offers
from portal.services import requests as requests_service

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(role=Role.SECRETARIAT, *, password=PASSWORD, person=None, **overrides):
    n = next(_sequence)
    role = Role(role)
    if role == Role.ASSIGNEE and person is None:
        person = make_person()
    user = User(
        email=overrides.pop("email", f"user{n}@example.org"),
        name=overrides.pop("name", f"Bruger {n}"),
        role=role,
        person=person,
        **overrides,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_person(**overrides):
    n = next(_sequence)
    values = {
        "first_name": "Person",
        "last_name": f"Nummer{n}",
        "email": f"person{n}@example.org",
        "is_resource_person": True,
        "is_ambassador": False,
    } | overrides
    person = Person(**values)
    db.session.add(person)
    db.session.commit()
    return person


def offer_kind(code):
    return db.session.scalar(db.select(OfferKind).where(OfferKind.code == code))


def make_event(*, kind="talk", starts_at=None, minutes=90, **overrides):
    """An event with one session (VINK's own, no request unless given)."""
    starts_at = starts_at or clock.now() + timedelta(days=7)
    ends_at = starts_at + timedelta(minutes=minutes)
    event = Event(
        offer_kind=offer_kind(kind),
        starts_at=starts_at,
        ends_at=ends_at,
        place=overrides.pop("place", "Rådhuspladsen 1"),
        status=overrides.pop("status", EventStatus.PLANNED),
        **overrides,
    )
    event.sessions.append(EventSession(starts_at=starts_at, ends_at=ends_at))
    db.session.add(event)
    db.session.commit()
    return event


# What a person answers to the questions each offer's booking form shows.
OFFER_ANSWERS = {
    "dialogue": {"grade": "8. klasse", "expected_participants": "24"},
    "talk": {"audience": "staff", "expected_participants": "40"},
    "advisory": {"audience": "staff", "expected_participants": "8"},
}


def booking_answers(offer="dialogue", **overrides):
    """What a requester types into the booking form of `offer` (see tests/browser_form.py):
    only the fields that offer's page shows. None leaves a field as the page has it."""
    today = clock.today()
    data = {
        **OFFER_ANSWERS[offer],
        "organisation_name": "Husum Skole",
        "organisation_kind": "school",
        "district": str(district_id("Brønshøj-Husum")),
        "contact_name": "Anne Mortensen",
        "contact_email": "anne@example.org",
        "contact_phone": "33 66 33 66",
        "dates-0-first": (today + timedelta(days=20)).isoformat(),
        "dates-1-first": (today + timedelta(days=30)).isoformat(),
        "dates-1-last": (today + timedelta(days=34)).isoformat(),
        "place": "Husum Skole, Kobbelvænget 65, lokale 12",
        "consent": True,
    }
    data.update(overrides)
    return data


def opened_for_direkte_booking(code="dialogue", *, opens=7, reaches=35):
    """The offer kind `code`, opened for direkte booking from `opens` to `reaches` days ahead
    (committed)."""
    kind = offer_kind(code)
    kind.instant_booking = True
    kind.instant_opens_days, kind.instant_reach_days = opens, reaches
    db.session.commit()
    return kind


def district_id(name):
    return db.session.scalar(db.select(District.id).where(District.name == name))


def request_fields(**overrides):
    """What the booking form gives the requests service for a dialogue from Husum Skole."""
    return {
        "offer_kind": offer_kind("dialogue"),
        "organisation_name": "Husum Skole",
        "organisation_kind": OrganisationKind.SCHOOL,
        "district": db.session.scalar(db.select(District).limit(1)),
        "contact_name": "Anne Mortensen",
        "contact_email": "anne@example.org",
        "contact_phone": "+45 33 66 33 66",
        "topic": None,
        "audience": Audience.STUDENTS,
        "grade": "8. klasse",
        "expected_participants": 24,
        "place": "Husum Skole",
        "online": False,
        "language": "da",
        "accessibility_needs": "",
        "notes": "",
        "locale": "da",
    } | overrides


def make_request(**overrides):
    """A submitted request, through the service (receipt queued, audit written)."""
    today = clock.today()
    wished = [(today + timedelta(days=20), None), (today + timedelta(days=30), None)]
    request = requests_service.submit_request(
        **request_fields(**({"preferred_dates": wished} | overrides))
    )
    db.session.commit()
    return request


def book_a_time(kind, key, **overrides):
    """A direkte booking of the free time `key` of `kind`, through the service (committed)."""
    booked = requests_service.book_a_time(
        time_key=key, **request_fields(offer_kind=kind, **overrides)
    )
    db.session.commit()
    return booked


def make_concern(**overrides):
    """Counsel about a concern asked for, through the service (receipt queued, audit written)."""
    values = {
        "offer_kind": offer_kind("concern"),
        "organisation_name": "Fritidsklubben Nørrebro",
        "administration": Administration.KFF,
        "contact_name": "Mads Holm",
        "contact_email": "mads@example.org",
        "contact_phone": "+45 33 66 33 66",
        "callback_time": CallbackTime.MORNING,
        "concern_kind": ConcernKind.ONLINE,
        "notes": "En dreng i klubben deler videoer fra en ekstrem gruppe.",
        "locale": "da",
    } | overrides
    request = requests_service.submit_concern(**values)
    db.session.commit()
    return request


def make_assignment(event, person=None, *, status=None, seat_number=1, **overrides):
    from portal.models import Assignment
    from portal.models.enums import AssignmentStatus

    need = event.offer_kind.staffing_needs[0]
    assignment = Assignment(
        event=event,
        person=person or make_person(is_ambassador=True),
        seat_role=overrides.pop("seat_role", need.seat_role),
        seat_number=seat_number,
        status=status or AssignmentStatus.ACCEPTED,
        **overrides,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def make_scheduled(kind="dialogue", *, starts_at=None, minutes=90, request=None, by=None):
    """An event scheduled through the service (sessions, audit, emails as in real use)."""

    if starts_at is None:
        # Ten days ahead at 10:00 Copenhagen time: a session that never crosses midnight, so a
        # test that moves it by a day and keeps its hours passes whenever it runs.
        day = clock.today() + timedelta(days=10)
        starts_at = clock.local(day.year, day.month, day.day, 10, 0)
    event = events.schedule_event(
        by=by,
        offer_kind=offer_kind(kind),
        sessions=[(starts_at, starts_at + timedelta(minutes=minutes))],
        place="Husum Skole",
        online=False,
        request=request,
    )
    db.session.commit()
    return event


def make_ambassador(**overrides):
    return make_person(**({"is_ambassador": True, "is_resource_person": False} | overrides))


def row_counts():
    """{table: rows} for every table: to prove a refused request changed nothing."""
    import sqlalchemy as sa

    with db.engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in db.metadata.sorted_tables
        }


def tampered(signed):
    """`signed` with one character of its signature changed. Not the last two: base64's last
    character carries bits the signature ignores, so changing it can leave the link genuine."""
    at = len(signed) - 10
    return signed[:at] + ("A" if signed[at] != "A" else "B") + signed[at + 1 :]


def offer_to(event, *people, seat_number=1):
    """Offer an ambassador's seat of `event` to `people` (committed); the new assignments."""
    offered = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=seat_number, persons=list(people)
    )
    db.session.commit()
    return offered


def accept(assignment):
    """The person says yes to `assignment` (committed)."""
    offers.accept_offer(assignment)
    db.session.commit()


def accepted_on(event, person, seat_number=1):
    """`person` offered an ambassador's seat of `event` and has said yes; the assignment."""
    [assignment] = offer_to(event, person, seat_number=seat_number)
    accept(assignment)
    return assignment


def mails(kind):
    """The outbox messages of one kind, oldest first."""
    return db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def move_to(event, start, *, place="x", online=False, version=None, **details):
    """Reschedule `event` to one hour from `start` through the service (`version`: the one the
    mover saw, by default the event's own; `details`: practical_info and meeting_url, kept when
    not named). Not committed: a refusal can be asserted."""
    return events.reschedule_event(
        event,
        by=None,
        sessions=[(start, start + timedelta(hours=1))],
        place=place,
        online=online,
        expected_version=event.version if version is None else version,
        **details,
    )


def make_staffed_event(*, request=None, **person):
    """A dialogue planned for `request` (a new one by default) whose first seat an ambassador
    has accepted (`person`: her overrides; Yasmin unless named); (event, person)."""
    event = make_scheduled(request=request or make_request())
    ambassador = make_ambassador(**({"first_name": "Yasmin"} | person))
    accepted_on(event, ambassador)
    return event, ambassador


def make_course(first, *, place="Amager Fælledvej 1"):
    """An advisory course of two two-hour sessions a week apart from `first`, scheduled through
    the service (committed)."""
    week = timedelta(days=7)
    event = events.schedule_event(
        by=None,
        offer_kind=offer_kind("advisory"),
        sessions=[
            (first, first + timedelta(hours=2)),
            (first + week, first + week + timedelta(hours=2)),
        ],
        place=place,
        online=False,
    )
    db.session.commit()
    return event


def make_school_holiday(first_day, *, name="Vinterferie 2027", days=5):
    """A school holiday of `days` days from `first_day` (committed)."""
    from portal.models import ClosedPeriod
    from portal.models.enums import ClosedPeriodKind

    holiday = ClosedPeriod(
        name=name,
        kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
        starts_on=first_day,
        ends_on=first_day + timedelta(days=days - 1),
    )
    db.session.add(holiday)
    db.session.commit()
    return holiday


def question_field(form, text):
    """The name of the evaluation question on `form` whose Danish text starts with `text`."""
    from portal.models import EvaluationQuestion

    [name] = [
        f"q{q.id}"
        for q in db.session.scalars(db.select(EvaluationQuestion))
        if q.text_da.startswith(text) and f"q{q.id}" in form.names()
    ]
    return name
