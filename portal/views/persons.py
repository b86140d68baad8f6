"""The admin's resource panel and dialogue ambassadors: add, edit, deactivate, and see each
person's load. Every rule is in services/people.py."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms.admin import PanelSearchForm, PersonForm
from ..models import Person
from ..models.enums import Role
from ..permissions import require_roles
from ..services import catalogue, people
from ..urls import bounded_int
from .confirm import confirmed

bp = Blueprint("persons", __name__, url_prefix="/admin/personer")
bp.before_request(require_roles(Role.ADMIN))


@bp.get("/")
def index():
    search = PanelSearchForm(request.args)
    search.validate()
    text = "" if search.q.errors else (search.q.data or "").strip()
    page = people.persons_page(page=request.args.get("side", 1, type=bounded_int), text=text)
    args = {"q": text} if text else {}
    return render_template("admin/persons.html", result=page, search=search, args=args)


def _form(person=None):
    topics = catalogue.active_topics()
    own = [t for t in (person.topics if person else []) if t not in topics]  # kept if hidden
    return PersonForm(topics=[*topics, *own], person=person)


@bp.route("/ny", methods=["GET", "POST"])
def new():
    form = _form()
    error = None
    if form.validate_on_submit():
        try:
            person = people.create_person(by=current_user, **form.values())
        except people.PersonError as refused:
            error = refused.show_on(form)
        else:
            flash(_("%(name)s er med i panelet.", name=person.full_name), "success")
            return redirect(url_for(".person", person_id=person.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/person_new.html", form=form, error=error), status


def _person_page(person, form=None, error=None, status=200):
    return render_template(
        "admin/person.html",
        person=person,
        form=form or _form(person),
        error=error,
        load=people.load_of(person),
    ), status


@bp.get("/<int:person_id>")
def person(person_id):
    return _person_page(db.get_or_404(Person, person_id))


@bp.post("/<int:person_id>")
def update(person_id):
    person = db.get_or_404(Person, person_id)
    form = _form(person)
    error = None
    if form.validate_on_submit():
        try:
            people.update_person(person, by=current_user, **form.values())
        except people.PersonError as refused:
            error = refused.show_on(form)
        else:
            flash(_("Oplysningerne om %(name)s er gemt.", name=person.full_name), "success")
            return redirect(url_for(".person", person_id=person.id))
    return _person_page(person, form=form, error=error, status=422)


@bp.get("/<int:person_id>/deaktiver")
def deactivate(person_id):
    """The page that asks before a person is deactivated (views/confirm.py)."""
    person = db.get_or_404(Person, person_id)
    return render_template("admin/deactivate.html", person=person, user=None, me=False)


@bp.post("/<int:person_id>/aktiv")
def set_active(person_id):
    person = db.get_or_404(Person, person_id)
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return deactivate(person_id)
    people.set_person_active(person, active, by=current_user)
    flash(
        _("%(name)s er aktiv igen.", name=person.full_name)
        if active
        else _("%(name)s er deaktiveret og bliver ikke længere foreslået.", name=person.full_name),
        "success",
    )
    return redirect(url_for(".person", person_id=person.id))
