"""Resource persons' and dialogue ambassadors' own pages. Another person's id is 404, not 403:
nothing tells an assignee that someone else's offer or event exists."""

from functools import partial

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock, qr
from ..extensions import db
from ..forms.assignee import (
    WEEKDAYS,
    AvailabilityRuleForm,
    AwayPeriodForm,
    DeclineForm,
    reflection_form_for,
)
from ..forms.secretariat import AttendanceForm
from ..htmx import is_htmx, render_page_or_partial
from ..i18n import current_locale, long_date, short_time
from ..links import external_url
from ..models import AvailabilityRule, AwayPeriod, DeclineReason
from ..models.enums import AssignmentStatus, Role
from ..permissions import require_roles
from ..services import assignments, attendance, calendar, catalogue, evaluations, offers
from ..services.errors import AttendanceError, OfferError
from ..urls import bounded_int
from . import once
from .answers import after_decline, told_after_accept
from .reflections import save_reflection

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
    assignments.feed_token(person)  # made on first use: a write, before anything is kept
    now = clock.now()

    def body():
        # Read after the data version: an address renewed meanwhile is the one shown.
        feed_url = calendar_feed_url(person)
        shown = assignments.overview_for(person, now=now)
        html = render_template(
            "assignee/_index_body.html",
            person=person,
            feed_url=feed_url,
            webcal_url=webcal_url(feed_url),
            decline_form_for=partial(
                _decline_form, reasons=catalogue.assignment_decline_reasons(), formdata=None
            ),
            **shown,
        )
        return html, shown["until"]

    # The person's own, until something is written or the time moves one of their events or
    # offers: rendered once (the forms' CSRF token is put in per request).
    key = ("my page", current_user.id, person.id, current_locale())
    return render_template("assignee/index.html", body=once.kept(key, now, body))


def calendar_feed_url(person):
    # From PUBLIC_BASE_URL, never the request's Host header: the address is copied elsewhere.
    return external_url("feeds.person_feed", token=assignments.feed_token(person))


def webcal_url(url):
    """The feed's address as webcal://, which a phone or a calendar app opens as "subscribe"
    in one tap (it fetches the same address over https)."""
    return "webcal://" + url.split("://", 1)[1]


def _decline_form(assignment_id, reasons=None, **kwargs):
    """Each offer on the page has its own decline form, so its fields have their own ids. My
    page loads the reasons once for all its offers and passes them."""
    if reasons is None:
        reasons = catalogue.assignment_decline_reasons()
    return DeclineForm(prefix=f"offer{assignment_id}", reasons=reasons, **kwargs)


def _offer_partial(assignment, status=200, error=None, decline_form=None, answered=None):
    return render_page_or_partial(
        "assignee/offer.html",
        "assignee/_offer.html",
        status,
        assignment=assignment,
        decline_form_for=lambda assignment_id: (
            decline_form or _decline_form(assignment_id, formdata=None)
        ),
        error=error,
        answered=answered,
    )


@bp.post("/tildelinger/<int:assignment_id>/ja")
def accept(assignment_id):
    assignment = _own_assignment_or_404(assignment_id)
    try:
        offers.accept_offer(assignment, by=current_user)
    except OfferError as error:
        return _offer_partial(assignment, status=409, error=str(error))
    if is_htmx():
        return _offer_partial(assignment)
    flash(_("Tak! Du har sagt ja.") + " " + told_after_accept(assignment.event), "success")
    return redirect(url_for(".index"))


@bp.post("/tildelinger/<int:assignment_id>/nej")
def decline(assignment_id):
    assignment = _own_assignment_or_404(assignment_id)
    form = _decline_form(assignment_id)
    if not form.validate_on_submit():
        return _offer_partial(assignment, status=422, decline_form=form)
    try:
        offered_on = offers.decline_offer(
            assignment,
            by=current_user,
            reason=db.session.get(DeclineReason, form.reason.data) if form.reason.data else None,
            note=form.note.data or "",
        )
    except OfferError as error:
        return _offer_partial(assignment, status=409, error=str(error))
    if is_htmx():
        return _offer_partial(assignment, answered=after_decline(offered_on))
    flash(after_decline(offered_on), "success")
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


