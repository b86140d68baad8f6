"""The yearly report (page, XLSX, CSV) and the anonymous 1-1 support courses behind it: the
secretariat's and the admin's. Figures and rules live in services/reporting.py."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock
from ..extensions import db
from ..forms.secretariat import (
    EndSupportCourseForm,
    ReportYearForm,
    SupportCourseForm,
    WrittenAnswersForm,
)
from ..i18n import current_locale
from ..models import District, SupportCourse, SupportCourseKind
from ..permissions import STAFF, can_edit_reference_data, require_roles
from ..services import catalogue, evaluation_report, report_export, reporting, support
from ..services.remembered import remembered
from ..urls import bounded_int

bp = Blueprint("reports", __name__, url_prefix="/sekretariat")
bp.before_request(require_roles(*STAFF))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/rapport")
def report():
    years = reporting.report_years()
    form = ReportYearForm(request.args, years=years)
    form.validate()
    today, locale = clock.today(), current_locale()
    year = form.year(default=today.year)
    form.aar.data = str(year)
    can_edit = can_edit_reference_data(current_user)

    def the_report():
        return reporting.build_report(year, today=today, locale=locale, years=years)

    def body():
        # The report read again here, after the version this body is kept under was read: a
        # write between would otherwise leave an older report's body under the newer version.
        shown = the_report()
        return render_template(
            "secretariat/_report_body.html",
            form=form,
            report=shown,
            tables={table.slug: table for table in report_export.tables(shown)},
            printed_on=today,
            can_edit=can_edit,
            targets_alert=Markup(TARGETS_ALERT),  # noqa: S704 (a constant comment)
        )

    # The body (its 60 kB of tables) is the same for everyone with the same right to edit, until
    # something is written or the day changes: rendered once. What may hold this session's
    # CSRF token (the form that copies targets) is rendered for each request and put in.
    errors = tuple(str(error) for error in form.aar.errors)
    key = ("report page", year, today, locale, tuple(years), can_edit, errors)
    result = the_report()
    alert = render_template("secretariat/_targets_alert.html", report=result, can_edit=can_edit)
    # Both rendered templates: HTML Jinja has escaped already.
    body = Markup(remembered(key, body).replace(TARGETS_ALERT, alert, 1))  # noqa: S704
    return render_template("secretariat/report.html", report=result, body=body)


# Where the alert about a year without targets goes in the remembered body.
TARGETS_ALERT = "<!-- the targets alert -->"


@bp.get("/rapport/skrevne-svar")
def written_answers():
    """The evaluations' free-text answers, newest first, paged; flagged ones marked."""
    years = reporting.report_years()
    form = WrittenAnswersForm(request.args, years=years, offer_kinds=catalogue.all_offer_kinds())
    form.validate()
    year = form.year(default=clock.today().year)
    form.aar.data = str(year)
    kind = form.offer_kind()
    form.tilbud.data = str(kind.id) if kind else ""
    result = evaluation_report.written_answers_page(
        year,
        offer_kind_id=kind.id if kind else None,
        page=request.args.get("side", 1, type=bounded_int),
    )
    return render_template(
        "secretariat/written_answers.html",
        form=form,
        year=year,
        result=result,
        args={"aar": year, **({"tilbud": kind.id} if kind else {})},
    )


def _export(year):
    """The report of `year` and, when the secretariat ticked "fritekst", the free-text answers
    an export may hold (never a flagged one)."""
    if not 2000 <= year <= 2100:
        abort(404)
    locale = current_locale()
    report = reporting.build_report(year, locale=locale, years=[year])
    written = None
    if request.args.get("fritekst") == "1":
        written = evaluation_report.written_answers_for_export(year, locale)
    return report, written


@bp.get("/rapport/<int:year>.xlsx")
def report_xlsx(year):
    body = report_export.xlsx_bytes(*_export(year))
    return _download(body, XLSX, f"vink-rapport-{year}.xlsx")


@bp.get("/rapport/<int:year>-csv.zip")
def report_csv(year):
    body = report_export.csv_zip_bytes(*_export(year))
    return _download(body, "application/zip", f"vink-rapport-{year}-csv.zip")


def _download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- anonymous 1-1 support ----------------------------------------------------------------------


def _support_page(form=None, status=200, error=None):
    courses, total = support.recent_courses()
    end_forms = {
        course.id: EndSupportCourseForm(prefix=f"end{course.id}")
        for course in courses
        if course.ended_on is None
    }
    return render_template(
        "secretariat/support_courses.html",
        form=form or _support_form(),
        courses=courses,
        total=total,
        end_forms=end_forms,
        error=error,
    ), status


def _support_form():
    return SupportCourseForm(kinds=support.active_kinds(), districts=catalogue.districts())


@bp.get("/stoetteforloeb")
def support_courses():
    return _support_page()


@bp.post("/stoetteforloeb")
def record_support_course():
    form = _support_form()
    if not form.validate_on_submit():
        return _support_page(form, status=422)
    try:
        support.record_support_course(
            by=current_user,
            kind=db.get_or_404(SupportCourseKind, int(form.kind.data)),
            started_on=form.started_on.data,
            ended_on=form.ended_on.data,
            district=db.session.get(District, int(form.district.data))
            if form.district.data
            else None,
        )
    except support.SupportCourseError as error:
        return _support_page(form, status=422, error=str(error))
    flash(_("Forløbet er registreret."), "success")
    return redirect(url_for(".support_courses"))


@bp.post("/stoetteforloeb/<int:course_id>/afslut")
def end_support_course(course_id):
    course = db.get_or_404(SupportCourse, course_id)
    form = EndSupportCourseForm(prefix=f"end{course.id}")
    if not form.validate_on_submit():
        return _support_page(status=422, error=_("Vælg en gyldig slutdato."))
    try:
        support.end_support_course(course, by=current_user, ended_on=form.ended_on.data)
    except support.SupportCourseError as error:
        return _support_page(status=422, error=str(error))
    flash(_("Forløbet er afsluttet."), "success")
    return redirect(url_for(".support_courses"))
