"""The secretariat's forms: inbox filters, triage, scheduling, staffing, attendance."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import clock, i18n
from ..event_details import MAX_PRACTICAL_INFO
from ..labels import label
from ..models.enums import OrganisationKind, RequestStatus, SeatRole
from ..urls import bounded_int
from .base import (
    MultiCheckboxField,
    OptionalChoice,
    PortalForm,
    SubForm,
    meeting_url_field,
    whole_number,
)
from .public import choices


class InboxFilterForm(PortalForm):
    """Filters travel in the URL (GET), so a filtered inbox can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Søg i organisation og kontakt"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[OptionalChoice()])
    tilbud = SelectField(_l("Tilbud"), validators=[OptionalChoice()])
    orgtype = SelectField(_l("Organisationstype"), validators=[OptionalChoice()])
    bydel = SelectField(_l("Bydel"), validators=[OptionalChoice()])
    aar = SelectField(_l("År"), validators=[OptionalChoice()])
    # One organisation's requests (the request page's "booked before" link); kept while the
    # other filters change.
    org = HiddenField(validators=[Optional()])

    def validate_org(self, field):
        try:
            bounded_int(field.data)
        except (TypeError, ValueError):
            raise ValidationError(_l("Ukendt organisation.")) from None

    def __init__(self, *args, offer_kinds, districts, **kwargs):
        """`offer_kinds` (hidden ones too) and `districts`: the choices (the view loads them)."""
        super().__init__(*args, **kwargs)
        everything = [("", _l("Alle"))]
        self.status.choices = choices([*everything, *((s.value, label(s)) for s in RequestStatus)])
        self.tilbud.choices = choices([*everything, *((str(k.id), k.name()) for k in offer_kinds)])
        self.orgtype.choices = choices(
            [*everything, *((k.value, label(k)) for k in OrganisationKind)]
        )
        self.bydel.choices = choices([*everything, *((str(d.id), d.name) for d in districts)])
        this_year = clock.today().year
        self.aar.choices = choices(
            [*everything, *((str(y), str(y)) for y in range(this_year + 1, this_year - 6, -1))]
        )

    def keep_valid(self):
        """Check the filters; one no longer offered (an old bookmark's year, a hidden offer) or
        too long becomes 'Alle', and the others still apply, as the page then shows them."""
        self.validate()
        for field in self:
            # Optional() lets whitespace through as it is: a blank choice is "Alle" too.
            blank = isinstance(field.data, str) and not field.data.strip() and field.name != "q"
            if field.errors or blank:
                field.data = None
                field.errors = []


