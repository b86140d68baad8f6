"""Each page speaks one language: no Danish sentence of the portal's own on an English page, and
no English sentence (nor a code word such as a status or "requester") on a Danish page.

The sentences are the translation catalogue's own: every Danish source string and its English
translation that differ, long enough to be a sentence of ours rather than a name. Pages come from
the walk the form and HTML tests use, for every role. Text in an element marked with another
`lang` (the language switch) is left out: it is meant to be in the other language. Grades,
topics, offer kinds and decline reasons are data with a word in each language: a test below
shows them in English."""

import functools
import re

import lxml.html
import pytest

from portal.models import enums
from portal.models.enums import Role
from tests.babel_strings import catalogue, extracted
from tests.views.test_forms_as_browser import _client, _pages, _world

# Codes the portal stores and must show only as words: statuses, roles, kinds, who acted.
CODE_WORDS = {"requester", "system"} | {
    member.value
    for enum in vars(enums).values()
    if isinstance(enum, type) and issubclass(enum, enums.StrEnum) and enum is not enums.StrEnum
    for member in enum
    if "_" in member.value or len(member.value) > 7
}


@functools.cache
def _sentences():
    """(Danish sentences, English sentences): every string the code and templates give Babel
    (extracted afresh, so a string the catalogue lacks counts too) and its English translation,
    where they differ, without placeholders, at least three words long (so a name or a one-word
    label both languages share, like "SSP" or "Online", is never taken for the other one)."""
    wanted = {m.id for m in extracted() if isinstance(m.id, str)}
    translated = {m.id: m.string for m in catalogue() if isinstance(m.id, str)}
    danish, english = set(), set()
    for source in wanted:
        if "%(" in source:
            continue
        target = translated.get(source) or ""
        if target == source:
            continue
        if len(source.split()) >= 3:
            danish.add(" ".join(source.split()))
        if len(target.split()) >= 3:
            english.add(" ".join(target.split()))
    shared = danish & english
    return danish - shared, english - shared


def _visible_text(html, language):
    tree = lxml.html.fromstring(html)
    # What a form holds is data the person typed or will edit (an English description in its
    # own field on a Danish page), not the page's words.
    for element in tree.xpath("//script | //style | //textarea | //*[@lang][not(self::html)]"):
        if element.tag in ("script", "style", "textarea") or element.get("lang") != language:
            element.drop_tree()
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize("role", [None, Role.ASSIGNEE, Role.SECRETARIAT, Role.ADMIN])
def test_every_page_speaks_only_the_language_chosen(app, login, role):
    world = _world()
    danish, english = _sentences()
    assert len(danish) > 300 and len(english) > 300
    client = _client(app, login, role, world)
    found = []
    for language, foreign in (("da", english), ("en", danish)):
        client.get(f"/sprog/{language}")
        for path in _pages(role, world):
            response = client.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            text = _visible_text(response.get_data(as_text=True), language)
            found += [(language, path, s) for s in foreign if s in text]
            if language == "da":
                found += [
                    (language, path, word)
                    for word in CODE_WORDS
                    if re.search(rf"(?<![\w/.-]){re.escape(word)}(?![\w/.-])", text)
                ]
    assert found == [], "\n".join(f"{lang} {path}: {s!r}" for lang, path, s in found[:40])


def test_grades_topics_and_decline_reasons_are_shown_in_english_on_an_english_page(app, as_role):
    from portal.extensions import db
    from portal.models import Topic
    from portal.services import catalogue
    from portal.services import requests as requests_service
    from tests.factories import make_request

    topic = db.session.scalars(db.select(Topic).where(Topic.name_da != Topic.name_en)).first()
    request = make_request(grade="7. klasse", topic=topic)
    [reason] = catalogue.request_decline_reasons()[:1]
    requests_service.decline_request(request, by=None, reason=reason, note="")
    db.session.commit()
    client = as_role(Role.SECRETARIAT)
    client.get("/sprog/en")
    page = client.get(f"/sekretariat/henvendelser/{request.id}").get_data(as_text=True)
    assert "Grade 7" in page and "7. klasse" not in page
    assert topic.name_en in page and topic.name_da not in page
    assert reason.label_en in page
