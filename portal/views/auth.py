"""Log in and out (staff and assignees)."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth_session import end_session, start_session
from ..extensions import limiter
from ..forms.auth import LoginForm
from ..permissions import home_endpoint
from ..services import accounts
from ..urls import safe_next

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/log-ind", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for(home_endpoint(user)))
        # The same words for an unknown email and a wrong password: nothing else is revealed.
        error = _("E-mail eller adgangskode er forkert.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, login_error=error), status


@bp.post("/log-ud")
def logout():
    if current_user.is_authenticated:
        # A copy of the session cookie taken before logout must not keep working.
        accounts.end_all_sessions(current_user)
    end_session()
    return redirect(url_for("public.index"))
