"""A booking made by direkte booking, as the booking side leaves it: the request planned, its
event at the time the requester took, tentative until every seat has said yes, to be staffed by
`staff_by`. The secretariat's tests build it here, without the booking form."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from tests.factories import make_request, make_scheduled

# OfferKind.instant_deadline_hours as the admin leaves it.
DEADLINE = timedelta(hours=72)


def make_instant_booking(*, starts_at=None, staff_by=None, **request):
    """(request, event): a dialogue (two ambassadors' seats, nobody asked yet) booked directly
    now, starting at `starts_at` (14 days ahead at 10.00 by default), its seats to be filled by
    `staff_by` (72 hours from now by default). `request`: make_request's overrides. Committed."""
    if starts_at is None:
        day = clock.today() + timedelta(days=14)
        starts_at = clock.local(day.year, day.month, day.day, 10, 0)
    booking = make_request(**request)
    event = make_scheduled(request=booking, starts_at=starts_at)
    booking.booked_instantly = True
    event.tentative = True
    event.staff_by = staff_by or clock.now() + DEADLINE
    db.session.commit()
    return booking, event
