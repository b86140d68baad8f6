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

from .. import links, qr
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
    StartSecondFactorForm,
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
            # Answered as a wrong password is: a right one must not be confirmed to a guesser
            # (the security log tells the two apart).
            user = None
            security_event("login.refused", reason="provider_required", user_id=refused.user.id)
        if user is not None:
            going_to = safe_next(request.args.get("next")) or url_for(home_endpoint(user))
            # The typed password is known only now: one too easy to guess is replaced first.
            must_change = accounts.password_must_change(user, form.password.data)
            if user.has_second_factor:
                # No session until the code is given: only a mark that the password was right.
                await_second_factor(user, going_to=going_to, must_change=must_change)
                security_event("login.password_accepted", user_id=user.id)
                return redirect(url_for(".second_factor"))
            return _signed_in(user, going_to, must_change=must_change)
        security_event("login.failed", account=account_tag(form.email.data))
        # The same words for an unknown email, a wrong password and the right password of
        # someone who signs in at the provider: nothing else is revealed.
        error = _("E-mail eller adgangskode er forkert.")
        if provider_login.configured():
            error += " " + _(
                "Logger du ind med din arbejdskonto, så brug knappen »Log ind med %(provider)s« "
                "nedenfor.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
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
    if sign_in_rules.note_sign_in(user):
        security_event("login.break_glass", user_id=user.id)
    if must_change:
        require_new_password()
        security_event("password.change_required", user_id=user.id)
        return redirect(url_for(".change_password", next=going_to))
    return redirect(going_to)


def _code_limit():
    return current_app.config["SECOND_FACTOR_RATE_LIMIT"]


def _code_key():
    """Per account: the login waiting for its code, or the user setting one up or changing it."""
    user_id = pending_user_id()
    if user_id is None and current_user.is_authenticated:
        user_id = current_user.id
    return f"second-factor:{user_id}"


# Wrong codes per account, whatever the address, counted together wherever a code is asked for
# (the login's code step, the set-up, new recovery codes, turning it off): only refusals count.
_code_tries = limiter.shared_limit(
    _code_limit, "second-factor-code", key_func=_code_key, methods=["POST"], deduct_when=_refused
)


@bp.route("/log-ind/kode", methods=["GET", "POST"], endpoint="second_factor")
@_code_tries
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


@bp.get("/konto/totrinsbekraeftelse")
@login_required
def enrol_second_factor():
    """The second factor's page, which only reads: with one set up, its state and the forms to
    renew the recovery codes or turn it off; with a secret waiting for its first code, the QR
    code and the code field (a reload or a second tab shows the same QR code); else the button
    that starts the set-up. Required for admins and the secretariat where REQUIRE_SECOND_FACTOR
    is on (auth_session.enforce_second_factor sends every page here)."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return _manage_page(user)
    return _enrol_page(user, EnrolSecondFactorForm())


@bp.post("/konto/totrinsbekraeftelse/start")
@login_required
def start_second_factor():
    """Start the set-up: a secret made and kept waiting for the app's first code (the same one
    if it is waiting already), then back to the page that shows its QR code."""
    user = current_user._get_current_object()
    if StartSecondFactorForm().validate_on_submit() and not user.has_second_factor:
        second_factor.start_enrolment(user)
    return redirect(url_for(".enrol_second_factor", next=_next_page()))


@bp.post("/konto/totrinsbekraeftelse")
@_code_tries
@login_required
def confirm_second_factor():
    """The app's first code: the factor in force, and its recovery codes shown once."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return redirect(url_for(".enrol_second_factor", next=_next_page()))
    form = EnrolSecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol(user, form.code.data, locale=current_locale())
        except second_factor.AlreadyEnrolled as lost:
            flash(str(lost), "info")
            return _manage_page(user, status=409)
        except second_factor.SecondFactorError as refused:
            refused.show_on(form)
        else:
            security_event("second_factor.enrolled", user_id=user.id)
            return _recovery_codes_page(user, codes, renewed=False)
    return _enrol_page(user, form, status=422)


