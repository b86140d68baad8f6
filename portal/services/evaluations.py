"""Evaluations after an event: the requester's one-shot form, the participants' anonymous form
behind the event's QR code, and the assignees' reflections.

Nothing that says who answered is stored with an answer: the requester's answer is tied to the
event (one per event), a participant's to nothing but the event, and neither keeps an email, a
name or an address. A free text holding a CPR number is refused; one that looks like a name or
an address is stored only when the writer confirms it is not, and is then kept off exports.
"""

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, links
from ..extensions import db
from ..models import (
    Assignment,
    EvaluationAnswer,
    EvaluationResponse,
    Event,
    EventEvaluation,
    Reflection,
)
from ..models.enums import AnswerKind, EvaluationAudience, EventStatus
from ..models.evaluations import TEXT_LIMIT
from ..personal_data import cpr_numbers, looks_like_names_or_addresses, names_warning
from . import audit, mail
from .errors import DomainError, all_or_nothing
from .evaluation_questions import form_questions

# The requester's link works this long after it was sent; one reminder after a week.
REQUESTER_OPEN_FOR = timedelta(days=60)
REQUESTER_REMINDER_AFTER = timedelta(days=7)
# A reminder is never sent for a link older than this (a portal switched on late stays quiet).
REQUESTER_REMINDER_UNTIL = timedelta(days=21)
# The participants' form opens when the event starts and closes 14 days after it ended.
PARTICIPANTS_OPEN_FOR = timedelta(days=14)
# Answers beyond the head count: a pupil the count missed, a form sent twice by mistake.
PARTICIPANT_MARGIN = 5
# The cap of an event with no number to go by yet: VINK's own talk before its attendance is
# recorded (a school's assembly hall holds a few hundred).
UNCOUNTED_CAP = 300
EVALUATION_LINK = "evaluation"


class EvaluationError(DomainError):
    """An evaluation cannot be answered like this (closed, full, answered, or a bad answer)."""


class AnswerError(EvaluationError):
    """One answer is refused: `question_id` says which, so the form shows it on the field."""

    def __init__(self, message, question_id):
        super().__init__(message)
        self.question_id = question_id


# --- the questions a form asks --------------------------------------------------------------


def questions_for(event, audience):
    return form_questions(event.offer_kind_id, audience)


def check_answers(questions, answers, *, names_confirmed=False):
    """The answers to store, cleaned: {question: (value, text)}. `answers` maps a question's id
    to what was given (a number for a scale or yes/no, a text for a text question).

    Refused (AnswerError on the first bad one): a required question left out, a value out of
    its range, a text too long or holding a CPR number, and, unless `names_confirmed`, a text
    that looks like a name or an address (the writer is asked to check it)."""
    cleaned = {}
    for question in questions:
        given = answers.get(question.id)
        if question.answer_kind == AnswerKind.TEXT:
            text = (given or "").strip()
            if not text:
                if question.required:
                    raise AnswerError(_l("Skriv et svar."), question.id)
                continue
            if len(text) > TEXT_LIMIT:
                raise AnswerError(_l("Skriv højst %(n)s tegn.", n=TEXT_LIMIT), question.id)
            if cpr_numbers(text):
                raise AnswerError(
                    _l("Skriv ikke CPR-numre. Fjern nummeret, og send igen. Intet er gemt."),
                    question.id,
                )
            suspects = looks_like_names_or_addresses(text)
            if suspects and not names_confirmed:
                raise AnswerError(names_warning(suspects), question.id)
            cleaned[question] = (None, text)
            continue
        top = 5 if question.answer_kind == AnswerKind.SCALE else 1
        bottom = 1 if question.answer_kind == AnswerKind.SCALE else 0
        if given is None:
            if question.required:
                raise AnswerError(_l("Vælg et svar."), question.id)
            continue
        if not isinstance(given, int) or isinstance(given, bool) or not bottom <= given <= top:
            raise AnswerError(_l("Vælg et af svarene."), question.id)
        cleaned[question] = (given, "")
    if not cleaned:
        raise EvaluationError(_l("Svar på mindst ét spørgsmål."))
    return cleaned


def _store(event, audience, cleaned):
    flagged = any(looks_like_names_or_addresses(text) for _value, text in cleaned.values() if text)
    response = EvaluationResponse(
        event=event, audience=audience, submitted_at=clock.now(), flagged=flagged
    )
    response.answers = [
        EvaluationAnswer(question_id=question.id, value=value, text=text)
        for question, (value, text) in cleaned.items()
    ]
    db.session.add(response)
    return response


# --- the requester's evaluation ---------------------------------------------------------------


def _evaluation_row(event):
    """The event's evaluation row, or None."""
    return db.session.scalar(db.select(EventEvaluation).where(EventEvaluation.event_id == event.id))


