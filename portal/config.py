"""Configuration: defaults here, overrides from the environment (see .env.example)."""

import json
import os
import secrets
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from . import secret_box

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _json_mapping(name):
    """A JSON object from the environment variable `name` ({} when unset); SystemExit when it is
    no object of strings, so a typo stops the start instead of switching a check off."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SystemExit(f'{name} skal være et JSON-objekt af tekster, fx {{"gruppe": "admin"}}.')
    return value


def _bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_dir, development):
    """SECRET_KEY from the environment; in development one generated once into instance/ (never
    committed). Production has none unless it is set: several hosts must share one key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not development:
        return ""
    path = Path(instance_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of several workers starting at once, one writes the key and all read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _list(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _host_of(url):
    host = urlsplit(url or "").hostname
    return [host] if host else None


def production_problems(config, debug):
    """Why this configuration must not serve the public: one line each, naming the setting.
    Anything but VINK_ENV=development is checked (a typo must not weaken a live server)."""
    if config["ENV_NAME"] == "development" or config["TESTING"]:
        return []
    problems = []
    if len((config["SECRET_KEY"] or "").encode()) < 32:
        problems.append(
            "SECRET_KEY mangler eller er kortere end 32 bytes (fx `openssl rand -hex 32`)."
        )
    if urlsplit(config["PUBLIC_BASE_URL"] or "").scheme != "https":
        problems.append("PUBLIC_BASE_URL skal være portalens https-adresse, fx https://vink.kk.dk.")
    if debug:
        problems.append("FLASK_DEBUG er slået til: debug må aldrig køre i produktion.")
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("SESSION_COOKIE_SECURE er slået fra: sessioner skal kræve https.")
    if not config["REQUIRE_SECOND_FACTOR"]:
        problems.append(
            "REQUIRE_SECOND_FACTOR er slået fra: administratorer og sekretariatet skal bruge "
            "totrinsbekræftelse i produktion."
        )
    if config["MAIL_BACKEND"] != "smtp":
        problems.append("MAIL_BACKEND skal være smtp i produktion.")
    if config["SECRET_KEY"] and (problem := secret_box.key_problem(config)):
        problems.append(problem)
    return problems


def _database_url(instance_dir):
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_dir) / 'vink.sqlite3'}"
    # Accept the common spellings and use psycopg 3 for PostgreSQL.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_dir=INSTANCE_DIR, overrides=None):
    """Build the config dict. `overrides` (tests, scripts) win over the environment."""
    overrides = dict(overrides or {})
    instance_dir = Path(overrides.pop("INSTANCE_DIR", instance_dir))
    # Production unless told otherwise: a forgotten variable must not weaken a live server.
    env = overrides.get("ENV_NAME") or os.environ.get("VINK_ENV", "production")
    development = env == "development"
    config = {
        "ENV_NAME": env,
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_dir, development),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_dir),
        # hide_parameters: an error logged never carries the values of a statement (tokens,
        # addresses). create_app adds pool_use_lifo where the pool takes it, and pings a
        # connection that has been idle (portal._ping_if_idle), not every one (pool_pre_ping).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # Sessions: HttpOnly, SameSite=Lax, Secure outside development.
        "SESSION_COOKIE_NAME": "vink_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 30))),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", 10))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", 10))),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        # CSRF tokens live as long as the session; a form left open over lunch still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        # i18n
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "LANGUAGES": ("da", "en"),
        # Rate limits (Redis when REDIS_URL is set, so all workers share them).
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Keys in a shared Redis start with this (several portals, or tests, on one Redis).
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "vink"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        # Failed logins per account, from any address: a wait after 10, a longer one after 20.
        # Capped at an hour: anyone can trigger it for a known address, so it must not lock a
        # colleague out for a day.
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get(
            "LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes; 20 per hour"
        ),
        # Admins and the secretariat must set up a second factor (a code from an app) and give
        # it at every login. Off in development, so the demo accounts open with a password.
        "REQUIRE_SECOND_FACTOR": _bool("REQUIRE_SECOND_FACTOR", not development),
        # The key TOTP secrets are sealed with (portal/secret_box.py); empty: one derived from
        # SECRET_KEY. Several, comma-separated, while a key is replaced: the first seals.
        "SECOND_FACTOR_KEY": os.environ.get("SECOND_FACTOR_KEY", ""),
        # Wrong codes per account at the code step (only refusals count).
        "SECOND_FACTOR_RATE_LIMIT": os.environ.get(
            "SECOND_FACTOR_RATE_LIMIT", "5 per 5 minutes; 15 per hour"
        ),
        # Mail: the outbox is delivered by `flask send-mail`; in development also synchronously,
        # and written to instance/mail/ so a newcomer can read what the portal sent.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_TIMEOUT": 10,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "VINK <vink@kk.dk>"),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "file" if development else "smtp"),
        "MAIL_SEND_SYNC": _bool("MAIL_SEND_SYNC", development),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", 6)),
        "MAIL_DIR": str(instance_dir / "mail"),
        # The unit's contact details and the municipality's published accessibility statement.
        "SECRETARIAT_EMAIL": os.environ.get("SECRETARIAT_EMAIL", "vink@kk.dk"),
        "SECRETARIAT_PHONE": os.environ.get("SECRETARIAT_PHONE", "+45 33 66 33 66"),
        # Staff sign-in through the municipality's identity provider (OpenID Connect, e.g.
        # Microsoft Entra ID): on when a discovery URL is set. See the README, "Drift".
        "OIDC_DISCOVERY_URL": os.environ.get("OIDC_DISCOVERY_URL", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_PROVIDER_NAME": os.environ.get("OIDC_PROVIDER_NAME", "Københavns Kommune"),
        # Optional: {"provider group": "role"}. Set, a user signs in only when a group of theirs
        # grants the role the portal gave them: the groups narrow, never widen.
        "OIDC_GROUP_ROLES": _json_mapping("OIDC_GROUP_ROLES"),
        # True only when the provider's policy (Entra ID's Conditional Access) asks every
        # sign-in to the portal for a second factor; else an ID token without amr "mfa" gets
        # the portal's own second factor, as a password login does.
        "OIDC_PROVIDER_ENFORCES_MFA": _bool("OIDC_PROVIDER_ENFORCES_MFA", False),
        "ACCESSIBILITY_STATEMENT_URL": os.environ.get(
            "ACCESSIBILITY_STATEMENT_URL", "https://www.was.digst.dk/kk-dk"
        ),
        # Absolute links in emails, feeds and calendar files; never the request's Host header.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL")
        or ("http://127.0.0.1:5000" if development else ""),
        # Host headers the portal answers (Flask refuses others with 400). Production defaults
        # to the host of PUBLIC_BASE_URL.
        "TRUSTED_HOSTS": _list(os.environ.get("TRUSTED_HOSTS"))
        or (None if development else _host_of(os.environ.get("PUBLIC_BASE_URL"))),
        # Requesters: the tracking link works until this many days after the event; opening it
        # gives a cookie for that one request, valid this long.
        "TRACKING_LINK_DAYS_AFTER_EVENT": int(os.environ.get("TRACKING_LINK_DAYS", 90)),
        "TRACKING_COOKIE_MINUTES": int(os.environ.get("TRACKING_COOKIE_MINUTES", 60)),
        # Spam: a form sent faster than this after it was shown is refused; rate limits per IP.
        "MIN_FILL_SECONDS": int(os.environ.get("MIN_FILL_SECONDS", 3)),
        # Booking and concern forms stored (or refused as spam) per address; a form answered
        # with what to correct does not count, but every send counts against SEND_RATE_LIMIT.
        "SUBMIT_RATE_LIMIT": os.environ.get("SUBMIT_RATE_LIMIT", "20 per hour"),
        "SEND_RATE_LIMIT": os.environ.get("SEND_RATE_LIMIT", "200 per hour"),
        # The participants' evaluation: a class answers at once from one school's address, so
        # the limit counts per address and event and is far above a class; the cap bounds the rest.
        "PARTICIPANT_RATE_LIMIT": os.environ.get(
            "PARTICIPANT_RATE_LIMIT", "60 per 10 minutes; 200 per hour"
        ),
        "LOST_LINK_RATE_LIMIT": os.environ.get("LOST_LINK_RATE_LIMIT", "5 per hour"),
        # "Glemt adgangskode": per address sending and per address asked for.
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour"),
        # Requester contact details are anonymised this long after the event (privacy notice).
        "RETENTION_MONTHS": int(os.environ.get("RETENTION_MONTHS", 24)),
        # Sent mail (addresses and text) is purged this many days after it was written.
        "OUTBOX_KEEP_DAYS": int(os.environ.get("OUTBOX_KEEP_DAYS", 30)),
        "DPO_EMAIL": os.environ.get("DPO_EMAIL", "databeskyttelse@kk.dk"),
        # Behind a reverse proxy: how many proxies to trust for the client address (rate limits).
        "PROXY_FIX_X_FOR": int(os.environ.get("PROXY_FIX_X_FOR", 0)),
        # Scheduling: minutes between two events of one person; dialogues held before an
        # ambassador counts as experienced (paired with a newer one).
        "TRAVEL_BUFFER_MINUTES": int(os.environ.get("TRAVEL_BUFFER_MINUTES", 60)),
        "EXPERIENCED_AFTER_DIALOGUES": int(os.environ.get("EXPERIENCED_AFTER_DIALOGUES", 3)),
        # Direkte booking: the free times lie in this school day (Copenhagen wall clock).
        "INSTANT_DAY_STARTS": time.fromisoformat(os.environ.get("INSTANT_DAY_STARTS", "08:00")),
        "INSTANT_DAY_ENDS": time.fromisoformat(os.environ.get("INSTANT_DAY_ENDS", "15:00")),
        # A request body larger than this is refused with 413 (the booking form is ~5 kB).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_KB", 256)) * 1024,
        # One JSON line per request and per log line, on stderr (off in development: plain).
        "LOG_JSON": _bool("LOG_JSON", not development),
        # /healthz answers 503 when the oldest unsent mail is older than this.
        "HEALTH_MAX_OUTBOX_AGE_MINUTES": int(os.environ.get("HEALTH_MAX_OUTBOX_AGE_MINUTES", 30)),
        "CHECK_DB_ON_START": True,
        "TESTING": False,
    }
    config.update(overrides)
    return config
