import re

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from .. import i18n
from ..labels import (
    LABELS,
    action_label,
    actor_code,
    kind_held_label,
    kind_participants_label,
    object_label,
)
from ..models import OfferKind
from ..models.enums import (
    AnswerKind,
    BookingForm,
    ClosedPeriodKind,
    DeclineReasonScope,
    EvaluationAudience,
    FundingSource,
    Metric,
    Role,
    SeatRole,
)
from .base import (
    DECIMAL_MARK,
    GROUPING,
    SPACES,
    MultiCheckboxField,
    OptionalChoice,
    PortalForm,
    whole_number,
)
from .public import choices


class ClosedPeriodForm(PortalForm):
    name = StringField(
        _l("Navn"),
        validators=[DataRequired(_l("Skriv et navn, fx Vinterferie 2027.")), Length(max=120)],
    )
    kind = SelectField(
        _l("Type"),
        choices=choices(
            [
                (ClosedPeriodKind.SCHOOL_HOLIDAY.value, _l("Skoleferie")),
                (ClosedPeriodKind.CLOSURE.value, _l("VINK er lukket")),
            ]
        ),
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(_l("Vælg en startdato."))])
    ends_on = DateField(_l("Til og med"), validators=[InputRequired(_l("Vælg en slutdato."))])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(
                _l("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )


class DeclineReasonForm(PortalForm):
    scope = SelectField(
        _l("Bruges når"),
        choices=choices(
            [
                (DeclineReasonScope.REQUEST.value, _l("sekretariatet afviser en henvendelse")),
                (
                    DeclineReasonScope.ASSIGNMENT.value,
                    _l("en person siger nej til en forespørgsel"),
                ),
            ]
        ),
    )
    label_da = StringField(
        _l("Tekst på dansk"), validators=[DataRequired(_l("Skriv teksten.")), Length(max=200)]
    )
    label_en = StringField(_l("Tekst på engelsk"), validators=[Optional(), Length(max=200)])


def _name_fields(max_length):
    """The Danish name (required) and the English one (optional: the Danish serves)."""
    return (
        StringField(
            _l("Navn på dansk"),
            validators=[DataRequired(_l("Skriv et navn.")), Length(max=max_length)],
        ),
        StringField(_l("Navn på engelsk"), validators=[Optional(), Length(max=max_length)]),
    )


def _count_field(label, low, high, message, required=None):
    required = required or _l("Skriv et tal.")
    return IntegerField(
        label,
        validators=[
            InputRequired(required),
            _number_given(required),
            NumberRange(low, high, message),
        ],
        render_kw={"inputmode": "numeric"},
    )


def _number_given(message):
    """White space passes InputRequired (it is input) but is no number: say what is missing,
    not that nothing is out of range. Text that is no number has said so already."""

    def given(_form, field):
        if field.data is None:
            raise StopValidation("" if field.errors else message)

    return given


class EvaluationQuestionForm(PortalForm):
    """An evaluation question as the admin adds or edits it. Editing leaves out `audience`, and
    once the question has answers also `answer_kind` and `required` (see
    services/evaluation_questions.py)."""

    audience = RadioField(
        _l("Hvem spørges?"),
        choices=choices(
            [
                (
                    EvaluationAudience.REQUESTER.value,
                    LABELS[EvaluationAudience][EvaluationAudience.REQUESTER],
                ),
                (
                    EvaluationAudience.PARTICIPANT.value,
                    LABELS[EvaluationAudience][EvaluationAudience.PARTICIPANT],
                ),
            ]
        ),
        default=EvaluationAudience.REQUESTER.value,
        validators=[InputRequired(_l("Vælg, hvem der spørges."))],
    )
    text_da = StringField(
        _l("Spørgsmål på dansk"),
        validators=[DataRequired(_l("Skriv spørgsmålet på dansk.")), Length(max=300)],
    )
    text_en = StringField(_l("Spørgsmål på engelsk"), validators=[Optional(), Length(max=300)])
    answer_kind = RadioField(
        _l("Svartype"),
        choices=choices([(kind.value, LABELS[AnswerKind][kind]) for kind in AnswerKind]),
        default=AnswerKind.SCALE.value,
        validators=[InputRequired(_l("Vælg en svartype."))],
    )
    required = BooleanField(_l("Skal besvares"))

    @classmethod
    def for_question(cls, question, *, answered):
        """The edit form of `question`, filled with it on a GET: the answer kind only while it
        has no answers and is not a shipped one (the report reads those), required only while
        it has no answers."""
        form = cls(obj=question)
        fixed = ["answer_kind", "required"] if answered else ["answer_kind"] if question.key else []
        form.drop_fields(["audience", *fixed])
        if not form.is_submitted() and "answer_kind" in form:
            form.answer_kind.data = question.answer_kind.value
        return form

    def changes(self):
        """The keyword arguments of update_question: what this variant of the form shows."""
        values = {"text_da": self.text_da.data, "text_en": self.text_en.data or ""}
        if "answer_kind" in self:
            values["answer_kind"] = AnswerKind(self.answer_kind.data)
        if "required" in self:
            values["required"] = self.required.data
        return values


class TopicForm(PortalForm):
    name_da, name_en = _name_fields(120)


class SspCommitteeForm(PortalForm):
    name_da, name_en = _name_fields(120)


# What the fieldset "Direkte booking" holds; a concern kind's page leaves it out.
INSTANT_FIELDS = (
    "instant_booking",
    "instant_opens_days",
    "instant_reach_days",
    "instant_deadline_hours",
)


class OfferKindForm(PortalForm):
    """An offer kind as the admin adds or edits it: what is booked, and how it is staffed."""

    name_da, name_en = _name_fields(80)
    description_da = TextAreaField(
        _l("Beskrivelse på dansk"),
        description=_l("Vises på forsiden under navnet."),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 4},
    )
    description_en = TextAreaField(
        _l("Beskrivelse på engelsk"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 4},
    )
    booking_form = RadioField(
        _l("Hvem er tilbuddet for?"),
        description=_l("Bestemmer, hvilke spørgsmål bestillingsformularen stiller om deltagerne."),
        choices=choices((form.value, text) for form, text in LABELS[BookingForm].items()),
        coerce=BookingForm,
        validators=[InputRequired(_l("Vælg, hvem tilbuddet er for."))],
        invalid_choice_message=_l("Vælg, hvem tilbuddet er for."),
    )
    online_allowed = BooleanField(_l("Kan holdes online"))
    default_duration_minutes = _count_field(
        _l("Varighed i minutter"), 15, 480, _l("Varigheden skal være mellem 15 og 480 minutter.")
    )
    max_sessions = _count_field(
        _l("Højst antal møder"), 1, 10, _l("Et tilbud kan have fra 1 til 10 møder.")
    )
    max_participants = IntegerField(
        _l("Højst antal deltagere"),
        validators=[Optional(), NumberRange(1, 500, _l("Skriv et antal mellem 1 og 500."))],
        render_kw={"inputmode": "numeric"},
    )
    need_resource_person = _count_field(
        _l("Antal resursepersoner"), 0, 10, _l("Der kan være fra 0 til 10 pladser af hver slags.")
    )
    need_ambassador = _count_field(
        _l("Antal dialogambassadører"),
        0,
        10,
        _l("Der kan være fra 0 til 10 pladser af hver slags."),
    )
    offer_deadline_hours = _count_field(
        _l("Svarfrist i timer"),
        1,
        336,
        _l("Svarfristen skal være mellem 1 time og 14 dage."),
        required=_l("Skriv en svarfrist."),
    )
    auto_chain = BooleanField(
        _l("Send pladsen videre til den næste, når en forespørgsel udløber eller bliver afslået")
    )
    auto_accept_claims = BooleanField(
        _l("Giv en ledig plads til den, der tager den, uden godkendelse")
    )
    # Direkte booking (not for a concern: counsel is a call, not a time with seats).
    instant_booking = BooleanField(_l("Lærere kan booke en ledig tid direkte"))
    instant_opens_days = _count_field(
        _l("Åbner dage frem"),
        1,
        179,
        _l("Den første dag kan ligge fra 1 til 179 dage frem."),
        required=_l("Skriv et antal dage."),
    )
    instant_reach_days = _count_field(
        _l("Rækker dage frem"),
        2,
        180,
        _l("Den sidste dag kan ligge fra 2 til 180 dage frem."),
        required=_l("Skriv et antal dage."),
    )
    instant_deadline_hours = _count_field(
        _l("Frist for bemanding (timer efter bookingen)"),
        1,
        720,
        _l("Fristen for bemanding skal være mellem 1 time og 30 dage (720 timer)."),
        required=_l("Skriv en frist i timer."),
    )

    def validate_need_ambassador(self, field):
        other = self.need_resource_person.data
        if field.data is None or other is None:
            return
        if self.booking_form.data == BookingForm.CONCERN:
            if field.data + other:
                raise ValidationError(
                    _l(
                        "Sparring om en bekymring er en telefonsamtale: den har ingen pladser "
                        "at besætte."
                    )
                )
        elif not field.data + other:
            raise ValidationError(_l("Et tilbud skal have mindst én plads at besætte."))

    def validate_instant_booking(self, field):
        if field.data and self.booking_form.data == BookingForm.CONCERN:
            raise ValidationError(
                _l("Sparring om en bekymring er en telefonsamtale: den kan ikke bookes direkte.")
            )

    def validate_instant_reach_days(self, field):
        opens = self.instant_opens_days
        if field.data is None or opens.data is None or opens.errors or field.errors:
            return
        if field.data <= opens.data:
            raise ValidationError(
                _l(
                    "Den sidste dag skal ligge efter den første: skriv flere dage end i "
                    "»Åbner dage frem«."
                )
            )

    def needs(self):
        """{SeatRole: count} as typed."""
        return {role: self[f"need_{role.value}"].data for role in SeatRole}

    def values(self):
        """The offer kind's own fields as typed, for the service."""
        return {name: self[name].data for name in OfferKind.EDITABLE if name in self}

    @classmethod
    def for_kind(cls, kind):
        """The form for `kind`: what was sent, else what is stored (a new kind: a talk's
        defaults, one resource person, direkte booking off with the model's window). A concern
        kind's form has no direkte booking."""
        if kind is None:
            defaults = {"need_resource_person": 1, "need_ambassador": 0, "booking_form": "adults"}
            return cls(
                data=defaults
                | {
                    "default_duration_minutes": 90,
                    "max_sessions": 1,
                    "offer_deadline_hours": 72,
                    "auto_chain": True,
                }
                | {name: OfferKind.__table__.c[name].default.arg for name in INSTANT_FIELDS}
            )
        needs = {f"need_{role.value}": kind.need(role) for role in SeatRole}
        form = cls(obj=kind, data=needs)
        if kind.booking_form == BookingForm.CONCERN:
            form.drop_fields(INSTANT_FIELDS)
        return form


MAX_KRONER = 1_000_000_000  # a billion kroner: far above any budget line, far inside BIGINT


def amount_given(_form, field):
    """White space passes InputRequired (it is input) but is no amount."""
    if field.data is None and not field.errors:
        raise StopValidation(_l("Skriv et beløb."))


class MoneyField(StringField):
    """An amount in kroner as the page's language writes it (3.500 or 3500,50 in Danish,
    3,500 or 3500.50 in English: the marks of read_whole_number), kept as whole øre."""

    def process_formdata(self, valuelist):
        self.data = None
        self.raw = valuelist[0].strip() if valuelist else ""
        if not self.raw:
            return
        group, decimal = GROUPING[i18n.current_locale()], DECIMAL_MARK[i18n.current_locale()]
        text = re.sub(r"(?i)kr\.?|dkk", "", SPACES.sub("", self.raw)).replace(group, "")
        kroner, _, ore = text.partition(decimal)
        if not re.fullmatch(r"[0-9]{1,10}", kroner) or not re.fullmatch(r"[0-9]{0,2}", ore):
            raise ValueError(
                _l(
                    "Skriv et beløb i kroner, fx %(whole)s eller %(exact)s.",
                    whole=i18n.number(3500),
                    exact=f"3500{decimal}50",
                )
            )
        if int(kroner) > MAX_KRONER:
            raise ValueError(_l("Beløbet er for stort."))
        self.data = int(kroner) * 100 + int(ore.ljust(2, "0") or 0)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        kroner, ore = divmod(self.data, 100)
        decimal = DECIMAL_MARK[i18n.current_locale()]
        return f"{kroner}{decimal}{ore:02d}" if ore else str(kroner)


class SupportCourseKindForm(PortalForm):
    name_da, name_en = _name_fields(80)


class BudgetLineForm(PortalForm):
    name_da = StringField(
        _l("Budgetlinje på dansk"),
        validators=[DataRequired(_l("Skriv budgetlinjens navn.")), Length(max=120)],
    )
    name_en = StringField(_l("Budgetlinje på engelsk"), validators=[Optional(), Length(max=120)])
    amount = MoneyField(
        _l("Beløb i kroner"),
        validators=[InputRequired(_l("Skriv et beløb.")), amount_given],
    )
    source = RadioField(
        _l("Hvor kommer pengene fra?"),
        description=_l(
            "BIU er Beskæftigelses- og Integrationsudvalget. Årsrapporten viser "
            "finansieringen år for år efter kilde."
        ),
        choices=choices((source.value, text) for source, text in LABELS[FundingSource].items()),
        coerce=FundingSource,
        validators=[InputRequired(_l("Vælg, hvor pengene kommer fra."))],
        invalid_choice_message=_l("Vælg, hvor pengene kommer fra."),
    )


class FeesForm(PortalForm):
    """On one budget line: the fee per held event of each offer kind, and per support course
    started of each support course kind. Each field is labelled by its kind's name; the page
    groups them under what they are a fee for."""

    @classmethod
    def for_kinds(cls, offer_kinds, course_kinds, **kwargs):
        fields = {
            f"fee_{kind.code}": MoneyField(kind.name(), validators=[Optional()])
            for kind in offer_kinds
        } | {
            f"course_fee_{kind.code}": MoneyField(kind.name(), validators=[Optional()])
            for kind in course_kinds
        }
        return type("FeesFormFor", (cls,), fields)(**kwargs)


MAX_TARGET = 100_000


class TargetsForm(PortalForm):
    """A year's figure for every success criterion, and for each offer kind with targets of its
    own (one an admin added) its events held and participants; an empty field means no
    target."""

    @classmethod
    def for_year(cls, values, kinds=(), kind_values=None, **kwargs):
        """The form with one field per metric and two per kind in `kinds`, filled from `values`
        ({metric: value}) and `kind_values` ({code: (held, participants)}) on a first
        showing."""
        kind_values = kind_values or {}

        def target_field(label):
            return IntegerField(
                label,
                validators=[
                    Optional(),
                    NumberRange(
                        0,
                        MAX_TARGET,
                        _l(
                            "Skriv et helt tal fra 0 til %(n)s.",
                            n=LazyString(i18n.number, MAX_TARGET),
                        ),
                    ),
                ],
            )

        fields = {f"target_{m.value}": target_field(LABELS[Metric][m]) for m in Metric}
        for kind in kinds:
            name = kind.name()
            fields[f"kind_{kind.code}_held"] = target_field(kind_held_label(name))
            fields[f"kind_{kind.code}_participants"] = target_field(kind_participants_label(name))
        form = type("TargetsFormFor", (cls,), fields)(**kwargs)
        form.kinds = list(kinds)
        if not form.is_submitted():
            for metric in Metric:
                form[f"target_{metric.value}"].data = values.get(metric)
            for kind in kinds:
                held, participants = kind_values.get(kind.code, (None, None))
                form[f"kind_{kind.code}_held"].data = held
                form[f"kind_{kind.code}_participants"].data = participants
        return form

    def values(self):
        return {metric: self[f"target_{metric.value}"].data for metric in Metric}

    def kind_values(self):
        """{OfferKind: (held, participants)} for the kinds the form asks about."""
        return {
            kind: (self[f"kind_{kind.code}_held"].data, self[f"kind_{kind.code}_participants"].data)
            for kind in self.kinds
        }


class UserRoleForm(PortalForm):
    """A user's role, and for an assignee the person in the panel they are. The view gives the
    persons that may be chosen."""

    role = RadioField(
        _l("Rolle"),
        choices=choices([(role.value, LABELS[Role][role]) for role in Role]),
        validators=[InputRequired(_l("Vælg en rolle."))],
        invalid_choice_message=_l("Vælg en rolle."),
    )
    person_id = SelectField(
        _l("Person i panelet"), coerce=whole_number, default=0, validate_choice=False
    )

    def __init__(self, *args, persons, find_person, **kwargs):
        """`persons`: the people the select offers (a capped list); `find_person(id)`: the
        person with that id if the user may be linked to them (one found by a search too)."""
        super().__init__(*args, **kwargs)
        self.find_person = find_person
        self.person_id.choices = choices(
            [
                (0, _l("Ingen (sekretariatet og administratorer)")),
                *((p.id, f"{p.full_name} ({p.email})") for p in persons),
            ]
        )
        self.chosen_person = None

    def validate_person_id(self, field):
        if field.data:
            self.chosen_person = self.find_person(field.data)
            if self.chosen_person is None:
                raise ValidationError(_l("Vælg en person fra listen."))

    def person(self):
        return self.chosen_person


class PersonSearchForm(PortalForm):
    """Narrows the person select on a user's page; travels in the URL."""

    class Meta:
        csrf = False

    person = SearchField(_l("Find personen i panelet"), validators=[Optional(), Length(max=100)])


class InviteUserForm(UserRoleForm):
    name = StringField(
        _l("Navn"), validators=[DataRequired(_l("Skriv brugerens navn.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Skriv en e-mailadresse.")), Length(max=254)],
    )


def _by_word(choice):
    return str(choice[1]).casefold()


class AuditFilterForm(PortalForm):
    """The log's filters travel in the URL (GET), so a narrowed log can be bookmarked. The view
    gives the object types and actions that occur in the log."""

    class Meta:
        csrf = False

    hvem = SearchField(
        _l("Hvem (navn, e-mail, »Bestilleren« eller »Portalen«)"),
        validators=[Optional(), Length(max=100)],
    )
    objekt = SelectField(_l("Hvad"), validators=[OptionalChoice()])
    handling = SelectField(_l("Handling"), validators=[OptionalChoice()])
    fra = DateField(_l("Fra og med"), validators=[Optional()])
    til = DateField(_l("Til og med"), validators=[Optional()])

    def __init__(self, *args, object_types, actions, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _l("Alle"))]
        self.objekt.choices = choices(
            [*everything, *sorted(((t, object_label(t)) for t in object_types), key=_by_word)]
        )
        self.handling.choices = choices(
            [*everything, *sorted(((a, action_label(a)) for a in actions), key=_by_word)]
        )

    # services.audit.LogFilters' names for the fields.
    FILTERS = {
        "hvem": "who",
        "objekt": "object_type",
        "handling": "action",
        "fra": "from_day",
        "til": "to_day",
    }

    def filters(self):
        """The filters, as LogFilters takes them; one refused (shown with its message) is off."""
        found = {
            name: None if self[field].errors else self[field].data
            for field, name in self.FILTERS.items()
        }
        found["who"] = actor_code(found["who"]) if found["who"] else found["who"]
        return found

    def validate_til(self, field):
        if field.data and self.fra.data and field.data < self.fra.data:
            raise ValidationError(
                _l("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )


EXPERIENCE_CHOICES = [
    ("auto", _l("Efter antal afholdte dialoger")),
    ("yes", _l("Erfaren")),
    ("no", _l("Ny")),
]


class PersonForm(PortalForm):
    """A person in the panel. The view gives the topics that may be chosen."""

    first_name = StringField(
        _l("Fornavn"), validators=[DataRequired(_l("Skriv fornavnet.")), Length(max=80)]
    )
    last_name = StringField(
        _l("Efternavn"), validators=[DataRequired(_l("Skriv efternavnet.")), Length(max=80)]
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Skriv en e-mailadresse.")), Length(max=254)]
    )
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=40)])
    is_resource_person = BooleanField(_l("Resurseperson (holder vidensoplæg og rådgivning)"))
    is_ambassador = BooleanField(_l("Dialogambassadør (holder ung-til-ung dialoger)"))
    topics = MultiCheckboxField(_l("Emner"), coerce=whole_number, validate_choice=False)
    languages = StringField(
        _l("Sprog"),
        validators=[DataRequired(_l("Skriv mindst ét sprog, fx da.")), Length(max=120)],
        default="da",
    )
    mail_locale = RadioField(
        _l("Sprog i mails"),
        choices=choices([("da", _l("Dansk")), ("en", _l("Engelsk"))]),
        default="da",
        validators=[InputRequired(_l("Vælg dansk eller engelsk til mails."))],
        invalid_choice_message=_l("Vælg dansk eller engelsk til mails."),
    )
    experience = RadioField(
        _l("Erfaring"),
        choices=choices(EXPERIENCE_CHOICES),
        default="auto",
        validators=[InputRequired(_l("Vælg, hvordan erfaringen afgøres."))],
        invalid_choice_message=_l("Vælg, hvordan erfaringen afgøres."),
    )
    bio = TextAreaField(_l("Om personen"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, topics, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_rows = {topic.id: topic for topic in topics}
        self.topics.choices = choices([(t.id, t.name()) for t in topics])
        if person is not None and not self.is_submitted():
            for name in ("first_name", "last_name", "email", "phone", "languages", "bio"):
                self[name].data = getattr(person, name)
            self.mail_locale.data = person.mail_locale
            self.is_resource_person.data = person.is_resource_person
            self.is_ambassador.data = person.is_ambassador
            self.topics.data = [t.id for t in person.topics]
            override = person.experienced_override
            self.experience.data = "auto" if override is None else ("yes" if override else "no")

    def validate_topics(self, field):
        if any(value not in self.topic_rows for value in field.data or []):
            raise ValidationError(_l("Vælg emner fra listen."))

    def values(self):
        """The person's values for services.people, and the chosen topics."""
        experience = {"auto": None, "yes": True, "no": False}[self.experience.data]
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "email": self.email.data,
            "phone": self.phone.data or "",
            "is_resource_person": self.is_resource_person.data,
            "is_ambassador": self.is_ambassador.data,
            "languages": self.languages.data,
            "mail_locale": self.mail_locale.data,
            "bio": self.bio.data or "",
            "experienced_override": experience,
            "topics": [self.topic_rows[i] for i in self.topics.data or []],
        }


class PanelSearchForm(PortalForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Søg på navn eller e-mail"), validators=[Optional(), Length(max=100)])


class EmailTextForm(PortalForm):
    """A mail's subject and text with placeholders; the rules are the service's (mail_editor),
    which refuses with the reason beside the field."""

    subject = StringField(i18n.MAIL_SUBJECT)
    body = TextAreaField(_l("Tekst"), render_kw={"rows": 20, "spellcheck": "true"})


class SignInRulesForm(PortalForm):
    """Which roles sign in at the identity provider only, and the break-glass admin. The view
    gives the admins that may be chosen."""

    provider_only = MultiCheckboxField(
        _l("Skal logge ind via kommunens login"),
        choices=choices([(role.value, LABELS[Role][role]) for role in Role]),
    )
    break_glass = SelectField(_l("Nødadgang"), coerce=whole_number, default=0)

    def __init__(self, *args, admins, **kwargs):
        super().__init__(*args, **kwargs)
        self.break_glass.choices = choices(
            [(0, _l("Ingen")), *((a.id, f"{a.name} ({a.email})") for a in admins)]
        )