def _evaluation_of(event, *, lock=False):
    """The event's evaluation row, made if there is none; `lock` takes it FOR UPDATE (read
    afresh). Two requests making it at once (a class answering before anyone else has) both
    insert: the second's INSERT waits for the first, fails on the unique event_id in its own
    savepoint, and reads the row the first made."""
    found = _evaluation_row(event)
    if found is None:
        try:
            with db.session.begin_nested():
                db.session.add(EventEvaluation(event_id=event.id))
        except IntegrityError:
            pass
    query = db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def invite_requester(event):
    """Attendance was recorded for the first time: the requester gets one mail with a signed
    link to the evaluation form, if the event was booked by a requester who can still be
    written to and the offer kind asks requesters anything. Side effects: a pending mail; the
    event's evaluation remembers the link's secret and when it was sent. Flushes."""
    request = event.request
    if request is None or request.contact.anonymised_at is not None or not request.contact.email:
        return None
    if not questions_for(event, EvaluationAudience.REQUESTER):
        return None
    evaluation = _evaluation_of(event)
    if evaluation.requester_sent_at is not None:
        return None
    evaluation.requester_token = links.new_token()
    evaluation.requester_sent_at = clock.now()
    db.session.flush()
    return mail.send(
        "requester_evaluation",
        to=request.contact.email,
        locale=request.locale,
        dedupe_key=f"evaluation:{event.id}",
        event=event,
        request=request,
        evaluation_url=requester_url(evaluation),
    )


def requester_url(evaluation):
    return links.external_url(
        "evaluations.requester",
        signed=links.sign(EVALUATION_LINK, evaluation.id, evaluation.requester_token),
    )


def evaluation_for_link(signed):
    """The event's evaluation a requester's link opens, or LinkError (forged, for another row,
    or its secret gone because retention anonymised the request)."""
    evaluation_id, token = links.unsign(EVALUATION_LINK, signed)
    evaluation = db.session.get(EventEvaluation, evaluation_id)
    if (
        evaluation is None
        or evaluation.requester_token is None
        or not links.tokens_match(evaluation.requester_token, token)
    ):
        raise links.LinkError(EVALUATION_LINK)
    return evaluation


def requester_state(evaluation, *, now=None):
    """Why the requester's form cannot be answered ("answered", "closed"), or None."""
    now = now or clock.now()
    if requester_answered(evaluation.event):
        return "answered"
    if evaluation.requester_sent_at + REQUESTER_OPEN_FOR < now:
        return "closed"
    return None


def requester_answered(event):
    return (
        db.session.scalar(
            db.select(EvaluationResponse.id).where(
                EvaluationResponse.event_id == event.id,
                EvaluationResponse.audience == EvaluationAudience.REQUESTER,
            )
        )
        is not None
    )


def answer_as_requester(evaluation, answers, *, names_confirmed=False):
    """Store the requester's answer: once per event. Refused (EvaluationError): the form is
    answered already (also when a second tab sends at the same moment) or closed; a bad
    answer (AnswerError). Side effects: one response; audit "evaluation.answered"."""
    state = requester_state(evaluation)
    if state == "answered":
        raise EvaluationError(_l("Tak, I har svaret. Svaret kan ikke ændres."))
    if state == "closed":
        raise EvaluationError(_l("Evalueringen er lukket."))
    event = evaluation.event
    cleaned = check_answers(
        questions_for(event, EvaluationAudience.REQUESTER), answers, names_confirmed=names_confirmed
    )
    try:
        with all_or_nothing():
            response = _store(event, EvaluationAudience.REQUESTER, cleaned)
            db.session.flush()
    except IntegrityError as failure:
        # Another tab's answer came first (the partial unique index); anything else is a bug.
        if "uq_evaluation_responses_requester" not in str(failure.orig) and not requester_answered(
            event
        ):
            raise
        raise EvaluationError(_l("Tak, I har svaret. Svaret kan ikke ændres.")) from None
    audit.record(
        "evaluation.answered",
        response,
        actor_label="requester",
        after={"event_id": event.id},
    )
    return response


def remind_requesters(*, now):
    """One reminder a week after the first mail to a requester who has not answered; never a
    second, and never for a link older than three weeks. Returns how many were queued."""
    due = db.session.scalars(
        db.select(EventEvaluation)
        .join(EventEvaluation.event)
        .where(
            EventEvaluation.requester_token.is_not(None),
            EventEvaluation.requester_reminded_at.is_(None),
            EventEvaluation.requester_sent_at <= now - REQUESTER_REMINDER_AFTER,
            EventEvaluation.requester_sent_at >= now - REQUESTER_REMINDER_UNTIL,
            ~db.exists().where(
                EvaluationResponse.event_id == EventEvaluation.event_id,
                EvaluationResponse.audience == EvaluationAudience.REQUESTER,
            ),
        )
        .order_by(EventEvaluation.id)
        .limit(500)
    ).all()
    sent = 0
    for evaluation in due:
        evaluation.requester_reminded_at = now
        request = evaluation.event.request
        if request is None or request.contact.anonymised_at is not None:
            continue
        mail.send(
            "requester_evaluation_reminder",
            to=request.contact.email,
            locale=request.locale,
            dedupe_key=f"evaluation-reminder:{evaluation.event_id}",
            event=evaluation.event,
            request=request,
            evaluation_url=requester_url(evaluation),
        )
        sent += 1
    db.session.flush()
    return sent


