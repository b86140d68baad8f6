"""The second factor for accounts that sign in with a password: a time-based one-time code
(TOTP, RFC 6238) from an authenticator app, and ten one-shot recovery codes for a lost phone.

A code is accepted in the 30-second step it belongs to and one step either side (a phone's clock
a little off), and never twice: the last accepted step is stored, and a step at or before it is
refused, so a code read over a shoulder is worthless once used."""

import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from ..models import RecoveryCode, User
from ..models.enums import Role
from . import audit
from .errors import FieldError

ISSUER = "VINK"
RECOVERY_CODE_COUNT = 10
# Accepted one step (30 seconds) early or late.
VALID_WINDOW = 1
# Recovery codes are random (50 bits), not chosen by people: a light hash is enough, and a code
# is checked against each unused one.
_RECOVERY_HASH = "pbkdf2:sha256:20000"
# No 0/o, 1/l/i: read from paper and typed on a phone.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_SIX_DIGITS = re.compile(r"^\d{6}$")
# Roles whose accounts must have a second factor when the configuration requires it.
REQUIRED_FOR = (Role.ADMIN, Role.SECRETARIAT)


class SecondFactorError(FieldError):
    """A code refused (see FieldError): wrong, used already, or outside its window."""


def required(user):
    """Whether `user` may not work without a second factor (REQUIRE_SECOND_FACTOR, on in
    production): admins and the secretariat."""
    return bool(current_app.config["REQUIRE_SECOND_FACTOR"]) and user.role in REQUIRED_FOR


def start_enrolment(user):
    """The secret `user` is setting up (a new one unless one is waiting for its first code):
    the page can be reloaded without a new QR code. Side effects: the secret stored, not yet in
    force (totp_enabled_at stays empty)."""
    if user.has_second_factor:
        raise SecondFactorError(_l("Totrinsbekræftelse er allerede sat op."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri, *, title):
    """The QR code of `uri` as an inline <svg> (no image file, no script: the CSP allows it)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title=title)
    # role="img": read as one picture named by its <title>, not as 1,000 paths.
    return svg.replace("<svg ", '<svg role="img" ', 1)


def secret_in_groups(secret):
    """The secret as typed by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalise(entry):
    return re.sub(r"[\s-]", "", entry or "").lower()


def _accepted_step(secret, code, last_step, at):
    """The time step `code` belongs to within the window, or None (also for a step at or before
    `last_step`: a code works once)."""
    if not _SIX_DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _wrong_code():
    return SecondFactorError(
        _l("Koden passer ikke. Skriv den kode, din app viser nu, eller en gendannelseskode."),
        "code",
    )


def enrol(user, code, *, at=None):
    """Put the secret from start_enrolment in force when `code` is the app's code for it, and
    make RECOVERY_CODE_COUNT recovery codes. Returns the codes, in clear, to show once (only
    their hashes are kept). Side effects: audit "user.second_factor_enrolled"; earlier recovery
    codes deleted."""
    at = at or clock.now()
    if user.has_second_factor or not user.totp_secret:
        raise SecondFactorError(_l("Start forfra: åbn siden igen og skan den nye QR-kode."))
    step = _accepted_step(user.totp_secret, _normalise(code), None, at)
    if step is None:
        raise SecondFactorError(
            _l("Koden passer ikke. Skriv den sekscifrede kode, appen viser nu."), "code"
        )
    user.totp_enabled_at = at
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("user.second_factor_enrolled", user, by=user)
    return codes


def _new_recovery_codes(user):
    user.recovery_codes.clear()
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        user.recovery_codes.append(
            RecoveryCode(code_hash=generate_password_hash(raw, method=_RECOVERY_HASH))
        )
    db.session.flush()
    return codes


def verify(user, entry, *, at=None):
    """Accept `entry` as `user`'s second factor: the app's six-digit code (once, within its
    window) or an unused recovery code (once). Returns "totp" or "recovery_code"; raises
    SecondFactorError otherwise. Side effects: the step or the recovery code marked used;
    audit "user.second_factor_used" or "user.recovery_code_used"."""
    at = at or clock.now()
    if not user.has_second_factor:
        raise _wrong_code()
    entry = _normalise(entry)
    if _SIX_DIGITS.match(entry):
        step = _accepted_step(user.totp_secret, entry, user.totp_last_step, at)
        # Taken in one conditional UPDATE: of two posts of the same code at once, one wins.
        if step is None or not _take(
            db.update(User)
            .where(User.id == user.id)
            .where(db.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
        ):
            raise _wrong_code()
        db.session.refresh(user, ["totp_last_step"])
        audit.record("user.second_factor_used", user, by=user)
        return "totp"
    code = _unused_recovery_code(user, entry)
    if code is None or not _take(
        db.update(RecoveryCode)
        .where(RecoveryCode.id == code.id, RecoveryCode.used_at.is_(None))
        .values(used_at=at)
    ):
        raise _wrong_code()
    db.session.refresh(code, ["used_at"])
    audit.record("user.recovery_code_used", user, by=user)
    return "recovery_code"


def _take(update):
    """Whether the conditional UPDATE changed its one row (else another request took it)."""
    return db.session.execute(update.execution_options(synchronize_session=False)).rowcount == 1


def _unused_recovery_code(user, entry):
    if len(entry) != _RECOVERY_LENGTH:
        return None
    for code in user.recovery_codes:
        if code.used_at is None and check_password_hash(code.code_hash, entry):
            return code
    return None


def recovery_codes_left(user):
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def reset(user, *, by):
    """An admin takes away `user`'s second factor (a lost phone and no recovery code): the
    secret, the last step and every recovery code. Where one is required, the user sets it up
    again at the next login. Side effects: every session of the user's ended; audit
    "user.second_factor_reset"."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    # Every open session ends: whoever the factor may have been lost to is out at once.
    user.session_version += 1
    db.session.flush()
    audit.record("user.second_factor_reset", user, by=by)
