"""Sign in with the municipality's identity provider (OpenID Connect, Authorization Code flow
with PKCE, state and nonce, all Authlib's): to the provider and back. Who the account is in the
portal is services/provider_login.py's to say.

Authlib (with requests and joserfc) is imported where it is used: 17 MB that a worker serving
no sign-in at the provider does without (bench/run.py holds each worker under 150 MB)."""

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth_session import (
    await_second_factor,
    mark_provider_login,
    provider_logout_hint,
    start_session,
)
from ..permissions import home_endpoint
from ..security import account_tag, security_event
from ..services import provider_login

bp = Blueprint("provider_login", __name__)

NAME = "kommune"


def _client():
    """The provider's client for the current settings (one per settings, kept on the app)."""
    config = current_app.config
    settings = (
        config["OIDC_DISCOVERY_URL"],
        config["OIDC_CLIENT_ID"],
        config["OIDC_CLIENT_SECRET"],
    )
    clients = current_app.extensions.setdefault("vink_provider_clients", {})
    if settings not in clients:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(current_app._get_current_object())
        clients[settings] = oauth.register(
            NAME,
            server_metadata_url=settings[0],
            client_id=settings[1],
            client_secret=settings[2],
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    return clients[settings]


def _refused(reason, message, status, **details):
    security_event("login.refused", method="provider", reason=reason, **details)
    return render_template(
        "errors/error.html",
        title=_("Du blev ikke logget ind"),
        message=message,
        action=(url_for("auth.login"), _("Til log ind")),
    ), status


@bp.get("/log-ind/kommune")
def start():
    """To the provider's sign-in page, with a fresh state, nonce and PKCE challenge."""
    if not provider_login.configured():
        abort(404)
    import requests

    try:
        return _client().authorize_redirect(url_for(".callback", _external=True))
    except requests.RequestException:
        return _refused("provider_unreachable", _unreachable(), 503)


def _unreachable():
    return _(
        "%(provider)s svarer ikke lige nu. Prøv igen om lidt.",
        provider=current_app.config["OIDC_PROVIDER_NAME"],
    )


@bp.get("/log-ind/kommune/svar")
def callback():
    """Back from the provider: the code exchanged, the ID token checked (signature, issuer,
    audience, expiry, nonce), and the person signed in as the user the claims name."""
    if not provider_login.configured():
        abort(404)
    import requests
    from authlib.integrations.flask_client import OAuthError
    from joserfc.errors import ClaimError, JoseError

    try:
        token = _client().authorize_access_token()
    except requests.RequestException:
        return _refused("provider_unreachable", _unreachable(), 503)
    except (OAuthError, JoseError, ValueError) as error:
        # A state that is not this browser's (tampered, replayed, expired), a refusal at the
        # provider, or an ID token that does not prove what it says.
        return _refused(
            type(error).__name__,
            _("Login hos %(provider)s lykkedes ikke. Prøv igen.", provider=_provider()),
            400,
            # Which of the token's claims failed (the nonce, the audience ...): the checker's
            # own name for it, never a value from the token.
            **({"claim": error.claim} if isinstance(error, ClaimError) else {}),
        )
    claims = token.get("userinfo")
    if not claims:
        return _refused(
            "no_id_token", _("Login hos %(provider)s lykkedes ikke.", provider=_provider()), 400
        )
    try:
        user = provider_login.user_for(claims)
    except provider_login.ProviderLoginRefused as refused:
        return _refused(
            refused.reason, str(refused.message), 403, account=account_tag(claims.get("email"))
        )
    home = url_for(home_endpoint(user))
    if not provider_login.second_factor_done(claims):
        if user.has_second_factor:
            # The provider asked for no second factor: the portal asks for its own code.
            await_second_factor(
                user, going_to=home, must_change=False, id_token=token.get("id_token")
            )
            security_event("login.provider_accepted", user_id=user.id)
            return redirect(url_for("auth.second_factor"))
        # Where one is required, every page now leads to setting it up (auth_session).
        start_session(user)
        mark_provider_login(token.get("id_token"), second_factor_done=False)
        security_event("login.succeeded", user_id=user.id, method="provider")
        return redirect(home)
    start_session(user)
    mark_provider_login(token.get("id_token"), second_factor_done=True)
    security_event("login.succeeded", user_id=user.id, method="provider", second_factor="provider")
    return redirect(home)


def _provider():
    return current_app.config["OIDC_PROVIDER_NAME"]


@bp.get("/log-ud/kommune")
def end_session():
    """After the portal's logout, the provider's too (RP-initiated logout): to its end-session
    page with the ID token as hint, and back to the start page. Once: the hint is gone after."""
    hint = provider_logout_hint()
    if hint is None or not provider_login.configured():
        return redirect(url_for("public.index"))
    import requests

    try:
        logout = _client().create_logout_url(
            post_logout_redirect_uri=url_for("public.index", _external=True),
            id_token_hint=hint,
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, RuntimeError):
        return _refused("provider_logout_unavailable", _unreachable(), 503)
    return redirect(logout["url"])
