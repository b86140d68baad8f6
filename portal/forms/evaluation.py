"""The evaluation forms, built from the questions an admin keeps per offer kind: a 1-5 scale and
yes/no as radio buttons, a text as a text area with the concern form's checks (a CPR number is
refused; something like a name or an address is questioned until the writer confirms it)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..models.enums import AnswerKind
from ..models.evaluations import TEXT_LIMIT
from ..personal_data import looks_like_names_or_addresses, names_warning
from .base import PortalForm
from .public import PublicForm, TextLimit, choices, no_cpr_numbers

# Neutral ends: the same scale serves "how did it go", "did it suit the group" and "did you
# learn something", and an admin's own questions.
SCALE = [
    ("1", _l("1 (lavest)")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _l("5 (højest)")),
]
YES_NO = [("1", _l("Ja")), ("0", _l("Nej"))]


def _field(question, locale):
    label = question.text(locale)
    if question.answer_kind == AnswerKind.TEXT:
        return TextAreaField(
            label,
            validators=[
                *([DataRequired(_l("Skriv et svar."))] if question.required else [Optional()]),
                TextLimit(TEXT_LIMIT),
                no_cpr_numbers,
            ],
            render_kw={"rows": 4},
        )
    options = SCALE if question.answer_kind == AnswerKind.SCALE else YES_NO
    return RadioField(
        label,
        choices=choices(options),
        validators=[InputRequired(_l("Vælg et svar."))] if question.required else [Optional()],
        invalid_choice_message=_l("Vælg et af svarene."),
    )


class _Answers:
    """What an evaluation form adds to its base: the answers by question, and the check for
    names and addresses across its text fields."""

    no_names = BooleanField(_l("Jeg har tjekket teksten: den nævner ingen ved navn eller adresse"))

    def answers(self):
        """{question id: int for a scale or yes/no, str for a text}; left out when unanswered."""
        given = {}
        for question in self.questions:
            data = self[f"q{question.id}"].data
            if question.answer_kind == AnswerKind.TEXT:
                if (data or "").strip():
                    given[question.id] = data
            elif data not in (None, "", "None"):
                given[question.id] = int(data)
        return given

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.name_suspects = []
        for question in self.questions:
            if question.answer_kind != AnswerKind.TEXT:
                continue
            field = self[f"q{question.id}"]
            if field.errors:  # a CPR number or too long: that is said first
                continue
            suspects = looks_like_names_or_addresses(field.data or "")
            self.name_suspects += suspects
            if suspects and not self.no_names.data:
                field.errors = [*field.errors, names_warning(suspects)]
                valid = False
        return valid

    @property
    def asks_about_names(self):
        """Show the "no names" confirmation: a text was questioned, or it was ticked."""
        return bool(getattr(self, "name_suspects", None)) or bool(self.no_names.data)

    def question_fields(self):
        return [self[f"q{question.id}"] for question in self.questions]


def evaluation_form(questions, locale, *, public=False, **kwargs):
    """A form for `questions` in `locale`; `public` adds the public forms' spam traps (the
    participants' form, which anyone with the address can send)."""
    base = PublicForm if public else PortalForm
    fields = {f"q{question.id}": _field(question, locale) for question in questions}
    form_class = type("EvaluationForm", (_Answers, base), fields)
    form = form_class(**kwargs)
    form.questions = list(questions)
    return form


def show_answer_error(form, error):
    """Put a service's AnswerError on its question's field; the message if no field has it."""
    name = f"q{getattr(error, 'question_id', '')}"
    if name in form:
        form[name].errors = [*form[name].errors, str(error)]
        return None
    return str(error)
