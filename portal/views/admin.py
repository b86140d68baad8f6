"""Administration: accounts, targets, and the reference data the portal works from."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..forms.admin import (
    AuditFilterForm,
    BudgetLineForm,
    ClosedPeriodForm,
    DeclineReasonForm,
    EmailTextForm,
    EvaluationQuestionForm,
    FeesForm,
    OfferKindForm,
    SignInRulesForm,
    SspCommitteeForm,
    SupportCourseKindForm,
    TargetsForm,
    TopicForm,
)
from ..forms.secretariat import ReportYearForm
from ..models import (
    BudgetLine,
    ClosedPeriod,
    DeclineReason,
    EvaluationQuestion,
    OfferKind,
    SspCommittee,
    SupportCourseKind,
    Topic,
)
from ..models.enums import ClosedPeriodKind, DeclineReasonScope, Metric, Role
from ..permissions import require_roles
from ..services import (
    audit,
    catalogue,
    evaluation_questions,
    mail,
    mail_editor,
    provider_login,
    reference,
    reporting,
    sign_in_rules,
    support,
)
from ..services import targets as targets_service
from ..urls import bounded_int
from .confirm import confirmed

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))


@bp.get("/")
def index():
    year = clock.today().year
    return render_template(
        "admin/index.html",
        year=year,
        targets=targets_service.targets_of(year),
        metrics=list(Metric),
    )


@bp.get("/post")
def outbox():
    """Mail the portal sends: retries with their pause and error, and what was given up."""
    counts, troubled = mail.outbox_overview(limit=OUTBOX_ROWS)
    return render_template(
        "admin/outbox.html",
        counts=counts,
        troubled=troubled,
        limit=OUTBOX_ROWS,
        masked=mail.masked_address,
    )


OUTBOX_ROWS = 50


# --- the texts of the mails ---------------------------------------------------------------------


@bp.get("/e-mails")
def email_texts_index():
    """Every mail the portal sends, and per language whether its text is shipped or edited."""
    return render_template("admin/email_texts.html", overview=mail_editor.overview())


def _mail_kind_or_404(kind, language):
    spec = mail_editor.editable_kind(kind, language)
    if spec is None:
        abort(404)
    return spec


@bp.route("/e-mails/<kind>/<language>", methods=["GET", "POST"])
def email_text(kind, language):
    """Edit one mail's text: preview it with the newest real case, save it, or (beside) go back
    to the shipped text. The preview button posts the same form and saves nothing."""
    spec = _mail_kind_or_404(kind, language)
    form = EmailTextForm()
    if request.method == "GET":
        form.subject.data, form.body.data = mail.current_text(kind, language)
    status, preview, no_case = 200, None, False
    if form.validate_on_submit():
        text = {"subject": form.subject.data or "", "body": form.body.data or ""}
        try:
            if request.form.get("handling") == "forhaandsvis":
                preview = mail_editor.preview(kind, language, **text)
                no_case = preview is None
            else:
                outcome = mail_editor.save_email_text(kind, language, by=current_user, **text)
                flash(str(EMAIL_TEXT_SAVED[outcome]), "success")
                return redirect(url_for(".email_text", kind=kind, language=language))
        except mail_editor.EmailTextRefused as refused:
            for problem in refused.problems:
                problem.show_on(form)
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template(
        "admin/email_text.html",
        spec=spec,
        language=language,
        form=form,
        stored=mail.stored_text(kind, language),
        preview=preview,
        no_case=no_case,
    ), status


EMAIL_TEXT_SAVED = {
    "saved": _l("Teksten er gemt. Den bruges fra nu af i hver mail af denne slags."),
    "unchanged": _l("Teksten er uændret. Intet er gemt."),
    "shipped": _l("Teksten er standardteksten igen, så standardteksten bruges."),
}


@bp.post("/e-mails/<kind>/<language>/leveret")
def reset_email_text(kind, language):
    _mail_kind_or_404(kind, language)
    if mail_editor.reset_email_text(kind, language, by=current_user):
        flash(_("Standardteksten bruges igen."), "success")
    else:
        flash(_("Standardteksten bruges allerede."), "success")
    return redirect(url_for(".email_text", kind=kind, language=language))


@bp.get("/log")
def audit_log():
    """Every change, who made it and the values before and after; narrowed and paged."""
    object_types, actions = audit.logged_kinds()
    form = AuditFilterForm(request.args, object_types=object_types, actions=actions)
    valid = form.validate() if request.args else True
    filters = audit.LogFilters(**form.filters())
    result = audit.log_page(filters, page=request.args.get("side", 1, type=bounded_int))
    args = {k: v for k, v in request.args.items() if k != "side" and v}
    return render_template(
        "admin/audit_log.html",
        form=form,
        result=result,
        entries=audit.readable(result.items),
        args=args,
    ), 200 if valid else 422


@bp.route("/log-ind", methods=["GET", "POST"])
def sign_in_rules_page():
    """Which roles must sign in at the municipality's identity provider, and the one admin
    account kept for when it is down."""
    admins = sign_in_rules.admins_to_choose()
    glass = sign_in_rules.break_glass_user()
    form = SignInRulesForm(
        admins=admins,
        data={
            "provider_only": [role.value for role in sign_in_rules.provider_only_roles()],
            "break_glass": glass.id if glass is not None and glass.active else 0,
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            chosen = next((a for a in admins if a.id == form.break_glass.data), None)
            try:
                sign_in_rules.set_rules(
                    by=current_user, provider_only=form.provider_only.data, break_glass=chosen
                )
            except sign_in_rules.SignInRuleError as refused:
                refused.show_on(form)
            else:
                flash(_("Reglerne for log ind er gemt."), "success")
                return redirect(url_for(".sign_in_rules_page"))
    return render_template(
        "admin/sign_in_rules.html",
        form=form,
        configured=provider_login.configured(),
        break_glass=glass,
    ), status


@bp.route("/lukkeperioder", methods=["GET", "POST"])
def closed_periods():
    form = ClosedPeriodForm()
    if form.validate_on_submit():
        reference.add_closed_period(
            by=current_user,
            name=form.name.data,
            kind=ClosedPeriodKind(form.kind.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        flash(_("Lukkeperioden er tilføjet."), "success")
        return redirect(url_for(".closed_periods"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/closed_periods.html", form=form, periods=reference.closed_periods()
    ), status


@bp.post("/lukkeperioder/<int:period_id>/slet")
def delete_closed_period(period_id):
    reference.delete_closed_period(db.get_or_404(ClosedPeriod, period_id), by=current_user)
    flash(_("Lukkeperioden er slettet."), "success")
    return redirect(url_for(".closed_periods"))


@bp.route("/afslagsgrunde", methods=["GET", "POST"])
def decline_reasons():
    form = DeclineReasonForm()
    if form.validate_on_submit():
        reference.add_decline_reason(
            by=current_user,
            scope=DeclineReasonScope(form.scope.data),
            label_da=form.label_da.data,
            label_en=form.label_en.data or "",
        )
        flash(_("Begrundelsen er tilføjet."), "success")
        return redirect(url_for(".decline_reasons"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/decline_reasons.html", form=form, reasons=reference.decline_reasons()
    ), status


def _show_or_hide(row, set_active, *, shown, hidden, back, **back_args):
    """Hide or show a row of reference data (admin/_active_toggle.html posts the state wanted,
    not "the other one", so a second click of the same button changes nothing); a refusal is
    flashed as it is."""
    try:
        set_active(row, by=current_user, active=request.form.get("active") == "1")
    except (reference.ReferenceDataError, evaluation_questions.QuestionError) as failure:
        flash(str(failure), "error")
    else:
        flash(shown if row.active else hidden, "success")
    return redirect(url_for(back, **back_args))


@bp.post("/afslagsgrunde/<int:reason_id>/vis-skjul")
def toggle_decline_reason(reason_id):
    return _show_or_hide(
        db.get_or_404(DeclineReason, reason_id),
        reference.set_decline_reason_active,
        shown=_("Begrundelsen vises nu."),
        hidden=_("Begrundelsen er skjult."),
        back=".decline_reasons",
    )


# --- topics and offer kinds -------------------------------------------------------------------


@bp.route("/emner", methods=["GET", "POST"])
def topics():
    """Every topic, with a form to add one."""
    return _topic_page(None, "admin/topics.html", ".topics")


@bp.route("/emner/<int:topic_id>", methods=["GET", "POST"])
def topic(topic_id):
    return _topic_page(db.get_or_404(Topic, topic_id), "admin/topic.html", ".topics")


def _topic_page(found, template, back):
    return _named_row_page(
        found, TopicForm, reference.save_topic, template, ("topic", reference.topics()), back
    )


def _named_row_page(found, form_class, save, template, names, back):
    """The add or edit page of a row that is only a Danish and an English name: `names` is the
    template's name for the row and the rows listed beside it."""
    form = form_class(obj=found)
    error = None
    if form.validate_on_submit():
        try:
            saved = save(
                found, by=current_user, name_da=form.name_da.data, name_en=form.name_en.data
            )
        except reference.ReferenceDataError as failure:
            error = str(failure)
        else:
            flash(_("%(name)s er gemt.", name=saved.name()), "success")
            return redirect(url_for(back))
    status = 422 if request.method == "POST" else 200
    singular, rows = names
    return render_template(
        template, form=form, error=error, **{singular: found, f"{singular}s": rows}
    ), status


