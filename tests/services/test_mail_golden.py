"""Every mail the portal sends, in every language it is sent in, is the text in
`tests/golden/mails/`: the files were written by the Jinja mail templates before mail moved into
its own package, so a redesign of how mails are composed cannot change a word, a blank line or a
link a reader gets. Two changes since were deliberate, each in its own commit: no line ends in a
space (the templates left one after an empty decline reason), and the assignees' two reminders
name an event's title as the offer mail does.

`GOLDEN_WRITE=1 pytest tests/services/test_mail_golden.py` writes the files anew (then read the
diff: it is every change a reader of the mails will see)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import EventSession
from portal.services import mail, mail_editor
from tests.services.mail_cases import every_case

GOLDEN = Path(__file__).parent.parent / "golden" / "mails"
WRITE = os.environ.get("GOLDEN_WRITE") == "1"


def _stable(text):
    """The text with what differs between runs and databases replaced: ids and signed tokens in
    links, and the numbers the factories count with."""
    text = re.sub(r"(https?://[^\s/]+)(/\S*)", lambda m: m.group(1) + _path(m.group(2)), text)
    text = re.sub(r"\b(Nummer|Bruger |Organisation |Skole )\d+", r"\1N", text)
    text = re.sub(r"\b(user|person|kontakt|contact)\d+@", r"\1N@", text)
    return re.sub(r"(nr\.|no\.|number|nummer) \d+", r"\1 N", text)


def _path(path):
    return "/".join(
        "ID" if part.isdigit() else ("TOKEN" if len(part) > 24 else part)
        for part in path.split("/")
    )


def _mails():
    for kind, spec in mail.KINDS.items():
        for language in spec.languages if spec.editable else ():
            yield kind, language


NOTE = "Første linje.\nAnden linje med {navn} og {{ 1 + 1 }}, skrevet af et menneske."


def _bare(context):
    """Every optional part left out: no notes, no grade, nobody else asked."""
    for key in ("event", "request", "proposal"):
        thing = context.get(key)
        for name in ("cancel_note", "decline_note", "withdraw_note", "note", "grade", "title"):
            if thing is not None and hasattr(thing, name):
                setattr(thing, name, "")
    if context.get("request") is not None:
        context["request"].decline_reason = None
    return context | {"others": 0, "was_accepted": False, "cancelled_now": False}


def _rich(context):
    """Every optional part filled in, with notes of two lines, an online event of two sessions,
    a date range, others asked and a "yes" already given."""
    event, request = context.get("event"), context.get("request")
    if event is not None:
        event.cancel_note = NOTE
        event.online = True
        first = event.sessions[0]
        event.sessions.append(
            EventSession(
                starts_at=first.starts_at + timedelta(days=7),
                ends_at=first.ends_at + timedelta(days=7),
            )
        )
    if request is not None:
        request.decline_note = request.withdraw_note = NOTE
        request.online = True
        request.grade = request.grade or "8"
        if request.date_proposals:
            dates = request.date_proposals[0].dates
            dates[0].ends_on = dates[0].starts_on + timedelta(days=2)
    if context.get("proposal") is not None:
        context["proposal"].note = NOTE
    return context | {"others": 2, "was_accepted": True, "cancelled_now": True}


def _without_requester(context):
    """An event the secretariat made itself: a title, no requester."""
    event = context.get("event")
    if event is None or "request" in context:
        return None
    event.request = None
    event.title = "Temadag for ambassadører"
    return context


VARIANTS = {"som i databasen": dict, "uden det valgfri": _bare, "med alt": _rich}
VARIANTS["uden bestiller"] = _without_requester


@pytest.mark.parametrize(("kind", "language"), list(_mails()))
def test_every_mail_reads_as_it_did_before_the_move(app, kind, language):
    every_case()
    parts = []
    for variant, change in VARIANTS.items():
        context = mail_editor.sample_context(kind, language)
        assert context is not None, f"no case in the database for {kind}"
        with db.session.no_autoflush:
            context = change(dict(context))
            if context is not None:
                subject, body = mail.render(kind, language, context)
                parts.append(f"=== {variant}\n{subject}\n\n{body}")
        db.session.rollback()
    text = _stable("\n".join(parts))
    golden = GOLDEN / f"{kind}.{language}.txt"
    if WRITE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_mail_the_portal_sends():
    expected = {f"{kind}.{language}.txt" for kind, language in _mails()}
    assert {path.name for path in GOLDEN.glob("*.txt")} == expected
