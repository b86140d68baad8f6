"""What can be booked: offer kinds, topics and the local SSP committees a requester names
(reference data the admin edits)."""

from types import MappingProxyType

from ..extensions import db
from ..models import DeclineReason, District, OfferKind, SspCommittee, Topic
from ..models.enums import BookingForm, DeclineReasonScope
from .remembered import remembered


def booking_forms():
    """{code: booking form} of every active offer kind (read-only), remembered under the data
    version: where a link to the booking form with ?tilbud= leads, without reading the kinds."""
    return remembered(
        ("booking forms",),
        lambda: MappingProxyType({kind.code: kind.booking_form for kind in active_offer_kinds()}),
    )


def active_offer_kinds():
    """Every kind on the start page: the booking form's, and counsel about a concern."""
    return db.session.scalars(
        db.select(OfferKind).where(OfferKind.active).order_by(OfferKind.sort_order, OfferKind.id)
    ).all()


def bookable_offer_kinds():
    """The kinds the booking form offers (a concern has a form of its own)."""
    return bookable(active_offer_kinds())


def bookable(kinds):
    """Those of `kinds` the booking form offers."""
    return [kind for kind in kinds if kind.booking_form != BookingForm.CONCERN]


def all_offer_kinds():
    """Hidden ones too: their requests are still found by them."""
    return db.session.scalars(
        db.select(OfferKind).order_by(OfferKind.active.desc(), OfferKind.sort_order, OfferKind.id)
    ).all()


def active_topics():
    return db.session.scalars(db.select(Topic).where(Topic.active).order_by(Topic.name_da)).all()


def active_ssp_committees():
    """The committees the booking form offers an SSP organisation, in the admin's order."""
    return db.session.scalars(
        db.select(SspCommittee)
        .where(SspCommittee.active)
        .order_by(SspCommittee.sort_order, SspCommittee.id)
    ).all()


def districts():
    return db.session.scalars(
        db.select(District).order_by(District.sort_order, District.name)
    ).all()


def offer_kind_by_code(code):
    return db.session.scalar(db.select(OfferKind).where(OfferKind.code == code, OfferKind.active))


def concern_kind(code=None):
    """The active kind of counsel about a concern with `code`, or the first one."""
    query = db.select(OfferKind).where(
        OfferKind.active, OfferKind.booking_form == BookingForm.CONCERN
    )
    if code:
        query = query.where(OfferKind.code == code)
    return db.session.scalar(query.order_by(OfferKind.sort_order, OfferKind.id).limit(1))


def decline_reasons(scope):
    return db.session.scalars(
        db.select(DeclineReason)
        .where(DeclineReason.scope == scope, DeclineReason.active)
        .order_by(DeclineReason.sort_order)
    ).all()


def assignment_decline_reasons():
    return decline_reasons(DeclineReasonScope.ASSIGNMENT)


def request_decline_reasons():
    return decline_reasons(DeclineReasonScope.REQUEST)
