"""Evaluations: the requester's one-shot form and its one reminder, the participants' capped
anonymous form, the checks on free text, and the assignees' reflections."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from portal.models.enums import EvaluationAudience
from portal.services import attendance, evaluations, reminders
from portal.services.evaluation_questions import DEFAULT_QUESTIONS
from portal.services.evaluations import AnswerError, EvaluationError
from tests.factories import (
    accepted_on,
    mails,
    make_ambassador,
    make_event,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
)


def _held(*, kind="dialogue", students=20, ago=timedelta(hours=3)):
    """A dialogue booked by a requester, held `ago`, with its attendance recorded."""
    request = make_request()
    start = clock.now() - ago
    event = make_scheduled(kind, starts_at=start, request=request)
    attendance.record_attendance(event, counts={"students": students})
    db.session.commit()
    return event


def _questions(event, audience):
    return {q.key: q for q in evaluations.questions_for(event, audience)}


def _requester_answers(event, **overrides):
    q = _questions(event, EvaluationAudience.REQUESTER)
    given = {"overall": 4, "fit": 5, "again": 1, "worked": "Gode spørgsmål", "change": ""}
    given |= overrides
    return {q[key].id: value for key, value in given.items() if value != ""}


def _evaluation(event):
    return db.session.scalar(
        db.select(evaluations.EventEvaluation).where(
            evaluations.EventEvaluation.event_id == event.id
        )
    )


def test_every_seeded_offer_kind_asks_the_shipped_questions_in_order():
    for code in ("talk", "dialogue", "advisory", "competence"):
        rows = db.session.scalars(
            db.select(EvaluationQuestion)
            .where(EvaluationQuestion.offer_kind_id == offer_kind(code).id)
            .order_by(EvaluationQuestion.sort_order)
        ).all()
        assert [
            (q.audience.value, q.key, q.answer_kind.value, q.required, q.text_da, q.text_en)
            for q in rows
        ] == list(DEFAULT_QUESTIONS)


def test_the_migration_seeds_what_the_service_gives_a_new_offer_kind():
    import importlib.util
    import pathlib

    [path] = pathlib.Path("migrations/versions").glob("*_evaluations.py")
    spec = importlib.util.spec_from_file_location("evaluations_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEFAULT_QUESTIONS == DEFAULT_QUESTIONS


def test_recording_attendance_mails_the_requester_one_signed_link():
    event = _held()
    [mail] = mails("requester_evaluation")
    assert mail.to_address == "anne@example.org"
    evaluation = _evaluation(event)
    assert evaluations.requester_url(evaluation) in mail.body_text
    # A correction of the head count sends nothing more.
    attendance.record_attendance(event, counts={"students": 21})
    db.session.commit()
    assert len(mails("requester_evaluation")) == 1


def test_an_event_without_a_requester_sends_no_evaluation_mail():
    event = make_event(starts_at=clock.now() - timedelta(hours=2))
    attendance.record_attendance(event, counts={"staff": 12})
    db.session.commit()
    assert mails("requester_evaluation") == []


def test_the_requester_answers_once_and_a_second_answer_is_refused():
    event = _held()
    evaluation = _evaluation(event)
    response = evaluations.answer_as_requester(evaluation, _requester_answers(event))
    db.session.commit()
    assert {(a.question.key, a.value, a.text) for a in response.answers} == {
        ("overall", 4, ""),
        ("fit", 5, ""),
        ("again", 1, ""),
        ("worked", None, "Gode spørgsmål"),
    }
    assert evaluations.requester_state(evaluation) == "answered"
    with pytest.raises(EvaluationError, match="Tak, I har svaret"):
        evaluations.answer_as_requester(evaluation, _requester_answers(event))


def test_a_forged_or_foreign_link_opens_nothing():
    event = _held()
    evaluation = _evaluation(event)
    good = evaluations.requester_url(evaluation).rsplit("/", 1)[1]
    assert evaluations.evaluation_for_link(good) == evaluation
    with pytest.raises(links.LinkError):
        evaluations.evaluation_for_link(links.sign("evaluation", evaluation.id, "other"))
    with pytest.raises(links.LinkError):
        evaluations.evaluation_for_link(links.sign("tracking", evaluation.id, "x"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"overall": ""}, "Vælg et svar"),
        ({"overall": 6}, "Vælg et af svarene"),
        ({"again": 2}, "Vælg et af svarene"),
        ({"worked": "Ring til 010203-1234 om det"}, "CPR"),
        ({"worked": "Ahmed Hansen var god"}, "navn, en adresse"),
        ({"change": "x" * 2001}, "højst"),
    ],
)
def test_a_bad_answer_is_refused_on_its_question_and_nothing_is_stored(overrides, message):
    event = _held()
    with pytest.raises(AnswerError, match=message):
        evaluations.answer_as_requester(_evaluation(event), _requester_answers(event, **overrides))
    assert db.session.scalar(db.select(db.func.count(EvaluationResponse.id))) == 0


def test_a_text_that_looks_like_a_name_is_stored_when_confirmed_and_flagged():
    event = _held()
    response = evaluations.answer_as_requester(
        _evaluation(event),
        _requester_answers(event, worked="Ahmed Hansen var god"),
        names_confirmed=True,
    )
    assert response.flagged


def test_one_reminder_after_a_week_then_never_again_and_none_after_an_answer():
    first = _held()
    second = _held()
    evaluations.answer_as_requester(_evaluation(second), _requester_answers(second))
    db.session.commit()
    assert reminders.send_reminders(now=clock.now() + timedelta(days=6))["evalueringer"] == 0
    week = clock.now() + timedelta(days=7, minutes=1)
    assert reminders.send_reminders(now=week)["evalueringer"] == 1
    db.session.commit()
    assert reminders.send_reminders(now=week + timedelta(days=3))["evalueringer"] == 0
    [reminder] = mails("requester_evaluation_reminder")
    assert str(first.id) in reminder.dedupe_key


def test_the_link_closes_after_60_days():
    event = _held()
    evaluation = _evaluation(event)
    assert evaluations.requester_state(evaluation, now=clock.now() + timedelta(days=59)) is None
    assert evaluations.requester_state(evaluation, now=clock.now() + timedelta(days=61)) == (
        "closed"
    )


# --- participants -----------------------------------------------------------------------------


def _participant_answers(event, overall=5, learned=4, comment=""):
    q = _questions(event, EvaluationAudience.PARTICIPANT)
    given = {q["overall"].id: overall, q["learned"].id: learned}
    if comment:
        given[q["comment"].id] = comment
    return given


def test_the_participants_code_opens_its_event_and_no_other():
    event = _held()
    code = evaluations.participant_code(event)
    assert evaluations.event_for_code(code) == event
    assert evaluations.event_for_code(code.upper()) == event
    event_id, signature = code.split("-")
    assert evaluations.event_for_code(f"{int(event_id) + 1}-{signature}") is None
    for bad in (
        "",
        "-",
        "abc",
        f"{event_id}-",
        f"{event_id}-zzzzzzzz",
        "1\x00-12345678",
        "²-abcdefgh",  # a digit to str.isdigit, not to int()
        f"{event_id}-abcdefgé",  # not ASCII: compare_digest refuses such text
        f"0{code}",  # one event, one spelling of its number
        f"{code} ",
    ):
        assert evaluations.event_for_code(bad) is None


def test_participants_answers_are_capped_at_the_head_count_plus_a_margin():
    event = _held(students=2)
    cap = 2 + evaluations.PARTICIPANT_MARGIN
    for _ in range(cap):
        evaluations.answer_as_participant(event, _participant_answers(event))
    db.session.commit()
    assert evaluations.participants_state(event) == "full"
    with pytest.raises(EvaluationError, match="alle de svar"):
        evaluations.answer_as_participant(event, _participant_answers(event))
    count = db.session.scalar(
        db.select(db.func.count(EvaluationResponse.id)).where(
            EvaluationResponse.audience == EvaluationAudience.PARTICIPANT
        )
    )
    assert count == cap


def test_the_participants_form_opens_at_the_start_and_closes_14_days_after_the_end():
    request = make_request()
    start = clock.now() + timedelta(days=1)
    event = make_scheduled(starts_at=start, request=request)
    assert evaluations.participants_state(event) == "not_started"
    assert evaluations.participants_state(event, now=start + timedelta(minutes=1)) is None
    assert evaluations.participants_state(event, now=event.ends_at + timedelta(days=14)) is None
    closed = event.ends_at + timedelta(days=14, minutes=1)
    assert evaluations.participants_state(event, now=closed) == "closed"


def test_a_participants_answer_keeps_nothing_about_who_sent_it():
    event = _held()
    response = evaluations.answer_as_participant(
        event, _participant_answers(event, comment="Det var godt")
    )
    db.session.commit()
    columns = {c.name for c in EvaluationResponse.__table__.columns} | {
        c.name for c in EvaluationAnswer.__table__.columns
    }
    assert not columns & {"email", "name", "ip", "ip_address", "user_agent", "person_id"}
    assert response.audience == EvaluationAudience.PARTICIPANT
    assert {a.text for a in response.answers} == {"", "Det var godt"}


# --- reflections ------------------------------------------------------------------------------


def _staffed_and_held(travel):
    """An ambassador who said yes to a dialogue that started three hours ago."""
    event = make_scheduled(starts_at=clock.now() + timedelta(days=2))
    assignment = accepted_on(event, make_ambassador())
    travel.shift(timedelta(days=2, hours=3))
    return assignment


def test_a_reflection_marked_follow_up_waits_until_handled(travel):
    assignment = _staffed_and_held(travel)
    reflection = evaluations.reflect(
        assignment, by=None, rating=2, note="Klassen var urolig", follow_up=True
    )
    db.session.commit()
    assert db.session.scalars(evaluations.follow_up_ids_query()).all() == [reflection.id]
    evaluations.handle_follow_up(reflection, by=make_user())
    db.session.commit()
    assert db.session.scalars(evaluations.follow_up_ids_query()).all() == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rating": 0}, "fra 1 til 5"),
        ({"rating": 6}, "fra 1 til 5"),
        ({"rating": 3, "follow_up": True}, "følge op"),
        ({"rating": 3, "note": "cpr 010203-1234"}, "CPR"),
    ],
)
def test_a_bad_reflection_is_refused(values, message, travel):
    assignment = _staffed_and_held(travel)
    with pytest.raises(EvaluationError, match=message):
        evaluations.reflect(assignment, by=None, **values)


def test_no_reflection_before_the_event_has_started():
    event = make_scheduled(starts_at=clock.now() + timedelta(days=3))
    assignment = accepted_on(event, make_ambassador())
    with pytest.raises(EvaluationError, match="begyndt"):
        evaluations.reflect(assignment, by=None, rating=4)


def test_an_own_talk_before_its_attendance_takes_a_hall_full_of_answers():
    talk = make_event(starts_at=clock.now() - timedelta(minutes=20))
    assert evaluations.participant_cap(talk) == evaluations.UNCOUNTED_CAP
    for _ in range(8):
        evaluations.answer_as_participant(talk, _participant_answers(talk))
    attendance.record_attendance(talk, counts={"staff": 40})
    assert evaluations.participant_cap(talk) == 40 + evaluations.PARTICIPANT_MARGIN


def test_retention_blanks_what_was_written_about_an_own_talk_and_keeps_the_figures(travel):
    from portal.services import retention

    talk = make_event(starts_at=clock.now() - timedelta(hours=2))
    assignment = accepted_on_held(talk)
    evaluations.answer_as_participant(talk, _participant_answers(talk, comment="Godt oplæg"))
    evaluations.reflect(
        assignment, by=None, rating=2, note="Mikrofonen virkede ikke", follow_up=True
    )
    db.session.commit()
    travel.shift(timedelta(days=3 * 365))
    retention.anonymise_expired_contacts()
    db.session.commit()
    db.session.expire_all()
    [response] = db.session.scalars(db.select(EvaluationResponse)).all()
    assert response.anonymised_at is not None
    assert sorted((a.value or 0, a.text) for a in response.answers) == [(0, ""), (4, ""), (5, "")]
    reflection = evaluations.reflection_of(assignment)
    assert (reflection.rating, reflection.note) == (2, "")
    assert db.session.scalars(evaluations.follow_up_ids_query()).all() == []


def accepted_on_held(event):
    """An accepted assignment on an event that has started (rows made directly: the offer
    services refuse a seat on an event that has begun)."""
    from portal.models.enums import AssignmentStatus
    from tests.factories import make_assignment

    return make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)


def test_a_reflection_on_a_cancelled_event_says_it_was_cancelled(travel):
    from portal.models.enums import EventStatus

    assignment = _staffed_and_held(travel)
    assignment.event.status = EventStatus.CANCELLED
    with pytest.raises(EvaluationError, match="aflyst"):
        evaluations.reflect(assignment, by=None, rating=3)
