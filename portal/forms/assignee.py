from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from ..services import catalogue
from .public import choices


class AcceptForm(FlaskForm):
    """One button: a POST, so mail scanners that open links change nothing."""


class DeclineForm(FlaskForm):
    reason = SelectField(_l("Hvorfor kan du ikke?"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Besked til sekretariatet"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(
            [
                (0, _l("Vælg, hvis du vil")),
                *((r.id, r.label_da) for r in catalogue.assignment_decline_reasons()),
            ]
        )
