"""What can be booked: offer kinds and topics (reference data the admin edits)."""

from ..extensions import db
from ..models import OfferKind, Topic


def active_offer_kinds():
    return db.session.scalars(
        db.select(OfferKind).where(OfferKind.active).order_by(OfferKind.sort_order, OfferKind.id)
    ).all()


def active_topics():
    return db.session.scalars(db.select(Topic).where(Topic.active).order_by(Topic.name_da)).all()
