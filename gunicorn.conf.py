"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py app:app`.

Workers, address and timeouts come from the environment with safe defaults; the access log
never writes a signed link's or a calendar feed's secret (/svar/<redacted> ...), and carries
the request id the app returns, so an access-log line and the app's own lines can be joined.
"""

import multiprocessing
import os
from urllib.parse import urlsplit, urlunsplit

from gunicorn.glogging import Logger

from portal.security import RedactSecrets, redact_path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Load the app before forking: workers share the code pages, and a broken configuration stops
# the master at once with its one-line message.
preload_app = True
# Behind the reverse proxy on the same host (see README, "Drift").
# No gunicornctl here: its socket would go under $HOME, read-only under the systemd unit.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# "-": stdout; empty: none (in production the app's own JSON line per request is enough).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '%(h)s - %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)


def _redact_url(value):
    if not isinstance(value, str):
        return value
    if "://" in value:
        parts = urlsplit(value)
        return urlunsplit(parts._replace(path=redact_path(parts.path)))
    return redact_path(value)


class RedactingLogger(Logger):
    """gunicorn's logger, with secrets in paths and Referer headers redacted."""

    REDACTED_ATOMS = ("r", "U", "f", "{referer}i")

    def __init__(self, cfg):
        super().__init__(cfg)
        # gunicorn's own lines ("Error handling request /svar/...") too.
        self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in self.REDACTED_ATOMS:
            if key in atoms:
                atoms[key] = _redact_url(atoms[key])
        return atoms


logger_class = RedactingLogger


def limits_split(workers, config):
    """Whether each of several workers would keep its own rate-limit counts in memory: a limit
    of 10 a minute would then be 10 a minute per worker."""
    return (
        workers > 1
        and config["RATELIMIT_ENABLED"]
        and config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    )


def _app_config():
    return __import__("app").app.config  # loaded before the hooks run (preload_app)


def on_starting(server):
    """Production refuses to start with its rate limits split between workers."""
    config = _app_config()
    if config["ENV_NAME"] != "development" and limits_split(server.cfg.workers, config):
        raise SystemExit(
            f"Rate limits would be kept in memory by each of {server.cfg.workers} workers, "
            f"so a limit of 10 a minute would become {10 * server.cfg.workers}. Set REDIS_URL "
            "(see README, Drift), or WEB_CONCURRENCY=1."
        )


def when_ready(server):
    """In development, several workers with limits in memory are only warned about."""
    if limits_split(server.cfg.workers, _app_config()):
        server.log.warning(
            "Rate limits are kept in memory by each of %s workers: a limit of 10 a minute "
            "becomes %s. Set REDIS_URL.",
            server.cfg.workers,
            10 * server.cfg.workers,
        )


def post_fork(_server, _worker):
    """Each worker opens its own database connections: none is inherited from the master."""
    from portal.extensions import db

    app = __import__("app").app
    with app.app_context():
        db.engine.dispose(close=False)
