"""A year of evaluation answers built by hand: the fixture of the report's evaluation figures
(tests/services/test_report_evaluations.py) and of its page and exports."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from portal.models.enums import AnswerKind, EvaluationAudience, OrganisationKind
from portal.services import attendance
from tests.factories import make_event, make_request, offer_kind

REQUESTER, PARTICIPANT = EvaluationAudience.REQUESTER, EvaluationAudience.PARTICIPANT


def _requested(kind, organisation_kind, starts_at, **counts):
    request = make_request(
        offer_kind=offer_kind(kind),
        organisation_name=f"{organisation_kind.value} {starts_at.isoformat()}",
        organisation_kind=organisation_kind,
    )
    return _held(make_event(kind=kind, starts_at=starts_at, request=request), **counts)


def _held(event, **counts):
    # The first record of attendance sends the requester their link: the requester is "asked".
    attendance.record_attendance(event, counts=counts)
    db.session.commit()
    return event


def answer(event, audience, *, at, flagged=False, **given):
    """A response stored as the form stores it (the year is over, so the forms are closed):
    numbers for scale and yes/no questions, texts for text questions, by question key."""
    questions = {
        q.key: q
        for q in db.session.scalars(
            db.select(EvaluationQuestion).where(
                EvaluationQuestion.offer_kind_id == event.offer_kind_id,
                EvaluationQuestion.audience == audience,
            )
        )
    }
    response = EvaluationResponse(event=event, audience=audience, submitted_at=at, flagged=flagged)
    response.answers = [
        EvaluationAnswer(
            question=questions[key],
            value=value if isinstance(value, int) else None,
            text=value if isinstance(value, str) else "",
        )
        for key, value in given.items()
    ]
    db.session.add(response)
    db.session.commit()
    return response


def build_evaluations_year():
    """Last year (every form closed). Events and what was answered:

    E1 talk, school, 10 March, 20 present: requester 5/4/yes, "Godt oplæg"; an admin's own
       scale question answered 1 (not read by the report); participants overall 5, 4, 4 and
       learned 4, 4, 2, one comment.
    E2 talk, SSP, 20 March, 10 present: requester 3/2/no; participants overall 3, 5; learned 5
       (the other left it out).
    E3 dialogue, school, 5 April, 25 pupils: requester asked, never answered; participants
       overall 4, 4, 5, 2 and learned 3, 3, 4, 4; one comment flagged (looked like a name).
    E4 dialogue, VINK's own (no requester), 25 April, 12 present: one participant, 1 and 1.
    E6 talk, school, 2 May, 30 present: requester 4/5/yes; no participants.
    E5 talk, school, 1 January next year 00.30 in Copenhagen (still the year in UTC): answered,
       never counted in the year.
    """
    y = clock.today().year - 1
    # The admin's own question on the talk's requester form (key "").
    db.session.add(
        EvaluationQuestion(
            offer_kind=offer_kind("talk"),
            audience=REQUESTER,
            answer_kind=AnswerKind.SCALE,
            key="",
            text_da="Var lokalet godt?",
            text_en="Was the room good?",
            sort_order=99,
        )
    )
    db.session.commit()
    school, ssp = OrganisationKind.SCHOOL, OrganisationKind.SSP
    at = clock.now() - timedelta(days=30)  # when the answers came: only their order matters
    e1 = _requested("talk", school, clock.local(y, 3, 10, 10), staff=20)
    answer(e1, REQUESTER, at=at, overall=5, fit=4, again=1, worked="Godt oplæg")
    own = db.session.scalar(
        db.select(EvaluationQuestion).where(
            EvaluationQuestion.offer_kind_id == e1.offer_kind_id, EvaluationQuestion.key == ""
        )
    )
    db.session.add(EvaluationAnswer(response=e1_requester(e1), question=own, value=1, text=""))
    answer(e1, PARTICIPANT, at=at + timedelta(hours=1), overall=5, learned=4)
    answer(e1, PARTICIPANT, at=at + timedelta(hours=2), overall=4, learned=4, comment="Spændende")
    answer(e1, PARTICIPANT, at=at + timedelta(hours=3), overall=4, learned=2)
    e2 = _requested("talk", ssp, clock.local(y, 3, 20, 10), staff=10)
    answer(e2, REQUESTER, at=at, overall=3, fit=2, again=0)
    answer(e2, PARTICIPANT, at=at, overall=3, learned=5)
    answer(e2, PARTICIPANT, at=at, overall=5)
    e3 = _requested("dialogue", school, clock.local(y, 4, 5, 9), students=25)
    for overall, learned in [(4, 3), (4, 3), (5, 4)]:
        answer(e3, PARTICIPANT, at=at, overall=overall, learned=learned)
    answer(
        e3,
        PARTICIPANT,
        at=at + timedelta(hours=4),
        flagged=True,
        overall=2,
        learned=4,
        comment="Ahmed Hansen var god",
    )
    e4 = _held(make_event(kind="dialogue", starts_at=clock.local(y, 4, 25, 9)), other=12)
    answer(e4, PARTICIPANT, at=at, overall=1, learned=1)
    e6 = _requested("talk", school, clock.local(y, 5, 2, 10), staff=30)
    answer(e6, REQUESTER, at=at, overall=4, fit=5, again=1)
    e5 = _requested("talk", school, clock.local(y + 1, 1, 1, 0, 30), staff=5)
    answer(e5, REQUESTER, at=at + timedelta(hours=9), overall=1, fit=1, again=0, worked="Senere")
    answer(e5, PARTICIPANT, at=at, overall=1, learned=1)
    db.session.commit()
    return y


def e1_requester(event):
    return db.session.scalar(
        db.select(EvaluationResponse).where(
            EvaluationResponse.event_id == event.id, EvaluationResponse.audience == REQUESTER
        )
    )


def add_lone_requester_answer(y):
    """E7 advisory course, school, 3 June, 4 present: requester 2/1/no, the year's only
    advisory answer. Without more hiding, the total (4 answers) minus the talks (3) would be it;
    by organisation kind, SSP's one answer is the only small row beside the schools' three."""
    e7 = _requested("advisory", OrganisationKind.SCHOOL, clock.local(y, 6, 3, 10), staff=4)
    answer(e7, REQUESTER, at=clock.now() - timedelta(days=30), overall=2, fit=1, again=0)
    return e7


def add_event_without_attendance(y):
    """E8 talk, VINK's own, 10 June: two participants answered (overall 5, learned 5), its
    attendance was never recorded."""
    e8 = make_event(kind="talk", starts_at=clock.local(y, 6, 10, 10))
    for _n in range(2):
        answer(e8, PARTICIPANT, at=clock.now() - timedelta(days=20), overall=5, learned=5)
    return e8


def _own_question(kind, audience, answer_kind, text_da, text_en="", sort_order=90):
    question = EvaluationQuestion(
        offer_kind=offer_kind(kind),
        audience=audience,
        answer_kind=answer_kind,
        key="",
        text_da=text_da,
        text_en=text_en,
        sort_order=sort_order,
    )
    db.session.add(question)
    db.session.commit()
    return question


def _own_answers(event, audience, *given, at=None):
    """One response holding only answers to own questions: (question, value or text) pairs."""
    response = EvaluationResponse(
        event=event, audience=audience, submitted_at=at or clock.now() - timedelta(days=10)
    )
    response.answers = [
        EvaluationAnswer(
            question=question,
            value=value if isinstance(value, int) else None,
            text=value if isinstance(value, str) else "",
        )
        for question, value in given
    ]
    db.session.add(response)
    db.session.commit()
    return response


def add_own_questions(y):
    """The admin's own questions answered (on top of build_evaluations_year):

    - "Var lokalet godt?" (talk, requesters, scale): E1 said 1; E9 (talk, school, 15 September,
      8 present) 4 and E10 (talk, SSP, 20 September, 6 present) 5: 10 / 3 = 3.33, so 3.3.
      E11 (talk, 2 January next year) said 1: next year's.
    - "Har du lyst til mere?" (talk, participants, yes/no, Danish only): at E9 yes and no: two
      answers, too few.
    - "Vil du anbefale det?" (dialogue, participants, yes/no), hidden since: at E12 (dialogue,
      school, 1 October, 20 pupils) yes, yes, no, yes: 3 of 4, 75 %.
    - "Andet til os?" (talk, requesters, text): E9 wrote "Lokalet var koldt"; no figure.
    Returns (E9, E10)."""
    room = db.session.scalar(
        db.select(EvaluationQuestion).where(EvaluationQuestion.text_da == "Var lokalet godt?")
    )
    more = _own_question("talk", PARTICIPANT, AnswerKind.YES_NO, "Har du lyst til mere?")
    recommend = _own_question(
        "dialogue",
        PARTICIPANT,
        AnswerKind.YES_NO,
        "Vil du anbefale det?",
        "Would you recommend it?",
    )
    other = _own_question("talk", REQUESTER, AnswerKind.TEXT, "Andet til os?", "Anything else?")
    school, ssp = OrganisationKind.SCHOOL, OrganisationKind.SSP
    e9 = _requested("talk", school, clock.local(y, 9, 15, 10), staff=8)
    _own_answers(e9, REQUESTER, (room, 4), (other, "Lokalet var koldt"))
    _own_answers(e9, PARTICIPANT, (more, 1))
    _own_answers(e9, PARTICIPANT, (more, 0))
    e10 = _requested("talk", ssp, clock.local(y, 9, 20, 10), staff=6)
    _own_answers(e10, REQUESTER, (room, 5))
    e11 = _requested("talk", school, clock.local(y + 1, 1, 2, 10), staff=6)
    _own_answers(e11, REQUESTER, (room, 1))
    e12 = _requested("dialogue", school, clock.local(y, 10, 1, 9), students=20)
    for value in (1, 1, 0, 1):
        _own_answers(e12, PARTICIPANT, (recommend, value))
    recommend.active = False
    db.session.commit()
    return e9, e10
