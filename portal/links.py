"""Signed links that open exactly one thing, and absolute URLs for emails.

A link carries (what, id, secret token) signed with SECRET_KEY; the thing it opens is loaded by
id and its stored token compared in constant time, so a leaked signature without the row's
token, or a token for another row, opens nothing. Whether a link has expired is decided by the
caller from the data (e.g. 90 days after the event), so a link can outlive a reschedule.
"""

import hmac
import secrets
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from . import clock


class LinkError(Exception):
    """The link is not valid (tampered, for something else, or unknown)."""


def _serializer(purpose):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"vink-link-{purpose}")


def new_token():
    """A random secret for a row (256 bits)."""
    return secrets.token_urlsafe(32)


def sign(purpose, object_id, token):
    return _serializer(purpose).dumps([object_id, token])


def unsign(purpose, signed):
    """(object_id, token) from a signed value, or LinkError."""
    try:
        object_id, token = _serializer(purpose).loads(signed)
    except (BadSignature, ValueError, TypeError):
        raise LinkError(purpose) from None
    if not isinstance(object_id, int) or not isinstance(token, str):
        raise LinkError(purpose)
    return object_id, token


def tokens_match(expected, given):
    return hmac.compare_digest(expected.encode(), given.encode())


def sign_timed(purpose, value):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"vink-{purpose}").dumps(
        value
    )


def unsign_timed(purpose, signed, max_age):
    """The value, if signed for `purpose` no longer than `max_age` seconds ago; else LinkError."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"vink-{purpose}")
    try:
        return serializer.loads(signed, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        raise LinkError(purpose) from None


def signed_age(purpose, signed):
    """Seconds since `signed` was made for `purpose`, or None if it is not genuine."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"vink-{purpose}")
    try:
        _value, timestamp = serializer.loads(signed, return_timestamp=True)
    except BadSignature:
        return None
    return (clock.now() - timestamp).total_seconds()


def external_url(endpoint, **values):
    """An absolute URL for emails, built from PUBLIC_BASE_URL (no request needed)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


# The purpose a requester's emailed link is signed for.
TRACKING = "tracking"


def tracking_url(request):
    """The requester's private link to their request (signed; it expires with the request)."""
    return external_url(
        "public.open_tracking_link", signed=sign(TRACKING, request.id, request.tracking_token)
    )
