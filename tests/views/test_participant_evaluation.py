"""The participants' anonymous evaluation, opened from the event's QR code or short address and
sent as a pupil's browser sends it: open from the start until 14 days after, capped at the head
count plus a margin, with the concern form's checks on its free text and the public forms' spam
traps; and the assignee's page and printable sheet that show the code."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock
from portal.extensions import db
from portal.models import EvaluationResponse
from portal.models.enums import EvaluationAudience, Role
from portal.services import attendance, evaluations, events
from tests.browser_form import browser_form, forms_in
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
    question_field,
    row_counts,
)

SEND = "Send mit svar"


def _held(students=20, ago=timedelta(hours=3)):
    event = make_scheduled(starts_at=clock.now() - ago, request=make_request())
    attendance.record_attendance(event, counts={"students": students})
    db.session.commit()
    return event


def _address(event):
    return urlsplit(evaluations.participants_url(event)).path


@pytest.fixture
def held():
    return _held()


def _answer(client, address, **typed):
    form = browser_form(client, address, button=SEND)
    q = {
        "overall": question_field(form, "Hvad syntes du om"),
        "learned": question_field(form, "Lærte du noget"),
        "comment": question_field(form, "Er der noget"),
    }
    values = {"overall": "5", "learned": "4", "comment": "Sjovt og lærerigt"} | typed
    form.fill(**{q[key]: value for key, value in values.items() if value is not None})
    return form.submit()


def _answers():
    return db.session.scalar(
        db.select(db.func.count(EvaluationResponse.id)).where(
            EvaluationResponse.audience == EvaluationAudience.PARTICIPANT
        )
    )


def test_a_pupil_answers_and_the_thanks_shows_nothing_of_the_answer(client, held):
    address = _address(held)
    assert address == f"/e/{evaluations.participant_code(held)}"
    response = _answer(client, address)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{address}/tak"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tak for dit svar!" in thanks
    assert "Sjovt og lærerigt" not in thanks
    assert 'name="q' not in thanks
    # One answer per phone: the form is not offered again, so one pupil cannot use up the
    # class's answers.
    again = client.get(address).get_data(as_text=True)
    assert "Du har allerede svaret fra denne telefon" in again
    assert "Sjovt og lærerigt" not in again and SEND not in again
    assert _answers() == 1
    [first] = db.session.scalars(db.select(EvaluationResponse)).all()
    assert sorted(a.value for a in first.answers if a.value is not None) == [4, 5]


def test_a_form_sent_again_from_a_phone_that_has_answered_is_refused(app, held):
    phone = app.test_client()
    address = _address(held)
    second_tab = browser_form(phone, address, button=SEND)
    assert _answer(phone, address).status_code == 302
    second_tab.fill(
        **{question_field(second_tab, "Hvad syntes"): "1", question_field(second_tab, "Lærte"): "1"}
    )
    refused = second_tab.submit()
    assert refused.status_code == 409
    assert _answers() == 1


def test_when_the_cap_is_reached_the_answer_is_refused_and_nothing_is_stored(app, client):
    event = _held(students=1)
    address = _address(event)
    for _ in range(1 + evaluations.PARTICIPANT_MARGIN - 1):
        assert _answer(app.test_client(), address).status_code == 302
    last = browser_form(client, address, button=SEND)  # shown while one answer was left
    assert _answer(app.test_client(), address).status_code == 302
    before = row_counts()
    last.fill(**{question_field(last, "Hvad syntes"): "3", question_field(last, "Lærte"): "3"})
    refused = last.submit()
    assert refused.status_code == 409
    assert "alle de svar" in refused.get_data(as_text=True)
    assert row_counts() == before
    page = client.get(address).get_data(as_text=True)
    assert "alle de svar" in page and SEND not in page


def test_the_form_closes_14_days_after_the_event(client, held, travel):
    address = _address(held)
    travel.shift(held.ends_at + timedelta(days=14) - clock.now() - timedelta(minutes=1))
    form = browser_form(client, address, button=SEND)  # the last minute it is open
    travel.shift(timedelta(minutes=2))
    form.fill(**{question_field(form, "Hvad syntes"): "3", question_field(form, "Lærte"): "3"})
    refused = form.submit()
    assert refused.status_code == 409
    assert "Evalueringen er lukket" in refused.get_data(as_text=True)
    page = client.get(address)
    assert page.status_code == 200
    assert "Evalueringen er lukket" in page.get_data(as_text=True)
    assert SEND not in page.get_data(as_text=True)
    assert _answers() == 0


def test_the_form_opens_when_the_event_begins(client):
    event = make_scheduled(request=make_request())
    page = client.get(_address(event))
    assert page.status_code == 200
    assert "åbner, når arrangementet begynder" in page.get_data(as_text=True)
    assert client.post_form(_address(event), {}).status_code == 409


def test_a_cancelled_event_has_nothing_to_evaluate(client, travel):
    event = make_scheduled(request=make_request())
    events.cancel_event(event, by=None)
    db.session.commit()
    travel.shift(event.starts_at - clock.now() + timedelta(hours=1))
    page = client.get(_address(event)).get_data(as_text=True)
    assert "aflyst" in page and SEND not in page
    assert client.post_form(_address(event), {}).status_code == 409


def test_a_cpr_number_is_refused_and_a_name_is_questioned_until_confirmed(client, held):
    address = _address(held)
    refused = _answer(client, address, comment="Mit nr er 010203-1234")
    assert refused.status_code == 422
    assert "Skriv ikke CPR-numre" in refused.get_data(as_text=True)
    questioned = _answer(client, address, comment="Sofie Jensen var sjov")
    html = questioned.get_data(as_text=True)
    assert questioned.status_code == 422
    assert "»Sofie Jensen«" in html
    assert _answers() == 0
    [form] = forms_in(client, address, html)
    form.fill(no_names="y")
    assert form.submit(SEND).status_code == 302
    assert db.session.scalar(db.select(EvaluationResponse.flagged)) is True


def test_the_hidden_field_filled_in_is_refused_and_nothing_is_stored(client, held):
    address = _address(held)
    form = browser_form(client, address, button=SEND)
    form.fill(**{question_field(form, "Hvad syntes"): "3", question_field(form, "Lærte"): "3"})
    before = row_counts()
    response = form.tamper("website", "http://spam.example").submit()
    assert response.status_code == 422
    assert "sendt automatisk" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_form_sent_at_once_is_kept_and_goes_through_a_moment_later(
    app, client, held, monkeypatch, travel
):
    monkeypatch.setitem(app.config, "MIN_FILL_SECONDS", 3)
    address = _address(held)
    before = row_counts()
    response = _answer(client, address)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "sendt meget hurtigt" in text and "Sjovt og lærerigt" in text
    assert row_counts() == before
    travel.shift(timedelta(seconds=5))
    [again] = forms_in(client, address, text)
    assert again.submit(SEND).status_code == 302
    assert _answers() == 1


def test_a_form_without_a_genuine_start_time_is_refused(client, held):
    form = browser_form(client, _address(held), button=SEND)
    form.fill(**{question_field(form, "Hvad syntes"): "3", question_field(form, "Lærte"): "3"})
    assert form.tamper("started", "forged").submit().status_code == 422
    assert _answers() == 0


def test_the_form_reads_in_english(client, held):
    client.get("/sprog/en")
    html = client.get(_address(held)).get_data(as_text=True)
    assert "What did you think of the visit?" in html
    assert "1 (lowest)" in html
    assert "Hvad syntes" not in html


@pytest.mark.parametrize(
    "code", ["1-00000000", "x", "12345", "1-abcdefgh", "²-abcdefgh", "1-abcdefgé", "01-abcdefgh"]
)
def test_a_forged_code_is_404(client, held, code):
    real = evaluations.participant_code(held)
    forged = real[:-1] + ("0" if real[-1] != "0" else "1") if code == "1-00000000" else code
    assert client.get(f"/e/{forged}").status_code == 404
    assert client.get(f"/e/{forged}/tak").status_code == 404


def test_answering_is_rate_limited_per_address_and_event(app, client, held, monkeypatch):
    monkeypatch.setitem(app.config, "PARTICIPANT_RATE_LIMIT", "2 per hour")
    address = _address(held)
    assert _answer(app.test_client(), address).status_code == 302
    assert _answer(app.test_client(), address).status_code == 302
    assert _answer(app.test_client(), address).status_code == 429
    other = _held()
    assert _answer(client, _address(other)).status_code == 302
    assert _answers() == 3


def test_a_class_of_28_on_one_school_address_gets_through_the_default_limit(app):
    event = _held(students=28)
    address = _address(event)
    for _ in range(28):  # 28 phones behind the school's one address
        assert _answer(app.test_client(), address, comment=None).status_code == 302
    assert _answers() == 28


# --- the assignee's page and the sheet to print ---------------------------------------------


@pytest.fixture
def me(app, login):
    person = make_ambassador(first_name="Yasmin", last_name="Haddad")
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=person))
    client.person = person
    return client


def test_my_held_event_shows_the_qr_code_the_address_and_the_answers_so_far(client, me):
    event = _held(students=20)
    make_assignment(event, me.person)
    _answer(client, _address(event))
    page = me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)
    assert "Deltagernes evaluering" in page
    assert '<svg role="img"' in page and "QR-kode til deltagernes evaluering" in page
    assert f"127.0.0.1:5000/e/{evaluations.participant_code(event)}" in page
    assert "1 af højst 25 svar" in page
    assert "Udskriv ark til deltagerne" in page


def test_before_attendance_is_recorded_the_cap_is_the_participants_the_request_expected(me):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=1), request=make_request())
    make_assignment(event, me.person)
    page = me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)
    assert f"0 af højst {24 + evaluations.PARTICIPANT_MARGIN} svar" in page


def test_my_future_event_shows_when_the_evaluation_opens_and_its_sheet_prints(me):
    event = make_scheduled(request=make_request())
    make_assignment(event, me.person)
    page = me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)
    assert "Formularen åbner, når arrangementet begynder" in page
    assert me.get(f"/mig/arrangementer/{event.id}/evalueringsark").status_code == 200


def test_the_sheet_prints_for_my_event_and_is_not_found_for_another_persons(me):
    mine, theirs = _held(), _held()
    make_assignment(mine, me.person)
    make_assignment(theirs, make_ambassador())
    sheet = me.get(f"/mig/arrangementer/{mine.id}/evalueringsark")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    assert f"/e/{evaluations.participant_code(mine)}" in text and "<svg" in text
    assert me.get(f"/mig/arrangementer/{theirs.id}/evalueringsark").status_code == 404


def test_one_only_asked_sees_neither_the_code_nor_the_sheet(me):
    from portal.models.enums import AssignmentStatus

    event = _held()
    make_assignment(event, me.person, status=AssignmentStatus.OFFERED)
    page = me.get(f"/mig/arrangementer/{event.id}").get_data(as_text=True)
    assert evaluations.participant_code(event) not in page
    assert me.get(f"/mig/arrangementer/{event.id}/evalueringsark").status_code == 404


def test_a_code_typed_in_capitals_is_sent_on_to_the_one_address(client, held):
    address = _address(held)
    response = client.get(address.upper().replace("/E/", "/e/"))
    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == address


def test_nothing_about_the_pupils_phone_is_stored_or_logged_in_the_audit(app, held):
    from portal.models import AuditEntry

    address_of_phone, phone = "203.0.113.77", "PupilPhone/1.0 (Android 9; Mærke X)"
    pupil = app.test_client()
    pupil.environ_base.update({"REMOTE_ADDR": address_of_phone, "HTTP_USER_AGENT": phone})
    audited = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    assert _answer(pupil, _address(held)).status_code == 302
    assert _answers() == 1
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == audited
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                text = " ".join(str(value) for value in row)
                assert address_of_phone not in text and "PupilPhone" not in text, table.name


@pytest.mark.parametrize("typed", ["/e/{code}/", "/E/{code}", "/E/{code}/"])
def test_the_address_as_a_phone_types_it_leads_to_the_form(client, held, typed):
    code = evaluations.participant_code(held)
    response = client.get(typed.format(code=code.upper()))
    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == f"/e/{code}"
