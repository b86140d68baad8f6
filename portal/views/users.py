"""The admin's users: invite by email, change role, deactivate and reactivate, send a new link
to choose a password, reset the second factor. Every rule (the last admin, who may be linked to
whom) is in services/accounts.py and services/second_factor.py."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms.admin import InviteUserForm, PersonSearchForm, UserRoleForm
from ..i18n import current_locale
from ..models import User
from ..models.enums import Role
from ..permissions import require_roles
from ..security import security_event
from ..services import accounts, second_factor, sign_in_rules
from ..urls import bounded_int
from .confirm import confirmed

bp = Blueprint("users", __name__, url_prefix="/admin/brugere")
bp.before_request(require_roles(Role.ADMIN))


@bp.get("/")
def index():
    page = accounts.users_page(page=request.args.get("side", 1, type=bounded_int))
    return render_template("admin/users.html", result=page)


def _people(user=None):
    """The person select's choices (narrowed by ?person=), for a user's page or a new one."""
    search = PersonSearchForm(request.args)
    q = (search.person.data or "") if search.validate() else ""
    shown, total = accounts.persons_to_link(user, q=q)
    return {"shown": shown, "total": total, "q": q, "search": search}


def _role_form(form_class, people, user=None, **kwargs):
    return form_class(
        persons=people["shown"],
        find_person=lambda person_id: accounts.linkable_person(person_id, user),
        **kwargs,
    )


@bp.route("/ny", methods=["GET", "POST"])
def invite():
    people = _people()
    form = _role_form(InviteUserForm, people)
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.invite_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                person=form.person(),
                by=current_user,
                locale=current_locale(),
            )
        except accounts.AccountError as failure:
            error = failure.show_on(form)
        else:
            flash(
                _(
                    "%(name)s er inviteret. Linket i mailen virker i %(hours)s timer.",
                    name=user.name,
                    hours=accounts.PASSWORD_LINK_HOURS,
                ),
                "success",
            )
            return redirect(url_for(".user", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/user_new.html",
        form=form,
        error=error,
        people=people,
        hours=accounts.PASSWORD_LINK_HOURS,
    ), status


def _user_page(user, *, form=None, error=None, status=200):
    people = _people(user)
    form = form or _role_form(
        UserRoleForm,
        people,
        user,
        formdata=None,
        data={"role": user.role.value, "person_id": user.person_id or 0},
    )
    return render_template(
        "admin/user.html",
        user=user,
        form=form,
        people=people,
        error=error,
        me=user.id == current_user.id,
        at_provider=sign_in_rules.requires_provider(user),
    ), status


@bp.get("/<int:user_id>")
def user(user_id):
    return _user_page(db.get_or_404(User, user_id))


@bp.post("/<int:user_id>/rolle")
def change_role(user_id):
    user = db.get_or_404(User, user_id)
    form = _role_form(UserRoleForm, _people(user), user)
    if not form.validate_on_submit():
        return _user_page(user, form=form, status=422)
    try:
        accounts.change_role(user, role=form.role.data, person=form.person(), by=current_user)
    except accounts.AccountError as failure:
        return _user_page(user, form=form, error=failure.show_on(form), status=409)
    flash(_("Rollen er gemt."), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.route("/<int:user_id>/deaktiver", methods=["GET", "POST"])
def deactivate(user_id):
    """Deactivating ends every session and kills every link the user was mailed: done only
    from the page that asks (views/confirm.py)."""
    user = db.get_or_404(User, user_id)
    if not confirmed():
        return render_template(
            "admin/deactivate.html", user=user, person=user.person, me=user.id == current_user.id
        )
    try:
        accounts.deactivate_user(user, by=current_user)
    except accounts.AccountError as failure:
        return _user_page(user, error=str(failure), status=409)
    flash(_("%(name)s er deaktiveret og logget ud overalt.", name=user.name), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.post("/<int:user_id>/genaktiver")
def reactivate(user_id):
    user = db.get_or_404(User, user_id)
    accounts.reactivate_user(user, by=current_user)
    flash(_("%(name)s er aktiv igen.", name=user.name), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.post("/<int:user_id>/nyt-link")
def send_link(user_id):
    user = db.get_or_404(User, user_id)
    try:
        accounts.send_password_link(user, by=current_user, locale=current_locale())
    except accounts.AccountError as failure:
        return _user_page(user, error=str(failure), status=409)
    flash(
        _("Et nyt link er sendt til %(email)s. Det gamle virker ikke længere.", email=user.email),
        "success",
    )
    return redirect(url_for(".user", user_id=user.id))


@bp.route("/<int:user_id>/nulstil-totrin", methods=["GET", "POST"])
def reset_second_factor(user_id):
    """Take away a user's second factor (a lost phone and no recovery code): done only from the
    page that asks (views/confirm.py). Where one is required, the user sets it up again at the
    next login."""
    user = db.get_or_404(User, user_id)
    if not confirmed():
        return render_template("admin/reset_second_factor.html", user=user)
    if user.has_second_factor:
        second_factor.reset(user, by=current_user, locale=current_locale())
        security_event("second_factor.reset", user_id=user.id, by=current_user.id)
        flash(
            _("Totrinsbekræftelsen for %(name)s er nulstillet.", name=user.name),
            "success",
        )
    return redirect(url_for(".user", user_id=user.id))
