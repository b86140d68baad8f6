"""Calendar feeds: calendar apps cannot log in, so the secret in the URL is the key."""

from flask import Blueprint, abort

from ..links import external_url
from ..services import assignments, calendar

bp = Blueprint("feeds", __name__, url_prefix="/kalender")


@bp.get("/<token>.ics")
def person_feed(token):
    person = assignments.person_for_feed(token)
    if person is None:
        abort(404)
    body = calendar.person_feed(
        person, url_for_event=lambda e: external_url("assignee.event", event_id=e.id)
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Cache-Control": "private, max-age=300",
        },
    )
