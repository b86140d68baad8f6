"""What every form of the portal shares: our own words for WTForms' built-in messages, guards
against input no person types, and a way for a form whose variants show different fields to
leave out the ones a variant does not show.

WTForms has messages of its own ("Not a valid choice.", "This field is required.") that reach a
page whenever a validator has no message of ours or a value cannot be read (a select sent without
a value, a date a browser without a date picker typed). On a Danish page they would appear in
English. Every form here gets them from `BUILT_IN_MESSAGES`, in our catalogue, so they are Danish
(and English on an English page); a test proves every message WTForms can give is in the table.
"""

import copy
import re
from datetime import date, datetime

import wtforms
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from .. import clock
from ..event_details import MAX_MEETING_URL, TOO_LONG, meeting_url_problem
from ..i18n import current_locale, number
from ..urls import MAX_ID

# WTForms' own message ids -> ours. Placeholders stay as WTForms fills them in.
BUILT_IN_MESSAGES = {
    "Invalid field name '%s'.": _l("Feltet findes ikke."),
    "Field must be equal to %(other_name)s.": _l("Felterne skal være ens."),
    "Field must be at least %(min)d character long.": _l("Skriv mindst %(min)d tegn."),
    "Field must be at least %(min)d characters long.": _l("Skriv mindst %(min)d tegn."),
    "Field cannot be longer than %(max)d character.": _l("Skriv højst %(max)d tegn."),
    "Field cannot be longer than %(max)d characters.": _l("Skriv højst %(max)d tegn."),
    "Field must be exactly %(max)d character long.": _l("Skriv præcis %(max)d tegn."),
    "Field must be exactly %(max)d characters long.": _l("Skriv præcis %(max)d tegn."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Skriv mellem %(min)d og %(max)d tegn."
    ),
    "Number must be at least %(min)s.": _l("Tallet skal være mindst %(min)s."),
    "Number must be at most %(max)s.": _l("Tallet må højst være %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l(
        "Tallet skal være mellem %(min)s og %(max)s."
    ),
    "Date must be at least %(min)s.": _l("Datoen skal være %(min)s eller senere."),
    "Date must be at most %(max)s.": _l("Datoen skal være %(max)s eller tidligere."),
    "Date must be between %(min)s and %(max)s.": _l("Datoen skal ligge mellem %(min)s og %(max)s."),
    "This field is required.": _l("Udfyld feltet."),
    "Invalid input.": _l("Tjek det, du har skrevet."),
    "Invalid email address.": _l("Skriv en gyldig e-mailadresse, fx navn@skole.dk."),
    "Invalid IP address.": _l("Skriv en gyldig IP-adresse."),
    "Invalid Mac address.": _l("Skriv en gyldig MAC-adresse."),
    "Invalid URL.": _l("Skriv en gyldig webadresse."),
    "Invalid UUID.": _l("Skriv et gyldigt UUID."),
    "Invalid value, must be one of: %(values)s.": _l("Vælg en af mulighederne: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Vælg noget andet end: %(values)s."),
    "This field cannot be edited.": _l("Feltet kan ikke ændres."),
    "This field is disabled and cannot have a value.": _l("Feltet kan ikke udfyldes."),
    "Invalid CSRF Token.": _l("Formularen er for gammel. Indlæs siden igen, og prøv igen."),
    "CSRF token missing.": _l("Formularen er for gammel. Indlæs siden igen, og prøv igen."),
    "CSRF failed.": _l("Formularen er for gammel. Indlæs siden igen, og prøv igen."),
    "CSRF token expired.": _l("Formularen er for gammel. Indlæs siden igen, og prøv igen."),
    "Invalid Choice: could not coerce.": _l("Vælg en af mulighederne på listen."),
    "Choices cannot be None.": _l("Vælg en af mulighederne på listen."),
    "Not a valid choice.": _l("Vælg en af mulighederne på listen."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Vælg blandt mulighederne på listen."
    ),
    "'%(value)s' is not a valid choice for this field.": _l("Vælg blandt mulighederne på listen."),
    "'%(value)s' are not valid choices for this field.": _l("Vælg blandt mulighederne på listen."),
    "Not a valid datetime value.": _l("Skriv en gyldig dato og et gyldigt tidspunkt."),
    "Not a valid date value.": _l("Skriv en gyldig dato, fx 24.12.2026."),
    "Not a valid time value.": _l("Skriv et gyldigt tidspunkt, fx 14.30."),
    "Not a valid week value.": _l("Skriv en gyldig uge."),
    "Not a valid integer value.": _l("Skriv et helt tal, fx 25."),
    "Not a valid decimal value.": _l("Skriv et tal, fx 12,5."),
    "Not a valid float value.": _l("Skriv et tal, fx 12,5."),
}
# Should a later WTForms add a message, it is still never shown in English on a Danish page.
UNKNOWN_MESSAGE = _l("Tjek det, du har skrevet.")


