"""Staff and assignee accounts: authentication, creation, deactivation."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User
from ..models.enums import Role
from . import audit

MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing-only")


class AccountError(Exception):
    """A user could not be created or changed; the message says why, in plain words."""


def normalise_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    """The active user with this email and password, or None (same work either way)."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password) else None


def create_user(*, email, name, password, role, person=None, by=None):
    """Create a user. Side effects: audit entry "user.created"."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(_l("Ugyldig e-mailadresse: %(error)s", error=str(error))) from None
    _check_password(password)
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise AccountError(
            _l("Der findes allerede en bruger med e-mailadressen %(email)s.", email=email)
        )
    role = Role(role)
    if role == Role.ASSIGNEE and person is None:
        raise AccountError(
            _l("En resurseperson eller dialogambassadør skal knyttes til en person.")
        )
    user = User(email=email, name=name.strip(), role=role, person=person)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, by=by, after=audit.snapshot(user, ["email", "role"]))
    return user


def deactivate_user(user, *, by):
    """Deactivate and end every session at once. Side effects: audit entry "user.deactivated"."""
    before = audit.snapshot(user, ["active"])
    user.active = False
    user.session_version += 1
    db.session.flush()
    audit.record("user.deactivated", user, by=by, before=before, after={"active": False})


def set_password(user, password, *, by):
    """New password; other sessions of the user end. Side effects: audit "user.password_changed"."""
    _check_password(password)
    user.set_password(password)
    user.session_version += 1
    db.session.flush()
    audit.record("user.password_changed", user, by=by)


def end_all_sessions(user):
    """Every session of `user` ends at its next request (the id in their cookies changes)."""
    user.session_version += 1
    db.session.flush()


def _check_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH))


def list_users():
    return db.session.scalars(db.select(User).order_by(User.role, User.name)).all()
