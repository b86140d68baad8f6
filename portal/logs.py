"""Structured logs: one JSON line per request, and every line of the portal's own loggers as JSON
with the request id, so what happened to one request can be found across workers and hosts.

Nothing secret is written: paths are redacted (portal.security.redact_path), no form values,
no cookies, no passwords. LOG_JSON (default on outside development) sends the lines to stderr,
where systemd's journal or the container runtime keeps them.
"""

import json
import logging
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import g, has_request_context, request

from .security import RedactSecrets, redact_path, request_id

access_logger = logging.getLogger("portal.access")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact_path(record.getMessage()),
        }
        line.update(getattr(record, "fields", {}))
        if has_request_context():
            line.setdefault("request_id", request_id())
        if record.exc_info:
            line["error"] = redact_path(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def init_app(app):
    access_logger.setLevel(logging.INFO)
    if app.config["LOG_JSON"]:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RedactSecrets())
        portal_logger = logging.getLogger("portal")
        portal_logger.handlers[:] = [handler]
        portal_logger.setLevel(logging.INFO)

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("started")
        # Only a user this request already loaded: logging must not cost a query. The commit at
        # the edge has expired the user by now, so read the id from the identity map: touching
        # user.id or user.is_authenticated (the `active` column) would load the row again.
        state = sa.inspect(g.get("_login_user"), raiseerr=False)
        user_id = state.identity[0] if state is not None and state.identity else None
        access_logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id(),
                    "method": request.method,
                    "path": redact_path(request.path),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                    if started
                    else None,
                    "user_id": user_id,
                }
            },
        )
        return response
