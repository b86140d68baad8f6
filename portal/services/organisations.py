"""Organisations as the secretariat keeps them: listed, found, and two records of one
organisation merged into one, every request kept."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Organisation, Request
from . import audit
from .pages import paginate

# Other records the organisation page offers to merge with, at most.
SIMILAR_SHOWN = 10


class OrganisationError(Exception):
    """The organisations cannot be merged; the message says why, in the user's language."""


def _named(q):
    """Organisations whose name holds `q` (case aside; % and _ are characters, not wildcards)."""
    query = db.select(Organisation)
    if q.strip():
        query = query.where(Organisation.name.icontains(q.strip(), autoescape=True))
    return query


def organisation_page(*, q="", page=1, per_page=25):
    """(a page of organisations by name, {organisation id: its number of requests}). Three
    queries, however many organisations there are."""
    result = paginate(
        _named(q),
        order_by=[Organisation.name_key, Organisation.id],
        page=page,
        per_page=per_page,
    )
    return result, request_counts([o.id for o in result.items])


def request_counts(organisation_ids):
    """{organisation id: number of requests} for the given ids, zeros included. One query."""
    counts = dict.fromkeys(organisation_ids, 0)
    if organisation_ids:
        counts.update(
            db.session.execute(
                db.select(Request.organisation_id, db.func.count(Request.id))
                .where(Request.organisation_id.in_(organisation_ids))
                .group_by(Request.organisation_id)
            ).all()
        )
    return counts


def similar_organisations(organisation, *, q=""):
    """Other records that may be the same organisation: those whose name holds `q`, or without
    `q` the first word of this one's name. At most SIMILAR_SHOWN, by name."""
    words = organisation.name.split()
    wanted = q.strip() or (words[0] if words else "")
    return db.session.scalars(
        _named(wanted)
        .where(Organisation.id != organisation.id)
        .order_by(Organisation.name_key, Organisation.id)
        .limit(SIMILAR_SHOWN)
    ).all()


def merge_organisations(duplicate, *, into, by):
    """`duplicate` is another record of `into`: every request of `duplicate` moves to `into`,
    which keeps its own name, kind and district (and its local SSP committee, or takes the
    duplicate's when it has none), and `duplicate` is deleted.

    Refused: an organisation merged with itself. Side effects: audit "organisation.merged" on
    `into`, with what the duplicate was and how many requests moved.
    """
    if duplicate.id == into.id:
        raise OrganisationError(_l("En organisation kan ikke slås sammen med sig selv."))
    before = audit.snapshot(duplicate, ["id", "name", "kind", "district_id"])
    if duplicate.ssp_committee is not None:
        before["ssp_committee"] = duplicate.ssp_committee.name_da
    if into.ssp_committee_id is None and duplicate.ssp_committee_id is not None:
        into.ssp_committee_id = duplicate.ssp_committee_id
    moved = db.session.execute(
        db.update(Request)
        .where(Request.organisation_id == duplicate.id)
        .values(organisation_id=into.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.delete(duplicate)
    db.session.flush()
    audit.record(
        "organisation.merged",
        into,
        by=by,
        before={"merged": before},
        after={"requests_moved": moved},
    )
    return moved
