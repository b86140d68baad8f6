"""The refusals: one error per area under a common base, and `all_or_nothing`, which makes a
refused change leave the session as it was while the request edge decides what is stored."""

import pytest

from portal.extensions import db
from portal.models import Assignment
from portal.models.enums import SeatRole
from portal.services import errors, offers
from tests.factories import make_ambassador, make_scheduled

AREAS = [errors.SchedulingError, errors.EditConflict, errors.OfferError, errors.AttendanceError]


@pytest.mark.parametrize("error", AREAS)
def test_every_areas_error_is_a_domain_error(error):
    assert issubclass(error, errors.DomainError)


def test_a_refusal_inside_all_or_nothing_leaves_the_session_as_it_was():
    event, person = make_scheduled(), make_ambassador()
    db.session.commit()
    place = event.place

    def refused_change():
        with errors.all_or_nothing():
            event.place = "Et andet sted"
            offers.offer_seat(
                event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
            )
            db.session.flush()
            raise errors.OfferError("nej")

    with pytest.raises(errors.OfferError):
        refused_change()
    assert event.place == place
    assert event.assignments == []
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0
    db.session.commit()
    db.session.refresh(event)
    assert event.place == place


def test_all_or_nothing_as_the_first_write_is_still_undone_by_the_edges_rollback():
    """On SQLite the driver would let the SAVEPOINT open the transaction, and its RELEASE
    commit it: the edge's rollback after a later failure must still undo the block."""
    event = make_scheduled()
    db.session.commit()
    place = event.place
    with errors.all_or_nothing():
        event.place = "Et andet sted"
        db.session.flush()
    db.session.rollback()
    assert event.place == place
