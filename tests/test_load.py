"""200 requesters booking at once against gunicorn on PostgreSQL: no server error, every
accepted booking stored once with one receipt, and the database counts what was answered."""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Contact, OutboxMessage, Request
from tests.factories import district_id
from tests.gunicorn_server import Browser, environment, serve

REQUESTERS = 200


def _book(base, n, district):
    browser = Browser(base)
    status, _headers, page = browser.get("/bestil?tilbud=talk")
    if status != 200:
        return status, ""
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    today = clock.today()
    status, headers, _page = browser.request(
        "/bestil",
        {
            "csrf_token": token,
            "started": started,
            "offer_kind": "talk",
            "shown_offer": "talk",
            "audience": "staff",
            "expected_participants": "30",
            "organisation_name": f"Forening {n}",
            "organisation_kind": "ngo",
            "district": str(district),
            "contact_name": f"Kontakt {n}",
            "contact_email": f"kontakt{n}@example.org",
            "contact_phone": "33 66 33 66",
            "dates-0-first": (today + timedelta(days=20)).isoformat(),
            "dates-1-first": (today + timedelta(days=30)).isoformat(),
            "place": "Nørrebrogade 1",
            "language": "da",
            "consent": "y",
        },
    )
    return status, headers.get("Location", "")


@pytest.mark.postgres_only
def test_two_hundred_requesters_booking_at_once(app, tmp_path):
    env = environment(
        os.environ["DATABASE_URL"],
        WEB_CONCURRENCY="4",
        SUBMIT_RATE_LIMIT="10000 per hour",
        MIN_FILL_SECONDS="0",
    )
    district = district_id("Nørrebro")
    log = Path(os.environ.get("LOAD_TEST_LOG", tmp_path / "gunicorn.log"))
    with serve(env, log=log) as base:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=REQUESTERS) as pool:
            answers = list(pool.map(lambda n: _book(base, n, district), range(REQUESTERS)))
        seconds = time.monotonic() - started
    assert seconds < 60
    statuses = [status for status, _location in answers]
    assert not [s for s in statuses if s >= 500], log.read_text()[-3000:]
    booked = [location for status, location in answers if status == 302]
    assert len(booked) == REQUESTERS, sorted(set(statuses))
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == len(booked)
    emails = db.session.scalars(db.select(Contact.email)).all()
    assert len(emails) == len(set(emails)) == REQUESTERS
    receipts = db.session.scalars(
        db.select(OutboxMessage.to_address).where(OutboxMessage.kind == "request_receipt")
    ).all()
    assert sorted(receipts) == sorted(emails)
