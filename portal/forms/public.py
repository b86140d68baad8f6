"""The requester's forms: book an offer, withdraw, propose other dates, lost link."""

from datetime import timedelta

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
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
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import clock, links
from ..labels import label
from ..models.enums import Audience, OrganisationKind
from ..services import catalogue

FORM_STARTED = "form-started"
GRADES = [
    "7. klasse",
    "8. klasse",
    "9. klasse",
    "10. klasse",
    "1.g",
    "2.g",
    "3.g",
    "HF",
    "EUD",
]
TALK_AUDIENCES = [Audience.STAFF, Audience.VOLUNTEERS, Audience.PARENTS, Audience.MIXED]


def email_field(label):
    """An email address checked for shape (no DNS lookups), as every form asks for one."""
    return EmailField(
        label,
        validators=[
            DataRequired(_l("Skriv din e-mailadresse.")),
            Email(
                _l("Skriv en gyldig e-mailadresse, fx navn@skole.dk."), check_deliverability=False
            ),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
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


class DateRangeForm(Form):
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


def _dates_field():
    return FieldList(FormField(DateRangeForm), min_entries=3, max_entries=3)


class RequestForm(DatesMixin, FlaskForm):
    """The public booking form. Its offer-specific fields depend on the chosen offer kind."""

    offer_kind = RadioField(
        _l("Hvad vil I bestille?"), validators=[InputRequired(_l("Vælg et tilbud."))]
    )
    # Offer-specific: a dialogue is for a class; a talk or advisory course for adults.
    # No Optional() on fields whose need depends on the offer: it would skip validate_<field>.
    grade = SelectField(_l("Klassetrin"))
    audience = RadioField(_l("Hvem er deltagerne?"), validate_choice=False)
    expected_participants = IntegerField(
        _l("Antal deltagere"),
        validators=[
            InputRequired(_l("Skriv, hvor mange der deltager.")),
            NumberRange(1, 500, _l("Antal deltagere skal være mellem 1 og 500.")),
        ],
    )
    online = BooleanField(_l("Vi vil gerne holde det online"))
    topic = SelectField(_l("Emne"), validators=[Optional()])

    organisation_name = StringField(
        _l("Skolens, foreningens eller enhedens navn"),
        validators=[DataRequired(_l("Skriv navnet på jeres organisation.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    organisation_kind = SelectField(
        _l("Type"), validators=[DataRequired(_l("Vælg, hvilken type organisation I er."))]
    )
    district = SelectField(_l("Bydel"), coerce=int, validators=[InputRequired(_l("Vælg bydel."))])
    contact_name = StringField(
        _l("Dit navn"),
        validators=[DataRequired(_l("Skriv dit navn.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    contact_email = email_field(_l("Din e-mail"))
    contact_phone = TelField(
        _l("Dit telefonnummer"),
        validators=[DataRequired(_l("Skriv dit telefonnummer.")), Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )
    dates = _dates_field()
    place = StringField(
        _l("Adresse og lokale"),
        validators=[Length(max=300)],
        render_kw={"autocomplete": "street-address"},
    )
    language = SelectField(
        _l("Sprog"),
        choices=choices([("da", _l("Dansk")), ("en", _l("Engelsk"))]),
        validators=[DataRequired()],
    )
    accessibility_needs = TextAreaField(
        _l("Behov for tilgængelighed"), validators=[Optional(), Length(max=2000)]
    )
    notes = TextAreaField(_l("Andet, vi skal vide"), validators=[Optional(), Length(max=4000)])
    consent = BooleanField(
        _l("Jeg har læst, hvordan Københavns Kommune behandler oplysningerne"),
        validators=[DataRequired(_l("Bekræft, at du har læst om behandlingen af oplysningerne."))],
    )
    # Spam traps: a field people never see, and the time the form was shown (signed).
    website = StringField(_l("Hjemmeside (lad feltet stå tomt)"))
    started = HiddenField()

    def __init__(self, *args, offer_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_kinds = {kind.code: kind for kind in offer_kinds}
        self.offer_kind.choices = choices((kind.code, kind.name_da) for kind in offer_kinds)
        self.grade.choices = choices([("", _l("Vælg klassetrin")), *((g, g) for g in GRADES)])
        self.audience.choices = choices((a.value, label(a)) for a in TALK_AUDIENCES)
        self.topic.choices = choices(
            [
                ("", _l("Ved ikke endnu / andet")),
                *((str(t.id), t.name_da) for t in catalogue.active_topics()),
            ]
        )
        self.organisation_kind.choices = choices(
            [("", _l("Vælg type")), *((k.value, label(k)) for k in OrganisationKind)]
        )
        self.district.choices = choices(
            [(0, _l("Vælg bydel")), *((d.id, d.name) for d in catalogue.districts())]
        )
        if not self.started.data:
            self.started.data = links.sign_timed(FORM_STARTED, "request")
        self.choose_offer(self.offer_kind.data)

    def choose_offer(self, code):
        """Select an offer kind (if it exists) and word the offer-specific fields for it."""
        self.offer_kind.data = code if code in self.offer_kinds else None
        self.expected_participants.label.text = (
            _l("Antal elever") if self._is_dialogue() else _l("Forventet antal deltagere")
        )

    @property
    def chosen_kind(self):
        return self.offer_kinds.get(self.offer_kind.data)

    def localise(self, locale):
        """Offer and topic names in the visitor's language."""
        self.offer_kind.choices = choices(
            (code, kind.name(locale)) for code, kind in self.offer_kinds.items()
        )
        if locale == "en":
            topics = {str(t.id): t.name_en for t in catalogue.active_topics()}
            for choice in self.topic.choices:
                choice.label = topics.get(choice.value, choice.label)

    # --- cross-field rules ---------------------------------------------------------------------
    def validate_grade(self, field):
        if self._is_dialogue() and not field.data:
            raise ValidationError(_l("Vælg klassetrin."))

    def validate_audience(self, field):
        if self.chosen_kind is None or self._is_dialogue():
            return
        if field.data not in {a.value for a in TALK_AUDIENCES}:
            raise ValidationError(_l("Vælg, hvem deltagerne er."))

    def validate_online(self, field):
        kind = self.chosen_kind
        if field.data and kind is not None and not kind.online_allowed:
            raise ValidationError(_l("Dette tilbud kan ikke holdes online."))

    def validate_place(self, field):
        if not self.online.data and not (field.data or "").strip():
            raise ValidationError(_l("Skriv adressen, hvor det skal foregå."))

    def validate_district(self, field):
        if not field.data:
            raise ValidationError(_l("Vælg bydel."))

    def validate_contact_phone(self, field):
        field.data = normalise_phone(field.data)

    def validate_contact_email(self, field):
        field.data = (field.data or "").strip().lower()

    def validate_dates(self, field):
        if len(self.chosen_dates()) < 2:
            raise ValidationError(_l("Foreslå mindst to datoer eller perioder."))

    def _is_dialogue(self):
        kind = self.chosen_kind
        return kind is not None and kind.code == "dialogue"

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


class WithdrawForm(FlaskForm):
    note = TextAreaField(
        _l("Hvorfor trækker I bestillingen tilbage?"), validators=[Optional(), Length(max=2000)]
    )


class ProposeDatesForm(DatesMixin, FlaskForm):
    dates = _dates_field()
    note = TextAreaField(_l("Besked til sekretariatet"), validators=[Optional(), Length(max=2000)])

    def validate_dates(self, field):
        if not self.chosen_dates():
            raise ValidationError(_l("Foreslå mindst én dato eller periode."))


class LostLinkForm(FlaskForm):
    email = email_field(_l("Den e-mailadresse, I bestilte med"))
