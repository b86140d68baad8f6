"""The second factor for accounts that sign in with a password: a time-based one-time code
(TOTP, RFC 6238) from an authenticator app, and ten one-shot recovery codes for a lost phone.

A code is accepted in the 30-second step it belongs to and one step either side (a phone's clock
a little off), and never twice: the last accepted step is stored, and a step at or before it is
refused, so a code read over a shoulder is worthless once used.

The secret is stored sealed (portal/secret_box.py): a copy of the database holds no secret an app
could be set up from. The user is told by mail whenever the factor is set up, turned off, its
recovery codes renewed or reset by an admin, with no code or secret in the mail."""

import hmac
import re
import secrets

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock, secret_box
from ..extensions import db
from ..models import RecoveryCode, User
from ..models.enums import Role
from ..secret_box import InvalidToken
from . import audit, mail
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


class AlreadyEnrolled(SecondFactorError):
    """The set-up was confirmed by another request first (409)."""


def required(user):
    """Whether `user` may not work without a second factor (REQUIRE_SECOND_FACTOR, on in
    production): admins and the secretariat."""
    return bool(current_app.config["REQUIRE_SECOND_FACTOR"]) and user.role in REQUIRED_FOR


def may_turn_off(user):
    """Whether `user` may turn the second factor off: only where it is not required."""
    return not required(user)


def _seal(secret):
    return secret_box.seal(current_app.config, secret)


class SecretUnreadable(SecondFactorError):
    """The stored secret does not open with the keys this server has (SECOND_FACTOR_KEY or
    SECRET_KEY changed without the old key kept): no code can be checked until an admin
    resets the user's second factor."""


def _secret_of(user):
    try:
        return secret_box.open_sealed(current_app.config, user.totp_secret)
    except InvalidToken:
        raise SecretUnreadable(
            _l(
                "Din kode kan ikke tjekkes lige nu, fordi portalens nøgle er skiftet. Kontakt "
                "en administrator, som kan nulstille din totrinsbekræftelse. Du kan også logge "
                "ind med en gendannelseskode."
            ),
            "code",
        ) from None


def pending_secret(user):
    """The secret waiting for its first code, in clear, or None: reads only (a GET shows it)."""
    if user.has_second_factor or not user.totp_secret:
        return None
    try:
        return _secret_of(user)
    except SecretUnreadable:
        return None  # sealed with a key this server no longer has: "Start" makes a new one


def start_enrolment(user):
    """The secret `user` is setting up (a new one unless one is waiting for its first code):
    a second press of "Start" or a second tab keeps the QR code already scanned. Side effects:
    the secret stored, sealed, not yet in force (totp_enabled_at stays empty)."""
    if user.has_second_factor:
        raise SecondFactorError(_l("Totrinsbekræftelse er allerede sat op."))
    if not user.totp_secret or pending_secret(user) is None:  # none, or sealed with a lost key
        user.totp_secret = _seal(pyotp.random_base32())
        db.session.flush()
    return _secret_of(user)


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


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


def _used_code():
    return SecondFactorError(
        _l(
            "Den kode er allerede brugt. En kode virker kun én gang: vent, til appen viser en "
            "ny (højst 30 sekunder), og skriv den."
        ),
        "code",
    )


def _wrong_code():
    return SecondFactorError(
        _l("Koden passer ikke. Skriv den kode, din app viser nu, eller en gendannelseskode."),
        "code",
    )


