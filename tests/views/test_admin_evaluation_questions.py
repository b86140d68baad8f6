"""The admin keeps each offer kind's evaluation questions on its own page, as a browser posts
the forms: adds, rewords, reorders, hides and deletes, and the requester's form follows."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEntry,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    EventEvaluation,
)
from portal.models.enums import EvaluationAudience, Role
from portal.services import attendance, evaluation_questions, evaluations
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import make_request, make_scheduled, offer_kind, row_counts

REQUESTER = EvaluationAudience.REQUESTER


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _page(kind_code="dialogue"):
    return f"/admin/tilbud/{offer_kind(kind_code).id}/evaluering"


def _question(text_da):
    return db.session.scalar(
        db.select(EvaluationQuestion).where(EvaluationQuestion.text_da == text_da)
    )


def _requester_questions(kind_code="dialogue"):
    return evaluation_questions.form_questions(offer_kind(kind_code).id, REQUESTER)


def _answered(question):
    response = EvaluationResponse(event=make_scheduled("dialogue"), audience=question.audience)
    response.answers = [EvaluationAnswer(question_id=question.id, value=1, text="")]
    db.session.add(response)
    db.session.commit()
    return question


def _add(admin, **typed):
    page = _page()
    form = browser_form(admin, page, action=page)
    values = {"text_da": "Var lokalet godt?", "answer_kind": "yes_no"} | typed
    return form.fill(**values).submit()


def test_the_offer_kinds_link_to_their_questions_and_the_page_lists_both_forms(admin):
    page = _page()
    assert f'href="{page}"' in admin.get("/admin/tilbud").get_data(as_text=True)
    kind_page = f"/admin/tilbud/{offer_kind('dialogue').id}"
    assert f'href="{page}"' in admin.get(kind_page).get_data(as_text=True)
    html = admin.get(page).get_data(as_text=True)
    assert "Bestilleren" in html and "Deltagerne" in html
    assert "Hvordan gik arrangementet alt i alt?" in html
    assert "Hvad syntes du om besøget?" in html


def test_an_added_question_is_asked_last_and_an_english_text_left_blank_is_the_danish(admin):
    response = _add(admin, required=True)
    assert response.status_code == 302
    question = _question("Var lokalet godt?")
    assert _requester_questions()[-1] == question
    assert (question.text("en"), question.required) == ("Var lokalet godt?", True)
    assert question.answer_kind.value == "yes_no"


def test_the_participants_get_a_question_when_the_admin_chooses_them(admin):
    assert _add(admin, audience="participant", text_en="Was it fun?").status_code == 302
    question = _question("Var lokalet godt?")
    assert question.audience == EvaluationAudience.PARTICIPANT
    assert question.text_en == "Was it fun?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv spørgsmålet på dansk."),
        ("    ", "Skriv spørgsmålet på dansk."),
        ("\x00\x01\x02", "Skriv spørgsmålet på dansk."),
        ("x" * 301, "Skriv højst 300 tegn."),
    ],
)
def test_a_question_without_a_usable_text_is_answered_with_a_message_and_nothing_stored(
    admin, text, message
):
    before = row_counts()
    response = _add(admin, text_da=text)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_control_character_inside_a_text_is_dropped_not_a_500(admin):
    assert _add(admin, text_da="Var\x00 lokalet\x07 godt?").status_code == 302
    assert _question("Var lokalet godt?") is not None


def test_the_wording_of_an_answered_question_is_corrected_and_the_log_shows_before_and_after(
    admin,
):
    overall = _answered(_requester_questions()[0])
    page = f"/admin/evaluering/{overall.id}"
    form = browser_form(admin, page, action=page)
    assert "answer_kind" not in form.names() and "required" not in form.names()
    html = admin.get(page).get_data(as_text=True)
    assert "så ville svarene ikke længere betyde det samme" in html
    response = form.fill(text_da="Hvordan gik dialogen alt i alt?").submit()
    assert response.status_code == 302
    assert overall.text_da == "Hvordan gik dialogen alt i alt?"
    log = admin.get("/admin/log?handling=evaluation_question.updated").get_data(as_text=True)
    assert "Evalueringsspørgsmål rettet" in log
    assert "Hvordan gik arrangementet alt i alt?" in log
    assert "Hvordan gik dialogen alt i alt?" in log


def test_an_answered_questions_kind_cannot_be_changed_even_by_a_forged_post(admin):
    assert _add(admin).status_code == 302
    question = _answered(_question("Var lokalet godt?"))
    page = f"/admin/evaluering/{question.id}"
    form = browser_form(admin, page, action=page).tamper("answer_kind", "text")
    assert form.submit().status_code == 302  # the field is not on the page: it is not read
    assert question.answer_kind.value == "yes_no"


def test_an_unanswered_question_changes_kind_and_required_on_its_page(admin):
    _add(admin)
    question = _question("Var lokalet godt?")
    page = f"/admin/evaluering/{question.id}"
    form = browser_form(admin, page, action=page)
    assert form.value("answer_kind") == "yes_no"
    assert form.fill(answer_kind="scale", required=True).submit().status_code == 302
    assert (question.answer_kind.value, question.required) == ("scale", True)


def test_moving_a_question_up_and_down_changes_the_forms_order(admin):
    first, second, *_rest = _requester_questions()
    page = _page()
    move = f"/admin/evaluering/{second.id}/flyt"
    up = browser_form(admin, page, action=move, sending={"retning": "op"})
    assert up.submit().status_code == 302
    assert _requester_questions()[:2] == [second, first]
    down = browser_form(admin, page, action=move, sending={"retning": "ned"})
    assert down.submit().status_code == 302
    assert _requester_questions()[:2] == [first, second]
    first_page = admin.get(page).get_data(as_text=True)
    forms = forms_in(admin, page, first_page)
    with pytest.raises(AssertionError):  # the first question has no "up" button
        pick(forms, page, action=f"/admin/evaluering/{first.id}/flyt", sending={"retning": "op"})


def test_an_answered_question_is_hidden_from_the_page_that_asks_and_not_deleted(admin):
    question = _answered(_requester_questions()[-1])
    assert f"/admin/evaluering/{question.id}/slet" not in admin.get(_page()).get_data(as_text=True)
    delete = f"/admin/evaluering/{question.id}/slet"
    assert "kan derfor ikke slettes" in admin.get(delete).get_data(as_text=True)
    forged = admin.post(delete, data={"csrf_token": admin.csrf_token(), "bekraeftet": "1"})
    assert forged.status_code == 409
    assert db.session.get(EvaluationQuestion, question.id) is not None
    toggle = f"/admin/evaluering/{question.id}/vis-skjul"
    assert browser_form(admin, toggle, action=toggle).submit().status_code == 302
    assert question.active is False
    assert question not in _requester_questions()
    assert browser_form(admin, _page(), action=toggle).submit().status_code == 302  # show again
    assert question.active is True


def test_an_unanswered_question_is_deleted_from_the_page_that_asks(admin):
    _add(admin)
    question = _question("Var lokalet godt?")
    question_id = question.id
    delete = f"/admin/evaluering/{question_id}/slet"
    assert browser_form(admin, delete, action=delete).submit().status_code == 302
    assert db.session.get(EvaluationQuestion, question_id) is None
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.object_id == question_id)
    ).all()
    assert "evaluation_question.deleted" in actions


def test_the_last_question_a_form_asks_cannot_be_hidden(admin):
    *others, last = _requester_questions("talk")
    for question in others:
        toggle = f"/admin/evaluering/{question.id}/vis-skjul"
        assert browser_form(admin, toggle, action=toggle).submit().status_code == 302
    toggle = f"/admin/evaluering/{last.id}/vis-skjul"
    response = browser_form(admin, toggle, action=toggle).submit()
    assert response.status_code == 302
    assert last.active is True
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Formularen skal stille mindst ét spørgsmål" in page


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_the_admin_edits_the_questions(as_role, role):
    client = as_role(role)
    question = _requester_questions()[0]
    assert client.get(_page()).status_code == 403
    assert client.get(f"/admin/evaluering/{question.id}").status_code == 403


def test_the_requesters_form_asks_an_added_question_and_not_a_hidden_one(admin, client):
    assert _add(admin, text_da="Var lokalet stort nok?").status_code == 302
    hidden = _requester_questions()[-2]  # "Hvad skal vi gøre anderledes?"
    toggle = f"/admin/evaluering/{hidden.id}/vis-skjul"
    assert browser_form(admin, toggle, action=toggle).submit().status_code == 302
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3), request=make_request())
    attendance.record_attendance(event, counts={"students": 22})
    db.session.commit()
    evaluation = db.session.scalar(
        db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
    )
    html = client.get(urlsplit(evaluations.requester_url(evaluation)).path).get_data(as_text=True)
    assert "Var lokalet stort nok?" in html
    assert hidden.text_da not in html


def test_a_shipped_question_offers_required_but_not_its_answer_kind_which_the_report_reads(admin):
    shipped = _requester_questions()[3]  # "Hvad virkede godt?", optional
    page = f"/admin/evaluering/{shipped.id}"
    form = browser_form(admin, page, action=page)
    assert "answer_kind" not in form.names()
    assert "årsrapporten læser" in admin.get(page).get_data(as_text=True)
    assert form.fill(required=True).submit().status_code == 302
    assert shipped.required is True
