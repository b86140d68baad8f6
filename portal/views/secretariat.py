"""The secretariat's workspace: overview, inbox, triage, scheduling, staffing, attendance,
calendar. Each view loads, validates, calls one service function, and redirects or renders."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock
from ..extensions import db
from ..forms.base import out_of_reach_message
from ..forms.secretariat import (
    AttendanceForm,
    CancelForm,
    CounselForm,
    DeclineRequestForm,
    InboxFilterForm,
    MergeOrganisationsForm,
    MessageForm,
    OfferForm,
    OrganisationSearchForm,
    ScheduleForm,
    WishedDaysForm,
)
from ..htmx import is_htmx, page_or_body
from ..i18n import current_locale
from ..models import (
    Assignment,
    DeclineReason,
    Event,
    OfferKind,
    Organisation,
    Reflection,
    Request,
)
from ..models.enums import EventStatus, OrganisationKind, RequestStatus
from ..permissions import STAFF, require_roles
from ..services import (
    assignments,
    attendance,
    audit,
    availability,
    calendar_view,
    catalogue,
    evaluations,
    offers,
    organisations,
    request_changes,
    requests,
    seats,
    staffing,
    suggestions,
    transitions,
)
from ..services import events as event_service
from ..services import inbox as inbox_service
from ..services.errors import AttendanceError, EditConflict, OfferError, SchedulingError
from ..urls import bounded_int
from . import once
from .changes import change_booking
from .confirm import confirmed

bp = Blueprint("secretariat", __name__, url_prefix="/sekretariat")
bp.before_request(require_roles(*STAFF))


@bp.app_template_global()
def event_state(event, accepted, needed):
    return seats.display_state(event, accepted, needed)


UPCOMING_DAYS = 14


@bp.get("/")
def index():
    now = clock.now()

    def body():
        # Everything the body shows is read here, after the data version it is kept under.
        upcoming, upcoming_total = event_service.upcoming_events(
            now=now, days=UPCOMING_DAYS, limit=OVERVIEW_ROWS
        )
        html = render_template(
            "secretariat/_overview_body.html",
            request_counts=inbox_service.count_by_status(),
            days=UPCOMING_DAYS,
            upcoming=upcoming,
            upcoming_total=upcoming_total,
            awaiting=event_service.event_list(
                now=now, which="awaiting_attendance", per_page=OVERVIEW_ROWS
            ),
        )
        until = event_service.overview_next_change(now=now, days=UPCOMING_DAYS)
        return html, until

    # The same for all staff (the greeting is outside it) until something is written, an event
    # starts, ends or comes within the days shown, or the day ends: rendered once.
    key = ("overview", current_locale())
    body = once.kept(key, now, body)
    return render_template("secretariat/index.html", body=body)


# The overview shows at most this many events per list; the rest are a link away.
OVERVIEW_ROWS = 20


# --- inbox --------------------------------------------------------------------------------------


@bp.get("/indbakke")
def inbox():
    now = clock.now()

    def shown(whole_page):
        form = InboxFilterForm(
            request.args, offer_kinds=catalogue.all_offer_kinds(), districts=catalogue.districts()
        )
        form.keep_valid()
        filters = inbox_service.InboxFilters(
            status=RequestStatus(form.status.data) if form.status.data else None,
            offer_kind_id=int(form.tilbud.data) if form.tilbud.data else None,
            org_kind=OrganisationKind(form.orgtype.data) if form.orgtype.data else None,
            district_id=int(form.bydel.data) if form.bydel.data else None,
            year=int(form.aar.data) if form.aar.data else None,
            organisation_id=int(form.org.data) if form.org.data else None,
            q=form.q.data or "",
        )
        organisation = (
            db.session.get(Organisation, filters.organisation_id) if form.org.data else None
        )
        page = request.args.get("side", 1, type=bounded_int)
        result = inbox_service.inbox(filters, now=now, page=page, whole_page=whole_page)
        return {
            "form": form,
            "result": result,
            "organisation": organisation,
            "args": {k: v for k, v in request.args.items() if k != "side" and v},
        }

    if is_htmx():
        # htmx swaps the results only: what needs action is on the page already.
        return render_template("secretariat/_inbox_results.html", **shown(whole_page=False))

    def body():
        # Everything the body shows is read here, after the data version it is kept under.
        context = shown(whole_page=True)
        html = render_template("secretariat/_inbox_body.html", **context)
        return html, context["result"].until

    # The same for every member of staff until something is written or what needs action
    # could change with the time (a start, a deadline, midnight): rendered once.
    key = ("inbox page", request.full_path, current_locale())
    body = once.kept(key, now, body)
    return render_template("secretariat/inbox.html", body=body)


# --- organisations ------------------------------------------------------------------------------


@bp.get("/organisationer")
def organisation_list():
    form = OrganisationSearchForm(request.args)
    q = (form.q.data or "") if form.validate() else ""
    page = request.args.get("side", 1, type=bounded_int)
    result, counts = organisations.organisation_page(q=q, page=page)
    return render_template(
        "secretariat/organisations.html",
        form=form,
        result=result,
        counts=counts,
        args={"q": q} if q else {},
    )


@bp.get("/organisationer/<int:org_id>")
def organisation_detail(org_id):
    organisation = db.get_or_404(Organisation, org_id)
    form = OrganisationSearchForm(request.args)
    q = (form.q.data or "") if form.validate() else ""
    similar = organisations.similar_organisations(organisation, q=q)
    return render_template(
        "secretariat/organisation.html",
        organisation=organisation,
        form=form,
        similar=similar,
        counts=organisations.request_counts([organisation.id, *(o.id for o in similar)]),
    )


@bp.route("/organisationer/<int:org_id>/slaa-sammen/<int:other_id>", methods=["GET", "POST"])
def merge_organisations(org_id, other_id):
    pair = [db.get_or_404(Organisation, org_id), db.get_or_404(Organisation, other_id)]
    form = MergeOrganisationsForm(pair=pair)
    if request.method == "POST" and form.validate():
        kept_first = pair[0].id == form.keep.data
        keep, duplicate = pair if kept_first else reversed(pair)
        try:
            moved = organisations.merge_organisations(duplicate, into=keep, by=current_user)
        except organisations.OrganisationError as error:
            flash(str(error), "error")
            return redirect(url_for(".organisation_detail", org_id=org_id))
        flash(
            _("Organisationerne er slået sammen. %(num)s henvendelser er flyttet.", num=moved),
            "success",
        )
        return redirect(url_for(".organisation_detail", org_id=keep.id))
    status = 422 if request.method == "POST" else 200
    counts = organisations.request_counts([o.id for o in pair])
    return render_template(
        "secretariat/merge_organisations.html", form=form, pair=pair, counts=counts
    ), status


# --- a request ----------------------------------------------------------------------------------


def _request_page(req, status=200, **forms):
    """The request page as a refused post shows it (see `_request_parts`)."""
    return _request_response(*_request_parts(req, **forms), status=status)


def _request_response(title, body, status=200):
    title, body = Markup(title), Markup(body)  # noqa: S704 (rendered templates, escaped by Jinja)
    return render_template("secretariat/request.html", title=title, body=body), status


def _request_parts(req, chosen_day=None, wished_form=None, **forms):
    """(title, body) of the request page; `forms` are the ones a refused post re-shows as
    typed. The others are built without the request's data (formdata=None): they show what
    is stored, never what was typed into another form with a field of the same name.
    `chosen_day`, a wished day the secretariat clicked, fills the schedule form's first
    session at the time the page's availability counts assume (`wished_form`'s time, or the
    usual one)."""
    kind = req.offer_kind
    concern = requests.is_concern(req)
    wished_form = wished_form or WishedDaysForm(formdata=None)
    start = wished_form.kl.data = wished_form.kl.data or suggestions.WISHED_DAY_START
    history, history_total = requests.history_for_staff(req)
    events_of_request = requests.events_of(req)
    context = {
        "req": req,
        "can_schedule": requests.can_schedule(req),
        "can_decline": requests.can_decline(req),
        "concern": concern,
        "can_record_counsel": requests.can_record_counsel(req),
        "callback_due": requests.callback_due_on(req) if concern else None,
        "wished": {}
        if concern or not requests.can_schedule(req)
        else suggestions.wished_days(req, today=clock.today(), start_time=start),
        "wished_hours": suggestions.wished_day_hours(kind, start),
        "wished_form": wished_form,
        "counsel_form": forms.get("counsel_form") or CounselForm(formdata=None),
        "history": history,
        "history_total": history_total,
        "history_changes": audit.changes_shown(history),
        # Every event of the request that was cancelled, a new one planned since or not.
        "cancelled_events": [e for e in events_of_request if e.status == EventStatus.CANCELLED],
        "history_events": {e.id: e for e in events_of_request},
        "earlier": requests.earlier_requests(req),
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(formdata=None, page="request", rows=kind.max_sessions),
        "closed": forms.get("closed", []),
        "error": forms.get("error"),
    }
    if not forms.get("schedule_form"):
        context["schedule_form"].place.data = req.place
        context["schedule_form"].online.data = req.online
        context["schedule_form"].meeting_url.data = req.meeting_url
        context["schedule_form"].practical_info.data = req.practical_info
        if chosen_day:
            first = context["schedule_form"].sessions[0].form
            first.day.data = chosen_day
            first.starts.data, first.ends.data = suggestions.wished_day_hours(kind, start)
    return (
        render_template("secretariat/_request_title.html", req=req),
        render_template("secretariat/_request_body.html", **context),
    )


@bp.get("/henvendelser/<int:request_id>")
def request_detail(request_id):
    try:
        chosen_day = clock.parse_day(request.args.get("dato"))
    except ValueError:
        abort(400, description=out_of_reach_message())
    now = clock.now()

    def parts():
        # Everything the page shows is read here, after the data version it is kept under.
        req = requests.for_the_request_page(request_id) or abort(404)
        wished_form = WishedDaysForm(request.args)
        if not wished_form.validate():
            wished_form.kl.data = None  # the error shows beside the field; the usual time counts
        # The time changes nothing on it but the day (the wished days ahead, a call overdue).
        return _request_parts(req, chosen_day=chosen_day, wished_form=wished_form), (
            clock.held_until(now)
        )

    # The same for all staff until something is written or the day ends: rendered once.
    return _request_response(
        *once.kept(("request page", request.full_path, current_locale()), now, parts)
    )


@bp.post("/henvendelser/<int:request_id>/under-planlaegning")
def start_planning(request_id):
    req = db.get_or_404(Request, request_id)
    try:
        requests.start_planning(req, by=current_user)
    except requests.RequestError as error:
        return _request_page(req, status=409, error=str(error))
    flash(_("Henvendelsen er markeret som under planlægning."), "success")
    return redirect(url_for(".request_detail", request_id=req.id))


@bp.route("/henvendelser/<int:request_id>/ret", methods=["GET", "POST"])
def change_request(request_id):
    """The secretariat changes what a booking says, also once its event has started; a new
    email address waits for its link as the requester's own change does."""
    req = db.get_or_404(Request, request_id)
    return change_booking(
        req,
        by=current_user,
        template="secretariat/change_request.html",
        action=url_for(".change_request", request_id=req.id),
        back=url_for(".request_detail", request_id=req.id),
        refused_status=409,
    )


