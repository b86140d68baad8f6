"""The questions of the evaluation forms, kept as data per offer kind and audience: the shipped
defaults are seeded for every offer kind, and an admin adds, orders, rewords and hides them."""

from ..extensions import db
from ..models import EvaluationQuestion
from ..models.enums import AnswerKind, EvaluationAudience

# The shipped questions: audience, key, answer kind, required, Danish, English. The migration
# that made the table seeded the same for every offer kind there was (a test keeps them equal).
DEFAULT_QUESTIONS = (
    (
        "requester",
        "overall",
        "scale",
        True,
        "Hvordan gik arrangementet alt i alt?",
        "How did the event go overall?",
    ),
    ("requester", "fit", "scale", True, "Passede det til gruppen?", "Did it suit the group?"),
    ("requester", "again", "yes_no", True, "Vil I bestille igen?", "Would you book again?"),
    ("requester", "worked", "text", False, "Hvad virkede godt?", "What worked well?"),
    (
        "requester",
        "change",
        "text",
        False,
        "Hvad skal vi gøre anderledes?",
        "What should we change?",
    ),
    (
        "participant",
        "overall",
        "scale",
        True,
        "Hvad syntes du om besøget?",
        "What did you think of the visit?",
    ),
    (
        "participant",
        "learned",
        "scale",
        True,
        "Lærte du noget, du kan bruge?",
        "Did you learn something you can use?",
    ),
    (
        "participant",
        "comment",
        "text",
        False,
        "Er der noget, du vil sige til os?",
        "Is there anything you want to tell us?",
    ),
)


def seed_default_questions(offer_kind):
    """Give a new offer kind the shipped questions. Flushes."""
    for order, (audience, key, kind, required, text_da, text_en) in enumerate(
        DEFAULT_QUESTIONS, start=1
    ):
        db.session.add(
            EvaluationQuestion(
                offer_kind=offer_kind,
                audience=EvaluationAudience(audience),
                answer_kind=AnswerKind(kind),
                key=key,
                text_da=text_da,
                text_en=text_en,
                required=required,
                sort_order=order,
            )
        )
    db.session.flush()


def form_questions(offer_kind_id, audience):
    """The questions a form shows: the offer kind's active ones for `audience`, in order."""
    return db.session.scalars(
        db.select(EvaluationQuestion)
        .where(
            EvaluationQuestion.offer_kind_id == offer_kind_id,
            EvaluationQuestion.audience == audience,
            EvaluationQuestion.active,
        )
        .order_by(EvaluationQuestion.sort_order, EvaluationQuestion.id)
    ).all()
