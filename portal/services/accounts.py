"""Staff and assignee accounts: authentication, invitations, roles, deactivation, passwords."""

import re
import secrets
import threading
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .. import links
from ..extensions import db
from ..models import Person, User
from ..models.enums import Role
from ..normal_form import email_key
from . import audit, mail, people, second_factor, sign_in_rules
from .errors import FieldError

MIN_PASSWORD_LENGTH = 12
# Everywhere a password is set or checked: a longer one is refused before it is hashed.
MAX_PASSWORD_LENGTH = 128
# An invitation or a new-password link works this long, and once.
PASSWORD_LINK = "choose-password"  # noqa: S105 (what a signed link is for, not a secret)
PASSWORD_LINK_HOURS = 72
PASSWORD_LINK_LIFETIME = timedelta(hours=PASSWORD_LINK_HOURS)
# A link the user asked for ("Glemt adgangskode") works within the hour, and once.
PASSWORD_RESET = "password-reset"  # noqa: S105 (what a signed link is for, not a secret)
PASSWORD_RESET_MINUTES = 60
LINK_LIFETIMES = {
    PASSWORD_LINK: PASSWORD_LINK_LIFETIME,
    PASSWORD_RESET: timedelta(minutes=PASSWORD_RESET_MINUTES),
}
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing-only")


class AccountError(FieldError):
    """A user could not be created or changed (see FieldError)."""


def normalise_email(email):
    return email_key(email)


def authenticate(email, password):
    """The active user with this email and password, or None (same work either way). Raises
    SignsInAtProvider when the password is right but the user must sign in at the identity
    provider (sign_in_rules): a portal password must not get round the provider's groups, its
    MFA or a leaver's closed account."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password):
        return None
    if sign_in_rules.requires_provider(user):
        raise SignsInAtProvider(user)
    return user


class SignsInAtProvider(Exception):
    """The right password of a user who must sign in at the identity provider."""

    def __init__(self, user):
        super().__init__(user.id)
        self.user = user


def _checked_email(email):
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(
            _l("Ugyldig e-mailadresse: %(error)s", error=str(error)), "email"
        ) from None
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise AccountError(
            _l("Der findes allerede en bruger med e-mailadressen %(email)s.", email=email),
            "email",
        )
    return email


def _check_role_and_person(role, person, *, user=None):
    if role == Role.ASSIGNEE and person is None:
        raise AccountError(
            _l("En resurseperson eller dialogambassadør skal knyttes til en person."),
            "person_id",
        )
    if role != Role.ASSIGNEE and person is not None:
        raise AccountError(
            _l("Kun resursepersoner og dialogambassadører knyttes til en person i panelet."),
            "person_id",
        )
    if person is not None:
        holder = db.session.scalar(db.select(User).where(User.person_id == person.id))
        if holder is not None and holder is not user:
            raise AccountError(
                _l(
                    "%(person)s har allerede en bruger: %(email)s.",
                    person=person.full_name,
                    email=holder.email,
                ),
                "person_id",
            )


def create_user(*, email, name, password, role, person=None, by=None):
    """Create a user with a password (the command line). Side effects: audit "user.created"."""
    email = _checked_email(email)
    check_password(password, email=email, name=name)
    role = Role(role)
    _check_role_and_person(role, person)
    user = User(email=email, name=name.strip(), role=role, person=person)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, by=by, after=audit.snapshot(user, ["email", "role"]))
    return user


def _mail_locale(user, locale):
    """The language of a mail to `user`: their person's choice in the panel, else `locale`."""
    return user.person.mail_locale if user.person is not None else locale


def invite_user(*, email, name, role, person=None, by, locale="da"):
    """Create a user who chooses their own password from an emailed link (single use, 72
    hours), in `locale` unless the user is a person in the panel (their mail language).
    Side effects: audit "user.invited"; the invitation in the outbox."""
    email = _checked_email(email)
    role = Role(role)
    _check_role_and_person(role, person)
    user = User(email=email, name=" ".join(name.split()), role=role, person=person)
    # Nobody knows this password: until the link is used, the account cannot be logged into.
    user.set_password(secrets.token_urlsafe(32))
    user.password_set_at = None
    db.session.add(user)
    db.session.flush()
    audit.record("user.invited", user, by=by, after=audit.snapshot(user, ["email", "name", "role"]))
    if sign_in_rules.requires_provider(user):
        # A password would not let them in: the invitation says where they do sign in.
        mail.send(
            "user_invitation_provider",
            to=user.email,
            locale=_mail_locale(user, locale),
            user=user,
            url=links.external_url("auth.login"),
            provider=current_app.config["OIDC_PROVIDER_NAME"],
        )
    else:
        _send_password_link(user, kind="user_invitation", locale=_mail_locale(user, locale))
    return user