@bp.post("/henvendelser/<int:request_id>/aendring-set")
def change_seen(request_id):
    req = db.get_or_404(Request, request_id)
    if request_changes.mark_change_seen(req, by=current_user):
        flash(_("Ændringen er markeret som set."), "success")
    return redirect(url_for(".request_detail", request_id=req.id))


@bp.route("/henvendelser/<int:request_id>/afvis", methods=["GET", "POST"])
def decline_request(request_id):
    """Declining cannot be undone and mails the requester: a page of its own says so, and
    only its button declines (views/confirm.py)."""
    req = db.get_or_404(Request, request_id)
    form = DeclineRequestForm(reasons=catalogue.request_decline_reasons())
    if not confirmed():
        return _decline_page(req, form, 200)
    if not form.validate_on_submit():
        return _decline_page(req, form, 422)
    try:
        requests.decline_request(
            req,
            by=current_user,
            reason=db.session.get(DeclineReason, form.reason.data) if form.reason.data else None,
            note=form.note.data or "",
        )
    except requests.RequestError as error:
        return _decline_page(req, form, 409, error=str(error))
    flash(_("Henvendelsen er afvist, og bestilleren har fået besked."), "success")
    return redirect(url_for(".request_detail", request_id=req.id))


def _decline_page(req, form, status, error=None):
    return render_template(
        "secretariat/decline_request.html",
        req=req,
        form=form,
        error=error,
        can_decline=requests.can_decline(req),
    ), status


