"""The questions of the evaluation forms as the admin keeps them: added last, reworded with an
audit entry, reordered, hidden and deleted, and never changed in meaning once answered."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from portal.models.enums import AnswerKind, EvaluationAudience
from portal.services import evaluation_questions as questions
from tests.factories import make_scheduled, make_user, offer_kind, row_counts

REQUESTER = EvaluationAudience.REQUESTER
PARTICIPANT = EvaluationAudience.PARTICIPANT


@pytest.fixture
def admin():
    return make_user(role="admin")


def _form(kind, audience=REQUESTER):
    return [q.text_da for q in questions.form_questions(kind.id, audience)]


def _add(admin, kind=None, **values):
    values = {
        "audience": REQUESTER,
        "answer_kind": AnswerKind.SCALE,
        "text_da": "Var lokalet godt?",
        "text_en": "Was the room good?",
    } | values
    return questions.add_question(kind or offer_kind("dialogue"), by=admin, **values)


def _answered(question, value=4):
    """Give `question` one answer, as a sent form would."""
    event = make_scheduled("dialogue")
    response = EvaluationResponse(event=event, audience=question.audience)
    response.answers = [EvaluationAnswer(question_id=question.id, value=value, text="")]
    db.session.add(response)
    db.session.flush()
    return question


def _actions(question):
    return db.session.scalars(
        db.select(AuditEntry.action)
        .where(
            AuditEntry.object_type == "evaluation_questions", AuditEntry.object_id == question.id
        )
        .order_by(AuditEntry.id)
    ).all()


def test_an_added_question_is_asked_last_on_its_own_form_only(admin):
    dialogue = offer_kind("dialogue")
    participants_before = _form(dialogue, PARTICIPANT)
    question = _add(admin, required=True)
    assert _form(dialogue)[-1] == "Var lokalet godt?"
    assert _form(dialogue, PARTICIPANT) == participants_before
    assert _form(offer_kind("talk"))[-1] != "Var lokalet godt?"
    assert (question.key, question.required, question.active) == ("", True, True)
    assert _actions(question) == ["evaluation_question.added"]


def test_a_participant_question_goes_after_the_participants_shipped_ones(admin):
    dialogue = offer_kind("dialogue")
    _add(admin, audience=PARTICIPANT, text_da="Var det sjovt?", text_en="")
    assert _form(dialogue, PARTICIPANT)[-1] == "Var det sjovt?"


def test_a_blank_english_text_is_the_danish_one_also_after_a_correction(admin):
    question = _add(admin, text_en="   ")
    assert question.text_en == ""
    assert question.text("en") == "Var lokalet godt?"
    questions.update_question(question, by=admin, text_da="Var lokalet i orden?", text_en="")
    assert question.text("en") == "Var lokalet i orden?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv spørgsmålet på dansk."),
        ("  \t ", "Skriv spørgsmålet på dansk."),
        ("Var\x00 det godt?", "tegn, der ikke kan gemmes"),
        ("x" * 301, "Skriv højst 300 tegn."),
    ],
)
def test_a_text_that_cannot_be_stored_is_refused_and_nothing_stored(admin, text, message):
    before = row_counts()
    with pytest.raises(questions.QuestionError, match=message):
        _add(admin, text_da=text)
    assert row_counts() == before


def test_a_text_of_exactly_300_characters_is_kept_whole_on_one_line(admin):
    question = _add(admin, text_da="x" * 300, text_en="Was it\n good?")
    assert question.text_da == "x" * 300
    assert question.text_en == "Was it good?"


def test_the_wording_of_an_answered_question_is_corrected_and_audited(admin):
    [overall, *_rest] = questions.form_questions(offer_kind("dialogue").id, REQUESTER)
    _answered(overall)
    questions.update_question(
        overall, by=admin, text_da="Hvordan gik dialogen alt i alt?", text_en=overall.text_en
    )
    assert overall.text_da == "Hvordan gik dialogen alt i alt?"
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evaluation_question.updated")
    ).all()
    assert entry.before == {"text_da": "Hvordan gik arrangementet alt i alt?"}
    assert entry.after == {"text_da": "Hvordan gik dialogen alt i alt?"}


def test_saving_unchanged_wording_writes_no_audit_entry(admin):
    question = _add(admin)
    questions.update_question(question, by=admin, text_da=question.text_da, text_en="")
    assert question.text("en") == question.text_da  # blank English: the Danish serves
    questions.update_question(question, by=admin, text_da=question.text_da, text_en="")
    assert _actions(question) == ["evaluation_question.added", "evaluation_question.updated"]


@pytest.mark.parametrize(
    "change", [{"answer_kind": AnswerKind.TEXT}, {"required": True}, {"required": False}]
)
def test_an_answered_question_keeps_its_kind_and_whether_it_is_required(admin, change):
    question = _answered(_add(admin, required=not change.get("required", False)))
    before = row_counts()
    with pytest.raises(questions.QuestionError, match="har svar"):
        questions.update_question(question, by=admin, text_da="Ny tekst", **change)
    db.session.rollback()  # as the request edge does
    assert row_counts() == before
    stored = db.session.get(EvaluationQuestion, question.id)
    assert stored.text_da == "Var lokalet godt?"
    assert stored.answer_kind == AnswerKind.SCALE


def test_an_unanswered_question_of_the_admins_own_changes_kind_and_required(admin):
    question = _add(admin)
    questions.update_question(
        question,
        by=admin,
        text_da=question.text_da,
        text_en=question.text_en,
        answer_kind=AnswerKind.YES_NO,
        required=True,
    )
    assert (question.answer_kind, question.required) == (AnswerKind.YES_NO, True)
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evaluation_question.updated")
    ).all()
    assert entry.before == {"answer_kind": "scale", "required": False}
    assert entry.after == {"answer_kind": "yes_no", "required": True}


def test_a_shipped_question_keeps_its_answer_kind_even_unanswered(admin):
    [overall, *_rest] = questions.form_questions(offer_kind("talk").id, REQUESTER)
    with pytest.raises(questions.QuestionError, match="årsrapporten"):
        questions.update_question(
            overall, by=admin, text_da=overall.text_da, answer_kind=AnswerKind.TEXT
        )


def test_an_answered_question_can_be_hidden_and_shown_but_not_deleted(admin):
    question = _answered(_add(admin))
    with pytest.raises(questions.QuestionError, match="kan derfor ikke slettes"):
        questions.delete_question(question, by=admin)
    questions.set_question_active(question, by=admin, active=False)
    assert "Var lokalet godt?" not in _form(offer_kind("dialogue"))
    questions.set_question_active(question, by=admin, active=False)  # again: nothing more
    questions.set_question_active(question, by=admin, active=True)
    assert _actions(question) == [
        "evaluation_question.added",
        "evaluation_question.hidden",
        "evaluation_question.shown",
    ]


def test_an_unanswered_question_is_deleted_and_the_deletion_audited(admin):
    question = _add(admin)
    question_id = question.id
    questions.delete_question(question, by=admin)
    assert db.session.get(EvaluationQuestion, question_id) is None
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evaluation_question.deleted")
    ).all()
    assert entry.object_id == question_id
    assert entry.before["text_da"] == "Var lokalet godt?"


def test_the_last_question_a_form_asks_cannot_be_hidden_or_deleted(admin):
    talk = offer_kind("talk")
    *others, last = questions.form_questions(talk.id, PARTICIPANT)
    for question in others:
        questions.set_question_active(question, by=admin, active=False)
    with pytest.raises(questions.QuestionError, match="mindst ét spørgsmål"):
        questions.set_question_active(last, by=admin, active=False)
    with pytest.raises(questions.QuestionError, match="mindst ét spørgsmål"):
        questions.delete_question(last, by=admin)
    assert questions.form_questions(talk.id, PARTICIPANT) == [last]
    questions.delete_question(others[0], by=admin)  # a hidden one: the form still asks one


def test_moving_a_question_swaps_it_with_its_neighbour_on_its_form(admin):
    dialogue = offer_kind("dialogue")
    first, second, *_rest = questions.form_questions(dialogue.id, REQUESTER)
    assert questions.move_question(first, by=admin, up=True) is False  # already first
    assert questions.move_question(second, by=admin, up=True) is True
    assert _form(dialogue)[:2] == [second.text_da, first.text_da]
    last = questions.form_questions(dialogue.id, PARTICIPANT)[-1]
    assert questions.move_question(last, by=admin, up=False) is False
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evaluation_question.moved")
    ).all()
    assert (entry.before, entry.after) == ({"sort_order": 2}, {"sort_order": 1})


def test_the_admins_list_counts_answers_and_keeps_hidden_questions(admin):
    dialogue = offer_kind("dialogue")
    question = _answered(_add(admin))
    questions.set_question_active(question, by=admin, active=False)
    listed = questions.questions_of(dialogue)
    assert (question, 1) in listed[REQUESTER]
    assert all(q.audience == PARTICIPANT for q, _n in listed[PARTICIPANT])
    assert len(listed[REQUESTER]) == 6