def enrol(user, code, *, at=None, locale="da"):
    """Put the secret from start_enrolment in force when `code` is the app's code for it, and
    make RECOVERY_CODE_COUNT recovery codes. Returns the codes, in clear, to show once (only
    their hashes are kept). Side effects: audit "user.second_factor_enrolled"; earlier recovery
    codes deleted; mail "user_second_factor_enrolled" to the user."""
    at = at or clock.now()
    if user.has_second_factor or not user.totp_secret:
        raise SecondFactorError(_l("Start forfra: åbn siden igen og skan den nye QR-kode."))
    step = _accepted_step(_secret_of(user), _normalise(code), None, at)
    if step is None:
        raise SecondFactorError(
            _l("Koden passer ikke. Skriv den sekscifrede kode, appen viser nu."), "code"
        )
    # Two confirmations at once (a double click, two tabs): only the first puts it in force.
    if not _take(
        db.update(User)
        .where(User.id == user.id, User.totp_enabled_at.is_(None))
        .values(totp_enabled_at=at, totp_last_step=step)
    ):
        raise AlreadyEnrolled(
            _l("Totrinsbekræftelsen er allerede sat op, fra en anden fane eller et andet klik.")
        )
    db.session.refresh(user)
    codes = _new_recovery_codes(user)
    audit.record("user.second_factor_enrolled", user, by=user)
    _tell(user, "user_second_factor_enrolled", locale)
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
        if not _take_app_code(user, entry, at):
            raise _wrong_code()
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


def _take_app_code(user, entry, at):
    """Whether `entry` is the app's code now and was not used before; marks its step used.
    Raises SecondFactorError saying so when it is the app's code but was just used (a code
    works once: the next one is a few seconds away)."""
    secret = _secret_of(user)
    step = _accepted_step(secret, entry, user.totp_last_step, at)
    if step is None and _accepted_step(secret, entry, None, at) is not None:
        raise _used_code()
    # Taken in one conditional UPDATE: of two posts of the same code at once, one wins.
    if step is None or not _take(
        db.update(User)
        .where(User.id == user.id)
        .where(db.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    ):
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True


def _app_code_required(user, code, at):
    """Refuse unless `code` is the app's current, unused code (a recovery code will not do:
    these changes are made with the phone in hand)."""
    if not user.has_second_factor or not _take_app_code(user, _normalise(code), at):
        raise SecondFactorError(
            _l("Koden passer ikke. Skriv den sekscifrede kode, appen viser nu."), "code"
        )


def renew_recovery_codes(user, code, *, at=None, locale="da"):
    """New recovery codes for `user`, who gives the app's current code: every earlier one stops
    working. Returns the new codes, in clear, to show once. Side effects: the code's step
    marked used; audit "user.recovery_codes_renewed"; mail "user_recovery_codes_renewed"."""
    at = at or clock.now()
    _app_code_required(user, code, at)
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes_renewed", user, by=user)
    _tell(user, "user_recovery_codes_renewed", locale)
    return codes


def turn_off(user, code, *, at=None, locale="da"):
    """`user` turns the second factor off, giving the app's current code; refused where it is
    required (may_turn_off). Side effects: the secret, last step and recovery codes gone; audit
    "user.second_factor_disabled"; mail "user_second_factor_disabled"."""
    at = at or clock.now()
    if not may_turn_off(user):
        raise SecondFactorError(
            _l(
                "Du kan ikke slå totrinsbekræftelse fra: den er påkrævet for administratorer og "
                "sekretariatet."
            )
        )
    _app_code_required(user, code, at)
    _forget(user)
    audit.record("user.second_factor_disabled", user, by=user)
    _tell(user, "user_second_factor_disabled", locale)


def _forget(user):
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    db.session.flush()


def _tell(user, kind, locale):
    mail.send(kind, to=user.email, locale=locale, user=user)


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


def reset(user, *, by, locale="da"):
    """An admin takes away `user`'s second factor (a lost phone and no recovery code): the
    secret, the last step and every recovery code. Where one is required, the user sets it up
    again at the next login. Side effects: every session of the user's ended; audit
    "user.second_factor_reset"; mail "user_second_factor_reset" to the user."""
    # Every open session ends: whoever the factor may have been lost to is out at once.
    user.session_version += 1
    _forget(user)
    audit.record("user.second_factor_reset", user, by=by)
    _tell(user, "user_second_factor_reset", locale)