def send_password_link(user, *, by, locale="da"):
    """A new link for `user` to choose a password (the one sent before stops working), in
    `locale` unless the user is a person in the panel (their mail language).
    Side effects: audit "user.password_link_sent"; the mail in the outbox."""
    if not user.active:
        raise AccountError(_l("Genaktivér brugeren, før du sender et nyt link."))
    if sign_in_rules.requires_provider(user):
        raise AccountError(
            _l(
                "%(name)s logger ind via kommunens login: en adgangskode til portalen ville ikke "
                "virke.",
                name=user.name,
            )
        )
    audit.record("user.password_link_sent", user, by=by)
    _send_password_link(
        user,
        kind="user_invitation" if user.is_invited else "user_password_link",
        locale=_mail_locale(user, locale),
    )


def _send_password_link(user, *, kind, locale):
    user.password_token = links.new_token()
    db.session.flush()
    signed = links.sign_timed(PASSWORD_LINK, [user.id, user.password_token])
    mail.send(
        kind,
        to=user.email,
        locale=locale,
        user=user,
        url=links.external_url("auth.choose_password", signed=signed),
        hours=PASSWORD_LINK_HOURS,
    )


class PasswordLinkUsed(AccountError):
    """The link was genuine, but it has been used, replaced or has expired."""


def user_for_password_link(signed, *, purpose=PASSWORD_LINK):
    """The user whose link this is: an invitation or an admin's link (PASSWORD_LINK), or one the
    user asked for (PASSWORD_RESET). links.LinkError for a link that was never genuine, or is
    for the other purpose; PasswordLinkUsed for one that has expired, been used or been
    replaced by a newer one."""
    try:
        value = links.unsign_timed(purpose, signed, max_age=LINK_LIFETIMES[purpose].total_seconds())
    except links.LinkError:
        if links.signed_age(purpose, signed) is None:
            raise
        raise PasswordLinkUsed(_l("Linket er udløbet.")) from None
    if not (isinstance(value, list) and len(value) == 2):
        raise links.LinkError(purpose)
    user_id, token = value
    if not isinstance(user_id, int) or not isinstance(token, str):
        raise links.LinkError(purpose)
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.password_token is None:
        raise PasswordLinkUsed(_l("Linket er allerede brugt."))
    if not links.tokens_match(user.password_token, token):
        raise PasswordLinkUsed(_l("Linket er erstattet af et nyere."))
    return user


def ask_for_password_reset(email, *, locale):
    """A user who forgot their password asks for a link to choose a new one, mailed to `email`
    if it is an active user's. The lookup happens when the mail worker writes the mail
    (`compose_password_reset`), so this does the same work, and takes the same time, whether
    or not the address is a user's.

    Side effects: one composed outbox message, which becomes at most one email."""
    mail.send("user_password_reset", to=normalise_email(email), locale=locale)


def compose_password_reset(email, params):
    """(subject, body) with a link that works for PASSWORD_RESET_MINUTES, once, or None when no
    active user has `email`. The link replaces any earlier one; the password stays as it is
    until a new one is chosen. Side effects: audit "user.password_reset_sent"."""
    user = db.session.scalar(db.select(User).where(User.email == email, User.active.is_(True)))
    if user is None or sign_in_rules.requires_provider(user) or _second_factor_missing(user):
        return None
    user.password_token = links.new_token()
    audit.record("user.password_reset_sent", user, by=user)
    signed = links.sign_timed(PASSWORD_RESET, [user.id, user.password_token])
    context = {
        "user": user,
        "url": links.external_url("auth.reset_password", signed=signed),
        "minutes": PASSWORD_RESET_MINUTES,
    }
    return mail.render("user_password_reset", params.get("locale", "da"), context)


def _second_factor_missing(user):
    """A user who must have a second factor and has not set one up yet: a link to their
    mailbox alone would be the whole account, so an admin sends it (send_password_link)."""
    return second_factor.required(user) and not user.has_second_factor


