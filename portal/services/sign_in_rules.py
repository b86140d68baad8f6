"""Who must sign in at the municipality's identity provider. An admin requires it per role
(the portal password of that role's users is then refused), and keeps one admin account as the
way in when the provider is down: the break-glass account, which signs in with its password
and second factor, and whose every use is audited."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import SignInRule, User
from ..models.enums import Role
from . import audit, provider_login, second_factor
from .errors import FieldError


class SignInRuleError(FieldError):
    """The rules could not be set like this (see FieldError)."""


def provider_only_roles():
    """The roles whose users must sign in at the provider, as an admin set them."""
    return set(db.session.scalars(db.select(SignInRule.role).where(SignInRule.provider_only)))


def break_glass_user():
    return db.session.scalar(db.select(User).where(User.break_glass.is_(True)))


def _is_break_glass(user):
    return user.break_glass and user.role == Role.ADMIN


def requires_provider(user):
    """Whether `user` signs in at the identity provider only, while it is configured: linked to
    it, or of a role an admin requires it for. The break-glass admin never does."""
    if not provider_login.configured() or _is_break_glass(user):
        return False
    return user.provider_subject is not None or user.role in provider_only_roles()


def break_glass_in_force(user):
    """`user` is the break-glass admin, and admins must sign in at the provider: a password
    sign-in of theirs is the exception the rule allows, and is audited (note_sign_in)."""
    return (
        _is_break_glass(user)
        and provider_login.configured()
        and Role.ADMIN in provider_only_roles()
    )


def note_sign_in(user):
    """After a password sign-in (and its code): whether it was the break-glass admin's while
    admins must sign in at the provider, which is then audited ("user.break_glass_used")."""
    if not break_glass_in_force(user):
        return False
    audit.record("user.break_glass_used", user, by=user)
    return True


def refuse_losing_the_break_glass(user):
    """While admins must sign in at the provider, their break-glass account stays an active
    admin: another is named first (set_rules)."""
    if break_glass_in_force(user):
        raise SignInRuleError(
            _l(
                "%(name)s er nødadgangen, mens administratorer skal logge ind via kommunens "
                "login. Vælg en anden nødadgang under Administration → Kommunens login først.",
                name=user.name,
            )
        )


def _current():
    glass = break_glass_user()
    return {
        "provider_only": sorted(role.value for role in provider_only_roles()),
        "break_glass": glass.email if glass is not None else None,
    }


def set_rules(*, by, provider_only, break_glass):
    """Require sign-in at the provider for the roles in `provider_only` (the others sign in
    with a password again) and make `break_glass` (an active admin, or None) the one account
    kept for when the provider is down. Refused, with nothing stored, when no provider is
    configured, or when admins would be required without a break-glass admin. Side effects:
    audit "sign_in.rules_changed" with before and after."""
    provider_only = {Role(role) for role in provider_only}
    if provider_only and not provider_login.configured():
        raise SignInRuleError(
            _l(
                "Kommunens login er ikke sat op (OIDC_DISCOVERY_URL, OIDC_CLIENT_ID og "
                "OIDC_CLIENT_SECRET). Ingen rolle kan kræve det, før det er."
            ),
            "provider_only",
        )
    if break_glass is not None and (break_glass.role != Role.ADMIN or not break_glass.active):
        raise SignInRuleError(_l("Nødadgangen skal være en aktiv administrator."), "break_glass")
    if break_glass is not None and break_glass.provider_subject is not None:
        raise SignInRuleError(
            _l(
                "%(name)s logger ind med sin arbejdskonto. Nødadgangen skal være en konto til "
                "netop det formål, som aldrig har logget ind via kommunens login.",
                name=break_glass.name,
            ),
            "break_glass",
        )
    if (
        break_glass is not None
        and second_factor.required(break_glass)
        and not break_glass.has_second_factor
    ):
        raise SignInRuleError(
            _l(
                "%(name)s har ikke sat totrinsbekræftelse op. Nødadgangen skal have den, før "
                "den kan vælges.",
                name=break_glass.name,
            ),
            "break_glass",
        )
    if Role.ADMIN in provider_only and break_glass is None:
        raise SignInRuleError(
            _l(
                "Vælg en administrator til nødadgang, før administratorer skal logge ind via "
                "kommunens login: ellers kommer ingen ind, hvis det er nede."
            ),
            "break_glass",
        )
    before = _current()
    # Two admins saving at once: the second waits for the first and starts from what it left
    # (PostgreSQL; SQLite writes one at a time anyway).
    rules = {
        rule.role: rule for rule in db.session.scalars(db.select(SignInRule).with_for_update())
    }
    for role in Role:
        rule = rules.get(role) or SignInRule(role=role)
        rule.provider_only = role in provider_only
        db.session.add(rule)
    previous = break_glass_user()
    if previous is not None and previous is not break_glass:
        previous.break_glass = False
        db.session.flush()  # one break-glass account at a time (a partial unique index)
    if break_glass is not None:
        break_glass.break_glass = True
    db.session.flush()
    after = _current()
    if after != before:
        audit.record(
            "sign_in.rules_changed",
            object_type="sign_in_rules",
            by=by,
            before=before,
            after=after,
        )


def admins_to_choose():
    """The active admins, for the choice of break-glass account."""
    return db.session.scalars(
        db.select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.name)
    ).all()
