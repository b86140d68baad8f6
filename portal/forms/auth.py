from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .base import PortalForm, email_field


class LoginForm(PortalForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Skriv din e-mailadresse.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class ChoosePasswordForm(PortalForm):
    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[DataRequired(_l("Skriv en adgangskode.")), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Gentag adgangskoden"),
        validators=[
            DataRequired(_l("Skriv adgangskoden igen.")),
            EqualTo("password", _l("De to adgangskoder er ikke ens.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(PortalForm):
    email = email_field(_l("Din e-mailadresse"))


class SecondFactorForm(PortalForm):
    """At login: the app's code, or a recovery code (letters too, so no numeric keyboard)."""

    code = StringField(
        _l("Kode"),
        validators=[DataRequired(_l("Skriv koden fra din app.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class StartSecondFactorForm(PortalForm):
    """The button that starts the set-up (a POST: a GET of the page writes nothing)."""


class EnrolSecondFactorForm(PortalForm):
    """The app's six-digit code: at set-up, and for new recovery codes or turning it off (each
    form on the page with its own prefix)."""

    code = StringField(
        _l("Koden fra appen"),
        validators=[DataRequired(_l("Skriv den sekscifrede kode fra appen.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
