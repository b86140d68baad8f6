"""The requester's evaluation, opened from the mailed link and sent as a browser sends it: once,
in Danish or English, with the concern form's checks on its free text."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock
from portal.extensions import db
from portal.models import EvaluationResponse, EventEvaluation
from portal.models.enums import EvaluationAudience
from portal.services import attendance, evaluations
from tests.browser_form import browser_form, forms_in
from tests.factories import make_request, make_scheduled, question_field, row_counts, tampered


@pytest.fixture
def link():
    """The path of the link the requester of a dialogue held three hours ago was mailed."""
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3), request=make_request())
    attendance.record_attendance(event, counts={"students": 22})
    db.session.commit()
    evaluation = db.session.scalar(
        db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
    )
    return urlsplit(evaluations.requester_url(evaluation)).path


def _answer(client, link, **typed):
    form = browser_form(client, link, button="Send svaret")
    q = {
        "overall": question_field(form, "Hvordan gik arrangementet"),
        "fit": question_field(form, "Passede det"),
        "again": question_field(form, "Vil I bestille igen"),
        "worked": question_field(form, "Hvad virkede godt"),
    }
    values = {"overall": "4", "fit": "5", "again": "1", "worked": "God energi"} | typed
    form.fill(**{q[key]: value for key, value in values.items() if value is not None})
    return form.submit()


def test_the_requester_answers_and_a_second_visit_says_thank_you(client, link):
    response = _answer(client, link)
    assert response.status_code == 302
    again = client.get(link)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Tak, I har svaret" in html
    assert "Send svaret" not in html
    [response] = db.session.scalars(db.select(EvaluationResponse)).all()
    assert response.audience == EvaluationAudience.REQUESTER
    assert sorted(a.value for a in response.answers if a.value is not None) == [1, 4, 5]


def test_a_form_sent_twice_from_two_tabs_stores_one_answer(client, link):
    first = browser_form(client, link, button="Send svaret")
    second = browser_form(client, link, button="Send svaret")
    for form in (first, second):
        form.fill(
            **{question_field(form, "Hvordan gik"): "3", question_field(form, "Passede"): "3"}
        )
        form.fill(**{question_field(form, "Vil I bestille"): "0"})
    assert first.submit().status_code == 302
    refused = second.submit()
    assert refused.status_code == 409
    assert "Tak, I har svaret" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(EvaluationResponse.id))) == 1


def test_a_required_question_left_out_is_named_and_nothing_is_stored(client, link):
    before = row_counts()
    response = _answer(client, link, overall=None)
    assert response.status_code == 422
    assert "Vælg et svar" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_cpr_number_is_refused_and_a_name_is_questioned_until_confirmed(client, link):
    refused = _answer(client, link, worked="Ring 010203-1234")
    assert refused.status_code == 422
    assert "Skriv ikke CPR-numre" in refused.get_data(as_text=True)
    questioned = _answer(client, link, worked="Sofie Jensen var super")
    html = questioned.get_data(as_text=True)
    assert questioned.status_code == 422
    assert "»Sofie Jensen«" in html
    [form] = forms_in(client, link, html)
    form.fill(no_names="y")
    assert form.submit().status_code == 302
    assert db.session.scalar(db.select(EvaluationResponse.flagged)) is True


def test_the_form_reads_in_english(client, link):
    client.get("/sprog/en")
    html = client.get(link).get_data(as_text=True)
    assert "How did it go?" in html
    assert "How did the event go overall?" in html
    assert "1 (lowest)" in html
    assert "Hvordan" not in html


def test_a_tampered_link_is_404(client, link):
    assert client.get(tampered(link)).status_code == 404


def test_the_link_is_closed_after_60_days(client, link, travel):
    travel.shift(timedelta(days=61))
    response = client.get(link)
    assert "Evalueringen er lukket" in response.get_data(as_text=True)
    assert "Send svaret" not in response.get_data(as_text=True)
