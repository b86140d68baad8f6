"""The requester's forms: book an offer, withdraw, propose other dates, lost link."""

from datetime import timedelta

import phonenumbers
from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import clock, links
from ..i18n import short_time
from ..labels import GRADES, label
from ..models.enums import Administration, Audience, CallbackTime, ConcernKind, OrganisationKind
from ..personal_data import cpr_numbers, looks_like_names_or_addresses
from .base import (
    OptionalChoice,
    PortalForm,
    SubForm,
    email_field,
    meeting_url_field,
    optional_whole_number,
)

FORM_STARTED = "form-started"
TALK_AUDIENCES = [Audience.STAFF, Audience.VOLUNTEERS, Audience.PARENTS, Audience.MIXED]
# The booking form's questions that depend on the chosen offer (see RequestForm.asked_fields).
OFFER_FIELDS = {"grade", "audience", "expected_participants", "online", "meeting_url"}


def contact_name_field(label):
    return StringField(
        label,
        validators=[DataRequired(_l("Skriv dit navn.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )


def phone_field(label):
    return TelField(
        label,
        validators=[DataRequired(_l("Skriv dit telefonnummer.")), Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )


class TextLimit(Length):
    """At most `max` characters, refused with the length it has: the page keeps the text and
    says how much to cut, where a browser's maxlength would have cut a pasted text silently
    (the field macro leaves maxlength out of a text area and puts the limit in its hint)."""

    def __init__(self, max):
        super().__init__(max=max)

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(
                _l(
                    "Teksten er %(length)s tegn lang. Der er plads til %(max)s tegn: forkort "
                    "den, og send igen.",
                    length=format_decimal(length),
                    max=format_decimal(self.max),
                )
            )


def consent_field():
    return BooleanField(
        _l("Jeg har læst, hvordan Københavns Kommune behandler oplysningerne"),
        validators=[DataRequired(_l("Bekræft, at du har læst om behandlingen af oplysningerne."))],
    )


def no_cpr_numbers(_form, field):
    """A CPR number is never stored: the text is refused until it is taken out."""
    if cpr_numbers(field.data):
        raise ValidationError(
            _l("Skriv ikke CPR-numre. Fjern nummeret, og send igen. Intet er gemt.")
        )


def choices(pairs):
    return [SelectChoice(value, text) for value, text in pairs]


def _in_the_next_year(_form, field):
    if field.data is None:
        return
    today = clock.today()
    if field.data <= today:
        raise ValidationError(_l("Vælg en dato efter i dag."))
    if field.data > today + timedelta(days=365):
        raise ValidationError(_l("Vælg en dato inden for de næste 12 måneder."))


class DateRangeForm(SubForm):
    """One preferred date, or a period: from `first` to `last`."""

    first = DateField(_l("Fra dato"), validators=[Optional(), _in_the_next_year])
    last = DateField(_l("Til dato"), validators=[Optional(), _in_the_next_year])

    def validate_last(self, field):
        if field.data and not self.first.data:
            raise ValidationError(_l("Skriv også, hvilken dato perioden starter."))
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError(
                _l("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )


class DatesMixin:
    def chosen_dates(self):
        return [(entry.first.data, entry.last.data) for entry in self.dates if entry.first.data]


# The wished dates' fields as posted (`_dates_field`: three entries of a first and a last day),
# kept while the free times show (`RequestForm.carry`), and how long a kept value may be.
CARRIED_DATES = tuple(f"dates-{n}-{part}" for n in range(3) for part in ("first", "last"))
CARRIED_LENGTH = 40


def _dates_field():
    # The description names an entry in the error summary ("Dato eller periode 2: ...").
    return FieldList(
        FormField(DateRangeForm),
        label=_l("Datoer"),  # names the list's own error in the error summary
        min_entries=3,
        max_entries=3,
        description=_l("Dato eller periode %(n)s"),
    )


class PublicForm(PortalForm):
    """A form anyone may send: a privacy notice to confirm, contact details cleaned the same
    way, and two spam traps (a field people never see and the time the form was shown)."""

    website = StringField(_l("Hjemmeside (lad feltet stå tomt)"))
    started = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.started.data:
            self.started.data = links.sign_timed(FORM_STARTED, "request")

    def validate_contact_phone(self, field):
        field.data = normalise_phone(field.data)

    def validate_contact_email(self, field):
        field.data = (field.data or "").strip().lower()

    def spam_reason(self):
        """Why this submission looks automated, or None. Checked before anything is validated."""
        if (self.website.data or "").strip():
            return "honeypot"
        age = links.signed_age(FORM_STARTED, self.started.data or "")
        if age is None:
            return "no start time"
        if age < current_app.config["MIN_FILL_SECONDS"]:
            return "too fast"
        return None


class RequestForm(DatesMixin, PublicForm):
    """The public booking form. Its offer-specific fields depend on the chosen offer kind:
    `asked_fields` decides which the page shows, and the form has no others to validate."""

    offer_kind = RadioField(
        _l("Hvad vil I bestille?"),
        validators=[InputRequired(_l("Vælg et tilbud."))],
        invalid_choice_message=_l("Vælg et tilbud."),
    )
    # The offer whose questions the page shows: a browser without JavaScript sends it, so a
    # changed offer re-shows the form with the new offer's questions instead of refusing them.
    shown_offer = HiddenField()
    # Offer-specific: a dialogue is for a class; a talk or advisory course for adults.
    grade = SelectField(_l("Klassetrin"), validators=[DataRequired(_l("Vælg klassetrin."))])
    audience = RadioField(
        _l("Hvem er deltagerne?"),
        validators=[InputRequired(_l("Vælg, hvem deltagerne er."))],
        invalid_choice_message=_l("Vælg, hvem deltagerne er."),
    )
    # The label says "deltagere" or "elever" by the offer; the messages fit both.
    expected_participants = IntegerField(
        _l("Antal deltagere"),
        validators=[
            InputRequired(_l("Skriv, hvor mange I bliver.")),
            NumberRange(1, 500, _l("Skriv et antal mellem 1 og 500.")),
        ],
    )
    online = BooleanField(_l("Vi vil gerne holde det online"))
    meeting_url = meeting_url_field(_l("Link til mødet, hvis I har et"))
    topic = SelectField(_l("Emne"), validators=[OptionalChoice()])

    organisation_name = StringField(
        _l("Skolens, foreningens eller enhedens navn"),
        validators=[DataRequired(_l("Skriv navnet på jeres organisation.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    organisation_kind = SelectField(
        _l("Type"), validators=[DataRequired(_l("Vælg, hvilken type organisation I er."))]
    )
    # Shown while the admin's list has an active committee; asked of SSP, ignored for the rest
    # (the choice is checked in validate_ssp_committee, so another kind's stray value is no error).
    ssp_committee = SelectField(_l("SSP-udvalg"), validate_choice=False)
    district = SelectField(
        _l("Bydel"),
        coerce=optional_whole_number,
        validators=[InputRequired(_l("Vælg bydel."))],
        invalid_choice_message=_l("Vælg bydel."),
    )
    contact_name = contact_name_field(_l("Dit navn"))
    contact_email = email_field(_l("Din e-mail"))
    contact_phone = phone_field(_l("Dit telefonnummer"))
    dates = _dates_field()
    # Direkte booking (an offer kind an admin opened for it): the free time taken, among the
    # shown week's (`offer_times`), instead of wished dates; the week shown, by its Monday; and
    # "1" when the requester chose to wish dates instead after all.
    free_time = RadioField(
        _l("Vælg en ledig tid"),
        validators=[InputRequired(_l("Vælg en af de ledige tider."))],
        invalid_choice_message=_l("Den tid er ikke længere ledig. Vælg en anden tid."),
    )
    week = HiddenField()
    own_dates = HiddenField()
    place = StringField(
        _l("Adresse og lokale"),
        validators=[Length(max=300)],
        render_kw={"autocomplete": "address-line1"},
    )
    language = SelectField(
        _l("Sprog"),
        # No `required`: a required select must start with an empty placeholder; the choice
        # itself is checked, and Dansk is chosen from the start.
        choices=choices([("da", _l("Dansk")), ("en", _l("Engelsk"))]),
    )
    accessibility_needs = TextAreaField(
        _l("Behov for tilgængelighed"), validators=[Optional(), TextLimit(2000), no_cpr_numbers]
    )
    practical_info = TextAreaField(
        _l("Praktisk information til dem, der kommer"),
        validators=[Optional(), TextLimit(2000), no_cpr_numbers],
    )
    notes = TextAreaField(
        _l("Andet, vi skal vide"), validators=[Optional(), TextLimit(4000), no_cpr_numbers]
    )
    consent = consent_field()

    def __init__(
        self,
        *args,
        offer_kinds,
        topics,
        districts,
        ssp_committees=(),
        offer=None,
        wish_dates=None,
        **kwargs,
    ):
        """`offer_kinds`, `topics`, `districts`, `ssp_committees` (the active ones): what the
        form offers (the view loads them);
        `offer`: the code of the offer to show (a link's ?tilbud=); otherwise the one the
        submitted form chose;
        `wish_dates`: "1" to wish dates for an offer opened for direkte booking, "0" to see its
        free times again (a button's value); otherwise as the form was."""
        super().__init__(*args, **kwargs)
        self.kept_time, self.carried = None, []  # `offer_times`, `carry`
        if wish_dates is not None:
            self.own_dates.data = wish_dates
        self.topics = topics
        self.offer_kinds = {kind.code: kind for kind in offer_kinds}
        if offer is not None:
            self.offer_kind.data = offer
        if self.offer_kind.data not in self.offer_kinds:
            self.offer_kind.data = None
        self.offer_kind.choices = choices((kind.code, kind.name_da) for kind in offer_kinds)
        self.drop_fields(OFFER_FIELDS - self.asked_fields(self.chosen_kind))
        self.drop_fields({"dates"} if self.takes_a_time else {"free_time", "week"})
        if self.grade is not None:
            self.grade.choices = choices([("", _l("Vælg klassetrin")), *GRADES.items()])
        if self.audience is not None:
            self.audience.choices = choices((a.value, label(a)) for a in TALK_AUDIENCES)
        if self.expected_participants is not None:
            self.expected_participants.label.text = (
                _l("Antal elever") if self._for_a_class() else _l("Antal deltagere")
            )
        self.topic.choices = choices(
            [
                ("", _l("Ved ikke endnu / andet")),
                *((str(t.id), t.name_da) for t in topics),
            ]
        )
        self.organisation_kind.choices = choices(
            [("", _l("Vælg type")), *((k.value, label(k)) for k in OrganisationKind)]
        )
        self.district.choices = choices(
            [("", _l("Vælg bydel")), *((d.id, d.name) for d in districts)]
        )
        self.ssp_committees = {str(c.id): c for c in ssp_committees}
        if self.ssp_committees:
            self.ssp_committee.choices = choices(
                [("", _l("Vælg SSP-udvalg")), *((str(c.id), c.name_da) for c in ssp_committees)]
            )
        else:
            self.drop_fields({"ssp_committee"})

    @staticmethod
    def asked_fields(kind):
        """The offer-specific fields the form shows for `kind`: one rule for the page and for
        validation, so a field the page does not show is never checked nor stored."""
        if kind is None:
            return set()
        asked = {"expected_participants", "grade" if kind.for_a_class else "audience"}
        if kind.online_allowed:
            asked |= {"online", "meeting_url"}
        return asked

    @property
    def takes_a_time(self):
        """Whether the form shows the free times to take one, rather than asking for wished
        dates: for an offer kind opened for direkte booking, unless the requester chose to
        wish dates instead."""
        kind = self.chosen_kind
        return kind is not None and kind.takes_free_times and self.own_dates.data != "1"

    def offer_times(self, times, week, weeks, *, kept=None):
        """Offer `times` (the FreeTimes of the week beginning `week`, one of `weeks`, the
        Mondays a pager moves between) to choose from, each labelled by its hours (the page
        groups them by day); and `kept`, the free time chosen in another week, offered first
        and on its own, so that paging loses no choice."""
        offered = [kept, *times] if kept is not None else list(times)
        self.free_time.choices = choices(
            (t.key, f"{short_time(t.starts_at)}–{short_time(t.ends_at)}") for t in offered
        )
        self.shown_times = times
        self.kept_time = kept
        if week is None:  # a page that shows no times (a field checked on its own)
            return
        self.week.data = week.isoformat()
        at = weeks.index(week)
        self.shown_week = (week, week + timedelta(days=4))
        self.previous_week = weeks[at - 1] if at > 0 else None
        self.next_week = weeks[at + 1] if at + 1 < len(weeks) else None

    def kept_option(self):
        """The radio option of the time chosen in another week (None if there is none)."""
        return next(iter(self.free_time)) if self.kept_time is not None else None

    def times_by_day(self):
        """[(day, [radio option])] of the shown week's times, in order."""
        days = {}
        options = list(self.free_time)[1 if self.kept_time is not None else 0 :]
        for option, when in zip(options, self.shown_times, strict=True):
            days.setdefault(when.day, []).append(option)
        return list(days.items())

    def carry(self, formdata):
        """Keep what was typed or chosen for the other way of booking, as the page's hidden
        fields (`carried`): the wished dates while the free times show, the chosen time while
        the wished dates show. Switching back and forth loses nothing."""
        names = CARRIED_DATES if self.takes_a_time else ("free_time",)
        kept = ((name, formdata.get(name, "")[:CARRIED_LENGTH]) for name in names)
        # Only what a keyboard types: a control character has no place in a page.
        self.carried = [(name, value) for name, value in kept if value and value.isprintable()]

    def offer_changed(self):
        """A browser without JavaScript chose another offer than the one whose questions the
        page showed: show the new offer's questions rather than judge answers to the old."""
        return (self.shown_offer.data or None) != self.offer_kind.data

    def answer(self, name, default=None):
        """What the requester answered in an offer-specific field, or `default` when the
        chosen offer does not ask it."""
        return self[name].data if name in self else default

    @property
    def chosen_kind(self):
        return self.offer_kinds.get(self.offer_kind.data)

    @property
    def chosen_ssp_committee(self):
        """The committee an SSP organisation chose; None for any other kind of organisation
        (whatever it sent) and while there is no committee to choose."""
        if self.organisation_kind.data != OrganisationKind.SSP.value:
            return None
        return self.ssp_committees.get(self.answer("ssp_committee") or "")

    def localise(self, locale):
        """Offer and topic names in the visitor's language."""
        self.offer_kind.choices = choices(
            (code, kind.name(locale)) for code, kind in self.offer_kinds.items()
        )
        if locale == "en":
            topics = {str(t.id): t.name_en for t in self.topics}
            for choice in self.topic.choices:
                choice.label = topics.get(choice.value, choice.label)
            if "ssp_committee" in self:
                for choice in self.ssp_committee.choices:
                    committee = self.ssp_committees.get(choice.value)
                    if committee is not None:
                        choice.label = committee.name_en

    # --- cross-field rules ---------------------------------------------------------------------
    def validate_place(self, field):
        if not self.answer("online") and not (field.data or "").strip():
            raise ValidationError(_l("Skriv adressen, hvor det skal foregå."))

    def validate_district(self, field):
        if not field.data:
            raise ValidationError(_l("Vælg bydel."))

    def validate_ssp_committee(self, field):
        if self.organisation_kind.data != OrganisationKind.SSP.value:
            field.data = ""  # not asked of this kind: whatever was sent is not kept
            return
        if not field.data:
            raise ValidationError(_l("Vælg jeres SSP-udvalg."))
        if field.data not in self.ssp_committees:
            raise ValidationError(_l("Vælg et SSP-udvalg fra listen."))

    def validate_dates(self, field):
        if len(self.chosen_dates()) < 2:
            raise ValidationError(_l("Foreslå mindst to datoer eller perioder."))

    def _for_a_class(self):
        kind = self.chosen_kind
        return kind is not None and kind.for_a_class


class ConcernForm(PublicForm):
    """Counsel about a concern: a member of staff asks to be called back. Nothing is asked about
    the citizen; the description refuses a CPR number and asks the writer to check anything
    that looks like a name or an address before it is stored."""

    organisation_name = StringField(
        _l("Din arbejdsplads"),
        validators=[DataRequired(_l("Skriv, hvor du arbejder.")), Length(max=200), no_cpr_numbers],
        render_kw={"autocomplete": "organization"},
    )
    administration = SelectField(
        _l("Forvaltning"),
        validators=[DataRequired(_l("Vælg, hvilken forvaltning du arbejder i."))],
        choices=choices(
            [("", _l("Vælg forvaltning")), *((a.value, label(a)) for a in Administration)]
        ),
    )
    contact_name = contact_name_field(_l("Dit navn"))
    contact_email = email_field(_l("Din e-mail på arbejdet"))
    contact_phone = phone_field(_l("Telefonnummer, vi kan ringe på"))
    callback_time = RadioField(
        _l("Hvornår er det bedst at ringe?"),
        choices=choices((t.value, label(t)) for t in CallbackTime),
        validators=[InputRequired(_l("Vælg, hvornår vi bedst kan ringe."))],
        invalid_choice_message=_l("Vælg, hvornår vi bedst kan ringe."),
    )
    concern_kind = RadioField(
        _l("Hvad handler bekymringen om?"),
        choices=choices((k.value, label(k)) for k in ConcernKind),
        validators=[InputRequired(_l("Vælg, hvad bekymringen handler om."))],
        invalid_choice_message=_l("Vælg, hvad bekymringen handler om."),
    )
    notes = TextAreaField(
        _l("Beskriv kort, hvad du er bekymret for"),
        validators=[
            DataRequired(_l("Skriv kort, hvad du er bekymret for.")),
            TextLimit(2000),
            no_cpr_numbers,
        ],
    )
    # Shown only after the description was found to hold something like a name or an address.
    no_names = BooleanField(_l("Jeg har tjekket teksten: den nævner ingen ved navn eller adresse"))
    consent = consent_field()

    def validate_notes(self, field):
        suspects = looks_like_names_or_addresses(field.data)
        self.name_suspects = suspects
        if suspects and not self.no_names.data:
            raise ValidationError(
                _l(
                    "Teksten ser ud til at nævne et navn eller en adresse (%(words)s). Skriv "
                    "ikke, hvem bekymringen handler om. Ret teksten, eller bekræft nedenfor, at "
                    "det ikke er et navn eller en adresse.",
                    words=", ".join(f"»{word}«" for word in suspects[:3]),
                )
            )

    @property
    def asks_about_names(self):
        """Show the "no names" confirmation: the text was questioned, or it was ticked."""
        return bool(getattr(self, "name_suspects", None)) or bool(self.no_names.data)


def normalise_phone(value):
    """A Danish or international number in international format; ValidationError otherwise."""
    try:
        number = phonenumbers.parse(value or "", "DK")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _l("Skriv et gyldigt telefonnummer, fx 33 66 33 66 eller +46 8 123 456 78.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class WithdrawForm(PortalForm):
    note = TextAreaField(
        _l("Hvorfor trækker I bestillingen tilbage?"), validators=[Optional(), TextLimit(2000)]
    )


class ProposeDatesForm(DatesMixin, PortalForm):
    dates = _dates_field()
    note = TextAreaField(_l("Besked til sekretariatet"), validators=[Optional(), TextLimit(2000)])

    def validate_dates(self, field):
        if not self.chosen_dates():
            raise ValidationError(_l("Foreslå mindst én dato eller periode."))


class LostLinkForm(PortalForm):
    email = email_field(_l("Den e-mailadresse, I bestilte med"))


class ChangeRequestForm(PortalForm):
    """What a requester may still change of a booking (services/request_changes.py), filled in
    with what is stored. The offer's own questions are the booking form's (`asked_fields`), and
    each field is checked as the booking form checks it."""

    contact_name = RequestForm.contact_name
    contact_email = RequestForm.contact_email
    contact_phone = RequestForm.contact_phone
    grade = RequestForm.grade
    audience = RequestForm.audience
    expected_participants = RequestForm.expected_participants
    online = RequestForm.online
    meeting_url = RequestForm.meeting_url
    place = RequestForm.place
    topic = RequestForm.topic
    accessibility_needs = RequestForm.accessibility_needs
    practical_info = RequestForm.practical_info
    notes = RequestForm.notes

    validate_contact_phone = PublicForm.validate_contact_phone
    validate_contact_email = PublicForm.validate_contact_email

    def __init__(self, *args, request, topics, locale="da", **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.offer_kind = request.offer_kind
        self.drop_fields(OFFER_FIELDS - RequestForm.asked_fields(kind))
        if self.grade is not None:
            self.grade.choices = choices([("", _l("Vælg klassetrin")), *GRADES.items()])
        if self.audience is not None:
            self.audience.choices = choices((a.value, label(a)) for a in TALK_AUDIENCES)
        if self.expected_participants is not None and kind.for_a_class:
            self.expected_participants.label.text = _l("Antal elever")
        names = {t.id: t.name(locale) for t in topics}
        if request.topic is not None:
            names.setdefault(request.topic.id, request.topic.name(locale))
        self.topic.choices = choices(
            [("", _l("Ved ikke endnu / andet")), *((str(i), n) for i, n in names.items())]
        )

    def validate_expected_participants(self, field):
        most = self.offer_kind.max_participants
        if field.data is not None and most is not None and field.data > most:
            raise ValidationError(
                _l(
                    "%(offer)s er for højst %(max)s deltagere. Skriv til sekretariatet, hvis I "
                    "bliver flere.",
                    offer=self.offer_kind.name(),
                    max=most,
                )
            )

    def fill_from(self, request, practical_info):
        """Show what is stored (a GET: the form starts from the booking as it is, and from
        `practical_info`, the planned event's once there is one)."""
        self.contact_name.data = request.contact.name
        self.contact_email.data = request.contact.email
        self.contact_phone.data = request.contact.phone
        for name in ("grade", "expected_participants", "online", "meeting_url"):
            if name in self:
                self[name].data = getattr(request, name)
        if "audience" in self:
            self.audience.data = request.audience.value
        self.place.data = request.place
        self.topic.data = str(request.topic_id) if request.topic_id else ""
        self.accessibility_needs.data = request.accessibility_needs
        self.practical_info.data = practical_info
        self.notes.data = request.notes

    def changes(self):
        """{field: value} as the service takes them, for the fields this page shows."""
        values = {
            "contact_name": self.contact_name.data,
            "contact_phone": self.contact_phone.data,
            "place": self.place.data or "",
            "topic_id": int(self.topic.data) if self.topic.data else None,
            "accessibility_needs": self.accessibility_needs.data or "",
            "practical_info": self.practical_info.data or "",
            "notes": self.notes.data or "",
        }
        for name in ("grade", "expected_participants", "meeting_url"):
            if name in self:
                values[name] = self[name].data if self[name].data is not None else ""
        if "online" in self:
            values["online"] = bool(self.online.data)
        if "audience" in self:
            values["audience"] = Audience(self.audience.data)
        return values