@bp.route("/emner/<int:topic_id>/vis-skjul", methods=["GET", "POST"])
def toggle_topic(topic_id):
    topic = db.get_or_404(Topic, topic_id)
    if _hiding_unconfirmed():
        return render_template("admin/hide.html", row=topic, what="topic")
    return _show_or_hide(
        topic,
        reference.set_topic_active,
        shown=_("Emnet kan vælges igen."),
        hidden=_("Emnet er skjult."),
        back=".topics",
    )


# --- local SSP committees ----------------------------------------------------------------------


@bp.route("/ssp-udvalg", methods=["GET", "POST"])
def ssp_committees():
    """Every local SSP committee, with a form to add one."""
    return _ssp_committee_page(None, "admin/ssp_committees.html")


@bp.route("/ssp-udvalg/<int:committee_id>", methods=["GET", "POST"])
def ssp_committee(committee_id):
    return _ssp_committee_page(
        db.get_or_404(SspCommittee, committee_id), "admin/ssp_committee.html"
    )


def _ssp_committee_page(found, template):
    return _named_row_page(
        found,
        SspCommitteeForm,
        reference.save_ssp_committee,
        template,
        ("committee", reference.ssp_committees()),
        ".ssp_committees",
    )


@bp.post("/ssp-udvalg/<int:committee_id>/vis-skjul")
def toggle_ssp_committee(committee_id):
    return _show_or_hide(
        db.get_or_404(SspCommittee, committee_id),
        reference.set_ssp_committee_active,
        shown=_("SSP-udvalget kan vælges igen."),
        hidden=_("SSP-udvalget er skjult."),
        back=".ssp_committees",
    )


