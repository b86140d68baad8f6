"""Every GET page reachable from the demo data, for each role, found by following links:
status 200, a <title>, one <h1>, a lang attribute, and 0 axe-core WCAG 2.1 AA violations,
in Danish and in English, and no sideways scrolling at 320 px (WCAG 1.4.10, reflow). New pages
are covered as soon as something links to them."""

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from portal import demo, links
from portal.extensions import db
from portal.models import (
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventEvaluation,
    OfferKind,
    Request,
)
from portal.models.enums import EvaluationAudience, EventStatus, Role
from portal.services import evaluations
from tests.browser import a11y
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD

# A page per endpoint is enough for markup; a second catches data-dependent branches.
PAGES_PER_ENDPOINT = 2
NOT_PAGES = ("/static/", "/sprog/", "/log-ud", "/healthz")
EVALUATION_QUESTION_PAGES = (
    r"/admin/tilbud/\d+/evaluering",
    r"/admin/evaluering/\d+",
    r"/admin/evaluering/\d+/vis-skjul",
    r"/admin/evaluering/\d+/slet",
)
LOGINS = {role: email for email, _name, role, _person in reversed(demo.DEMO_LOGINS)}
# WCAG 1.4.10: content reflows at 320 CSS px (1280 px at 400 % zoom) without scrolling sideways.
REFLOW_WIDTH = 320
# Axe runs once per page and language: Danish (the longer words) at REFLOW_WIDTH, where the
# sideways scrolling is checked on the same loaded page, English at a desktop's width. A page
# loaded wide and then narrowed is no measure: right after the resize, pages that are fine
# loaded at 320 px came out 483-613 px wide, different pages on each run.
AXE_WIDTHS = {"da": REFLOW_WIDTH, "en": 1280}


def crawl(app, client, start):
    adapter = app.url_map.bind("localhost")
    queue, seen, per_endpoint, pages = [start], set(), Counter(), []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        endpoint, _args = adapter.match(parts.path, method="GET")
        if per_endpoint[endpoint] >= PAGES_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] += 1
        response = client.get(url)
        if response.status_code == 302:  # e.g. a tracking link exchanged for a cookie
            queue.append(response.headers["Location"])
            continue
        if response.mimetype != "text/html":  # calendar files and the like
            continue
        html = response.get_data(as_text=True)
        pages.append((url, response.status_code, html))
        for href in re.findall(r'href="([^"#]+)"', html):
            href = href.replace("&amp;", "&")
            if (
                href.startswith("/")
                and not href.startswith("//")
                and not href.startswith(NOT_PAGES)
            ):
                queue.append(href)
    return pages


def assert_page_basics(url, status, html, expected_status=200):
    assert status == expected_status, url
    assert re.search(r"<html lang=\"(da|en)\">", html), url
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title, url
    assert title.group(1).strip(), url
    assert len(re.findall(r"<h1[ >]", html)) == 1, url


@pytest.mark.parametrize("role", [None, *Role], ids=["anonymous", *[r.value for r in Role]])
def test_every_reachable_page_is_sound_and_accessible(app, demo_data, new_page, role):
    client = app.test_client()
    start = "/"
    if role is not None:
        # The first login asks for a new password (the demo one is published): PASSWORD.
        start = client.log_in(LOGINS[role], demo.DEMO_PASSWORD).headers["Location"]
    pages = crawl(app, client, start)
    entry_links = []
    if role is None:
        # Requesters reach their pages through the emailed link: one for a planned request.
        tracked = db.session.scalars(
            db.select(Request).join(Request.event).where(Event.status == EventStatus.PLANNED)
        ).first()
        entry_links = [f"/b/{links.sign('tracking', tracked.id, tracked.tracking_token)}"]
        # And their evaluation through the link mailed after the event: one not yet answered.
        asked = db.session.scalars(
            db.select(EventEvaluation)
            .where(
                EventEvaluation.requester_token.is_not(None),
                ~db.exists().where(
                    EvaluationResponse.event_id == EventEvaluation.event_id,
                    EvaluationResponse.audience == EvaluationAudience.REQUESTER,
                ),
            )
            .order_by(EventEvaluation.requester_sent_at.desc())
        ).first()
        entry_links.append(urlsplit(evaluations.requester_url(asked)).path)
        # Participants reach their evaluation from an event's QR code: one held lately.
        held = db.session.scalars(
            db.select(Event)
            .where(Event.status == EventStatus.HELD)
            .order_by(Event.starts_at.desc())
            .limit(20)
        ).all()
        participants = [
            evaluations.participants_url(e) for e in held if not evaluations.participants_state(e)
        ][:1]
        assert participants, "the demo data has no event held in the last 14 days"
        address = urlsplit(participants[0]).path
        for start_url in [
            "/log-ind",
            "/bestil?tilbud=talk",
            *entry_links,
            address,
            f"{address}/tak",
        ]:
            pages += crawl(app, client, start_url)
        # The 404 page is a page too.
        pages.append(("/findes-ikke", 404, client.get("/findes-ikke").get_data(as_text=True)))
    if role == Role.ADMIN:
        # A question nobody has answered yet can be deleted: the hidden kind's (no events).
        competence = db.session.scalar(db.select(OfferKind).where(OfferKind.code == "competence"))
        unanswered = db.session.scalars(
            db.select(EvaluationQuestion).where(EvaluationQuestion.offer_kind_id == competence.id)
        ).first()
        for url in (f"/admin/evaluering/{unanswered.id}/slet",):
            response = client.get(url)
            pages.append((url, response.status_code, response.get_data(as_text=True)))
    for url, status, html in pages:
        assert_page_basics(url, status, html, expected_status=404 if url == "/findes-ikke" else 200)
    reached = {urlsplit(url).path for url, _status, _html in pages}
    if role is None:
        # The demo's dialogue is open for direkte booking: its form shows free times.
        assert any('name="free_time"' in html for _url, _status, html in pages)
    if role in (Role.SECRETARIAT, Role.ADMIN):
        assert {
            "/sekretariat/rapport",
            "/sekretariat/rapport/skrevne-svar",
            "/sekretariat/stoetteforloeb",
        } <= reached
    if role == Role.ADMIN:
        assert {"/admin/budget", "/admin/stoetteforloebstyper", "/admin/e-mails"} <= reached
        # An offer kind's evaluation questions: the list, a question, and the pages that ask.
        for page in EVALUATION_QUESTION_PAGES:
            assert any(re.fullmatch(page, path) for path in reached), page

    problems = []
    for locale, width in AXE_WIDTHS.items():
        page = new_page(width=width, locale=locale)
        if role is not None:
            browser_login(page, LOGINS[role], PASSWORD)
        for url in entry_links:
            page.goto(url)
        for url, _status, _html in pages:
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == locale, url
            problems += [f"{url} ({locale}, {width} px) {v}" for v in a11y.violations(page)]
            if width == REFLOW_WIDTH:
                problems += sideways_scroll(page, url)
    assert problems == []


def sideways_scroll(page, url):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= REFLOW_WIDTH:
        return []
    return [f"{url} is {scroll_width} px wide at {REFLOW_WIDTH} px"]
