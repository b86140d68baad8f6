"""Saving an assignee's reflection from a posted form: the person's own event page and the
attendance link mailed the day after take it alike. Kept out of either blueprint so no view
module imports another."""

from flask import flash
from flask_babel import gettext as _

from ..forms.assignee import ReflectionForm
from ..services import evaluations
from ..services.evaluations import EvaluationError


def save_reflection(assignment, *, by=None, actor_label=""):
    """(form, None, None) when the posted reflection is saved (with a thank-you flashed), else
    (form, status, error) for the page to show it again: 422 for a form to correct, 409 with
    the service's refusal."""
    form = ReflectionForm()
    if not form.validate_on_submit():
        return form, 422, None
    try:
        evaluations.reflect(
            assignment,
            by=by,
            actor_label=actor_label,
            rating=int(form.rating.data),
            note=form.reflection_note.data or "",
            follow_up=form.follow_up.data,
        )
    except EvaluationError as error:
        return form, 409, str(error)
    flash(_("Tak! Din refleksion er gemt."), "success")
    return form, None, None
