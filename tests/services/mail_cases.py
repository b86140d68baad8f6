"""A database holding a case for every mail, for the tests of mail and of its editor."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models.enums import Role, SeatRole
from portal.services import events, offers
from portal.services import requests as requests_service
from tests.factories import (
    make_ambassador,
    make_concern,
    make_request,
    make_scheduled,
    make_user,
)


def offer_world():
    """A dialogue with a seat offered to an ambassador (the offer mail queued)."""
    event = make_scheduled(request=make_request())
    [assignment] = offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=[make_ambassador(first_name="Yasmin")],
    )
    db.session.commit()
    return assignment


def every_case():
    """A database holding a case for every mail: a receipt, an offered and an accepted seat, a
    declined request, a cancelled event with a note, a withdrawn request with its planned event,
    a seat claimed from the board, a user, a concern."""
    admin = make_user(role=Role.ADMIN, name="Alma Admin")
    offer_world()
    declined = make_request(contact_email="c@example.org")
    requests_service.decline_request(declined, by=admin, reason=None, note="Vi har travlt.")
    cancelled = make_scheduled(request=make_request(contact_email="d@example.org"))
    events.cancel_event(cancelled, by=admin, note="Skolen er lukket.")
    withdrawn = make_request(contact_email="e@example.org")
    make_scheduled(request=withdrawn, starts_at=clock.now() + timedelta(days=20))
    requests_service.withdraw_request(withdrawn, note="Vi fandt en anden dato.")
    make_concern()
    db.session.commit()
