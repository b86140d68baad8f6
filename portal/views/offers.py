"""Emailed links for assignees: the answer to an offer (the link opens the offer, one button
answers it), and the attendance form the day after (no login: the signed link is the key)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import links
from ..extensions import db
from ..forms.assignee import AcceptForm, DeclineForm, reflection_form_for
from ..forms.secretariat import AttendanceForm
from ..models import DeclineReason
from ..services import assignments, catalogue, evaluations, offers
from ..services import attendance as attendance_service
from ..services.errors import AttendanceError, OfferError
from .answers import after_decline
from .reflections import save_reflection

bp = Blueprint("offers", __name__, url_prefix="/svar")


def _load(signed):
    try:
        return offers.assignment_for_answer(signed)
    except links.LinkError:
        abort(404)


def _page(assignment, signed, status=200, error=None, decline_form=None):
    why_not = offers.answerable(assignment)
    return render_template(
        "assignee/answer.html",
        assignment=assignment,
        event=assignment.event,
        signed=signed,
        why_not=why_not,
        accept_form=AcceptForm(formdata=None),
        decline_form=decline_form
        or DeclineForm(formdata=None, reasons=catalogue.assignment_decline_reasons()),
        # A refusal the page explains anyway (seat taken, expired, ...) is said once.
        error=None if why_not else error,
    ), status


@bp.get("/<signed>")
def answer(signed):
    """Shows the offer and the buttons. Opening the link changes nothing."""
    return _page(_load(signed), signed)


@bp.post("/<signed>/ja")
def accept(signed):
    assignment = _load(signed)
    if not AcceptForm().validate_on_submit():
        abort(400)
    try:
        offers.accept_offer(assignment, actor_label=assignment.person.email)
    except OfferError as error:
        return _page(assignment, signed, status=409, error=str(error))
    # The page the link opens now says the yes and who is told (told_after_accept), and opens
    # at that answer.
    return redirect(url_for("offers.answer", signed=signed, _anchor="svar"))


@bp.post("/<signed>/nej")
def decline(signed):
    assignment = _load(signed)
    form = DeclineForm(reasons=catalogue.assignment_decline_reasons())
    if not form.validate_on_submit():
        return _page(assignment, signed, status=422, decline_form=form)
    try:
        offered_on = offers.decline_offer(
            assignment,
            actor_label=assignment.person.email,
            reason=db.session.get(DeclineReason, form.reason.data) if form.reason.data else None,
            note=form.note.data or "",
        )
    except OfferError as error:
        return _page(assignment, signed, status=409, error=str(error))
    flash(after_decline(offered_on), "success")
    return redirect(url_for("offers.answer", signed=signed))


# --- the attendance link sent the day after the event ---------------------------------------------


def _attendance_assignment(signed):
    try:
        return assignments.assignment_for_attendance_link(signed)
    except links.LinkError:
        abort(404)


def _attendance_page(assignment, signed, form, status=200, error=None, reflection_form=None):
    reflection = evaluations.reflection_of(assignment)
    return render_template(
        "assignee/attendance_link.html",
        assignment=assignment,
        event=assignment.event,
        signed=signed,
        state=assignments.attendance_link_state(assignment),
        form=form,
        reflection_open=assignments.attendance_link_takes_a_reflection(assignment),
        reflection=reflection,
        reflection_form=reflection_form or reflection_form_for(reflection),
        error=error,
    ), status


@bp.get("/fremmoede/<signed>")
def attendance(signed):
    assignment = _attendance_assignment(signed)
    return _attendance_page(assignment, signed, AttendanceForm())


@bp.post("/fremmoede/<signed>")
def record_attendance(signed):
    assignment = _attendance_assignment(signed)
    if assignments.attendance_link_state(assignment) is not None:
        return _attendance_page(assignment, signed, AttendanceForm(), status=409)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return _attendance_page(assignment, signed, form, status=422)
    try:
        attendance_service.record_attendance(
            assignment.event,
            actor_label=assignment.person.email,
            counts=form.counts(),
            note=form.note.data or "",
        )
    except AttendanceError as error:
        return _attendance_page(assignment, signed, form, status=409, error=str(error))
    flash(_("Tak! Fremmødet er gemt."), "success")
    return redirect(url_for("offers.attendance", signed=signed))


@bp.post("/fremmoede/<signed>/refleksion")
def reflect(signed):
    """The reflection from the mailed link, as on the person's own event page, while the link
    works (until 14 days after the event), before or after attendance is recorded."""
    assignment = _attendance_assignment(signed)
    if not assignments.attendance_link_takes_a_reflection(assignment):
        return _attendance_page(assignment, signed, AttendanceForm(formdata=None), status=409)
    form, status, error = save_reflection(assignment, actor_label=assignment.person.email)
    if status is not None:
        return _attendance_page(
            assignment,
            signed,
            AttendanceForm(formdata=None),
            status=status,
            error=error,
            reflection_form=form,
        )
    return redirect(url_for("offers.attendance", signed=signed) + "#refleksion")
