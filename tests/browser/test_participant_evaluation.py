"""A pupil on a cheap phone (320 px) opens the address behind the event's QR code, answers the
three questions by their labels and sees the thanks: no login, no JavaScript needed, nothing
wider than the screen."""

from datetime import timedelta
from urllib.parse import urlsplit

from portal import clock
from portal.extensions import db
from portal.models import EvaluationResponse
from portal.services import attendance, evaluations
from tests.factories import make_request, make_scheduled

PHONE = 320


def test_a_pupil_opens_the_qr_codes_address_and_answers_at_320_px(new_page):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=2), request=make_request())
    attendance.record_attendance(event, counts={"students": 24})
    db.session.commit()
    page = new_page(width=PHONE, height=640)
    page.goto(urlsplit(evaluations.participants_url(event)).path)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    visit = page.get_by_role("group", name="Hvad syntes du om besøget?")
    visit.get_by_label("5 (højest)").check()
    learned = page.get_by_role("group", name="Lærte du noget, du kan bruge?")
    learned.get_by_label("4").check()
    page.get_by_label("Er der noget, du vil sige til os?").fill("Godt med spørgsmål til os")
    with page.expect_navigation():
        page.get_by_role("button", name="Send mit svar").click()
    assert page.get_by_text("Tak for dit svar!").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert "Godt med spørgsmål" not in page.content()
    [response] = db.session.scalars(db.select(EvaluationResponse)).all()
    assert sorted(a.value for a in response.answers if a.value is not None) == [4, 5]
    assert {a.text for a in response.answers} >= {"Godt med spørgsmål til os"}