# --- the participants' anonymous evaluation ---------------------------------------------------


def _code_signature(event_id):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"vink-participants-{event_id}".encode(), sha256).hexdigest()
    return digest[:8]


def participant_code(event):
    """The short code in the participants' address (/e/<code>): the event's id and eight hex
    characters of a keyed hash, so it is short enough to type from a board and cannot be
    guessed for another event."""
    return f"{event.id}-{_code_signature(event.id)}"


_CODE = re.compile(r"([1-9][0-9]{0,8})-([0-9a-f]{8})", re.ASCII)


def event_for_code(code):
    """The event a participants' code opens, or None. Read case-blind (typed from a board);
    the view sends any other spelling on to `participant_code`'s, so there is one address (and
    one rate limit) per event."""
    found = _CODE.fullmatch((code or "").lower())
    if found is None:
        return None
    event_id, signature = int(found.group(1)), found.group(2)
    if not hmac.compare_digest(_code_signature(event_id).encode(), signature.encode()):
        return None
    return db.session.get(Event, event_id)


def participants_url(event):
    """The participants' short absolute address, for the QR code and for typing from a board."""
    return links.external_url("evaluations.participants", code=participant_code(event))


@dataclass(frozen=True)
class ParticipantsInvitation:
    """What an assignee shows the participants: the address, and how far the answers got."""

    url: str
    answers: int
    cap: int
    opens_at: datetime
    closes_at: datetime
    state: str | None  # participants_state: None (open), "not_started" or "full"


def participants_invitation(event, *, now=None):
    """The invitation to show from the moment someone is staffed on the event (so the sheet
    can be printed before) until 14 days after its end, never for a cancelled event; else
    None."""
    state = participants_state(event, now=now)
    if state not in (None, "not_started", "full"):
        return None
    return ParticipantsInvitation(
        url=participants_url(event),
        answers=participant_answers(event),
        cap=participant_cap(event),
        opens_at=event.starts_at,
        closes_at=event.ends_at + PARTICIPANTS_OPEN_FOR,
        state=state,
    )


def participant_cap(event):
    """How many participants' answers an event takes: its recorded head count plus a margin;
    before attendance is recorded, the participants the request expected plus the margin, and
    for an event nobody booked (VINK's own talk), UNCOUNTED_CAP."""
    if event.attendance is not None:
        return event.attendance.total + PARTICIPANT_MARGIN
    if event.request is not None and event.request.expected_participants:
        return event.request.expected_participants + PARTICIPANT_MARGIN
    return UNCOUNTED_CAP


def participants_state(event, *, now=None):
    """Why the participants' form is not open ("not_started", "closed", "cancelled", "full"),
    or None when it is."""
    now = now or clock.now()
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.starts_at > now:
        return "not_started"
    if event.ends_at + PARTICIPANTS_OPEN_FOR < now:
        return "closed"
    if participant_answers(event) >= participant_cap(event):
        return "full"
    return None


def participant_answers(event):
    """How many participants have answered (the count the cap is checked against)."""
    evaluation = _evaluation_row(event)
    return evaluation.participant_answers if evaluation is not None else 0


def answer_as_participant(event, answers, *, names_confirmed=False):
    """Store one participant's answer, anonymously. Refused (EvaluationError): the form is not
    open or already holds as many answers as the cap allows (counted under a lock on the
    event's evaluation, so two at the same moment cannot pass the cap); a bad answer
    (AnswerError). Side effects: one response; the event's count of answers."""
    state = participants_state(event)
    if state is not None:
        raise EvaluationError(PARTICIPANT_REFUSALS[state])
    cleaned = check_answers(
        questions_for(event, EvaluationAudience.PARTICIPANT),
        answers,
        names_confirmed=names_confirmed,
    )
    with all_or_nothing():
        evaluation = _evaluation_of(event, lock=True)
        if evaluation.participant_answers >= participant_cap(event):
            raise EvaluationError(PARTICIPANT_REFUSALS["full"])
        evaluation.participant_answers += 1
        response = _store(event, EvaluationAudience.PARTICIPANT, cleaned)
        db.session.flush()
    return response