class DeclineRequestForm(PortalForm):
    # No Optional(): it would skip validate_reason, which allows a note instead of a reason.
    reason = SelectField(_l("Begrundelse"), coerce=whole_number, validate_choice=False, default=0)
    note = TextAreaField(_l("Besked til bestilleren"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, reasons, **kwargs):
        """`reasons`: the decline reasons to offer (the view loads them)."""
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(
            [(0, _l("Vælg begrundelse")), *((r.id, r.label()) for r in reasons)]
        )

    def validate_reason(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Vælg en begrundelse fra listen."))
        if not field.data and not (self.note.data or "").strip():
            raise ValidationError(
                _l("Vælg en begrundelse, eller skriv den i beskeden til bestilleren.")
            )


class SessionForm(SubForm):
    day = DateField(_l("Dato"), validators=[Optional()])
    starts = TimeField(_l("Fra kl."), validators=[Optional()])
    ends = TimeField(_l("Til kl."), validators=[Optional()])

    def as_utc(self):
        """(start, end) in UTC from Copenhagen wall-clock time, or None for an empty row."""
        if not (self.day.data and self.starts.data and self.ends.data):
            return None
        day = self.day.data
        return (
            clock.local(
                day.year, day.month, day.day, self.starts.data.hour, self.starts.data.minute
            ),
            clock.local(day.year, day.month, day.day, self.ends.data.hour, self.ends.data.minute),
        )


class ScheduleForm(PortalForm):
    """Schedule or move an event: one row per session (an advisory course may have several).

    Three pages show it, each with only some of its fields: the request page schedules the
    request's own offer (no offer, no title); the new-event page asks for both; the event page
    moves an event it knows (no offer, no title) and carries the version its editor saw. `page`
    names the page, and the fields it does not show are dropped: neither checked nor read."""

    NOT_SHOWN = {
        "request": {"offer_kind", "title", "version", "confirm_breaks"},
        "new_event": {"version", "confirm_breaks"},
        "move": {"offer_kind", "title"},
    }

    offer_kind = SelectField(
        _l("Tilbud"),
        validators=[InputRequired(_l("Vælg et tilbud."))],
        invalid_choice_message=_l("Vælg et tilbud."),
    )
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200)])
    sessions = FieldList(FormField(SessionForm), _l("Tidspunkter"), min_entries=1, max_entries=8)
    place = StringField(_l("Sted"), validators=[Optional(), Length(max=300)])
    online = BooleanField(_l("Online"))
    meeting_url = meeting_url_field(_l("Mødelink"))
    practical_info = TextAreaField(
        _l("Praktisk information"), validators=[Optional(), Length(max=MAX_PRACTICAL_INFO)]
    )
    version = HiddenField()
    # Shown only next to a closed-period warning; absent, it is simply not ticked.
    confirm_closed = BooleanField(_l("Planlæg alligevel, selv om datoen ligger i en lukkeperiode"))
    # A move only: shown next to the warning that someone who said yes cannot at the new time.
    confirm_breaks = BooleanField(_l("Flyt alligevel, selv om de ikke kan"))

    def __init__(self, *args, page, rows=1, offer_kinds=(), **kwargs):
        """`offer_kinds`: the choices, for the new-event page (the view loads them)."""
        super().__init__(*args, **kwargs)
        self.drop_fields(self.NOT_SHOWN[page])
        if self.offer_kind is not None:
            self.offer_kind.choices = choices(
                [("", _l("Vælg tilbud")), *((str(k.id), k.name()) for k in offer_kinds)]
            )
        while len(self.sessions.entries) < rows:
            self.sessions.append_entry()

    def chosen_sessions(self):
        return [s for s in (entry.form.as_utc() for entry in self.sessions) if s]

    def validate_sessions(self, field):
        complete = self.chosen_sessions()
        partial = [
            e
            for e in field.entries
            if any([e.form.day.data, e.form.starts.data, e.form.ends.data])
            and e.form.as_utc() is None
        ]
        if partial:
            raise ValidationError(_l("Udfyld dato, start og slut for hvert møde."))
        if not complete:
            raise ValidationError(_l("Angiv dato og tidspunkt."))

    def validate_place(self, field):
        if not self.online.data and not (field.data or "").strip():
            raise ValidationError(_l("Skriv, hvor det foregår."))

    def prefill(self, event):
        """Show an event's current sessions, place, link and practical information (GET of the
        edit form)."""
        self.sessions.entries = []
        self.sessions.last_index = -1  # the rows are named sessions-0-..., as on a new form
        for session in event.sessions:
            start = session.starts_at.astimezone(clock.COPENHAGEN)
            end = session.ends_at.astimezone(clock.COPENHAGEN)
            self.sessions.append_entry(
                {"day": start.date(), "starts": start.time(), "ends": end.time()}
            )
        self.place.data = event.place
        self.online.data = event.online
        self.meeting_url.data = event.meeting_url
        self.practical_info.data = event.practical_info
        self.version.data = str(event.version)


class OfferForm(PortalForm):
    """One send for every open seat: the persons ticked in the event's ranked suggestions, one
    list per role (the field is named after the role's value). How many each role may have is
    the service's rule (`staffing.offer_open_seats`)."""

    ambassador = MultiCheckboxField(
        _l("Dialogambassadører"), coerce=whole_number, validate_choice=False
    )
    resource_person = MultiCheckboxField(
        _l("Resursepersoner"), coerce=whole_number, validate_choice=False
    )
    # How many open seats of each role the page showed: more ticks is the form's mistake, fewer
    # seats open by now means somebody else was faster.
    open_ambassador = HiddenField()
    open_resource_person = HiddenField()
    confirm_unavailable = BooleanField(
        _l("Forespørg alligevel, selv om en person har meldt sig væk eller er optaget")
    )

    def chosen_ids(self):
        """{SeatRole: [person id]} as ticked, in the order of the list."""
        return {role: list(self[role.value].data or []) for role in SeatRole}

    def shown_open(self):
        """{SeatRole: open seats the page showed}, for the roles it showed a list of. A count
        no page sends (not a whole number from 0) raises ValueError rather than being passed
        over: the page writes one for every list it shows, so it did not come from there."""
        shown = {}
        for role in SeatRole:
            sent = self[f"open_{role.value}"].data
            if sent not in (None, ""):
                shown[role] = bounded_int(sent, low=0)
        return shown


class CancelForm(PortalForm):
    """Shown beside the attendance form, which also has a note: built with prefix="cancel"."""

    note = TextAreaField(
        _l("Begrundelse (sendes til bestiller og personer)"),
        validators=[Optional(), Length(max=2000)],
    )


class MessageForm(PortalForm):
    subject = StringField(
        i18n.MAIL_SUBJECT, validators=[DataRequired(_l("Skriv et emne.")), Length(max=200)]
    )
    body = TextAreaField(
        _l("Besked"), validators=[DataRequired(_l("Skriv en besked.")), Length(max=5000)]
    )


def _head_count(label):
    # No default: the fields start empty, so saving by mistake records nothing. A group left
    # empty counts as 0 once another is filled in (see AttendanceForm.validate).
    return IntegerField(
        label, validators=[Optional(), NumberRange(0, 2000, _l("Skriv et tal fra 0."))]
    )


