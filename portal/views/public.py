"""Pages anyone may open: the start page, booking, following a request on its private link,
the language switch and the health check."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from .. import clock, links
from ..extensions import db, limiter
from ..forms.public import (
    FORM_STARTED,
    ConcernForm,
    LostLinkForm,
    ProposeDatesForm,
    RequestForm,
    WithdrawForm,
)
from ..i18n import LOCALE_COOKIE, current_locale
from ..models import District, Topic
from ..models.enums import (
    Administration,
    Audience,
    BookingForm,
    CallbackTime,
    ConcernKind,
    EventStatus,
    OrganisationKind,
)
from ..services import availability, calendar, catalogue, free_times, mail, request_changes
from ..services import requests as requests_service
from ..services import tracking as tracking_service
from ..urls import safe_next
from . import once
from .changes import change_booking
from .spam import counts_against_the_sending_limit, spam_refusal

bp = Blueprint("public", __name__)
TRACKING_COOKIE = "vink_track"
# Fields checked one by one as the visitor leaves them (htmx); the rest are checked on submit.
CHECKABLE_FIELDS = {
    "organisation_name",
    "organisation_kind",
    "ssp_committee",
    "district",
    "contact_name",
    "contact_email",
    "contact_phone",
    "expected_participants",
    "grade",
    "place",
    "meeting_url",
}


@bp.get("/")
def index():
    return once.page(
        "start",
        lambda: render_template("public/index.html", offer_kinds=catalogue.active_offer_kinds()),
        keep=not request.args,  # the start page's own address, not any typed after it
    )


@bp.get("/privatliv")
def privacy():
    return render_template("public/privacy.html")


# --- booking ------------------------------------------------------------------------------------


def _request_form(*, with_times=True, wish_dates=None, **kwargs):
    """The booking form as posted (or for `offer`), in the visitor's language, with the free
    times of the week asked for when its offer is open for direkte booking (`with_times`
    False: none, for a page that shows no times). `wish_dates` "1" shows wished dates instead;
    a "Foreslå selv datoer" or "Se de ledige tider" button (`egne_datoer`) switches."""
    if request.values.get("egne_datoer") in ("0", "1"):
        wish_dates = request.values["egne_datoer"]
    form = RequestForm(
        offer_kinds=catalogue.bookable_offer_kinds(),
        topics=catalogue.active_topics(),
        districts=catalogue.districts(),
        ssp_committees=catalogue.active_ssp_committees(),
        wish_dates=wish_dates,
        **kwargs,
    )
    form.localise(current_locale())
    form.carry(request.form)
    if form.takes_a_time:
        if with_times:
            _show_free_times(form)
        else:
            form.offer_times([], None, [])
    return form


def _show_free_times(form):
    """Offer the free times of one week (`free_times.week_to_show`): the one a pager button
    asks for, else the one shown before, else the chosen time's, else the first with a free
    time; and the chosen time, if it is still free and in another week."""
    week = free_times.week_to_show(
        form.chosen_kind,
        today=clock.today(),
        asked=request.form.get("uge") or form.week.data or "",
        chosen=form.free_time.data or "",
    )
    form.offer_times(week.times, week.monday, week.mondays, kept=week.kept)


# Forms sent to the public forms: those stored or refused as spam, and every send at all.
_sending_limits = (
    limiter.limit(
        lambda: current_app.config["SUBMIT_RATE_LIMIT"],
        methods=["POST"],
        deduct_when=counts_against_the_sending_limit,
    ),
    limiter.limit(lambda: current_app.config["SEND_RATE_LIMIT"], methods=["POST"]),
)


def _sending_limited(view):
    for limit in reversed(_sending_limits):
        view = limit(view)
    return view


@bp.route("/bestil", methods=["GET", "POST"])
@_sending_limited
def book():
    if request.method == "GET":
        code = request.args.get("tilbud")
        forms = catalogue.booking_forms()
        if forms.get(code) == BookingForm.CONCERN:
            # A link to counsel about a concern leads to its own form.
            return redirect(url_for("public.concern", tilbud=code))
        return once.page(
            "book",
            lambda started: render_template(
                "public/book.html", form=_request_form(offer=code, started=started)
            ),
            # Kept for the links the portal gives (an offer's code, wished dates or free
            # times); any other address is rendered, so that no address typed fills the store.
            keep=(code is None or code in forms)
            and request.args.get("egne_datoer") in (None, "0", "1")
            and set(request.args) <= {"tilbud", "egne_datoer"},
            started=links.sign_timed(FORM_STARTED, "request"),
        )
    # A page that showed wished dates for the offer it sends keeps them, even if the offer
    # opened for direkte booking meanwhile: what was typed is not swapped for free times.
    showed_dates = "week" not in request.form and request.form.get(
        "shown_offer"
    ) == request.form.get("offer_kind")
    form = _request_form(wish_dates="1" if showed_dates else None)
    if form.offer_changed():
        # Without JavaScript, choosing another offer re-shows the form with its questions.
        notice = _("Nu ser du spørgsmålene til det valgte tilbud. Besvar dem, og send igen.")
        return render_template("public/book.html", form=form, notice=notice)
    if "uge" in request.form or "egne_datoer" in request.form:
        return _browse(form)
    if "week" in request.form and not form.takes_a_time:
        # The page showed free times, and the offer closed for direkte booking meanwhile.
        notice = _("Tilbuddet kan ikke længere bookes direkte. Foreslå datoer, og send igen.")
        return render_template("public/book.html", form=form, notice=notice)
    if form.spam_reason() is not None:
        return spam_refusal("public/book.html", form)
    if not form.validate():
        return render_template("public/book.html", form=form), 422
    try:
        if form.takes_a_time:
            booked = requests_service.book_a_time(time_key=form.free_time.data, **_submission(form))
        else:
            booked = requests_service.submit_request(
                preferred_dates=form.chosen_dates(), **_submission(form)
            )
    except free_times.TimeTaken as error:
        # Taken by someone else a moment ago: the week's times as they are now, all else kept.
        _show_free_times(form)
        form.free_time.errors = [str(error)]
        return render_template("public/book.html", form=form), 409
    except requests_service.RequestError as error:
        return render_template("public/book.html", form=form, form_error=str(error)), 422
    response = redirect(url_for("public.tracking", request_id=booked.id, ny=1))
    _set_tracking_cookie(response, booked)
    return response


@bp.post("/bestil/tider")
@limiter.limit("600 per hour")
def browse_times():
    """Another week of free times, or wished dates instead (the buttons' formaction): the form
    again, as typed, under the looser limit of a page shown rather than a booking sent."""
    form = _request_form()
    if form.chosen_kind is None:
        abort(404)
    return _browse(form)


def _browse(form):
    return render_template("public/book.html", form=form)


def _submission(form):
    kind = form.chosen_kind
    return {
        "offer_kind": kind,
        "organisation_name": form.organisation_name.data,
        "organisation_kind": OrganisationKind(form.organisation_kind.data),
        "district": db.session.get(District, form.district.data),
        "ssp_committee": form.chosen_ssp_committee,
        "contact_name": form.contact_name.data,
        "contact_email": form.contact_email.data,
        "contact_phone": form.contact_phone.data,
        "topic": db.session.get(Topic, int(form.topic.data)) if form.topic.data else None,
        # A class (a dialogue) is pupils; other offers ask who comes.
        "audience": Audience(form.answer("audience", Audience.STUDENTS)),
        "grade": form.answer("grade", ""),
        "expected_participants": form.answer("expected_participants"),
        "place": form.place.data or "",
        "online": bool(form.answer("online")),
        "meeting_url": form.answer("meeting_url") or "",
        "language": form.language.data,
        "accessibility_needs": form.accessibility_needs.data or "",
        "practical_info": form.practical_info.data or "",
        "notes": form.notes.data or "",
        "locale": current_locale(),
    }


@bp.route("/sparring", methods=["GET", "POST"])
@_sending_limited
def concern():
    """Counsel about a concern: a member of staff asks to be called back."""
    kind = catalogue.concern_kind(request.args.get("tilbud"))
    if kind is None:
        abort(404)
    form = ConcernForm()
    page = {"form": form, "kind": kind}
    if request.method == "GET":
        return render_template("public/concern.html", **page)
    if form.spam_reason() is not None:
        return spam_refusal("public/concern.html", **page)
    if not form.validate():
        return render_template("public/concern.html", **page), 422
    try:
        asked = requests_service.submit_concern(
            offer_kind=kind,
            organisation_name=form.organisation_name.data,
            administration=Administration(form.administration.data),
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
            contact_phone=form.contact_phone.data,
            callback_time=CallbackTime(form.callback_time.data),
            concern_kind=ConcernKind(form.concern_kind.data),
            notes=form.notes.data,
            locale=current_locale(),
        )
    except requests_service.RequestError as error:
        return render_template("public/concern.html", form_error=str(error), **page), 422
    response = redirect(url_for("public.tracking", request_id=asked.id, ny=1))
    _set_tracking_cookie(response, asked)
    return response


@bp.post("/bestil/felter")
@limiter.limit("600 per hour")
def offer_fields():
    """The offer-specific part of the form, swapped in by htmx when the offer changes."""
    # The whole form is posted (never in a URL), so what was typed in these fields stays.
    form = _request_form()
    if form.chosen_kind is None:
        abort(404)
    response = make_response(render_template("public/_offer_switched.html", form=form))
    # The address says which offer is being booked, so a reload or a shared link shows it.
    response.headers["HX-Replace-Url"] = url_for("public.book", tilbud=form.chosen_kind.code)
    return response


@bp.post("/bestil/tjek/<name>")
@limiter.limit("600 per hour")
def check_field(name):
    """One field validated by the same form class, as the visitor leaves it (htmx)."""
    form = _request_form(with_times=False)
    if name not in CHECKABLE_FIELDS or name not in form:
        abort(404)
    form.validate()
    return render_template("public/_request_field.html", form=form, name=name)


# --- following a request ------------------------------------------------------------------------


@bp.get("/b/<signed>")
def open_tracking_link(signed):
    """The emailed link: exchanged for a cookie for this one request, then a token-free URL."""
    try:
        tracked = tracking_service.open_tracking_link(signed)
    except tracking_service.LinkExpired:
        return _link_expired()
    except links.LinkError:
        abort(404)
    response = redirect(url_for("public.tracking", request_id=tracked.id))
    _set_tracking_cookie(response, tracked)
    if LOCALE_COOKIE not in request.cookies:
        # The link comes from a mail in the language they booked in; the page speaks it too,
        # until they choose another.
        _remember_language(response, tracked.locale)
    return response


def _set_tracking_cookie(response, tracked):
    response.set_cookie(
        TRACKING_COOKIE,
        tracking_service.tracking_cookie_value(tracked),
        max_age=current_app.config["TRACKING_COOKIE_MINUTES"] * 60,
        path=url_for("public.tracking", request_id=tracked.id),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _link_expired():
    return render_template(
        "errors/error.html",
        title=_("Linket er udløbet"),
        message=_(
            "Linket til bestillingen virker ikke længere. Kontakt sekretariatet, hvis I har "
            "spørgsmål til bestillingen."
        ),
    ), 410


def _tracked_or_refuse(request_id):
    """The request this browser's tracking cookie opens, or a clear refusal page."""
    return _refusing(
        tracking_service.request_for_cookie, request_id, request.cookies.get(TRACKING_COOKIE)
    )


def _refusing(check, *args):
    """check(*args), or a clear refusal page when the tracking cookie opens nothing."""
    try:
        return check(*args)
    except tracking_service.LinkExpired:
        abort(make_response(_link_expired()))
    except links.LinkError:
        abort(
            make_response(
                render_template(
                    "errors/error.html",
                    title=_("Åbn linket fra jeres e-mail"),
                    message=_(
                        "Af hensyn til jeres oplysninger åbnes en bestilling kun fra linket i "
                        "kvitteringen, og kun i en time ad gangen. Åbn linket i e-mailen igen, "
                        "eller få det sendt igen."
                    ),
                    action=(url_for("public.lost_link"), _("Få linket sendt igen")),
                ),
                403,
            )
        )


@bp.get("/bestilling/<int:request_id>")
def tracking(request_id):
    cookie = request.cookies.get(TRACKING_COOKIE)
    holds = _refusing(tracking_service.cookie_holds, request_id, cookie)
    now = clock.now()

    def body():
        # The booking is found (the token checked against it, and the link's expiry) after
        # the data version is read: a page is kept only for a cookie that opened it then.
        tracked = _tracked_or_refuse(request_id)
        return _tracking_body(tracked), tracking_service.next_change(tracked, now=now)

    def whole_page():
        html, until = body()
        return render_template("public/tracking.html", body=Markup(html)), until  # noqa: S704

    # The requester's own, the same until something is written, the event starts or ends, the
    # link stops working, or the day ends: rendered once, found again with nothing read but
    # the data version. The whole page where its header is every visitor's (`once.alike`: not
    # signed in, no message waiting), else the body within a header rendered afresh.
    key = ("tracking page", holds, request.full_path, current_locale())
    if once.alike():
        return once.kept((*key, "whole"), now, whole_page)
    return render_template("public/tracking.html", body=once.kept(key, now, body))


@bp.app_template_global()
def closed_periods_ahead(offer_kind):
    return availability.closed_periods_ahead(offer_kind, today=clock.today())


def _tracking_page(tracked, status=200, action_error=None):
    body = Markup(_tracking_body(tracked, action_error))  # noqa: S704 (a rendered template)
    return render_template("public/tracking.html", body=body), status


def _tracking_body(tracked, action_error=None):
    just_submitted = request.args.get("ny") == "1"
    return render_template(
        "public/_tracking_body.html",
        req=tracked,
        event=tracked.event,
        # Cancelled events a new one has replaced (the current event, cancelled, is `event`).
        replaced_events=[e for e in requests_service.events_of(tracked) if e.request_id is None],
        who_comes=tracking_service.who_comes(tracked.event),
        history=tracking_service.public_history(tracked),
        can_withdraw=requests_service.can_withdraw(tracked),
        can_propose=requests_service.can_propose_dates(tracked),
        open_proposal=requests_service.open_proposal(tracked),
        wished=requests_service.wished_dates(tracked),
        can_change=request_changes.can_change(tracked),
        just_submitted=just_submitted,
        # Told once, with the receipt: a wished date in a holiday is taken, not refused.
        closed_wishes=availability.closed_wishes(
            tracked.offer_kind,
            [(d.starts_on, d.ends_on) for p in tracked.date_proposals for d in p.dates],
        )
        if just_submitted
        else [],
        public_status=tracking_service.public_status(tracked),
        concern=requests_service.is_concern(tracked),
        callback_due=(
            requests_service.callback_due_on(tracked)
            if requests_service.is_concern(tracked)
            else None
        ),
        action_error=action_error,
    )


@bp.route("/bestilling/<int:request_id>/trak-tilbage", methods=["GET", "POST"])
def withdraw(request_id):
    tracked = _tracked_or_refuse(request_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            requests_service.withdraw_request(tracked, note=form.note.data or "")
        except requests_service.RequestError as error:
            return _tracking_page(tracked, status=409, action_error=str(error))
        flash(_("Bestillingen er trukket tilbage. Sekretariatet har fået besked."), "success")
        return redirect(url_for("public.tracking", request_id=tracked.id))
    if not requests_service.can_withdraw(tracked):
        return _tracking_page(
            tracked, status=409, action_error=_("Bestillingen kan ikke længere trækkes tilbage.")
        )
    status = 422 if request.method == "POST" else 200
    return render_template("public/withdraw.html", req=tracked, form=form), status


@bp.route("/bestilling/<int:request_id>/ret", methods=["GET", "POST"])
def change_request(request_id):
    """The requester changes what they booked; a new email address waits for its link."""
    tracked = _tracked_or_refuse(request_id)
    if not request_changes.can_change(tracked):
        return _tracking_page(
            tracked,
            status=409,
            action_error=_("Bestillingen kan ikke længere ændres her. Skriv til sekretariatet."),
        )
    return change_booking(
        tracked,
        by=None,
        template="public/change_request.html",
        action=url_for("public.change_request", request_id=tracked.id),
        back=url_for("public.tracking", request_id=tracked.id),
        refused_status=422,
    )


@bp.get("/ny-email/<int:request_id>/<signed>")
def confirm_email(request_id, signed):
    """The link sent to a new address: the booking's mails go there from now on."""
    try:
        confirmed = request_changes.confirm_email_change(request_id, signed)
    except links.LinkError:
        return render_template(
            "errors/error.html",
            title=_("Linket virker ikke"),
            message=_(
                "Linket er for gammelt eller ikke helt kopieret. Ret adressen igen fra "
                "bestillingens side, så sender vi et nyt."
            ),
        ), 404
    flash(_("Den nye e-mailadresse er gemt. Vi skriver til den fra nu af."), "success")
    response = redirect(url_for("public.tracking", request_id=confirmed.id))
    _set_tracking_cookie(response, confirmed)
    return response


@bp.route("/bestilling/<int:request_id>/ny-dato", methods=["GET", "POST"])
def propose_dates(request_id):
    tracked = _tracked_or_refuse(request_id)
    form = ProposeDatesForm()
    if form.validate_on_submit():
        try:
            requests_service.propose_dates(
                tracked, dates=form.chosen_dates(), note=form.note.data or ""
            )
        except requests_service.RequestError as error:
            return _tracking_page(tracked, status=409, action_error=str(error))
        flash(_("Tak. Sekretariatet har fået jeres forslag til nye datoer."), "success")
        return redirect(url_for("public.tracking", request_id=tracked.id))
    if not requests_service.can_propose_dates(tracked):
        return _tracking_page(
            tracked,
            status=409,
            action_error=_("Der kan ikke foreslås nye datoer til denne bestilling lige nu."),
        )
    status = 422 if request.method == "POST" else 200
    return render_template("public/propose_dates.html", req=tracked, form=form), status


@bp.get("/bestilling/<int:request_id>/kalender.ics")
def tracking_calendar(request_id):
    tracked = _tracked_or_refuse(request_id)
    event = tracked.event
    if event is None or event.status == EventStatus.CANCELLED:
        abort(404)
    body = calendar.requester_calendar(
        event,
        title=f"VINK: {event.offer_kind.name(tracked.locale)}",
        description=_("Bestilt af %(org)s.", org=tracked.organisation.name),
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="vink-{event.id}.ics"',
        },
    )


@bp.route("/glemt-link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOST_LINK_RATE_LIMIT"], methods=["POST"])
def lost_link():
    form = LostLinkForm()
    if form.validate_on_submit():
        tracking_service.resend_tracking_links(form.email.data, locale=current_locale())
        # The same answer whether or not we know the address.
        return render_template("public/lost_link_sent.html", email=form.email.data)
    status = 422 if request.method == "POST" else 200
    return render_template("public/lost_link.html", form=form), status


# --- language and health ------------------------------------------------------------------------


@bp.get("/sprog/<code>")
def set_language(code):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(safe_next(request.args.get("next")) or url_for("public.index"))
    _remember_language(response, code)
    return response


def _remember_language(response, code):
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response.set_cookie(
        LOCALE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.get("/healthz")
@limiter.exempt
def health():
    """For monitoring, every few seconds: one cheap query, no personal data. 503 when the
    database cannot be reached or mail has waited too long. A load balancer asks
    ?check=database: a stuck mail server must not take the web hosts out of rotation."""
    try:
        waited, late = mail.mail_health()
    except SQLAlchemyError:
        # The request edge rolls the failed transaction back (an error response).
        return {"status": "error", "database": "unreachable"}, 503
    if request.args.get("check") == "database":
        late = False
    body = {
        "status": "error" if late else "ok",
        "database": "ok",
        "oldest_unsent_mail_seconds": waited,
    }
    return body, 503 if late else 200
