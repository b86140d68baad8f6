"""Staff and assignee sessions: loading the user, a fresh session at login, idle and absolute
timeouts, a session that must choose a new password first, a login waiting for its second
factor, and a session that must set one up first. Deactivating a user (or bumping
`session_version`) ends their sessions at once."""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from .extensions import db, login_manager
from .models import User
from .services import second_factor, sign_in_rules


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log ind for at se siden.")
    login_manager.login_message_category = "info"
    # We give every login a new session ourselves; Flask-Login's "strong" mode would log
    # people out when their IP changes on a phone between networks.
    login_manager.session_protection = "basic"
    app.before_request(enforce_session_limits)
    app.before_request(enforce_new_password)
    app.before_request(enforce_second_factor)


@login_manager.user_loader
def load_user(session_id):
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session(user):
    """Log `user` in with a brand-new session (no data carried over from before login)."""
    session.clear()
    now = _now()
    login_user(user)
    session["login_at"] = now
    session["seen_at"] = now
    session.permanent = True
    user.last_login_at = datetime.now(UTC)


# A session whose login used a password too easy to guess: every page leads to the page where a
# new one is chosen, until it is (start_session then begins a session without the mark).
CHANGE_REQUIRED_MARK = "new_password_required"
# What such a session may still reach: the page itself, logging out, the language (to read the
# page in English) and static files.
OPEN_WITHOUT_NEW_PASSWORD = {"auth.change_password", "auth.logout", "public.set_language", "static"}


def require_new_password():
    session[CHANGE_REQUIRED_MARK] = True


def new_password_required():
    return current_user.is_authenticated and session.get(CHANGE_REQUIRED_MARK, False)


def enforce_new_password():
    if request.endpoint in OPEN_WITHOUT_NEW_PASSWORD or not new_password_required():
        return None
    # Back to this page afterwards; after a form sent meanwhile (not kept), the start page.
    going_to = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.change_password", next=going_to))


# A login whose password was right, for a user with a second factor: no session yet, only this
# mark (the user, their session version, when, where they were going, whether the password must
# change), until the code is given on auth.second_factor, within PENDING_SECONDS.
PENDING_MARK = "second_factor_pending"
PENDING_SECONDS = 5 * 60


def await_second_factor(user, *, going_to, must_change, id_token=None):
    """After the right password (or the provider's sign-in, whose `id_token` its logout will
    need): a fresh session holding only the pending mark."""
    session.clear()
    session[PENDING_MARK] = {
        "user_id": user.id,
        "version": user.session_version,
        "at": _now(),
        "next": going_to,
        "must_change": bool(must_change),
        "id_token": id_token,
    }


def pending_user_id():
    pending = session.get(PENDING_MARK)
    return pending.get("user_id") if isinstance(pending, dict) else None


def pending_second_factor():
    """(user, mark) of the login waiting for its code, or None: none, older than
    PENDING_SECONDS, or the user since deactivated or logged out everywhere (the mark is then
    dropped)."""
    pending = session.get(PENDING_MARK)
    if not isinstance(pending, dict):
        return None
    user = db.session.get(User, pending.get("user_id"))
    fresh = 0 <= _now() - pending.get("at", 0) <= PENDING_SECONDS
    if (
        not fresh
        or user is None
        or not user.active
        or user.session_version != pending.get("version")
        or not user.has_second_factor
        or (not pending.get("id_token") and sign_in_rules.requires_provider(user))
    ):
        session.pop(PENDING_MARK, None)
        return None
    return user, pending


# A user who must have a second factor (services/second_factor.required) and has none: every
# page leads to the page where it is set up, with the same pages open as for a new password,
# and that page itself, with its start and its code (a new password comes first).
OPEN_WITHOUT_SECOND_FACTOR = OPEN_WITHOUT_NEW_PASSWORD | {
    "auth.enrol_second_factor",
    "auth.start_second_factor",
    "auth.confirm_second_factor",
}


# A session begun at the municipality's identity provider, which vouched for a second factor
# (services/provider_login.second_factor_done): the portal asks for none of its own.
PROVIDER_MARK = "signed_in_at_provider"


# The provider's ID token for the session begun there: the hint its logout asks for. After
# the portal's logout only that hint is left, for the one step out at the provider too.
ID_TOKEN = "provider_id_token"  # noqa: S105 (a session key, not a secret)
LOGOUT_HINT = "provider_logout_hint"


def mark_provider_login(id_token, *, second_factor_done):
    """After start_session, for a sign-in through the identity provider: its ID token (the
    hint its logout needs), and whether it vouched for a second factor."""
    session[ID_TOKEN] = id_token
    if second_factor_done:
        session[PROVIDER_MARK] = True


def provider_logout_hint():
    """The ID token to end the provider's session with, once (None when there is none)."""
    return session.pop(LOGOUT_HINT, None)


def second_factor_missing():
    return (
        current_user.is_authenticated
        and not session.get(PROVIDER_MARK, False)
        and not current_user.has_second_factor
        and second_factor.required(current_user)
    )


def enforce_second_factor():
    if request.endpoint in OPEN_WITHOUT_SECOND_FACTOR or not second_factor_missing():
        return None
    going_to = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.enrol_second_factor", next=going_to))


def end_session(*, offer_provider_logout=False):
    """Log out and empty the session. With `offer_provider_logout`, a session begun at the
    identity provider keeps the hint its logout needs; True when it did."""
    hint = session.get(ID_TOKEN)
    logout_user()
    session.clear()
    if offer_provider_logout and hint:
        session[LOGOUT_HINT] = hint
        return True
    return False


def enforce_session_limits():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = _now()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    if now - seen_at > idle or now - login_at > absolute:
        end_session()
        flash(_l("Du er blevet logget ud, fordi du ikke har været aktiv et stykke tid."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if ID_TOKEN not in session and sign_in_rules.requires_provider(current_user):
        # Begun with a password by someone who must now sign in at the provider (an admin set
        # the rule for their role, or took their break-glass account away): it ends here.
        end_session()
        flash(_l("Du skal nu logge ind med din arbejdskonto via kommunens login."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # Refresh at most once a minute, so not every response rewrites the cookie.
    if now - seen_at > 60:
        session["seen_at"] = now
    return None


def _now():
    return int(datetime.now(UTC).timestamp())