HEAD_COUNTS = ("students", "staff", "parents", "other")


class AttendanceForm(PortalForm):
    students = _head_count(_l("Elever"))
    staff = _head_count(_l("Personale"))
    parents = _head_count(_l("Forældre"))
    other = _head_count(_l("Andre"))
    note = TextAreaField(_l("Bemærkning"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Not a field validator: Optional() on an empty field would stop it from running.
        if not any((self[name].raw_data or [""])[0].strip() for name in HEAD_COUNTS):
            self.students.errors.append(
                _l("Skriv, hvor mange der deltog (0 i de grupper, der ikke var der).")
            )
            return False
        return valid

    def counts(self):
        return {name: self[name].data or 0 for name in HEAD_COUNTS}


class ReportYearForm(PortalForm):
    """The report's year, in the URL (GET): a bookmarkable report that needs no JavaScript."""

    class Meta:
        csrf = False

    aar = SelectField(_l("År"), validators=[OptionalChoice()], validate_choice=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.aar.choices = choices([(str(y), str(y)) for y in years])

    def validate_aar(self, field):
        if field.data and field.data not in {str(year) for year in self.years}:
            raise ValidationError(_l("Vælg et år fra listen."))

    def year(self, default):
        """The chosen year when it is one of the list, else `default` (blank, typed, bad)."""
        chosen = {str(year): year for year in self.years}
        return chosen.get(self.aar.data, default)


class WrittenAnswersForm(ReportYearForm):
    """The evaluations' free-text answers: the year and an offer kind, in the URL (GET)."""

    tilbud = SelectField(_l("Tilbud"), validators=[OptionalChoice()], validate_choice=False)

    def __init__(self, *args, years, offer_kinds, **kwargs):
        super().__init__(*args, years=years, **kwargs)
        self.offer_kinds = {str(kind.id): kind for kind in offer_kinds}
        self.tilbud.choices = choices(
            [("", _l("Alle tilbud")), *((key, k.name()) for key, k in self.offer_kinds.items())]
        )

    def validate_tilbud(self, field):
        if field.data and field.data not in self.offer_kinds:
            raise ValidationError(_l("Vælg et tilbud fra listen."))

    def offer_kind(self):
        """The chosen offer kind when it is one of the list, else None (all)."""
        return self.offer_kinds.get(self.tilbud.data)


class SupportCourseForm(PortalForm):
    """A 1-1 support course as a count: kind, dates, district. Never who it concerns, so there
    is no field for a name, an age, a CPR number or a note."""

    kind = SelectField(_l("Type forløb"), validators=[DataRequired(_l("Vælg en type."))])
    started_on = DateField(_l("Startet"), validators=[InputRequired(_l("Vælg startdatoen."))])
    ended_on = DateField(_l("Afsluttet"), validators=[Optional()])
    district = SelectField(_l("Bydel"), validators=[OptionalChoice()])

    def __init__(self, *args, kinds, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(
            [("", _l("Vælg type")), *((str(k.id), k.name()) for k in kinds)]
        )
        self.district.choices = choices(
            [("", _l("Ikke oplyst")), *((str(d.id), d.name) for d in districts)]
        )

    def validate_started_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("Startdatoen kan ikke ligge i fremtiden."))

    def validate_ended_on(self, field):
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(
                _l("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )


class EndSupportCourseForm(PortalForm):
    ended_on = DateField(_l("Afsluttet"), validators=[InputRequired(_l("Vælg slutdatoen."))])


class CounselForm(PortalForm):
    """The day the secretariat called back and talked a concern through."""

    talked_on = DateField(
        _l("Vi talte med medarbejderen den"),
        validators=[InputRequired(_l("Skriv, hvilken dag I talte sammen."))],
        default=clock.today,
    )

    def validate_talked_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("Samtalen kan ikke ligge i fremtiden."))


class OrganisationSearchForm(PortalForm):
    """The organisation list's search travels in the URL, like the inbox's filters."""

    class Meta:
        csrf = False

    q = SearchField(_l("Søg efter navn"), validators=[Optional(), Length(max=100)])


class WishedDaysForm(PortalForm):
    """The time the request page counts free people at on the wished days, in the URL: most
    ambassadors can in the afternoon, so a morning count alone would mislead."""

    class Meta:
        csrf = False

    kl = TimeField(_l("Tæl ledige fra kl."), validators=[Optional()])


class MergeOrganisationsForm(PortalForm):
    """Which of two records of one organisation keeps its name, kind and district."""

    keep = RadioField(
        _l("Hvilket navn, hvilken type og bydel skal organisationen beholde?"),
        coerce=whole_number,
        validators=[InputRequired(_l("Vælg, hvilken af de to der skal beholdes."))],
        invalid_choice_message=_l("Vælg, hvilken af de to der skal beholdes."),
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep.choices = choices(
            (o.id, f"{o.name} · {label(o.kind)}" + (f" · {o.district.name}" if o.district else ""))
            for o in pair
        )
