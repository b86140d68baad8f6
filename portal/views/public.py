"""Pages anyone may open: the start page, the language switch, the health check."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..i18n import LOCALE_COOKIE
from ..services import catalogue
from ..urls import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", offer_kinds=catalogue.active_offer_kinds())


@bp.get("/sprog/<code>")
def set_language(code):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next(request.args.get("next")) or url_for("public.index"))
    response.set_cookie(
        LOCALE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/healthz")
def health():
    return {"status": "ok"}
