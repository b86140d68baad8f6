"""The questions of the evaluation forms, kept as data per offer kind and audience: the shipped
defaults are seeded for every offer kind, and an admin adds, orders, rewords and hides them."""

import unicodedata

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import EvaluationAnswer, EvaluationQuestion
from ..models.enums import AnswerKind, EvaluationAudience
from . import audit
from .errors import DomainError

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


# --- the admin's editing ------------------------------------------------------------------------
#
# What a question's answers mean must not change under them: once a question has answers, its
# answer kind and whether it is required are fixed (a required question is answered by
# everyone, an optional one by those who care to, so the figures before and after would not be
# comparable), and it cannot be deleted, only hidden. Its wording can always be corrected. A
# shipped question (one with a key) keeps its answer kind even without answers: the report reads
# it as that kind.

TEXT_MAX = 300


class QuestionError(DomainError):
    """A question cannot be added, changed, hidden, moved or deleted like this."""


def questions_of(offer_kind):
    """{audience: [(question, answers)]} for the admin's page: every question of the offer
    kind, hidden ones too, in the order its form asks them, with how many answers each has."""
    rows = db.session.execute(
        db.select(EvaluationQuestion, db.func.count(EvaluationAnswer.id))
        .outerjoin(EvaluationAnswer, EvaluationAnswer.question_id == EvaluationQuestion.id)
        .where(EvaluationQuestion.offer_kind_id == offer_kind.id)
        .group_by(EvaluationQuestion.id)
        .order_by(EvaluationQuestion.sort_order, EvaluationQuestion.id)
    ).all()
    found = {audience: [] for audience in EvaluationAudience}
    for question, answers in rows:
        found[question.audience].append((question, answers))
    return found


def answer_count(question):
    return db.session.scalar(
        db.select(db.func.count(EvaluationAnswer.id)).where(
            EvaluationAnswer.question_id == question.id
        )
    )


def add_question(offer_kind, *, by, audience, answer_kind, text_da, text_en="", required=False):
    """A question of the admin's own, asked last on `audience`'s form of `offer_kind`; an English
    text left blank is the Danish one. Refused: a text that is blank or too long. Side effects:
    audit "evaluation_question.added"."""
    text_da, text_en = _texts(text_da, text_en)
    audience = EvaluationAudience(audience)
    question = EvaluationQuestion(
        offer_kind_id=offer_kind.id,
        audience=audience,
        answer_kind=AnswerKind(answer_kind),
        key="",
        text_da=text_da,
        text_en=text_en,
        required=bool(required),
        sort_order=max((q.sort_order for q in _siblings(offer_kind.id, audience)), default=0) + 1,
        active=True,
    )
    db.session.add(question)
    db.session.flush()
    audit.record(
        "evaluation_question.added",
        question,
        by=by,
        after=audit.snapshot(
            question, ["offer_kind_id", "audience", "answer_kind", "text_da", "text_en", "required"]
        ),
    )
    return question


def update_question(question, *, by, text_da, text_en="", answer_kind=None, required=None):
    """Correct a question's wording (always allowed) and, while it has no answers, change its
    answer kind or whether it is required (None: as it is). Refused: a text that is blank or
    too long; a change of kind or required once answered; a shipped question's kind. Side
    effects: audit "evaluation_question.updated" with what changed, if anything."""
    text_da, text_en = _texts(text_da, text_en)
    answer_kind = question.answer_kind if answer_kind is None else AnswerKind(answer_kind)
    required = question.required if required is None else bool(required)
    if answer_kind != question.answer_kind or required != question.required:
        if answer_count(question):
            raise QuestionError(
                _l(
                    "Spørgsmålet har svar, så dets svartype og om det skal besvares kan ikke "
                    "ændres: svarene ville ikke længere betyde det samme. Skjul spørgsmålet, og "
                    "tilføj et nyt i stedet."
                )
            )
        if answer_kind != question.answer_kind and question.key:
            raise QuestionError(
                _l(
                    "Det er et af portalens faste spørgsmål, som årsrapporten læser, så dets "
                    "svartype kan ikke ændres. Skjul det, og tilføj et nyt i stedet."
                )
            )
    fields = ["answer_kind", "text_da", "text_en", "required"]
    before = audit.snapshot(question, fields)
    question.text_da, question.text_en = text_da, text_en
    question.answer_kind, question.required = answer_kind, required
    db.session.flush()
    after = audit.snapshot(question, fields)
    changed = [field for field in fields if after[field] != before[field]]
    if changed:
        audit.record(
            "evaluation_question.updated",
            question,
            by=by,
            before={field: before[field] for field in changed},
            after={field: after[field] for field in changed},
        )
    return question