def _event_page(found_event, assignment, form, status=200, error=None, reflection_form=None):
    can_record = assignments.can_record_attendance(assignment)
    reflection = evaluations.reflection_of(assignment) if can_record else None
    return render_template(
        "assignee/event.html",
        event=found_event,
        assignment=assignment,
        colleagues=[
            a
            for a in found_event.assignments
            if a.status == AssignmentStatus.ACCEPTED and a.person_id != assignment.person_id
        ],
        attendance_form=form,
        can_record=can_record,
        reflection=reflection,
        reflection_form=reflection_form or reflection_form_for(reflection),
        participants=_participants_invitation(found_event)
        if assignment.status == AssignmentStatus.ACCEPTED
        else None,
        error=error,
    ), status


def _participants_invitation(found_event):
    """The participants' evaluation address and its QR code while the form is open, or None."""
    invitation = evaluations.participants_invitation(found_event)
    if invitation is None:
        return None
    return {
        "invitation": invitation,
        "margin": evaluations.PARTICIPANT_MARGIN,
        "address": invitation.url.split("://", 1)[-1],
        "qr_svg": Markup(  # noqa: S704 (segno's drawing of our own URL; the title is escaped)
            qr.qr_svg(invitation.url, title=_("QR-kode til deltagernes evaluering"), scalable=True)
        ),
    }


@bp.get("/arrangementer/<int:event_id>/evalueringsark")
def evaluation_sheet(event_id):
    """A page to print and hang up or hand out: a large QR code and the short address."""
    found_event, assignment = _own_event_or_404(event_id)
    # Only for those who said yes (one still only asked sees the event, not its evaluation);
    # before the event too, to print at home.
    participants = (
        _participants_invitation(found_event)
        if assignment.status == AssignmentStatus.ACCEPTED
        else None
    )
    if participants is None:
        abort(404)
    return render_template(
        "assignee/evaluation_sheet.html", event=found_event, participants=participants
    )


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
    except AttendanceError as error:
        return _event_page(found_event, assignment, form, status=409, error=str(error))
    flash(_("Tak! Fremmødet er gemt."), "success")
    return redirect(url_for(".event", event_id=found_event.id))


@bp.post("/arrangementer/<int:event_id>/refleksion")
def reflect(event_id):
    found_event, assignment = _own_event_or_404(event_id)
    if not assignments.can_record_attendance(assignment):
        abort(404)
    form, status, error = save_reflection(assignment, by=current_user)
    if status is not None:
        attendance_form = AttendanceForm(formdata=None, obj=found_event.attendance)
        return _event_page(
            found_event, assignment, attendance_form, status, error=error, reflection_form=form
        )
    return redirect(url_for(".event", event_id=found_event.id) + "#refleksion")


