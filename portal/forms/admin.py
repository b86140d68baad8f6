from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..models.enums import ClosedPeriodKind, DeclineReasonScope
from .base import PortalForm
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


class OfferKindRulesForm(PortalForm):
    offer_deadline_hours = IntegerField(
        _l("Svarfrist i timer"),
        validators=[
            InputRequired(_l("Skriv en svarfrist.")),
            NumberRange(1, 336, _l("Svarfristen skal være mellem 1 time og 14 dage.")),
        ],
    )
    auto_chain = BooleanField(_l("Send pladsen videre til den næste, når en forespørgsel udløber"))
    auto_accept_claims = BooleanField(
        _l("Giv en ledig plads til den, der tager den, uden godkendelse")
    )