def set_question_active(question, *, by, active):
    """Hide a question from its form (its answers stay and are still counted) or show it again.
    Refused: hiding the last question its form shows. Side effects: audit
    "evaluation_question.shown" or ".hidden"; nothing when it already is so."""
    if question.active == active:
        return  # a second click of the same button writes nothing
    if not active and len(form_questions(question.offer_kind_id, question.audience)) <= 1:
        raise QuestionError(
            _l("Formularen skal stille mindst ét spørgsmål, så det sidste kan ikke skjules.")
        )
    question.active = active
    db.session.flush()
    audit.record(
        "evaluation_question.shown" if active else "evaluation_question.hidden",
        question,
        by=by,
        before={"active": not active},
        after={"active": active},
    )


def delete_question(question, *, by):
    """Delete a question nobody has answered. Refused: a question with answers (hide it
    instead), the last question its form shows. Side effects: audit
    "evaluation_question.deleted" with what the question was."""
    if answer_count(question):
        raise QuestionError(
            _l("Spørgsmålet har svar og kan derfor ikke slettes. Skjul det i stedet.")
        )
    if question.active and len(form_questions(question.offer_kind_id, question.audience)) <= 1:
        raise QuestionError(
            _l("Formularen skal stille mindst ét spørgsmål, så det sidste kan ikke slettes.")
        )
    audit.record(
        "evaluation_question.deleted",
        question,
        by=by,
        before=audit.snapshot(
            question, ["offer_kind_id", "audience", "answer_kind", "text_da", "text_en", "required"]
        ),
    )
    db.session.delete(question)
    db.session.flush()


def move_question(question, *, by, up):
    """Ask a question one place earlier (`up`) or later on its form; at the top or bottom,
    nothing changes. Side effects: the form's questions are numbered 1, 2, 3 ...; audit
    "evaluation_question.moved" with the question's place before and after."""
    siblings = _siblings(question.offer_kind_id, question.audience)
    at = siblings.index(question)
    to = at - 1 if up else at + 1
    if not 0 <= to < len(siblings):
        return False
    siblings.insert(to, siblings.pop(at))
    for place, sibling in enumerate(siblings, start=1):
        sibling.sort_order = place
    db.session.flush()
    audit.record(
        "evaluation_question.moved",
        question,
        by=by,
        before={"sort_order": at + 1},
        after={"sort_order": to + 1},
    )
    return True


def _siblings(offer_kind_id, audience):
    """Every question of one form, hidden ones too, in order."""
    return db.session.scalars(
        db.select(EvaluationQuestion)
        .where(
            EvaluationQuestion.offer_kind_id == offer_kind_id,
            EvaluationQuestion.audience == audience,
        )
        .order_by(EvaluationQuestion.sort_order, EvaluationQuestion.id)
    ).all()


def _texts(text_da, text_en):
    """The Danish and English texts as stored: one line each. An English text left blank stays
    blank, so the English form shows the Danish one (EvaluationQuestion.text), also after the
    Danish is corrected. Refused: a blank Danish text, one too long, a character no keyboard
    types."""
    text_da = _one_line(text_da, _l("Skriv spørgsmålet på dansk."))
    text_en = _one_line(text_en, None)
    return text_da, text_en


def _one_line(text, blank_message):
    text = " ".join((text or "").split())
    if not text:
        if blank_message is None:
            return ""
        raise QuestionError(blank_message)
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise QuestionError(_l("Teksten indeholder et tegn, der ikke kan gemmes. Skriv den igen."))
    if len(text) > TEXT_MAX:
        raise QuestionError(_l("Skriv højst %(max)s tegn.", max=TEXT_MAX))
    return text
