"""Requests from schools, NGOs and SSP.

Submission and tracking arrive with the requester issue."""

from ..extensions import db
from ..models import Request
from ..models.enums import RequestStatus


def count_by_status():
    """{status: count} for every request status, zeros included, in one query."""
    rows = db.session.execute(
        db.select(Request.status, db.func.count()).group_by(Request.status)
    ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(dict(rows))
    return counts
