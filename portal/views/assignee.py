"""Resource persons' and dialogue ambassadors' own pages. Another person's id is 404, not 403:
nothing tells an assignee that someone else's offer or event exists."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..forms.assignee import DeclineForm
from ..forms.secretariat import AttendanceForm
from ..htmx import is_htmx, render_page_or_partial
from ..models import DeclineReason
from ..models.enums import Role
from ..permissions import require_roles
from ..services import assignments, attendance, calendar, scheduling

bp = Blueprint("assignee", __name__, url_prefix="/mig")
bp.before_request(require_roles(Role.ASSIGNEE))


def _person():
    person = current_user.person
    if person is None:
        abort(404)
    return person


def _own_assignment_or_404(assignment_id):
    assignment = assignments.own_assignment(_person(), assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@bp.get("/")
def index():
    person = _person()
    return render_template(
        "assignee/index.html",
        person=person,
        feed_url=calendar_feed_url(person),
        decline_form_for=_decline_form,
        **assignments.overview_for(person, now=clock.now()),
    )


def calendar_feed_url(person):
    return url_for("feeds.person_feed", token=assignments.feed_token(person), _external=True)


def _decline_form(assignment_id):
    """Each offer on the page has its own decline form, so its fields have their own ids."""
    return DeclineForm(prefix=f"offer{assignment_id}")


def _offer_partial(assignment, status=200, error=None):
    return render_page_or_partial(
        "assignee/offer.html",
        "assignee/_offer.html",
        status,
        assignment=assignment,
        decline_form_for=_decline_form,
        error=error,
    )


@bp.post("/tildelinger/<int:assignment_id>/ja")
def accept(assignment_id):
    assignment = _own_assignment_or_404(assignment_id)
    try:
        scheduling.accept_offer(assignment, by=current_user)
    except scheduling.SchedulingError as error:
        db.session.rollback()
        assignment = _own_assignment_or_404(assignment_id)
        return _offer_partial(assignment, status=409, error=str(error))
    if is_htmx():
        return _offer_partial(assignment)
    flash(_("Tak! Du har sagt ja."), "success")
    return redirect(url_for(".index"))


@bp.post("/tildelinger/<int:assignment_id>/nej")
def decline(assignment_id):
    assignment = _own_assignment_or_404(assignment_id)
    form = _decline_form(assignment_id)
    if not form.validate_on_submit():
        return _offer_partial(assignment, status=422)
    try:
        scheduling.decline_offer(
            assignment,
            by=current_user,
            reason=db.session.get(DeclineReason, form.reason.data) if form.reason.data else None,
            note=form.note.data or "",
        )
    except scheduling.SchedulingError as error:
        return _offer_partial(assignment, status=409, error=str(error))
    if is_htmx():
        return _offer_partial(assignment)
    flash(_("Tak for dit svar."), "success")
    return redirect(url_for(".index"))


def _own_event_or_404(event_id):
    found = assignments.own_event(_person(), event_id)
    if found is None:
        abort(404)
    return found


@bp.get("/arrangementer/<int:event_id>")
def event(event_id):
    found_event, assignment = _own_event_or_404(event_id)
    return _event_page(found_event, assignment, AttendanceForm(obj=found_event.attendance))


def _event_page(found_event, assignment, form, status=200, error=None):
    return render_template(
        "assignee/event.html",
        event=found_event,
        assignment=assignment,
        colleagues=[
            a
            for a in found_event.assignments
            if a.status.value == "accepted" and a.person_id != assignment.person_id
        ],
        attendance_form=form,
        can_record=assignments.can_record_attendance(assignment),
        error=error,
    ), status


@bp.post("/arrangementer/<int:event_id>/fremmoede")
def record_attendance(event_id):
    found_event, assignment = _own_event_or_404(event_id)
    if not assignments.can_record_attendance(assignment):
        abort(404)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return _event_page(found_event, assignment, form, status=422)
    try:
        attendance.record_attendance(
            found_event, by=current_user, counts=form.counts(), note=form.note.data or ""
        )
    except scheduling.SchedulingError as error:
        return _event_page(found_event, assignment, form, status=409, error=str(error))
    flash(_("Tak! Fremmødet er gemt."), "success")
    return redirect(url_for(".event", event_id=found_event.id))


@bp.get("/arrangementer/<int:event_id>/kalender.ics")
def event_calendar(event_id):
    found_event, _assignment = _own_event_or_404(event_id)
    body = calendar.event_calendar(
        found_event,
        title=f"VINK: {found_event.offer_kind.name_da}",
        url=url_for(".event", event_id=found_event.id, _external=True),
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="vink-{found_event.id}.ics"',
        },
    )


@bp.post("/kalender/nyt-link")
def renew_feed():
    assignments.regenerate_feed_token(_person())
    flash(_("Du har fået et nyt kalenderlink. Det gamle virker ikke længere."), "success")
    return redirect(url_for(".index") + "#kalender")
