from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .base import PortalForm


class LoginForm(PortalForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Skriv din e-mailadresse.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
