"""Every mail about an event that is on, with the event's meeting link and practical information
filled in, is the text in `tests/golden/mails_with_details/` (issue 23, part 2). Left empty, the
two change nothing: `test_mail_golden.py` reads every mail as it did before.

`GOLDEN_WRITE=1 pytest tests/services/test_mail_golden_details.py` writes the files anew."""

import os
from pathlib import Path

import pytest

from portal.extensions import db
from portal.services import mail, mail_editor
from tests.services.mail_cases import every_case
from tests.services.test_mail_golden import _mails, _stable

GOLDEN = Path(__file__).parent.parent / "golden" / "mails_with_details"
WRITE = os.environ.get("GOLDEN_WRITE") == "1"
LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=x"
# Two lines, one of them with braces and a placeholder's name: filled in as typed, never read.
INFO = "Mød op ved hovedindgangen, og spørg efter {navn} på kontoret.\nHusk madpakke."


def _with_details():
    return [
        (kind, language)
        for kind, language in _mails()
        if {"moedelink", "praktisk"} <= set(mail.KINDS[kind].placeholders)
    ]


def test_the_event_mails_offer_the_link_and_the_practical_information():
    kinds = {kind for kind, _language in _with_details()}
    assert kinds == {
        "requester_event_scheduled",
        "instant_booking_receipt",
        "requester_event_staffed",
        "requester_instant_confirmed",
        "requester_event_rescheduled",
        "requester_event_reminder",
        "assignee_offer",
        "assignee_offer_reminder",
        "assignee_event_rescheduled",
        "assignee_event_reminder",
        "assignee_request_changed",
        "requester_request_changed",
    }


@pytest.mark.parametrize(("kind", "language"), _with_details())
def test_an_event_mail_carries_the_meeting_link_and_the_practical_information(app, kind, language):
    every_case()
    context = dict(mail_editor.sample_context(kind, language))
    with db.session.no_autoflush:
        event = context["event"]
        event.online, event.place = True, ""
        event.meeting_url, event.practical_info = LINK, INFO
        subject, body = mail.render(kind, language, context)
    db.session.rollback()
    assert LINK in body
    assert "> Husk madpakke." in body
    assert "{navn} på kontoret" in body
    text = _stable(f"{subject}\n\n{body}")
    golden = GOLDEN / f"{kind}.{language}.txt"
    if WRITE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
