"""Evaluation forms anyone is sent to without an account: the requester's (a signed one-shot
link in a mail) and the participants' (the short address behind the event's QR code)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import links
from ..forms.evaluation import evaluation_form, show_answer_error
from ..i18n import current_locale
from ..models.enums import EvaluationAudience
from ..services import evaluations
from ..services.evaluations import AnswerError, EvaluationError

bp = Blueprint("evaluations", __name__)


# --- the requester's evaluation, from the mailed link ----------------------------------------


@bp.route("/evaluering/<signed>", methods=["GET", "POST"])
def requester(signed):
    try:
        evaluation = evaluations.evaluation_for_link(signed)
    except links.LinkError:
        abort(404)
    event = evaluation.event
    form = evaluation_form(
        evaluations.questions_for(event, EvaluationAudience.REQUESTER), current_locale()
    )
    state = evaluations.requester_state(evaluation)
    error, status = None, 200
    if request.method == "POST":
        status = 409 if state is not None else 422
        if state is None and form.validate_on_submit():
            try:
                evaluations.answer_as_requester(
                    evaluation, form.answers(), names_confirmed=bool(form.no_names.data)
                )
            except AnswerError as failure:
                error = show_answer_error(form, failure)
            except EvaluationError as failure:
                error, status = str(failure), 409
            else:
                flash(_("Tak for jeres svar! Det hjælper os med at blive bedre."), "success")
                return redirect(url_for(".requester", signed=signed))
    return render_template(
        "public/evaluation.html",
        event=event,
        form=form,
        state=state,
        error=error,
        action=url_for(".requester", signed=signed),
    ), status