class BuiltInMessages:
    """The `translations` object WTForms asks for its own messages."""

    def gettext(self, string):
        return str(BUILT_IN_MESSAGES.get(string, UNKNOWN_MESSAGE))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


MESSAGES = BuiltInMessages()


# Characters no keyboard types: NUL (which PostgreSQL refuses) and the other C0 controls but tab
# and line breaks. They are dropped before any field sees them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a one-line field (a name, a subject), line breaks would let text that lands in a mail
# start paragraphs of its own: they become spaces.
LINE_BREAKS = re.compile("[\r\n\t\u2028\u2029\x85]+")
SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def clean_formdata(formdata):
    """Only text, without control characters: a file part or a JSON value sent for a field is
    left out, as if the field were not sent."""
    return ImmutableMultiDict(
        (key, CONTROL_CHARACTERS.sub("", value))
        for key, values in formdata.lists()
        for value in values
        if isinstance(key, str) and isinstance(value, str)
    )


def fold_line_breaks(value):
    return LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def plain_line_breaks(value):
    """A text area's lines as stored: a browser sends them ending in CRLF, kept as LF, so a
    text reads the same whichever way it came (and compares equal to itself)."""
    return re.sub(r"\r\n?", "\n", value) if isinstance(value, str) else value


class OptionalChoice:
    """A select whose empty choice means "none": nothing chosen stops validation, and anything
    else must be one of the options. (WTForms' Optional() takes white space for nothing and
    clears the choice's error, so "  " reached the view as a choice.)"""

    field_flags = {"optional": True}

    def __call__(self, form, field):
        if not field.raw_data or field.raw_data[0] == "":
            field.errors[:] = []
            raise wtforms.validators.StopValidation()


class NotAWholeNumber(ValueError):
    """What was typed is no whole number a column of ours holds; str() says what to write."""


class TooLarge(NotAWholeNumber):
    """A whole number, beyond what a column of ours holds."""


# The page's language decides which mark groups thousands: "2.000" is two thousand in Danish
# and two in English. A space (plain, no-break, or thin as copied from a page) groups in both.
GROUPING = {"da": ".", "en": ","}
DECIMAL_MARK = {"da": ",", "en": "."}
SPACES = re.compile("[ \u00a0\u202f\u2009]")
# More digits than any column holds: refused as too large without reading them into an int.
MOST_DIGITS = len(str(MAX_ID))


def read_whole_number(text):
    """`text` as a whole number, written the way the page's language writes it (2.000 on a
    Danish page, 2,000 on an English one). NotAWholeNumber for decimals and anything that is
    not a number; TooLarge for a number a column of ours (PostgreSQL's integer) cannot hold."""
    group, decimal = GROUPING[current_locale()], DECIMAL_MARK[current_locale()]
    whole, mark, _decimals = SPACES.sub(group, str(text).strip()).partition(decimal)
    if not re.fullmatch(rf"[+-]?(?:[0-9]+|[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}})+)", whole):
        raise NotAWholeNumber(str(BUILT_IN_MESSAGES["Not a valid integer value."]))
    if mark:  # "2,5", and "2," too: a decimal mark is no part of a whole number
        raise NotAWholeNumber(
            _("Skriv et helt tal uden decimaler, fx %(example)s.", example=number(2000))
        )
    digits = whole.replace(group, "")
    sign = -1 if digits.startswith("-") else 1
    # Leading zeros say nothing, and are never read into an int (Python refuses 4,300 digits).
    significant = digits.lstrip("+-").lstrip("0") or "0"
    if len(significant) > MOST_DIGITS or not -MAX_ID - 1 <= sign * int(significant) <= MAX_ID:
        raise TooLarge(_("Tallet er for stort."))
    return sign * int(significant)


def whole_number(value):
    """`coerce=` for every choice of ids or numbers: an int that a column of ours can hold
    (PostgreSQL's integer); ValueError otherwise, which the field shows as "not on the list",
    so a 12-digit number never reaches the database."""
    return value if isinstance(value, int) else read_whole_number(value)


def optional_whole_number(value):
    """A select's value as a whole_number; its empty placeholder as None."""
    return None if value in ("", None) else whole_number(value)


