"""Log in and out (staff and assignees)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import links
from ..auth_session import (
    PENDING_SECONDS,
    await_second_factor,
    end_session,
    mark_provider_login,
    new_password_required,
    pending_second_factor,
    pending_user_id,
    require_new_password,
    start_session,
)
from ..extensions import limiter
from ..forms.auth import (
    ChoosePasswordForm,
    EnrolSecondFactorForm,
    ForgotPasswordForm,
    LoginForm,
    SecondFactorForm,
)
from ..i18n import current_locale
from ..permissions import home_endpoint
from ..security import account_tag, security_event
from ..services import accounts, provider_login, second_factor, sign_in_rules
from ..urls import safe_next

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit():
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key():
    return "login-account:" + accounts.normalise_email(request.form.get("email"))


def _refused(response):
    return response.status_code == 422


@bp.route("/log-ind", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
# Per account as well as per address: guessing one account's password from many addresses is
# slowed too. Only failures count; the windows grow (see LOGIN_ACCOUNT_RATE_LIMIT).
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_refused)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.SignsInAtProvider as refused:
            # Only someone who knows the password learns this: the way in is the provider.
            user, error = (
                None,
                _(
                    "Du logger ind med %(provider)s: brug knappen nedenfor. "
                    "Portalens adgangskode gælder ikke for dig.",
                    provider=current_app.config["OIDC_PROVIDER_NAME"],
                ),
            )
            security_event("login.refused", reason="provider_required", user_id=refused.user.id)
        if user is not None:
            if sign_in_rules.break_glass_in_force(user):
                sign_in_rules.note_break_glass(user)
                security_event("login.break_glass", user_id=user.id)
            going_to = safe_next(request.args.get("next")) or url_for(home_endpoint(user))
            # The typed password is known only now: one too easy to guess is replaced first.
            must_change = accounts.password_must_change(user, form.password.data)
            if user.has_second_factor:
                # No session until the code is given: only a mark that the password was right.
                await_second_factor(user, going_to=going_to, must_change=must_change)
                security_event("login.password_accepted", user_id=user.id)
                return redirect(url_for(".second_factor"))
            return _signed_in(user, going_to, must_change=must_change)
        if error is None:
            # The same words for an unknown email and a wrong password: nothing else is
            # revealed.
            error = _("E-mail eller adgangskode er forkert.")
            security_event("login.failed", account=account_tag(form.email.data))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/login.html",
        form=form,
        login_error=error,
        provider_login=provider_login.configured(),
    ), status


def _signed_in(user, going_to, *, must_change):
    start_session(user)
    security_event("login.succeeded", user_id=user.id)
    if must_change:
        require_new_password()
        security_event("password.change_required", user_id=user.id)
        return redirect(url_for(".change_password", next=going_to))
    return redirect(going_to)


def _code_limit():
    return current_app.config["SECOND_FACTOR_RATE_LIMIT"]


def _code_key():
    """Per account: the login waiting for its code, or the user setting one up."""
    user_id = pending_user_id()
    if user_id is None and current_user.is_authenticated:
        user_id = current_user.id
    return f"second-factor:{user_id}"


@bp.route("/log-ind/kode", methods=["GET", "POST"], endpoint="second_factor")
# Per account, whatever the address: only refused codes count.
@limiter.limit(_code_limit, key_func=_code_key, methods=["POST"], deduct_when=_refused)
def second_factor_step():
    """After the right password, for a user with a second factor: the app's code or a recovery
    code, within PENDING_SECONDS; then on as a login goes."""
    pending = pending_second_factor()
    if pending is None:
        flash(
            _(
                "Log ind igen. Koden skal skrives inden for %(minutes)s minutter efter "
                "adgangskoden.",
                minutes=PENDING_SECONDS // 60,
            ),
            "info",
        )
        return redirect(url_for(".login"))
    user, mark = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            way = second_factor.verify(user, form.code.data)
        except second_factor.SecondFactorError as refused:
            refused.show_on(form)
            security_event("login.second_factor_failed", user_id=user.id)
        else:
            response = _signed_in(user, mark["next"], must_change=mark["must_change"])
            if mark.get("id_token"):  # begun at the provider: its logout is offered after ours
                mark_provider_login(mark["id_token"], second_factor_done=False)
            if way == "recovery_code":  # after start_session, which empties the session
                left = second_factor.recovery_codes_left(user)
                flash(
                    _("Du loggede ind med en gendannelseskode. Du har %(n)s tilbage.", n=left),
                    "warning" if left < 4 else "info",
                )
            return response
    status = 422 if request.method == "POST" else 200
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/konto/totrinsbekraeftelse", methods=["GET", "POST"])
@limiter.limit(_code_limit, key_func=_code_key, methods=["POST"], deduct_when=_refused)
@login_required
def enrol_second_factor():
    """Set up the second factor: scan the QR code (or type the secret), confirm with the app's
    first code, and see the recovery codes once. Required for admins and the secretariat where
    REQUIRE_SECOND_FACTOR is on (auth_session.enforce_second_factor sends every page here)."""
    user = current_user._get_current_object()
    going_to = safe_next(request.args.get("next")) or url_for(home_endpoint(user))
    if user.has_second_factor:
        return render_template(
            "auth/second_factor_enabled.html",
            user=user,
            left=second_factor.recovery_codes_left(user),
            going_to=going_to,
        )
    secret = second_factor.start_enrolment(user)
    form = EnrolSecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol(user, form.code.data)
        except second_factor.SecondFactorError as refused:
            refused.show_on(form)
        else:
            security_event("second_factor.enrolled", user_id=user.id)
            response = make_response(
                render_template(
                    "auth/recovery_codes.html", user=user, codes=codes, going_to=going_to
                )
            )
            # Shown once: no copy in a cache or the back button.
            response.headers["Cache-Control"] = "no-store"
            return response
    status = 422 if request.method == "POST" else 200
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol_second_factor.html",
        form=form,
        user=user,
        qr_svg=Markup(  # noqa: S704 (segno's drawing of our own URI; the title is escaped)
            second_factor.qr_svg(uri, title=_("QR-kode til din godkendelses-app"))
        ),
        secret=second_factor.secret_in_groups(secret),
        required=second_factor.required(user),
    ), status


@bp.post("/log-ud")
def logout():
    if current_user.is_authenticated:
        # A copy of the session cookie taken before logout must not keep working.
        accounts.end_all_sessions(current_user)
    if end_session(offer_provider_logout=True):
        # Signed in at the identity provider: offer to end that session too (RP-initiated).
        return render_template("auth/logged_out.html")
    return redirect(url_for("public.index"))


@bp.route("/adgangskode/<signed>", methods=["GET", "POST"])
def choose_password(signed):
    """From the invitation or the admin's new link: choose a password, once."""
    return _choose_password(signed, accounts.PASSWORD_LINK)