PARTICIPANT_REFUSALS = {
    "cancelled": _l("Arrangementet blev aflyst, så der er intet at evaluere."),
    "not_started": _l("Evalueringen åbner, når arrangementet begynder."),
    "closed": _l(
        "Evalueringen er lukket. Den var åben i %(days)s dage efter arrangementet.",
        days=PARTICIPANTS_OPEN_FOR.days,
    ),
    "full": _l("Evalueringen har fået alle de svar, den kan tage imod. Tak!"),
    # Said by the view: this phone has answered already.
    "answered": _l("Du har allerede svaret fra denne telefon. Tak!"),
}


def written_about(event):
    """The event's evaluation responses with their answers, and its assignees' reflections:
    what retention blanks with the request."""
    responses = db.session.scalars(
        db.select(EvaluationResponse)
        .where(EvaluationResponse.event_id == event.id)
        .options(selectinload(EvaluationResponse.answers))
    ).all()
    reflections = db.session.scalars(
        db.select(Reflection).join(Reflection.assignment).where(Assignment.event_id == event.id)
    ).all()
    return [*responses, *(a for r in responses for a in r.answers), *reflections]


# --- the assignees' reflections ---------------------------------------------------------------


def reflection_of(assignment):
    return db.session.scalar(db.select(Reflection).where(Reflection.assignment_id == assignment.id))


def reflect(assignment, *, by, actor_label="", rating, note="", follow_up=False):
    """Save (or correct) the assignee's reflection on an event they took part in: 1-5 and an
    optional note to the secretariat; "følg op" puts it in "Kræver handling" until handled.
    Refused: an event that has not started or was cancelled; a rating outside 1-5; a follow-up
    without a note; a note with a CPR number. Side effects: audit "reflection.saved"."""
    event = assignment.event
    if event.status == EventStatus.CANCELLED:
        raise EvaluationError(_l("Arrangementet blev aflyst, så der er intet at skrive om."))
    if event.starts_at > clock.now():
        raise EvaluationError(_l("Du kan skrive din refleksion, når arrangementet er begyndt."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise EvaluationError(_l("Vælg, hvordan det gik, fra 1 til 5."))
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise EvaluationError(_l("Skriv højst %(n)s tegn.", n=TEXT_LIMIT))
    if cpr_numbers(note):
        raise EvaluationError(
            _l("Skriv ikke CPR-numre. Fjern nummeret, og send igen. Intet er gemt.")
        )
    if follow_up and not note:
        raise EvaluationError(_l("Skriv, hvad sekretariatet skal følge op på."))
    with all_or_nothing():
        reflection = reflection_of(assignment)
        before = audit.snapshot(reflection, REFLECTION_FIELDS) if reflection else None
        if reflection is None:
            # A double click sends two: the second INSERT fails on the unique assignment_id in
            # its savepoint and updates the row the first made.
            try:
                with db.session.begin_nested():
                    db.session.add(Reflection(assignment_id=assignment.id, rating=rating))
            except IntegrityError:
                pass
            reflection = reflection_of(assignment)
        reflection.rating, reflection.note, reflection.follow_up = rating, note, bool(follow_up)
        reflection.submitted_at = clock.now()
        if follow_up:
            reflection.handled_at, reflection.handled_by_id = None, None
        db.session.flush()
    audit.record(
        "reflection.saved",
        reflection,
        by=by,
        actor_label=actor_label,
        before=before,
        after=audit.snapshot(reflection, REFLECTION_FIELDS),
    )
    return reflection


# The note is not in the audit entry: it is the assignee's words, and retention blanks it.
REFLECTION_FIELDS = ["rating", "follow_up"]


def reflections_of(event):
    """The reflections on `event`, with who wrote them, in seat order."""
    return db.session.scalars(
        db.select(Reflection)
        .join(Reflection.assignment)
        .where(Assignment.event_id == event.id)
        .options(joinedload(Reflection.assignment).joinedload(Assignment.person))
        .order_by(Assignment.seat_role, Assignment.seat_number, Reflection.id)
    ).all()


def follow_up_ids_query():
    """The ids of the reflections marked "følg op" that nobody has handled (order them by
    FOLLOW_UP_ORDER: oldest first, as "Kræver handling" lists)."""
    return db.select(Reflection.id).where(Reflection.follow_up, Reflection.handled_at.is_(None))


FOLLOW_UP_ORDER = [Reflection.submitted_at, Reflection.id]


def handle_follow_up(reflection, *, by):
    """The secretariat has followed up: the note leaves "Kræver handling". Side effects: audit
    "reflection.handled"."""
    if reflection.handled_at is not None or not reflection.follow_up:
        return
    reflection.handled_at = clock.now()
    reflection.handled_by_id = by.id
    db.session.flush()
    audit.record("reflection.handled", reflection, by=by, after={"handled": True})