@bp.post("/henvendelser/<int:request_id>/sparring-givet")
def record_counsel(request_id):
    req = db.get_or_404(Request, request_id)
    form = CounselForm()
    if not form.validate_on_submit():
        return _request_page(req, status=422, counsel_form=form)
    try:
        requests.record_counsel(req, by=current_user, talked_on=form.talked_on.data)
    except requests.RequestError as error:
        return _request_page(req, status=409, counsel_form=form, error=str(error))
    flash(_("Samtalen er registreret, og henvendelsen er afsluttet."), "success")
    return redirect(url_for(".request_detail", request_id=req.id))


@bp.post("/henvendelser/<int:request_id>/planlaeg")
def schedule_request(request_id):
    req = db.get_or_404(Request, request_id)
    form = ScheduleForm(page="request", rows=req.offer_kind.max_sessions)
    if not form.validate_on_submit():
        return _request_page(req, status=422, schedule_form=form)
    sessions = form.chosen_sessions()
    closed = _closed_warning(req.offer_kind, sessions, form)
    if closed:
        return _request_page(req, status=422, schedule_form=form, closed=closed)
    try:
        event = event_service.schedule_event(
            by=current_user,
            offer_kind=req.offer_kind,
            sessions=sessions,
            place=form.place.data or "",
            online=bool(form.online.data),
            request=req,
            practical_info=form.practical_info.data or "",
            meeting_url=form.meeting_url.data or "",
        )
    except (SchedulingError, requests.RequestError) as error:
        return _request_page(req, status=409, schedule_form=form, error=str(error))
    flash(_("Arrangementet er planlagt, og bestilleren har fået datoen."), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


def _closed_warning(offer_kind, sessions, form):
    """Closed periods to warn about before saving, unless the user has confirmed them."""
    if form.confirm_closed.data:
        return []
    return availability.closed_period_warnings(offer_kind, sessions)


# --- events -------------------------------------------------------------------------------------


@bp.get("/arrangementer")
def events():
    show = request.args.get("vis", "kommende")
    if show not in EVENT_LISTS:
        show = "kommende"
    return render_template(
        "secretariat/events.html",
        show=show,
        result=event_service.event_list(
            now=clock.now(),
            which=EVENT_LISTS[show],
            page=request.args.get("side", 1, type=bounded_int),
        ),
        args={"vis": show} if show != "kommende" else {},
    )


# The event list's views as the address names them (?vis=...).
EVENT_LISTS = {
    "kommende": "upcoming",
    "tidligere": "past",
    "mangler-fremmoede": "awaiting_attendance",
}


@bp.route("/arrangementer/nyt", methods=["GET", "POST"])
def new_event():
    form = ScheduleForm(page="new_event", rows=4, offer_kinds=catalogue.bookable_offer_kinds())
    closed = []
    if form.validate_on_submit():
        kind = db.session.get(OfferKind, int(form.offer_kind.data))  # one of the choices
        sessions = form.chosen_sessions()
        closed = _closed_warning(kind, sessions, form)
        if not closed:
            try:
                event = event_service.schedule_event(
                    by=current_user,
                    offer_kind=kind,
                    sessions=sessions,
                    place=form.place.data or "",
                    online=bool(form.online.data),
                    title=form.title.data or "",
                    practical_info=form.practical_info.data or "",
                    meeting_url=form.meeting_url.data or "",
                )
            except SchedulingError as error:
                form.sessions.errors.append(str(error))
            else:
                flash(_("Arrangementet er oprettet."), "success")
                return redirect(url_for(".event_detail", event_id=event.id))
    status = 422 if request.method == "POST" else 200
    return render_template("secretariat/new_event.html", form=form, closed=closed), status


def _event_page(event, status=200, **extra):
    """The event page as a refused post shows it (see `_event_parts`)."""
    return _event_response(*_event_parts(event, **extra), status=status)


def _event_response(title, body, status=200):
    """The event page, or only its body for htmx (which swaps #event-body)."""
    title, body = Markup(title), Markup(body)  # noqa: S704 (rendered templates, escaped by Jinja)
    return page_or_body("secretariat/event.html", body, status, title=title)


def _event_parts(event, **extra):
    """(title, body) of the event page; as on the request page, only a refused form shows
    what was typed."""
    schedule_form = extra.pop("schedule_form", None)
    offer_form = extra.pop("offer_form", None)
    if schedule_form is None:
        schedule_form = ScheduleForm(formdata=None, page="move", rows=0)
        schedule_form.prefill(event)
    event_seats = seats.seats(event)
    staffing_can_change = seats.staffing_can_change(event)
    history, history_total = event_service.history_for_staff(event)
    replaced, replacement = requests.replaced_and_replacement(event)
    context = {
        "event": event,
        "replaced": replaced,
        "replacement": replacement,
        "seats": event_seats,
        "display_state": seats.display_state(
            event, sum(1 for seat in event_seats if seat.accepted), len(event_seats)
        ),
        "fully_staffed": seats.is_fully_staffed(event),
        "past_staffing_deadline": seats.past_staffing_deadline(event, now=clock.now()),
        "staffing": _staffing_lists(event, offer_form) if staffing_can_change else [],
        "shown_first": suggestions.SHOWN_FIRST,
        "staffing_can_change": staffing_can_change,
        "history": history,
        "history_total": history_total,
        "schedule_form": schedule_form,
        "message_form": extra.pop("message_form", None) or MessageForm(formdata=None),
        "attendance_form": extra.pop("attendance_form", None)
        or AttendanceForm(formdata=None, obj=event.attendance),
        "offer_form": offer_form or OfferForm(formdata=None),
        "can_record": attendance.can_record_now(event),
        "reflections": evaluations.reflections_of(event)
        if attendance.can_record_now(event)
        else [],
        "conflict": extra.pop("conflict", None),
        "error": extra.pop("error", None),
        # A refused send's reason, shown in the staffing form beside its button.
        "offer_error": extra.pop("offer_error", None),
        "closed": extra.pop("closed", []),
        # Those accepted who are away on one of its days: said beside "Accepteret".
        "away": assignments.away_on_event(event),
        # Those accepted who cannot at the time a refused move asked for.
        "cannot": extra.pop("cannot", []),
    }
    return (
        render_template("secretariat/_event_title.html", event=event),
        render_template("secretariat/_event_body.html", **context),
    )


def _staffing_lists(event, offer_form=None):
    """One ranked list per role with open seats, for one send that fills them all: [{role,
    open (seats), suggested, found (a search of the whole panel, ?rolle=...&find=..., or the
    persons a refused offer had ticked that the list does not show), query, ticked}]."""
    asked_role = request.args.get("rolle", "")
    query = (request.args.get("find") or "").strip()[:100]
    lists, free = [], staffing.open_seats(event)
    for role in dict.fromkeys(seat.role for seat in free):
        ticked = offer_form.chosen_ids()[role] if offer_form is not None else []
        suggested = suggestions.suggestions(event, role, limit=suggestions.SHOWN)
        found, searched = [], query if asked_role == role.value and offer_form is None else ""
        if searched:
            found = suggestions.suggestions(event, role, name=searched)
        elif set(ticked) - {s.person.id for s in suggested}:
            found = suggestions.suggestions(event, role, person_ids=ticked)
        found_ids = {s.person.id for s in found}
        lists.append(
            {
                "role": role,
                "open": sum(1 for seat in free if seat.role == role),
                "found": found,
                "suggested": [s for s in suggested if s.person.id not in found_ids],
                "query": searched,
                "ticked": ticked,
            }
        )
    return lists


@bp.get("/arrangementer/<int:event_id>")
def event_detail(event_id):
    now = clock.now()

    def parts():
        # Everything the page shows is read here, after the data version it is kept under.
        event = event_service.for_the_event_page(event_id) or abort(404)
        return _event_parts(event), seats.next_change(event, now=now)

    # The same for all staff until something is written or the time changes it: rendered once.
    key = ("event page", request.full_path, current_locale())
    return _event_response(*once.kept(key, now, parts))


@bp.post("/arrangementer/<int:event_id>/flyt")
def reschedule(event_id):
    event = db.get_or_404(Event, event_id)
    form = ScheduleForm(page="move", rows=0)
    if not form.validate_on_submit():
        return _event_page(event, status=422, schedule_form=form)
    try:
        seen_version = bounded_int(form.version.data, low=0)
    except (TypeError, ValueError):
        abort(400, description=_("Siden var for gammel. Genindlæs den, og prøv igen."))
    sessions = form.chosen_sessions()
    # A closed period, and a move that breaks an accepted person's yes, are said before saving;
    # each warning stays, with its box as ticked, until every one shown is confirmed.
    closed = availability.closed_period_warnings(event.offer_kind, sessions)
    cannot = staffing.newly_unable_after_move(event, sessions)
    if (closed and not form.confirm_closed.data) or (cannot and not form.confirm_breaks.data):
        return _event_page(event, status=422, schedule_form=form, closed=closed, cannot=cannot)
    try:
        event_service.reschedule_event(
            event,
            by=current_user,
            sessions=sessions,
            place=form.place.data or "",
            online=bool(form.online.data),
            expected_version=seen_version,
            practical_info=form.practical_info.data or "",
            meeting_url=form.meeting_url.data or "",
        )
    except EditConflict as conflict:
        return _event_page(event, status=409, schedule_form=form, conflict=conflict)
    except SchedulingError as error:
        return _event_page(event, status=409, schedule_form=form, error=str(error))
    flash(_("Arrangementet er flyttet, og alle involverede har fået besked."), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


@bp.route("/arrangementer/<int:event_id>/aflys", methods=["GET", "POST"])
def cancel(event_id):
    """Cancelling cannot be undone and mails everyone: a page of its own says who will be told,
    and only its button cancels."""
    event = db.get_or_404(Event, event_id)
    form = CancelForm(prefix="cancel")
    if not confirmed():
        return _cancel_page(event, form, 200)
    if not form.validate_on_submit():
        return _cancel_page(event, form, 422)
    try:
        event_service.cancel_event(event, by=current_user, note=form.note.data or "")
    except SchedulingError as error:
        return _cancel_page(event, form, 409, error=str(error))
    flash(_("Arrangementet er aflyst, og alle involverede har fået besked."), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


def _cancel_page(event, form, status, error=None):
    told_requester, told_assignments = event_service.told_of_a_change(event)
    return render_template(
        "secretariat/cancel.html",
        event=event,
        form=form,
        error=error,
        can_cancel=transitions.can_cancel(event),
        told_requester=told_requester,
        told_assignments=told_assignments,
    ), status


@bp.post("/arrangementer/<int:event_id>/forespoerg")
def offer(event_id):
    """One send for every open seat: each person ticked is offered a seat of their role."""
    event = db.get_or_404(Event, event_id)
    form = OfferForm()
    if not form.validate_on_submit():
        return _event_page(
            event, status=422, offer_form=form, offer_error=_("Vælg mindst én person.")
        )
    try:
        shown = form.shown_open()
    except ValueError:
        abort(400, description=_("Siden var for gammel. Genindlæs den, og prøv igen."))
    try:
        offered, warnings = staffing.offer_open_seats(
            event,
            by=current_user,
            chosen_ids=form.chosen_ids(),
            shown=shown,
            anyway=form.confirm_unavailable.data,
        )
    except (staffing.ChoiceRefused, staffing.NeedsConfirmation) as error:
        return _event_page(event, status=422, offer_form=form, offer_error=str(error))
    except OfferError as error:
        # Somebody else was faster: the event as it is, nothing of this send kept.
        return _event_page(event, status=409, offer_form=form, offer_error=str(error))
    names = staffing.names_of(a.person for a in offered)
    sent = _("Forespørgslen er sendt til %(names)s.", names=names)
    flash(" ".join([sent, *(_("Bemærk: %(warning)s", warning=w) for w in warnings)]), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


@bp.route("/tildelinger/<int:assignment_id>/traek-tilbage", methods=["GET", "POST"])
def withdraw_assignment(assignment_id):
    """Taking back an offer or an accepted seat cannot be undone and mails the person: a page
    of its own says so, and only its button does it (views/confirm.py)."""
    assignment = db.get_or_404(Assignment, assignment_id)  # CSRF: checked for every POST
    if not confirmed():
        return _withdraw_page(assignment, 200)
    try:
        offers.withdraw_assignment(assignment, by=current_user)
    except OfferError as error:
        return _withdraw_page(assignment, 409, error=str(error))
    flash(_("Forespørgslen er trukket tilbage, og personen har fået besked."), "success")
    return redirect(url_for(".event_detail", event_id=assignment.event_id))


def _withdraw_page(assignment, status, error=None):
    return render_template(
        "secretariat/withdraw_assignment.html",
        assignment=assignment,
        event=assignment.event,
        error=error,
        staffing_can_change=seats.staffing_can_change(assignment.event),
    ), status


@bp.post("/tildelinger/<int:assignment_id>/godkend")
def approve_claim(assignment_id):
    """Let a claim from the open-seats board through (same accept rule and lock)."""
    assignment = db.get_or_404(Assignment, assignment_id)
    try:
        offers.accept_offer(assignment, by=current_user)
    except OfferError as error:
        return _event_page(assignment.event, status=409, error=str(error))
    flash(_("Pladsen er givet til %(name)s.", name=assignment.person.full_name), "success")
    return redirect(url_for(".event_detail", event_id=assignment.event_id))


@bp.post("/arrangementer/<int:event_id>/besked")
def message(event_id):
    event = db.get_or_404(Event, event_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _event_page(event, status=422, message_form=form)
    sent = event_service.message_everyone(
        event, by=current_user, subject=form.subject.data, body=form.body.data
    )
    flash(_("Beskeden er sendt til %(n)s modtagere.", n=sent), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


@bp.post("/arrangementer/<int:event_id>/fremmoede")
def record_attendance(event_id):
    event = db.get_or_404(Event, event_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return _event_page(event, status=422, attendance_form=form)
    try:
        attendance.record_attendance(
            event, by=current_user, counts=form.counts(), note=form.note.data or ""
        )
    except AttendanceError as error:
        return _event_page(event, status=409, attendance_form=form, error=str(error))
    flash(_("Fremmødet er gemt."), "success")
    return redirect(url_for(".event_detail", event_id=event.id))


@bp.post("/refleksioner/<int:reflection_id>/fulgt-op")
def reflection_handled(reflection_id):
    reflection = db.get_or_404(Reflection, reflection_id)
    evaluations.handle_follow_up(reflection, by=current_user)
    flash(_("Noten er markeret som fulgt op."), "success")
    return redirect(
        url_for(".event_detail", event_id=reflection.assignment.event_id) + "#refleksioner"
    )


# --- calendar -----------------------------------------------------------------------------------


@bp.get("/kalender")
def calendar():
    view = "maaned" if request.args.get("visning") == "maaned" else "uge"
    day = _calendar_day_asked()
    now = clock.now()

    def body():
        grid = calendar_view.month(day) if view == "maaned" else calendar_view.week(day)
        html = render_template("secretariat/_calendar_body.html", view=view, grid=grid, day=day)
        shown = (entry for d in grid["days"] for entry in d.entries)
        return html, calendar_view.next_change(shown, now=now)

    # The same for all staff until something is written, an event shown ends (it then awaits
    # attendance) or the day ends (today is marked): rendered once.
    key = ("calendar", view, day, current_locale())
    body = once.kept(key, now, body)
    return render_template("secretariat/calendar.html", body=body)


@bp.get("/kalender/dag")
def calendar_day():
    """One day's sessions, a page at a time: where a week's or a month's "+N flere" leads."""
    day = _calendar_day_asked()
    page = request.args.get("side", 1, type=bounded_int)
    if is_htmx():
        # The pager swaps the list alone.
        grid = calendar_view.day(day, page=page)
        return render_template("secretariat/_calendar_day_list.html", grid=grid)
    now = clock.now()

    def body():
        grid = calendar_view.day(day, page=page)
        html = render_template("secretariat/_calendar_day_body.html", grid=grid)
        return html, calendar_view.next_change(grid["result"].items, now=now)

    # The same for all staff until something is written, an event shown ends (it then awaits
    # attendance) or the day ends: rendered once.
    key = ("calendar day", day, page, current_locale())
    body = once.kept(key, now, body)
    return render_template("secretariat/calendar_day.html", day=day, body=body)


def _calendar_day_asked():
    """The day in ?dato= (today without one); 400 for nonsense or a day out of reach."""
    try:
        return clock.parse_day(request.args.get("dato")) or clock.today()
    except ValueError:
        abort(400, description=out_of_reach_message())