@bp.route("/glemt-adgangskode/<signed>", methods=["GET", "POST"])
def reset_password(signed):
    """From the link the user asked for ("Glemt adgangskode"): choose a new password, once,
    within the hour."""
    return _choose_password(signed, accounts.PASSWORD_RESET)


def _link_gone(why, purpose):
    if purpose == accounts.PASSWORD_RESET:
        message = _(
            "%(why)s Et link til en ny adgangskode virker i %(minutes)s minutter og kun én gang.",
            why=why,
            minutes=accounts.PASSWORD_RESET_MINUTES,
        )
        action = (url_for(".forgot_password"), _("Bed om et nyt link"))
    else:
        message = _(
            "%(why)s Et link til at vælge adgangskode virker i %(hours)s timer og kun én "
            "gang. Bed en administrator om et nyt.",
            why=why,
            hours=accounts.PASSWORD_LINK_HOURS,
        )
        action = None
    return render_template(
        "errors/error.html", title=_("Linket virker ikke længere"), message=message, action=action
    ), 410


def _choose_password(signed, purpose):
    try:
        user = accounts.user_for_password_link(signed, purpose=purpose)
    except links.LinkError:
        abort(404)
    except accounts.PasswordLinkUsed as gone:
        return _link_gone(str(gone), purpose)
    if current_user.is_authenticated and current_user.id != user.id:
        end_session()  # the link is for someone else than who is logged in here
    form = ChoosePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.choose_password(user, form.password.data)
        except accounts.PasswordLinkUsed:
            return redirect(request.path)  # the page says why the link is gone
        except accounts.AccountError as refused:
            error = refused.show_on(form)
        else:
            security_event("password.chosen", user_id=user.id)
            flash(_("Din adgangskode er gemt. Log ind med den nu."), "success")
            return redirect(url_for(".login"))
    return _password_page("auth/choose_password.html", form, user, error)


def _forgot_limit():
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _forgot_account_key():
    return "password-reset:" + accounts.normalise_email(request.form.get("email"))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@limiter.limit(_forgot_limit, methods=["POST"])
# Per address as well: one inbox is not flooded with links from many addresses.
@limiter.limit(_forgot_limit, key_func=_forgot_account_key, methods=["POST"])
def forgot_password():
    """Ask for a link to choose a new password. The same answer, in the same time, whether or
    not the address is a user's (the mail worker looks it up)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.ask_for_password_reset(form.email.data, locale=current_locale())
        security_event("password.reset_asked", account=account_tag(form.email.data))
        return render_template(
            "auth/password_reset_sent.html",
            email=form.email.data.strip(),
            minutes=accounts.PASSWORD_RESET_MINUTES,
        )
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


def _password_page(template, form, user, error):
    """The page where a password is chosen (from an invitation, or after a weak one): 422 for a
    refused post."""
    status = 422 if request.method == "POST" else 200
    return render_template(
        template, form=form, user=user, error=error, min_length=accounts.MIN_PASSWORD_LENGTH
    ), status


@bp.route("/ny-adgangskode", methods=["GET", "POST"])
@login_required
def change_password():
    """After a login with a password too easy to guess: a new one before anything else, then on
    to where the user was going (auth_session.enforce_new_password sends every page here)."""
    user = current_user._get_current_object()
    going_to = safe_next(request.args.get("next")) or url_for(home_endpoint(user))
    if not new_password_required():
        return redirect(going_to)
    form = ChoosePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data, by=user)
        except accounts.AccountError as refused:
            error = refused.show_on(form)
        else:
            start_session(user)  # set_password ended every session of hers, this one too
            security_event("password.changed", user_id=user.id)
            flash(_("Din nye adgangskode er gemt."), "success")
            return redirect(going_to)
    return _password_page("auth/change_password.html", form, user, error)
