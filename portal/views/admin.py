"""Administration: accounts, the resource panel, reference data, targets."""

from flask import Blueprint, render_template

from .. import clock
from ..models.enums import Role
from ..permissions import require_roles
from ..services import accounts, reporting

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))


@bp.get("/")
def index():
    year = clock.today().year
    return render_template(
        "admin/index.html",
        users=accounts.list_users(),
        year=year,
        targets=reporting.targets_for(year),
    )