@bp.get("/arrangementer/<int:event_id>/kalender.ics")
def event_calendar(event_id):
    found_event, _assignment = _own_event_or_404(event_id)
    body = calendar.event_calendar(
        found_event,
        title=calendar.feed_title(found_event),
        url=external_url("assignee.event", event_id=found_event.id),
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


# --- availability -------------------------------------------------------------------------------


def _availability_page(rule_form=None, away_form=None, status=200):
    person = _person()
    return render_template(
        "assignee/availability.html",
        person=person,
        rules=sorted(person.availability_rules, key=lambda r: (r.weekday, r.starts_at)),
        away=sorted(person.away_periods, key=lambda p: p.starts_on),
        # The form that was not sent shows no data from the one that was.
        rule_form=rule_form or AvailabilityRuleForm(formdata=None),
        away_form=away_form or AwayPeriodForm(formdata=None),
        weekdays=dict(WEEKDAYS),
    ), status


@bp.get("/tilgaengelighed")
def availability():
    return _availability_page()


@bp.post("/tilgaengelighed/ugentlig")
def add_rule():
    form = AvailabilityRuleForm()
    if not form.validate_on_submit():
        return _availability_page(rule_form=form, status=422)
    assignments.add_availability_rule(
        _person(),
        weekday=form.weekday.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
    )
    flash(_("Tiden er tilføjet."), "success")
    return redirect(url_for(".availability"))


@bp.post("/tilgaengelighed/vaek")
def add_away():
    form = AwayPeriodForm()
    if not form.validate_on_submit():
        return _availability_page(away_form=form, status=422)
    period = assignments.add_away_period(
        _person(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        note=form.note.data or "",
    )
    clashing = assignments.accepted_events_while_away(period, now=clock.now())
    if clashing:
        # Added all the same (she knows her days), but the yes she gave no longer holds.
        flash(
            _(
                "Perioden er tilføjet, men du har sagt ja til %(events)s. Sekretariatet kan se "
                "det og kontakter dig for at finde en afløser. Kan du alligevel komme, så sig "
                "det til sekretariatet.",
                events="; ".join(_accepted_event_words(event) for event in clashing),
            ),
            "warning",
        )
    else:
        flash(_("Perioden er tilføjet."), "success")
    return redirect(url_for(".availability"))


def _accepted_event_words(event):
    """An accepted event as her warning names it, as everywhere ("Ung-til-ung dialog: Vanløse
    Skole den 14. januar 2031 kl. 10.00"), as plain text: the flash escapes it once."""
    event_name = get_template_attribute("secretariat/_macros.html", "event_name")
    return _(
        "%(event)s den %(day)s kl. %(time)s",
        event=event_name(event).striptags(),
        day=long_date(event.starts_at),
        time=short_time(event.starts_at),
    )


@bp.post("/tilgaengelighed/<kind>/<int:item_id>/slet")
def remove_availability(kind, item_id):
    model = {"ugentlig": AvailabilityRule, "vaek": AwayPeriod}.get(kind)
    item = db.session.get(model, item_id) if model else None
    if item is None or item.person_id != _person().id:
        abort(404)
    assignments.remove_own(_person(), item)
    flash(_("Slettet."), "success")
    return redirect(url_for(".availability"))


# --- open seats ---------------------------------------------------------------------------------


@bp.get("/ledige-pladser")
def open_seats():
    person = _person()
    now = clock.now()

    def body():
        board = _board(person, now)
        return render_template("assignee/_open_seats_body.html", board=board), board.until

    # The person's own (never asked for its events, their roles), until something is written,
    # the soonest of its events starts or the day ends: rendered once.
    key = ("open seats", person.id, request.full_path, current_locale())
    return render_template("assignee/open_seats.html", body=once.kept(key, now, body))


def _board(person, now):
    page = request.args.get("side", 1, type=bounded_int)
    return assignments.open_seats_page(person, now=now, page=page)


def _open_seats_page(status, error):
    """The board as a refused claim shows it, the refusal above it."""
    body = render_template(
        "assignee/_open_seats_body.html", board=_board(_person(), clock.now()), error=error
    )
    return render_template("assignee/open_seats.html", body=Markup(body)), status  # noqa: S704


@bp.post("/ledige-pladser/<int:event_id>")
def claim(event_id):
    person = _person()
    found = assignments.open_seat(person, event_id, now=clock.now())
    if found is None:
        # Sent again from another tab, or taken meanwhile: said on the board, not "not found".
        why = assignments.why_no_open_seat(person, event_id)
        if why is None:
            abort(404)
        return _open_seats_page(status=409, error=str(why))
    try:
        claimed = assignments.claim_seat(
            person, found.event, seat_role=found.role, seat_number=found.number, by=current_user
        )
    except OfferError as error:
        # Somebody (or the same claim sent twice) was faster: said on the board as it is now.
        return _open_seats_page(status=409, error=str(error))
    if claimed.status == AssignmentStatus.ACCEPTED:
        flash(_("Pladsen er din. Tak!"), "success")
    else:
        flash(_("Tak! Sekretariatet giver besked, når pladsen er bekræftet."), "success")
    return redirect(url_for(".index"))
