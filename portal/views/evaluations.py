"""Evaluation forms anyone is sent to without an account: the requester's (a signed one-shot
link in a mail) and the participants' (the short address behind the event's QR code)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address

from .. import links
from ..extensions import limiter
from ..forms.evaluation import evaluation_form, show_answer_error
from ..i18n import current_locale
from ..models.enums import EvaluationAudience
from ..services import evaluations
from ..services.evaluations import AnswerError, EvaluationError
from .spam import spam_refusal

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
            else:  # the page says "Tak, I har svaret" from now on
                return redirect(url_for(".requester", signed=signed))
    return render_template(
        "public/evaluation.html",
        event=event,
        form=form,
        state=state,
        error=error,
        action=url_for(".requester", signed=signed),
        open_days=evaluations.REQUESTER_OPEN_FOR.days,
    ), status


# --- the participants' anonymous evaluation, from the QR code or the short address -----------

PARTICIPANTS_PAGE = "public/participant_evaluation.html"


def _address_and_event():
    """The rate limit's key: a class answers from its school's one address, and another class
    at the same school may be answering another event at the same time."""
    return f"{get_remote_address()}/{(request.view_args or {}).get('code', '').lower()}"


def _participants_event_or_404(code):
    event = evaluations.event_for_code(code)
    if event is None or not evaluations.questions_for(event, EvaluationAudience.PARTICIPANT):
        abort(404)
    return event


@bp.route("/e/<code>", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PARTICIPANT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_address_and_event,
)
def participants(code):
    """The form a pupil opens from the QR code. Nothing about the sender is kept; after the
    answer the page says thank you and shows nothing of it, since the phone may be passed on."""
    event = _participants_event_or_404(code)
    if request.method == "GET" and code != evaluations.participant_code(event):
        # Typed from a board in capitals: one address per event.
        return redirect(url_for(".participants", code=evaluations.participant_code(event)), 301)
    form = evaluation_form(
        evaluations.questions_for(event, EvaluationAudience.PARTICIPANT),
        current_locale(),
        public=True,
    )
    page = {
        "event": event,
        "state": "answered"
        if request.cookies.get(_answered_cookie(event))
        else evaluations.participants_state(event),
        "action": url_for(".participants", code=code),
        "refusals": evaluations.PARTICIPANT_REFUSALS,
    }
    if request.method == "GET":
        return render_template(PARTICIPANTS_PAGE, form=form, **page)
    if page["state"] is not None:
        return render_template(PARTICIPANTS_PAGE, form=form, **page), 409
    if form.spam_reason() is not None:
        return spam_refusal(PARTICIPANTS_PAGE, form, **page)
    if not form.validate_on_submit():
        return render_template(PARTICIPANTS_PAGE, form=form, **page), 422
    try:
        evaluations.answer_as_participant(
            event, form.answers(), names_confirmed=bool(form.no_names.data)
        )
    except AnswerError as failure:
        error = show_answer_error(form, failure)
        return render_template(PARTICIPANTS_PAGE, form=form, form_error=error, **page), 422
    except EvaluationError as failure:
        # Full since the page was shown, or nothing answered at all.
        page["state"] = evaluations.participants_state(event)
        status, error = (422 if page["state"] is None else 409), str(failure)
        return render_template(PARTICIPANTS_PAGE, form=form, form_error=error, **page), status
    response = redirect(url_for(".participants_thanks", code=code))
    # One answer per phone: a pupil playing with the form cannot use up the class's answers.
    # Kept in the phone, never with the answer.
    response.set_cookie(
        _answered_cookie(event),
        "1",
        max_age=int(evaluations.PARTICIPANTS_OPEN_FOR.total_seconds()) + 86400,
        path="/e/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _answered_cookie(event):
    return f"vink_e{event.id}"


@bp.get("/e/<code>/")
@bp.get("/E/<code>")
@bp.get("/E/<code>/")
def participants_typed(code):
    """The short address as a phone's keyboard may type it (a capital E, a slash after it):
    sent on to the one address."""
    event = _participants_event_or_404(code)
    return redirect(url_for(".participants", code=evaluations.participant_code(event)), 301)


@bp.get("/e/<code>/tak")
def participants_thanks(code):
    """After an answer: thanks, and nothing of the answer."""
    event = _participants_event_or_404(code)
    return render_template(
        PARTICIPANTS_PAGE,
        event=event,
        state="thanks",
        form=None,
        action=url_for(".participants", code=code),
        refusals=evaluations.PARTICIPANT_REFUSALS,
    )