def out_of_reach_message():
    return _(
        "Vælg en dato mellem år %(first)s og %(last)s.",
        first=clock.EARLIEST_DAY.year,
        last=clock.last_day_in_reach().year,
    )


def date_in_reach(_form, field):
    """Every date field: within the dates the portal reasons about (clock.in_reach)."""
    value = field.data.date() if isinstance(field.data, datetime) else field.data
    if isinstance(value, date) and not clock.in_reach(value):
        raise wtforms.validators.ValidationError(out_of_reach_message())


class WholeNumberInput(wtforms.widgets.TextInput):
    """A text input: min, max and step belong to a number input and are not valid HTML here
    (the range is checked by the field's NumberRange, and said in its message)."""

    def __call__(self, field, **kwargs):
        for name in ("min", "max", "step"):
            kwargs.pop(name, None)
        return super().__call__(field, **kwargs)


class WholeNumberField(wtforms.IntegerField):
    """A whole number as the page's language writes it (read_whole_number), in a text input
    with a numeric keyboard: Chromium's number input reads "2.000" as 2. Every IntegerField of
    every form is one (see _Meta.bind_field)."""

    widget = WholeNumberInput()

    def __init__(self, *args, render_kw=None, **kwargs):
        super().__init__(*args, render_kw={"inputmode": "numeric", **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None  # nothing typed is no number (Optional or InputRequired says more)
        if not valuelist[0].strip():
            return
        try:
            self.data = read_whole_number(valuelist[0])
        except TooLarge as refused:
            raise ValueError(self._range_message() or str(refused)) from None

    def _range_message(self):
        """A field with a range says it for a number beyond any column too: "from 0 to 100.000"
        helps more than "too large"."""
        for validator in self.validators:
            if isinstance(validator, wtforms.validators.NumberRange) and validator.message:
                return str(validator.message)
        return None


class _Meta:
    def get_translations(self, form):
        return MESSAGES

    def bind_field(self, form, unbound_field, options):
        # Forms declare plain IntegerFields; each reads numbers the way the page's language
        # writes them, whoever wrote the form.
        if unbound_field.field_class is wtforms.IntegerField:
            unbound_field = copy.copy(unbound_field)
            unbound_field.field_class = WholeNumberField
        return super().bind_field(form, unbound_field, options)

    def wrap_formdata(self, form, formdata):
        if formdata is not None and not hasattr(formdata, "getlist"):
            # Flask-WTF's "from the request": here the form body only, never uploaded files
            # or a JSON body (no form of ours takes either).
            submitted = request.method in SUBMIT_METHODS and request.form
            formdata = request.form if submitted else None
        return None if formdata is None else clean_formdata(formdata)


class _Guards:
    """One-line fields lose their line breaks, text areas keep theirs as LF; date fields stay
    within reach."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        filters = {name: list(f) for name, f in (extra_filters or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, wtforms.TextAreaField):
                filters.setdefault(name, []).append(plain_line_breaks)
            elif isinstance(field, wtforms.StringField) and not isinstance(
                field, wtforms.PasswordField
            ):
                filters.setdefault(name, []).append(fold_line_breaks)
        super().process(formdata, obj, data=data, extra_filters=filters, **kwargs)

    def validate(self, extra_validators=None):
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, wtforms.DateTimeField):
                extra.setdefault(name, []).append(date_in_reach)
        return super().validate(extra)


class PortalForm(_Guards, FlaskForm):
    """The base of every form with a CSRF token (all forms that post)."""

    class Meta(_Meta):
        def render_field(self, field, render_kw):
            # Several forms on one page each carry a token: an id would be repeated, and
            # nothing needs one (id=False leaves the attribute out).
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def drop_fields(self, names):
        """Leave out fields this variant of the form does not show: not rendered, not
        validated, not read. A browser sends nothing for a field that is not on the page."""
        for name in names:
            if name in self:
                del self[name]


class SubForm(_Guards, wtforms.Form):
    """A group of fields repeated inside a form (FormField), with the same messages."""

    class Meta(_Meta):
        pass


class MultiCheckboxField(wtforms.SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()


def https_meeting_url(_form, field):
    """A meeting link is an https address or nothing (`event_details.meeting_url_problem`)."""
    problem = meeting_url_problem(field.data)
    if problem is not None:
        raise wtforms.validators.ValidationError(problem)


def meeting_url_field(label):
    """The meeting link of an online event: typed or pasted, https only, at most 500 signs."""
    return wtforms.URLField(
        label,
        validators=[
            wtforms.validators.Optional(),
            wtforms.validators.Length(max=MAX_MEETING_URL, message=TOO_LONG),
            https_meeting_url,
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


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
