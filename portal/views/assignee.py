"""Resource persons' and dialogue ambassadors' own pages."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from .. import clock
from ..models.enums import Role
from ..permissions import require_roles
from ..services import assignments

bp = Blueprint("assignee", __name__, url_prefix="/mig")
bp.before_request(require_roles(Role.ASSIGNEE))


@bp.get("/")
def index():
    person = current_user.person
    if person is None:
        abort(404)
    return render_template(
        "assignee/index.html",
        person=person,
        **assignments.overview_for(person, now=clock.now()),
    )
