"""Somebody else was faster: two people pressing the same button at the same instant get one
yes (302) and one clear refusal (409), never a 500, and nothing is stored twice. Each request
runs in its own thread, connection and transaction, as two gunicorn workers would."""

import threading
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, AuditEntry
from portal.models.enums import Role
from tests.browser_form import browser_form
from tests.factories import mails, make_ambassador, make_scheduled, make_user
from tests.threads import run_at_once

# A missing lock loses a single race only most of the time: several rounds in one test make
# the suite catch it every time.
RACE_ROUNDS = 5


def _at_once(app, forms):
    """Submit each form from its own thread, all released at the same instant; the responses'
    (status, text) in the forms' order. The test app raises what a server answers with 500."""
    barrier = threading.Barrier(len(forms))
    answers = [None] * len(forms)

    def submit(n):
        # The test client's own app context is the request's; this one is the thread's.
        with app.app_context():
            barrier.wait()
            try:
                response = forms[n].submit()
            except Exception as error:  # a 500: shown in the assertion
                answers[n] = (500, repr(error))
            else:
                answers[n] = (response.status_code, response.get_data(as_text=True))
            finally:
                db.session.remove()

    run_at_once(submit, range(len(forms)))
    return answers


def _stored(event, person):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Assignment).where(
            Assignment.event_id == event.id, Assignment.person_id == person.id
        )
    ).all()


def _audited(action, assignments):
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == action,
            AuditEntry.object_id.in_([a.id for a in assignments]),
        )
    )


@pytest.mark.postgres_only
def test_two_secretariat_members_offering_one_seat_to_one_person_race_to_302_and_409(app, as_role):
    staff = [as_role(Role.SECRETARIAT), as_role(Role.SECRETARIAT)]
    for _round in range(RACE_ROUNDS):
        event = make_scheduled("dialogue")
        person = make_ambassador()
        page = f"/sekretariat/arrangementer/{event.id}"
        forms = [
            browser_form(client, page, action=f"{page}/forespoerg").fill(ambassador=[person.id])
            for client in staff
        ]
        answers = _at_once(app, forms)
        assert sorted(status for status, _text in answers) == [302, 409]
        [refused] = [text for status, text in answers if status == 409]
        assert "er allerede forespurgt på arrangementet" in refused
        stored = _stored(event, person)
        assert len(stored) == 1
        assert _audited("assignment.offered", stored) == 1
        assert [m.to_address for m in mails("assignee_offer")].count(person.email) == 1


@pytest.mark.postgres_only
def test_a_claim_sent_twice_at_once_races_to_302_and_409(app, login):
    person = make_ambassador()
    user = make_user(role=Role.ASSIGNEE, person=person)
    phones = [app.test_client(), app.test_client()]
    for phone in phones:
        login(phone, user)
    for n in range(RACE_ROUNDS):
        event = make_scheduled(starts_at=clock.now() + timedelta(days=12 + n))
        board = "/mig/ledige-pladser"
        forms = [
            browser_form(phone, board, action=f"/mig/ledige-pladser/{event.id}") for phone in phones
        ]
        answers = _at_once(app, forms)
        assert sorted(status for status, _text in answers) == [302, 409]
        [refused] = [text for status, text in answers if status == 409]
        assert "er allerede forespurgt på arrangementet" in refused
        stored = _stored(event, person)
        assert len(stored) == 1 and stored[0].claimed
        assert _audited("assignment.claimed", stored) == 1


# --- evaluations ------------------------------------------------------------------------------


def _scores(form):
    """A pupil's (or requester's) answers to the 1-5 and yes/no questions of `form`."""
    from portal.models import EvaluationQuestion

    values = {}
    for question in db.session.scalars(db.select(EvaluationQuestion)):
        name = f"q{question.id}"
        if name in form.names() and question.answer_kind.value != "text":
            values[name] = "1" if question.answer_kind.value == "yes_no" else "4"
    return form.fill(**values)


@pytest.mark.postgres_only
def test_a_class_answering_an_own_talk_at_once_all_get_in(app):
    """VINK's own talk, before its attendance: nobody has answered, so the first answers all
    make the event's evaluation row at once; one makes it, the others wait and use it."""
    from urllib.parse import urlsplit

    from portal.models import EventEvaluation
    from portal.services import evaluations
    from tests.factories import make_event

    for _round in range(RACE_ROUNDS):
        event = make_event(starts_at=clock.now() - timedelta(minutes=30))
        address = urlsplit(evaluations.participants_url(event)).path
        phones = [app.test_client() for _ in range(4)]
        forms = [_scores(browser_form(phone, address, button="Send mit svar")) for phone in phones]
        answers = _at_once(app, forms)
        assert [status for status, _text in answers] == [302] * 4, answers
        db.session.expire_all()
        evaluation = db.session.scalar(
            db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
        )
        assert evaluation.participant_answers == 4


@pytest.mark.postgres_only
def test_the_last_places_under_the_cap_go_to_one_pupil_each(app):
    from urllib.parse import urlsplit

    from portal.models import EvaluationResponse
    from portal.services import attendance, evaluations

    for _round in range(RACE_ROUNDS):
        event = make_scheduled(starts_at=clock.now() - timedelta(hours=2))
        attendance.record_attendance(event, counts={"students": 1})
        db.session.commit()
        cap = evaluations.participant_cap(event)
        address = urlsplit(evaluations.participants_url(event)).path
        phones = [app.test_client() for _ in range(3)]
        forms = [_scores(browser_form(phone, address, button="Send mit svar")) for phone in phones]
        for _ in range(cap - 1):
            evaluations.answer_as_participant(
                event,
                {int(n[1:]): int(v) for n, v in forms[0].values() if n.startswith("q") and v},
            )
        db.session.commit()
        answers = _at_once(app, forms)
        assert sorted(status for status, _text in answers) == [302, 409, 409], answers
        stored = db.session.scalar(
            db.select(db.func.count(EvaluationResponse.id)).where(
                EvaluationResponse.event_id == event.id
            )
        )
        assert stored == cap


@pytest.mark.postgres_only
def test_a_requester_sending_from_two_tabs_at_once_gets_one_answer_stored(app):
    from urllib.parse import urlsplit

    from portal.models import EvaluationResponse, EventEvaluation
    from portal.services import attendance, evaluations
    from tests.factories import make_request

    for _round in range(RACE_ROUNDS):
        event = make_scheduled(starts_at=clock.now() - timedelta(hours=2), request=make_request())
        attendance.record_attendance(event, counts={"students": 20})
        db.session.commit()
        evaluation = db.session.scalar(
            db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
        )
        link = urlsplit(evaluations.requester_url(evaluation)).path
        tabs = [app.test_client(), app.test_client()]
        forms = [_scores(browser_form(tab, link, button="Send svaret")) for tab in tabs]
        answers = _at_once(app, forms)
        assert sorted(status for status, _text in answers) == [302, 409], answers
        [refused] = [text for status, text in answers if status == 409]
        assert "Tak, I har svaret" in refused
        stored = db.session.scalar(
            db.select(db.func.count(EvaluationResponse.id)).where(
                EvaluationResponse.event_id == event.id
            )
        )
        assert stored == 1
