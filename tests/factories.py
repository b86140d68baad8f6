"""Callable factories: make_<thing>(**overrides) builds a valid row, commits it, and returns it.

They commit because a test's setup must survive a request that rolls back (a 422, a 409)."""

import itertools
from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Event, EventSession, OfferKind, Person, User
from portal.models.enums import EventStatus, Role

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