@bp.post("/konto/totrinsbekraeftelse/nye-koder")
@_code_tries
@login_required
def renew_recovery_codes():
    """New recovery codes for the app's current code; the old ones stop working."""
    user = current_user._get_current_object()
    if not user.has_second_factor:
        return redirect(url_for(".enrol_second_factor"))
    form = _renew_form()
    if form.validate_on_submit():
        try:
            codes = second_factor.renew_recovery_codes(
                user, form.code.data, locale=current_locale()
            )
        except second_factor.SecondFactorError as refused:
            refused.show_on(form)
            security_event("second_factor.renewal_refused", user_id=user.id)
        else:
            security_event("second_factor.recovery_codes_renewed", user_id=user.id)
            return _recovery_codes_page(user, codes, renewed=True)
    return _manage_page(user, renew_form=form, status=422)


@bp.post("/konto/totrinsbekraeftelse/slaa-fra")
@_code_tries
@login_required
def turn_off_second_factor():
    """Turn the second factor off with the app's current code, where it is not required."""
    user = current_user._get_current_object()
    if not user.has_second_factor:
        return redirect(url_for(".enrol_second_factor"))
    if not second_factor.may_turn_off(user):
        security_event("second_factor.turn_off_refused", user_id=user.id)
        return _manage_page(user, status=403)
    form = _turn_off_form()
    if form.validate_on_submit():
        try:
            second_factor.turn_off(user, form.code.data, locale=current_locale())
        except second_factor.SecondFactorError as refused:
            refused.show_on(form)
            security_event("second_factor.turn_off_refused", user_id=user.id)
        else:
            security_event("second_factor.turned_off", user_id=user.id)
            flash(
                _("Totrinsbekræftelse er slået fra. Du logger ind med adgangskoden alene."), "info"
            )
            return redirect(url_for(".enrol_second_factor"))
    return _manage_page(user, turn_off_form=form, status=422)


def _next_page():
    return safe_next(request.args.get("next"))


def _going_to(user):
    return _next_page() or url_for(home_endpoint(user))


def _renew_form():
    return EnrolSecondFactorForm(prefix="renew")


def _turn_off_form():
    return EnrolSecondFactorForm(prefix="off")


def _enrol_page(user, form, *, status=200):
    secret = second_factor.pending_secret(user)
    required = second_factor.required(user)
    if secret is None:
        # Nothing waiting (or it was reset meanwhile): the page offers to start, and a code
        # posted now is for a QR code that is gone.
        errors = []
        if status != 200:
            errors.append(_("Start forfra: tryk på Start opsætning, og skan den nye QR-kode."))
        return render_template(
            "auth/start_second_factor.html",
            form=StartSecondFactorForm(),
            required=required,
            next_page=_next_page(),
            errors=errors,
        ), status
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol_second_factor.html",
        form=form,
        user=user,
        qr_svg=Markup(  # noqa: S704 (segno's drawing of our own URI; the title is escaped)
            qr.qr_svg(uri, title=_("QR-kode til din godkendelses-app"))
        ),
        secret=second_factor.secret_in_groups(secret),
        otpauth=uri,  # a phone opens its app on it: no QR code to scan on its own screen
        required=required,
        next_page=_next_page(),
    ), status


def _manage_page(user, *, renew_form=None, turn_off_form=None, status=200):
    return render_template(
        "auth/second_factor_enabled.html",
        user=user,
        left=second_factor.recovery_codes_left(user),
        going_to=_going_to(user),
        renew_form=renew_form or _renew_form(),
        turn_off_form=turn_off_form or _turn_off_form(),
        may_turn_off=second_factor.may_turn_off(user),
        refused=status == 403,
    ), status


def _recovery_codes_page(user, codes, *, renewed):
    response = make_response(
        render_template(
            "auth/recovery_codes.html",
            user=user,
            codes=codes,
            going_to=_going_to(user),
            renewed=renewed,
        )
    )
    # Shown once: no copy in a cache or the back button.
    response.headers["Cache-Control"] = "no-store"
    return response


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
