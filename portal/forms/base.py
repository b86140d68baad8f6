"""What every form of the portal shares: our own words for WTForms' built-in messages, and a
way for a form whose variants show different fields to leave out the ones a variant does not show.

WTForms has messages of its own ("Not a valid choice.", "This field is required.") that reach a
page whenever a validator has no message of ours or a value cannot be read (a select sent without
a value, a date a browser without a date picker typed). On a Danish page they would appear in
English. Every form here gets them from `BUILT_IN_MESSAGES`, in our catalogue, so they are Danish
(and English on an English page); a test proves every message WTForms can give is in the table.
"""

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

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


class PortalForm(FlaskForm):
    """The base of every form with a CSRF token (all forms that post)."""

    class Meta:
        def get_translations(self, form):
            return MESSAGES

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


class SubForm(wtforms.Form):
    """A group of fields repeated inside a form (FormField), with the same messages."""

    class Meta:
        def get_translations(self, form):
            return MESSAGES
