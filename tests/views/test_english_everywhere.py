"""English is complete: every page and every mail, in English, holds none of the portal's own
Danish.

The Danish is the catalogue's: every source string (extracted afresh) whose English differs
or is missing, cut at its placeholders, where a piece is two words or more, or one word that
no English translation uses; and the Danish names of reference data that has an English one
(offer kinds, topics, decline reasons, budget lines). Proper names of organisations, places
and people in the data are exempt, and so is text marked `lang="da"` (a Danish-only name,
WCAG 3.1.2). Pages: for every role, the pages the form tests walk (each a state worth
seeing), the places where Danish once leaked (an offer kind the admin renamed in English,
VINK's own event with a title, the inbox's filters, the budget, the mail editor, the weekly
times), then every page their links lead to, one per route. Mails: each kind's shipped text,
filled in with the newest case in the database, as an English-speaking recipient gets it."""

import functools
import re
from datetime import timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest
from werkzeug.exceptions import HTTPException

from portal import clock
from portal.extensions import db
from portal.models import (
    AvailabilityRule,
    BudgetLine,
    ClosedPeriod,
    DeclineReason,
    District,
    Event,
    OfferKind,
    Organisation,
    Person,
    SspCommittee,
    SupportCourseKind,
    Topic,
    User,
)
from portal.models.enums import EventStatus, Role
from portal.services import mail, mail_editor, reference
from tests.babel_strings import catalogue, extracted
from tests.factories import make_event, make_request, make_scheduled, offer_kind
from tests.views.test_forms_as_browser import _client, _pages, _world

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
DANISH_TIME = re.compile(r"(?<![\w.])[0-2]?\d\.[0-5]\d(?![\w.])")  # 14.30, not 14:30
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@functools.cache
def _danish():
    """The Danish pieces the English pages must not show (see the module's docstring)."""
    translated = {m.id: m.string for m in catalogue() if isinstance(m.id, str)}
    english_words = set()
    english_text = []
    for target in translated.values():
        english_words.update(w.casefold() for w in WORD.findall(target or ""))
        english_text.append(" ".join((target or "").split()))
    english_text = "\n".join(english_text)
    pieces = set()
    for message in extracted():
        if not isinstance(message.id, str):
            continue
        source = message.id
        if translated.get(source) == source:  # untranslated, it shows in Danish: counted
            continue
        for piece in PLACEHOLDER.split(source):
            words = WORD.findall(piece or "")
            if not words:
                continue
            text = " ".join(piece.split()).strip(" .,:;!?()–-")
            if len(words) >= 2 and text not in english_text:
                pieces.add(text)
            elif (
                len(words) == 1 and len(words[0]) >= 5 and words[0].casefold() not in english_words
            ):
                pieces.add(words[0])
    return pieces


def _proper_names():
    """Names in the data that stay as they are in any language."""
    names = set()
    names.update(db.session.scalars(db.select(Organisation.name)))
    names.update(db.session.scalars(db.select(District.name)))
    names.update(db.session.scalars(db.select(ClosedPeriod.name)))
    names.update(db.session.scalars(db.select(Event.place)))
    names.update(db.session.scalars(db.select(Event.title)))  # typed by the secretariat
    for person in db.session.scalars(db.select(Person)):
        names.update({person.first_name, person.last_name, person.full_name})
    names.update(db.session.scalars(db.select(User.name)))
    return sorted((n for n in names if n), key=len, reverse=True)


def _reference_names():
    """Reference data's Danish names that have an English side: an English page uses that."""
    pairs = [
        (OfferKind.name_da, OfferKind.name_en),
        (Topic.name_da, Topic.name_en),
        (SspCommittee.name_da, SspCommittee.name_en),
        (DeclineReason.label_da, DeclineReason.label_en),
        (SupportCourseKind.name_da, SupportCourseKind.name_en),
        (BudgetLine.name_da, BudgetLine.name_en),
    ]
    return {
        danish
        for da, en in pairs
        for danish, english in db.session.execute(db.select(da, en))
        if danish != english
    }


def _visible_text(html):
    tree = lxml.html.fromstring(html)
    for element in tree.xpath("//script | //style | //textarea | //*[@lang='da'][not(self::html)]"):
        element.drop_tree()
    return " ".join(tree.text_content().split())


def _pattern(pieces):
    """One regular expression for all `pieces`, whole words only, the longest first."""
    alternatives = "|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _danish_in(text, names, pattern):
    for name in names:
        text = text.replace(name, " ")
    return sorted(set(pattern.findall(text)))


def _leaked_world():
    """The places where Danish once showed on English pages."""
    talk = offer_kind("talk")
    talk.name_en = "Expert talk"
    make_event(
        kind="dialogue",
        title="Vanløse Skole",
        starts_at=clock.now() + timedelta(days=5),
    )
    cancelled = make_scheduled(request=make_request(organisation_name="Brønshøj Skole"))
    cancelled.status = EventStatus.CANCELLED
    reference.add_budget_line(
        by=None,
        year=clock.today().year,
        name_da="Drift af VINK",
        name_en="Running VINK",
        amount_ore=50_000_000,
    )
    db.session.flush()


EXTRA_PAGES = {
    Role.SECRETARIAT: [
        "/sekretariat/indbakke?tilbud=talk",
        "/sekretariat/indbakke?tilbud=dialogue",
        "/sekretariat/arrangementer?vis=aflyste",
    ],
    Role.ADMIN: [
        "/admin/e-mails/assignee_offer/en",
        "/admin/budget",
        "/admin/tilbud/1",
    ],
    Role.ASSIGNEE: [],
    None: ["/bestil?tilbud=talk", "/bestil?tilbud=concern"],
}