@bp.get("/tilbud")
def offer_kinds():
    """Every offer kind, bookable or hidden, with its staffing."""
    return render_template("admin/offer_kinds.html", kinds=reference.offer_kinds())


@bp.route("/tilbud/nyt", methods=["GET", "POST"])
def new_offer_kind():
    return _offer_kind_page(None)


@bp.route("/tilbud/<int:kind_id>", methods=["GET", "POST"])
def offer_kind(kind_id):
    return _offer_kind_page(db.get_or_404(OfferKind, kind_id))


def _offer_kind_page(kind):
    form = OfferKindForm.for_kind(kind)
    error = None
    if form.validate_on_submit():
        try:
            saved = reference.save_offer_kind(
                kind, by=current_user, needs=form.needs(), **form.values()
            )
        except reference.ReferenceDataError as failure:
            error = str(failure)
        else:
            flash(_("%(offer)s er gemt.", offer=saved.name()), "success")
            return redirect(url_for(".offer_kinds"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/offer_kind.html", form=form, kind=kind, error=error), status


@bp.route("/tilbud/<int:kind_id>/vis-skjul", methods=["GET", "POST"])
def toggle_offer_kind(kind_id):
    kind = db.get_or_404(OfferKind, kind_id)
    if _hiding_unconfirmed():
        return render_template("admin/hide.html", row=kind, what="offer_kind")
    return _show_or_hide(
        kind,
        reference.set_offer_kind_active,
        shown=_("%(offer)s kan bestilles igen.", offer=kind.name()),
        hidden=_("%(offer)s er skjult og kan ikke længere bestilles.", offer=kind.name()),
        back=".offer_kinds",
    )


# --- the questions of an offer kind's evaluation forms -------------------------------------------


@bp.route("/tilbud/<int:kind_id>/evaluering", methods=["GET", "POST"])
def evaluation_questions_page(kind_id):
    """An offer kind's evaluation questions, the requester's and the participants', with a form
    to add one."""
    kind = db.get_or_404(OfferKind, kind_id)
    form = EvaluationQuestionForm()
    error = None
    if form.validate_on_submit():
        try:
            evaluation_questions.add_question(
                kind,
                by=current_user,
                audience=form.audience.data,
                answer_kind=form.answer_kind.data,
                text_da=form.text_da.data,
                text_en=form.text_en.data or "",
                required=form.required.data,
            )
        except evaluation_questions.QuestionError as failure:
            error = str(failure)
        else:
            flash(_("Spørgsmålet er tilføjet."), "success")
            return redirect(url_for(".evaluation_questions_page", kind_id=kind.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/evaluation_questions.html",
        kind=kind,
        form=form,
        error=error,
        forms=evaluation_questions.questions_of(kind),
    ), status


@bp.route("/evaluering/<int:question_id>", methods=["GET", "POST"])
def evaluation_question(question_id):
    """Correct a question's wording; while nobody has answered it, also its answer kind and
    whether it must be answered."""
    question = db.get_or_404(EvaluationQuestion, question_id)
    answers = evaluation_questions.answer_count(question)
    form = EvaluationQuestionForm.for_question(question, answered=answers > 0)
    error = None
    if form.validate_on_submit():
        try:
            evaluation_questions.update_question(question, by=current_user, **form.changes())
        except evaluation_questions.QuestionError as failure:
            error = str(failure)
        else:
            flash(_("Spørgsmålet er gemt."), "success")
            return redirect(url_for(".evaluation_questions_page", kind_id=question.offer_kind_id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/evaluation_question.html",
        question=question,
        answers=answers,
        form=form,
        error=error,
    ), status


@bp.route("/evaluering/<int:question_id>/vis-skjul", methods=["GET", "POST"])
def toggle_evaluation_question(question_id):
    question = db.get_or_404(EvaluationQuestion, question_id)
    if _hiding_unconfirmed():
        return render_template("admin/hide_evaluation_question.html", row=question)
    return _show_or_hide(
        question,
        evaluation_questions.set_question_active,
        shown=_("Spørgsmålet stilles igen."),
        hidden=_("Spørgsmålet er skjult. Dets svar er gemt."),
        back=".evaluation_questions_page",
        kind_id=question.offer_kind_id,
    )


@bp.post("/evaluering/<int:question_id>/flyt")
def move_evaluation_question(question_id):
    """One place earlier ("op") or later on its form; at the top or bottom nothing changes."""
    question = db.get_or_404(EvaluationQuestion, question_id)
    if evaluation_questions.move_question(
        question, by=current_user, up=request.form.get("retning") == "op"
    ):
        flash(_("Spørgsmålet er flyttet."), "success")
    # Back to the question's row, where the admin pressed the button.
    page = url_for(".evaluation_questions_page", kind_id=question.offer_kind_id)
    return redirect(f"{page}#q{question.id}")


@bp.route("/evaluering/<int:question_id>/slet", methods=["GET", "POST"])
def delete_evaluation_question(question_id):
    """Delete a question nobody has answered, from the page that asks first."""
    question = db.get_or_404(EvaluationQuestion, question_id)
    answers = evaluation_questions.answer_count(question)
    page = {"row": question, "answers": answers}
    if not confirmed():
        return render_template("admin/delete_evaluation_question.html", **page)
    kind_id = question.offer_kind_id
    try:
        evaluation_questions.delete_question(question, by=current_user)
    except evaluation_questions.QuestionError as failure:
        return render_template(
            "admin/delete_evaluation_question.html", error=str(failure), **page
        ), 409
    flash(_("Spørgsmålet er slettet."), "success")
    return redirect(url_for(".evaluation_questions_page", kind_id=kind_id))


def _hiding_unconfirmed():
    """Hiding an offer kind or a topic takes it off the booking form: it is done only from the
    page that asks (views/confirm.py); showing it again is done at once."""
    showing = request.method == "POST" and request.form.get("active") == "1"
    return not showing and not confirmed()


# --- the report's admin data --------------------------------------------------------------------


@bp.route("/maal", methods=["GET", "POST"])
def targets():
    """A year's targets, set by hand; the report reads them and nothing else."""
    year = _year_argument()
    # An empty year offers the targets of the latest earlier year that has any, to copy.
    own, copy_from = targets_service.targets_and_source(year)
    form = TargetsForm.for_year(
        own,
        kinds=targets_service.kinds_with_own_targets(),
        kind_values=targets_service.kind_targets_of(year),
    )
    error = None
    if form.validate_on_submit():
        try:
            changed = targets_service.set_year_targets(
                year, by=current_user, metrics=form.values(), kinds=form.kind_values()
            )
        except targets_service.TargetError as refused:
            error = str(refused)
        else:
            flash(
                _("Målene for %(year)s er gemt.", year=year)
                if changed
                else _("Målene for %(year)s er uændrede.", year=year),
                "success",
            )
            return redirect(url_for("reports.report", aar=year))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/targets.html",
        form=form,
        error=error,
        year=year,
        copy_from=None if own else copy_from,
        year_form=_year_picker(year),
    ), status


@bp.post("/maal/kopier")
def copy_targets():
    """Copy the latest earlier year's targets; back to the targets page or the report, where
    the button was."""
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        abort(404)
    if request.form.get("tilbage") == "maal":
        back = url_for(".targets", aar=year)
    else:
        back = url_for("reports.report", aar=year)
    try:
        source = targets_service.copy_targets(year, by=current_user)
    except targets_service.TargetError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(
        _("Målene for %(previous)s er kopieret til %(year)s.", previous=source, year=year),
        "success",
    )
    return redirect(back)


@bp.route("/stoetteforloebstyper", methods=["GET", "POST"])
def support_course_kinds():
    form = SupportCourseKindForm()
    error = None
    if form.validate_on_submit():
        try:
            reference.add_support_course_kind(
                by=current_user, name_da=form.name_da.data, name_en=form.name_en.data or ""
            )
        except reference.ReferenceDataError as failure:
            error = str(failure)
        else:
            flash(_("Typen er tilføjet."), "success")
            return redirect(url_for(".support_course_kinds"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/support_course_kinds.html",
        form=form,
        kinds=reference.support_course_kinds(),
        error=error,
    ), status


@bp.post("/stoetteforloebstyper/<int:kind_id>/vis-skjul")
def toggle_support_course_kind(kind_id):
    return _show_or_hide(
        db.get_or_404(SupportCourseKind, kind_id),
        reference.set_support_course_kind_active,
        shown=_("Typen kan vælges igen."),
        hidden=_("Typen er skjult."),
        back=".support_course_kinds",
    )


def _budget_page(year, form=None, fee_forms=None, status=200, error=None):
    kinds, course_kinds = catalogue.bookable_offer_kinds(), support.active_kinds()
    lines = reference.budget_lines(year)
    fee_forms = fee_forms or {}
    for line in lines:
        if line.id not in fee_forms:
            fee_form = FeesForm.for_kinds(
                kinds, course_kinds, prefix=f"line{line.id}", formdata=None
            )
            fees = {fee.offer_kind_id: fee.fee_ore for fee in line.fees}
            for kind in kinds:
                fee_form[f"fee_{kind.code}"].data = fees.get(kind.id)
            course_fees = {fee.kind_id: fee.fee_ore for fee in line.course_fees}
            for kind in course_kinds:
                fee_form[f"course_fee_{kind.code}"].data = course_fees.get(kind.id)
            fee_forms[line.id] = fee_form
    return render_template(
        "admin/budget.html",
        year=year,
        year_form=_year_picker(year),
        lines=lines,
        kinds=kinds,
        course_kinds=course_kinds,
        form=form or BudgetLineForm(),
        fee_forms=fee_forms,
        error=error,
    ), status


def _year_picker(year):
    """The report's year picker, on the pages of its targets and budget, with the page's year
    among its choices (a year typed in the address may lie outside the report's)."""
    years = sorted({*reporting.report_years(), year}, reverse=True)
    form = ReportYearForm(formdata=None, years=years)
    form.aar.data = str(year)
    return form


def _year_argument():
    """The year in `?aar=`, this year by default; 404 outside the years the portal keeps."""
    year = request.args.get("aar", type=int) or clock.today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/budget")
def budget():
    return _budget_page(_year_argument())


@bp.post("/budget")
def add_budget_line():
    year = _year_argument()
    form = BudgetLineForm()
    if not form.validate_on_submit():
        return _budget_page(year, form=form, status=422)
    try:
        reference.add_budget_line(
            by=current_user,
            year=year,
            name_da=form.name_da.data,
            name_en=form.name_en.data or "",
            amount_ore=form.amount.data,
            source=form.source.data,
        )
    except reference.ReferenceDataError as failure:
        return _budget_page(year, form=form, status=422, error=str(failure))
    flash(_("Budgetlinjen er tilføjet."), "success")
    return redirect(url_for(".budget", aar=year))


@bp.route("/budget/<int:line_id>", methods=["GET", "POST"])
def budget_line(line_id):
    """Correct a budget line's name, amount or source."""
    line = db.get_or_404(BudgetLine, line_id)
    form = BudgetLineForm()
    if not form.is_submitted():
        form.name_da.data, form.name_en.data = line.name_da, line.name_en
        form.amount.data, form.source.data = line.amount_ore, line.source
    error = None
    if form.validate_on_submit():
        try:
            reference.update_budget_line(
                line,
                by=current_user,
                name_da=form.name_da.data,
                name_en=form.name_en.data or "",
                amount_ore=form.amount.data,
                source=form.source.data,
            )
        except reference.ReferenceDataError as failure:
            error = str(failure)
        else:
            flash(_("Budgetlinjen er rettet."), "success")
            return redirect(url_for(".budget", aar=line.year))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/budget_line.html", line=line, form=form, error=error), status


@bp.route("/budget/<int:line_id>/slet", methods=["GET", "POST"])
def delete_budget_line(line_id):
    """Delete a budget line entered by mistake, from the page that asks first."""
    line = db.get_or_404(BudgetLine, line_id)
    if not confirmed():
        return render_template("admin/delete_budget_line.html", line=line)
    year, name = line.year, line.name()
    reference.delete_budget_line(line, by=current_user)
    flash(_("Budgetlinjen %(line)s er slettet.", line=name), "success")
    return redirect(url_for(".budget", aar=year))


@bp.post("/budget/<int:line_id>/takster")
def set_event_fees(line_id):
    line = db.get_or_404(BudgetLine, line_id)
    kinds, course_kinds = catalogue.bookable_offer_kinds(), support.active_kinds()
    form = FeesForm.for_kinds(kinds, course_kinds, prefix=f"line{line.id}")
    if not form.validate_on_submit():
        return _budget_page(line.year, fee_forms={line.id: form}, status=422)
    reference.set_fees(
        line,
        by=current_user,
        event_fees={kind: form[f"fee_{kind.code}"].data or 0 for kind in kinds},
        course_fees={kind: form[f"course_fee_{kind.code}"].data or 0 for kind in course_kinds},
    )
    flash(_("Taksterne for %(line)s er gemt.", line=line.name_da), "success")
    return redirect(url_for(".budget", aar=line.year))
