"""The secretariat's workspace."""

from flask import Blueprint, render_template

from .. import clock
from ..permissions import STAFF, require_roles
from ..services import requests, scheduling

bp = Blueprint("secretariat", __name__, url_prefix="/sekretariat")
bp.before_request(require_roles(*STAFF))
UPCOMING_DAYS = 14


@bp.get("/")
def index():
    return render_template(
        "secretariat/index.html",
        request_counts=requests.count_by_status(),
        days=UPCOMING_DAYS,
        upcoming=scheduling.upcoming_events(now=clock.now(), days=UPCOMING_DAYS),
    )