@pytest.mark.parametrize(
    "role",
    [None, Role.ASSIGNEE, Role.SECRETARIAT, Role.ADMIN],
    ids=["anonymous", "assignee", "secretariat", "admin"],
)
def test_every_page_in_english_shows_no_danish_of_the_portals_own(app, login, role):
    world = _world()
    _leaked_world()
    db.session.commit()
    client = _client(app, login, role, world)
    names = _proper_names()
    assert len(_danish()) > 500
    client.get("/sprog/en")
    found, walked = [], _walk(app, client, _pages(role, world) + EXTRA_PAGES[role])
    everything = _pattern(_danish() | _reference_names())
    # The log shows each field's stored value: the value of "Name in Danish" is Danish.
    catalogue_only = _pattern(_danish())
    for path, html in walked:
        pattern = catalogue_only if path.startswith(AUDIT_LOG) else everything
        text = _visible_text(html)
        found += [(path, piece) for piece in _danish_in(text, names, pattern)]
        found += [(path, time) for time in DANISH_TIME.findall(text)]
    assert len(walked) >= 5
    assert found == [], "\n".join(f"{path}: {piece!r}" for path, piece in found)


NOT_PAGES = ("/static/", "/sprog/", "/log-ud")
AUDIT_LOG = "/admin/log"


def _walk(app, client, start):
    """[(path, html)] of the pages a role reaches: the start pages (each chosen for a state it
    shows), then every link on them to a route not seen yet, and so on; one page per route, so
    the walk grows with the routes, not with the data."""
    adapter = app.url_map.bind("localhost")
    routes, queue, pages = set(), list(start), []
    chosen = set(start)
    while queue:
        path = queue.pop(0)
        route = adapter.match(urlsplit(path).path)[0]
        if path not in chosen and route in routes:
            continue
        routes.add(route)
        response = client.get(path)
        assert response.status_code in (200, 302), path
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages.append((path, html))
        for href in lxml.html.fromstring(html).xpath("//a/@href"):
            link = urlsplit(href)
            if link.netloc or not link.path.startswith("/") or link.path.startswith(NOT_PAGES):
                continue
            try:
                linked = adapter.match(link.path)[0]
            except HTTPException:
                continue
            if linked not in routes:
                queue.append(link._replace(fragment="").geturl())
    return pages


def test_every_mail_an_english_speaking_recipient_gets_is_in_english(app):
    world = _world()
    _leaked_world()
    person = world["person"]
    person.languages = "en"
    db.session.commit()
    names = _proper_names()
    pattern = _pattern(_danish() | _reference_names())
    found, rendered = [], []
    for spec in mail.KINDS.values():
        if "en" not in spec.languages:
            continue
        context = mail_editor.sample_context(spec.kind, "en")
        if context is None:
            continue
        subject, body = mail.render(spec.kind, "en", context)
        rendered.append(spec.kind)
        text = " ".join(f"{subject}\n{body}".split())
        found += [(spec.kind, piece) for piece in _danish_in(text, names, pattern)]
        found += [(spec.kind, time) for time in DANISH_TIME.findall(text)]
    assert len(rendered) >= 15, rendered
    assert found == [], "\n".join(f"{kind}: {piece!r}" for kind, piece in found)


def test_weekly_times_are_written_the_english_way_in_english(app, login):
    world = _world()
    client = _client(app, login, Role.ASSIGNEE, world)
    rule = db.session.scalars(
        db.select(AvailabilityRule).where(AvailabilityRule.person == world["person"])
    ).one()
    start, end = rule.starts_at, rule.ends_at
    client.get("/sprog/en")
    text = _visible_text(client.get("/mig/tilgaengelighed").get_data(as_text=True))
    assert f"{start:%H:%M}–{end:%H:%M}" in text and f"{start:%H.%M}" not in text
    client.get("/sprog/da")
    text = _visible_text(client.get("/mig/tilgaengelighed").get_data(as_text=True))
    assert f"{start:%H.%M}–{end:%H.%M}" in text


def test_an_offer_kinds_english_name_heads_the_english_booking_page(app, client):
    offer_kind("talk").name_en = "Expert talk"
    db.session.commit()
    client.get("/sprog/en")
    html = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    assert "Expert talk" in tree.findtext(".//title")
    assert "expert talk" in tree.xpath("string(//h1)").casefold()
    assert "vidensoplæg" not in _visible_text(html).casefold()


def test_a_danish_only_offer_name_on_an_english_page_is_marked_danish(app, client, as_role):
    """The admin left the English name blank (it is stored as the Danish): an English page
    says so to a screen reader, in the heading but not in the tab's title (plain text)."""
    kind = offer_kind("talk")
    kind.name_en = kind.name_da
    event = make_event(kind="talk", title="Temadag")
    db.session.commit()
    client.get("/sprog/en")
    tree = lxml.html.fromstring(client.get("/bestil?tilbud=talk").get_data(as_text=True))
    assert tree.xpath("string(//h1//*[@lang='da'])") == kind.name_da.lower()
    assert "<" not in tree.findtext(".//title")
    secretariat = as_role(Role.SECRETARIAT)
    secretariat.get("/sprog/en")
    page = secretariat.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    assert tree.xpath("string(//h1//*[@lang='da'])") == kind.name_da
    assert tree.findtext(".//title").startswith(f"{kind.name_da}: Temadag")