def choose_password(user, password):
    """The user sets their password from the link, which then stops working; every other
    session of theirs ends. Side effects: audit "user.password_chosen"."""
    check_password(password, email=user.email, name=user.name)
    # Taken in one conditional UPDATE: of two posts of the same link at once, one wins.
    token = user.password_token
    taken = db.session.execute(
        db.update(User)
        .where(User.id == user.id, User.password_token == token)
        .values(password_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if token is None or taken != 1:
        raise PasswordLinkUsed(_l("Linket er allerede brugt."))
    db.session.refresh(user, ["password_token"])
    user.set_password(password)
    user.session_version += 1
    db.session.flush()
    audit.record("user.password_chosen", user, by=user)


def change_role(user, *, role, person, by):
    """A new role (and, for an assignee, the person in the panel they are). The last active
    admin keeps the role. Side effects: audit "user.role_changed"; the user's sessions end, so
    the new rights apply at once."""
    role = Role(role)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _refuse_losing_the_last_admin(user)
        sign_in_rules.refuse_losing_the_break_glass(user)
    _check_role_and_person(role, person, user=user)
    before = audit.snapshot(user, ["role", "person_id", "break_glass"])
    user.role = role
    user.person = person
    if role != Role.ADMIN:
        user.break_glass = False  # kept for an admin only: never back by a later promotion
    db.session.flush()
    after = audit.snapshot(user, ["role", "person_id", "break_glass"])
    if after != before:
        end_all_sessions(user)
        audit.record("user.role_changed", user, by=by, before=before, after=after)


def reactivate_user(user, *, by):
    """The user may log in again (old sessions and password links stay dead: a new link is
    sent on request); an assignee is back in the panel with new keys (people.set_person_active).
    Side effects: audit entry "user.reactivated" (none if the user was active); for an
    assignee, the person's reactivation and its audit entry."""
    if user.active:
        return
    user.active = True
    db.session.flush()
    audit.record("user.reactivated", user, by=by, before={"active": False}, after={"active": True})
    if user.person is not None:
        people.set_person_active(user.person, True, by=by)


def _refuse_losing_the_last_admin(user):
    # The active admins' rows stay locked until the change commits: two admins demoting each
    # other at once cannot both see the other one still there (PostgreSQL; SQLite writes one
    # at a time anyway).
    admins = db.session.scalars(
        db.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    ).all()
    if not [admin for admin in admins if admin != user.id]:
        raise AccountError(
            _l(
                "%(name)s er den sidste aktive administrator. "
                "Gør en anden til administrator først.",
                name=user.name,
            )
        )


def deactivate_user(user, *, by):
    """Deactivate and end every session at once; the last active admin stays. Total: the
    password link dies, and an assignee's person is deactivated with every key it holds
    (people.set_person_active: feed, answer and attendance links), so nothing she was mailed
    works and she is not asked again. Side effects: audit entry "user.deactivated"; for an
    assignee, the person's deactivation and its audit entry."""
    if not user.active:
        return
    if user.role == Role.ADMIN:
        _refuse_losing_the_last_admin(user)
        sign_in_rules.refuse_losing_the_break_glass(user)
    if by is not None and by.id == user.id:
        # The page that asks has no button for it; a forged or stale post is refused here.
        raise AccountError(_l("Du kan ikke deaktivere dig selv. Bed en anden administrator."))
    user.password_token = None  # an unused link dies with the account
    before = audit.snapshot(user, ["active"])
    user.active = False
    user.session_version += 1
    db.session.flush()
    audit.record("user.deactivated", user, by=by, before=before, after={"active": False})
    if user.person is not None:
        people.set_person_active(user.person, False, by=by)


def set_password(user, password, *, by):
    """New password; every session of the user ends, the one it is set from too (start it
    again: auth_session.start_session). Side effects: audit "user.password_changed"."""
    check_password(password, email=user.email, name=user.name)
    user.set_password(password)
    user.session_version += 1
    db.session.flush()
    audit.record("user.password_changed", user, by=by)


def end_all_sessions(user):
    """Every session of `user` ends at its next request (the id in their cookies changes)."""
    user.session_version += 1
    db.session.flush()


# zxcvbn's score: below 3 is fewer than 10^8 guesses by its estimate; 3 ("safely unguessable",
# fewer than 10^10) and 4 pass.
MIN_PASSWORD_SCORE = 3
# zxcvbn takes 0.2 s for 64 random characters and 3 s for 128 (it tries every split): a longer
# password is judged by its start, which a guesser has to get right first anyway.
SCORED_CHARACTERS = 64
PORTAL_WORDS = ("vink", "københavn", "kobenhavn", "koebenhavn", "copenhagen")
# zxcvbn keeps the user inputs of a call in a module global: one call at a time per process.
_zxcvbn_lock = threading.Lock()


def check_password(password, *, email="", name=""):
    """AccountError unless `password` is 12 to 128 characters, not the email (nor its name
    part), and not too easy to guess: zxcvbn scores it at least 3 of 4, knowing the person's
    name and email and the portal's own words (VINK, København, the demo password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("Adgangskoden skal have mindst %(n)s tegn.", n=MIN_PASSWORD_LENGTH), "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            _l("Adgangskoden må højst have %(n)s tegn.", n=MAX_PASSWORD_LENGTH), "password"
        )
    folded = password.strip().lower()
    email = (email or "").strip().lower()
    if email and folded in (email, email.partition("@")[0]):
        raise AccountError(_l("Adgangskoden må ikke være din e-mailadresse."), "password")
    if _guessability(password, _own_words(email, name)) < MIN_PASSWORD_SCORE:
        # zxcvbn's own advice is English only: ours says what to do instead.
        raise AccountError(
            _l(
                "Adgangskoden er for let at gætte. "
                "Brug fx tre-fire ord, der ikke hører sammen, eller en sætning."
            ),
            "password",
        )


def password_must_change(user, password):
    """True if `password`, just typed by `user` at login, would be refused today (set before
    the rules were what they are, or the demo password)."""
    try:
        check_password(password, email=user.email, name=user.name)
    except AccountError:
        return True
    return False


def _own_words(email, name):
    """What a guesser tries first: the portal's words, the demo password, and the person's
    name and email, whole, without spaces or punctuation, and word by word."""
    from ..demo import DEMO_PASSWORD  # demo imports the models: not at import time

    words = [*PORTAL_WORDS, DEMO_PASSWORD]
    for text in (name, email, email.partition("@")[0]):
        text = " ".join((text or "").lower().split())
        if text:
            words += [text, text.replace(" ", ""), re.sub(r"\W+", "", text)]
            words += re.split(r"\W+", text)
    return list(dict.fromkeys(word for word in words if word))


def _guessability(password, own_words):
    from zxcvbn import zxcvbn  # its 30,000-word lists are loaded when first needed

    scored = password[:SCORED_CHARACTERS]
    with _zxcvbn_lock:
        return zxcvbn(scored, user_inputs=own_words, max_length=SCORED_CHARACTERS)["score"]


USERS_PER_PAGE = 50


def users_page(*, page):
    """One page of users, by name, with the person each assignee is."""
    from sqlalchemy.orm import joinedload

    from .pages import paginate

    return paginate(
        db.select(User),
        order_by=[User.name, User.id],
        options=[joinedload(User.person)],
        page=page,
        per_page=USERS_PER_PAGE,
    )


# The person select on a user's page lists at most this many; a search finds the others.
PERSONS_SHOWN = 30


def _linkable(user):
    """Active people in the panel with no user of their own (or linked to `user` now)."""
    taken = db.select(User.person_id).where(User.person_id.is_not(None))
    if user is not None and user.person_id is not None:
        taken = taken.where(User.id != user.id)
    return db.select(Person).where(Person.active.is_(True), Person.id.not_in(taken))


def persons_to_link(user=None, *, q=""):
    """([the people `user` can be linked to, at most PERSONS_SHOWN, by name; the one linked
    now first], how many there are in all). `q` narrows both to names or emails holding it.
    Two queries, however large the panel."""
    query = _linkable(user)
    if q.strip():
        text = q.strip()
        query = query.where(
            db.or_(
                (Person.first_name + " " + Person.last_name).icontains(text, autoescape=True),
                Person.email.icontains(text, autoescape=True),
            )
        )
    total = db.session.scalar(query.with_only_columns(db.func.count(Person.id)))
    current = user.person_id if user is not None else None
    shown = db.session.scalars(
        query.order_by(
            (Person.id == current).desc() if current else Person.first_name,
            Person.first_name,
            Person.last_name,
            Person.id,
        ).limit(PERSONS_SHOWN)
    ).all()
    return shown, total


def linkable_person(person_id, user=None):
    """The person with `person_id` if `user` (or a new user) may be linked to them, else None."""
    return db.session.scalar(_linkable(user).where(Person.id == person_id))
