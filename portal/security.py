"""Security headers on every response, a request id on every request, and security events
logged with it."""

import hashlib
import hmac
import logging
import re
import uuid

from flask import abort, current_app, g, has_request_context, request

from .normal_form import email_key

logger = logging.getLogger("portal.security")
# An id a proxy in front passes on is kept when it looks like one; else a new one.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Other sites learn nothing of where a visitor came from (a tracking path never leaks).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


# Paths whose segment is a secret (a signed link or a feed token): logged as <redacted>,
# wherever they stand in a line (a request line, a Referer, an exception message).
_SEGMENT = r"[^/?#\s\"'<>]+"
SECRET_PATHS = [
    (re.compile(rf"/b/{_SEGMENT}"), "/b/<redacted>"),
    (re.compile(rf"/svar/fremmoede/{_SEGMENT}"), "/svar/fremmoede/<redacted>"),
    (re.compile(rf"/svar/(?!fremmoede/|<redacted>){_SEGMENT}"), "/svar/<redacted>"),
    (re.compile(rf"/kalender/(?!<redacted>){_SEGMENT}\.ics"), "/kalender/<redacted>.ics"),
    (re.compile(rf"/adgangskode/{_SEGMENT}"), "/adgangskode/<redacted>"),
    (re.compile(rf"/glemt-adgangskode/{_SEGMENT}"), "/glemt-adgangskode/<redacted>"),
    # The identity provider's answer: its code and state in the query, in an access log's line.
    (
        re.compile(r"/log-ind/kommune/svar\?(?!<redacted>)[^\s\"']*"),
        "/log-ind/kommune/svar?<redacted>",
    ),
    (re.compile(rf"/ny-email/(\d+)/{_SEGMENT}"), r"/ny-email/\1/<redacted>"),
    (re.compile(rf"/evaluering/{_SEGMENT}"), "/evaluering/<redacted>"),
    # Not a secret, but a log line of an event's address beside a time says who answered it.
    (re.compile(rf"/[eE]/(?!<redacted>){_SEGMENT}"), "/e/<redacted>"),
]


def redact_path(text):
    """`text` with every secret path segment in it replaced (idempotent)."""
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """On a logger or handler: no log line carries a link's or a feed's secret."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_path(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def request_id():
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    return g.request_id


def account_tag(email):
    """A short keyed hash of what was typed as an account: the same account gives the same tag
    in every line, and the log holds neither the address nor a password typed in its place."""
    key = current_app.config["SECRET_KEY"].encode()
    typed = email_key(email)[:254].encode()
    return hmac.new(key, typed, hashlib.sha256).hexdigest()[:12]


def security_event(name, **details):
    """One log line for a security event: what, the request id, the client address, details.
    Never a password or a token: callers pass only what may be kept."""
    if "path" in details:
        details["path"] = redact_path(details["path"])
    fields = " ".join(f"{key}={value}" for key, value in details.items())
    logger.warning(
        "%s request_id=%s ip=%s %s",
        name,
        request_id(),
        request.remote_addr if has_request_context() else "-",
        fields,
    )


# What no person sends in an address, a query or a header: the C0 controls but tab (NUL among
# them, which PostgreSQL refuses in text) and DEL. A form's fields have them dropped
# (forms/base.py); anywhere else they are refused before anything reads the request.
UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def init_input_gate(app):
    """Registered before every other before-request hook: a path with an unprintable character
    is no page (404), and a query or header with one is a bad request (400)."""

    @app.before_request
    def refuse_unprintable_input():
        if request.endpoint == "static" and not UNPRINTABLE.search(request.path):
            return
        if UNPRINTABLE.search(request.path):
            abort(404)
        for key, value in request.args.items(multi=True):
            if UNPRINTABLE.search(key) or UNPRINTABLE.search(value):
                abort(400)
        for name, value in request.headers.items():
            if UNPRINTABLE.search(name) or UNPRINTABLE.search(value):
                abort(400)


def init_app(app):
    # Flask logs an exception as "Exception on <path> [POST]": the path may hold a secret.
    app.logger.addFilter(RedactSecrets())
    logger.addFilter(RedactSecrets())

    @app.after_request
    def add_security_headers(response):
        response.headers["X-Request-Id"] = request_id()
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # Pages behind a login, and pages with a personal token, must not be cached by proxies;
        # nor calendar files, which hold names and places.
        if response.mimetype in ("text/html", "text/calendar"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
