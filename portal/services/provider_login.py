"""Staff sign in through the municipality's identity provider (OpenID Connect): who the
provider's account is in the portal. The provider never creates an account: a person signs in
only as a user an admin has created or invited, linked at the first sign-in by a verified email
address and from then on by the provider's subject. Roles stay the portal's; the provider's
groups, when mapped (OIDC_GROUP_ROLES), can refuse a role but never grant one.

The dance itself (state, nonce, PKCE, the ID token's signature and claims) is Authlib's, in
views/provider_login.py; this module gets the ID token's claims once they are proven."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import User
from ..models.enums import Role
from ..normal_form import email_key
from . import audit


class ProviderLoginRefused(Exception):
    """The provider's account may not sign in: `reason` for the security log, `message` (lazy)
    for the person."""

    def __init__(self, reason, message):
        super().__init__(reason)
        self.reason = reason
        self.message = message


NOT_INVITED = _l(
    "Du er ikke oprettet som bruger af VINKs bookingportal med den adresse, din arbejdskonto har. "
    "Bed en administrator om at oprette dig, og log så ind igen."
)


def configured():
    config = current_app.config
    return bool(
        config["OIDC_DISCOVERY_URL"] and config["OIDC_CLIENT_ID"] and config["OIDC_CLIENT_SECRET"]
    )


def subject_key(claims):
    """How a provider's account is known for good: its issuer and its subject."""
    return f"{claims['iss']} {claims['sub']}"


def user_for(claims):
    """The active user the provider's proven `claims` sign in as; ProviderLoginRefused (with a
    reason) when there is none. A first sign-in links the user by a verified email address.

    Side effects: at the first sign-in, the user's provider_subject and audit
    "user.provider_linked"."""
    key = subject_key(claims)
    user = db.session.scalar(db.select(User).where(User.provider_subject == key))
    if user is None:
        user = _first_sign_in(claims, key)
    if not user.active:
        raise ProviderLoginRefused(
            "deactivated", _l("Din bruger er deaktiveret. Kontakt en administrator.")
        )
    _check_groups(user, claims)
    return user


def _first_sign_in(claims, key):
    email = email_key(claims.get("email"))
    if not email:
        raise ProviderLoginRefused("no_email", NOT_INVITED)
    # Microsoft Entra ID says so in its own claim (xms_edov: email domain owner verified).
    if claims.get("email_verified") is not True and claims.get("xms_edov") is not True:
        raise ProviderLoginRefused(
            "email_not_verified",
            _l(
                "Din arbejdskontos e-mailadresse er ikke bekræftet hos %(provider)s, så vi kan "
                "ikke se, hvem du er i portalen. Kontakt en administrator.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            ),
        )
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        raise ProviderLoginRefused("not_invited", NOT_INVITED)
    if user.provider_subject is not None:
        # The address is another provider account's already: never move it silently.
        raise ProviderLoginRefused(
            "linked_to_another",
            _l("Din bruger i portalen hører til en anden arbejdskonto. Kontakt en administrator."),
        )
    user.provider_subject = key
    db.session.flush()
    audit.record("user.provider_linked", user, by=user, after={"issuer": claims["iss"]})
    return user


# A role and those below it: a group granting "admin" allows a secretariat user too (as
# secretariat: the portal's role is the one used), never the other way round.
RANKS = {Role.ASSIGNEE.value: 0, Role.SECRETARIAT.value: 1, Role.ADMIN.value: 2}


def _check_groups(user, claims):
    """With OIDC_GROUP_ROLES set, refuse a user none of whose groups grants their role (or one
    above it). The groups only ever refuse: the role used is the one the admin gave."""
    mapping = current_app.config["OIDC_GROUP_ROLES"]
    if not mapping:
        return
    groups = claims.get("groups") or []
    granted = [RANKS.get(mapping[g], -1) for g in groups if isinstance(g, str) and g in mapping]
    if max(granted, default=-1) < RANKS[user.role.value]:
        raise ProviderLoginRefused(
            "group_does_not_grant_role",
            _l(
                "Din arbejdskonto er ikke i den gruppe hos %(provider)s, der giver din rolle i "
                "portalen. Kontakt en administrator.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            ),
        )


def second_factor_done(claims):
    """Whether the provider vouches for a second factor at this sign-in: its ID token says so
    (amr holds "mfa", as Entra ID writes it), or the IT department has set
    OIDC_PROVIDER_ENFORCES_MFA because its policy asks every sign-in for one. Otherwise the
    portal asks for its own, as after a password."""
    if current_app.config["OIDC_PROVIDER_ENFORCES_MFA"]:
        return True
    methods = claims.get("amr") or []
    return isinstance(methods, list) and "mfa" in methods
