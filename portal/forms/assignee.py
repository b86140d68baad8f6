from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..models.evaluations import TEXT_LIMIT
from .base import OptionalChoice, PortalForm, whole_number
from .public import TextLimit, choices, no_cpr_numbers


class AcceptForm(PortalForm):
    """One button: a POST, so mail scanners that open links change nothing."""


class DeclineForm(PortalForm):
    reason = SelectField(
        _l("Hvorfor kan du ikke?"), coerce=whole_number, validators=[OptionalChoice()]
    )
    note = TextAreaField(_l("Besked til sekretariatet"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, reasons, **kwargs):
        """`reasons`: the decline reasons to offer (the view loads them)."""
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(
            [
                (0, _l("Vælg, hvis du vil")),
                *((r.id, r.label()) for r in reasons),
            ]
        )


class ReflectionForm(PortalForm):
    """The assignee's short reflection after an event: how it went and an optional note to the
    secretariat, which "følg op" puts in its "Kræver handling"."""

    rating = RadioField(
        _l("Hvordan gik det?"),
        choices=choices(
            [
                ("1", _l("1 – dårligt")),
                ("2", "2"),
                ("3", "3"),
                ("4", "4"),
                ("5", _l("5 – rigtig godt")),
            ]
        ),
        validators=[InputRequired(_l("Vælg, hvordan det gik, fra 1 til 5."))],
        invalid_choice_message=_l("Vælg, hvordan det gik, fra 1 til 5."),
    )
    # Not "note": the attendance form beside it on the page has one (ids must be unique).
    reflection_note = TextAreaField(
        _l("Note til sekretariatet"),
        validators=[Optional(), TextLimit(TEXT_LIMIT), no_cpr_numbers],
        render_kw={"rows": 3},
    )
    follow_up = BooleanField(_l("Sekretariatet skal følge op på min note"))

    def validate_follow_up(self, field):
        if field.data and not (self.reflection_note.data or "").strip():
            raise ValidationError(_l("Skriv, hvad sekretariatet skal følge op på."))


def reflection_form_for(reflection):
    """The reflection form as a page shows it: with what was saved before, if anything (a
    follow-up the secretariat has handled is not ticked again)."""
    if reflection is None:
        return ReflectionForm(formdata=None)
    return ReflectionForm(
        formdata=None,
        data={
            "rating": str(reflection.rating),
            "reflection_note": reflection.note,
            "follow_up": reflection.follow_up and reflection.handled_at is None,
        },
    )


WEEKDAYS = [
    (0, _l("mandag")),
    (1, _l("tirsdag")),
    (2, _l("onsdag")),
    (3, _l("torsdag")),
    (4, _l("fredag")),
    (5, _l("lørdag")),
    (6, _l("søndag")),
]


class AvailabilityRuleForm(PortalForm):
    weekday = SelectField(_l("Ugedag"), coerce=whole_number, choices=choices(WEEKDAYS))
    starts_at = TimeField(_l("Fra kl."), validators=[InputRequired(_l("Vælg et starttidspunkt."))])
    ends_at = TimeField(_l("Til kl."), validators=[InputRequired(_l("Vælg et sluttidspunkt."))])

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Sluttidspunktet skal ligge efter starttidspunktet."))


class AwayPeriodForm(PortalForm):
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(_l("Vælg en startdato."))])
    ends_on = DateField(_l("Til og med"), validators=[InputRequired(_l("Vælg en slutdato."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(
                _l("Slutdatoen skal være samme dag som startdatoen eller senere.")
            )
