"""Benchmark: each page's time as a ratio to a bare Flask page measured in the same run, and its
SQL query count, on demo data at --scale (default 10). Never part of the timed test suite.

Usage: .venv/bin/python bench/run.py [--scale 10] [--rounds 200]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import clock, create_app, demo
from portal.extensions import db
from portal.models import Event, Request

STAFF = "sekretariat@vink.example.org"


def pages(event_id, request_id):
    return [
        (None, "/"),
        (None, "/log-ind"),
        (None, "/bestil?tilbud=dialogue"),
        (STAFF, "/sekretariat/"),
        (STAFF, "/sekretariat/indbakke"),
        (STAFF, f"/sekretariat/henvendelser/{request_id}"),
        (STAFF, f"/sekretariat/arrangementer/{event_id}"),
        (STAFF, "/sekretariat/kalender?visning=maaned"),
        (STAFF, "/sekretariat/rapport"),
        (STAFF, f"/sekretariat/rapport/{clock.today().year}.xlsx"),
        ("admin@vink.example.org", "/admin/"),
        ("ambassador@vink.example.org", "/mig/"),
    ]


def timed(client, path, rounds):
    client.get(path)  # warm up templates and caches
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    bare = Flask("bare")
    bare.add_url_rule("/", "index", lambda: "<!doctype html><title>x</title><h1>x</h1>")
    baseline = timed(bare.test_client(), "/", args.rounds)

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {
                "INSTANCE_DIR": folder,
                "SQLALCHEMY_DATABASE_URI": url,
                "RATELIMIT_ENABLED": False,
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            db.drop_all()
            upgrade()
            demo.load(scale=args.scale)
            db.session.commit()
            event_id = db.session.scalar(
                sa.select(Event.id)
                .where(Event.status == "planned", Event.starts_at > clock.now())
                .order_by(Event.id)
                .limit(1)
            )
            request_id = db.session.scalar(
                sa.select(Request.id)
                .where(Request.status == "submitted")
                .order_by(Request.id)
                .limit(1)
            )
        statements = []
        sa.event.listen(
            sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(a[2])
        )
        print(f"bare Flask page: {baseline * 1e6:.0f} µs (median of {args.rounds})")
        print(f"demo data scale {args.scale}, database {url.split(':', 1)[0]}")
        print(f"{'page':32} {'median':>10} {'ratio':>7} {'queries':>8}")
        for email, path in pages(event_id, request_id):
            client = app.test_client()
            if email:
                token_page = client.get("/log-ind").get_data(as_text=True)
                token = token_page.split('name="csrf-token" content="')[1].split('"')[0]
                client.post(
                    "/log-ind",
                    data={"email": email, "password": demo.DEMO_PASSWORD, "csrf_token": token},
                )
            statements.clear()
            client.get(path)
            queries = len(statements)
            median = timed(client, path, args.rounds)
            label = f"{path} ({email.split('@')[0] if email else 'anonymous'})"
            print(f"{label:32} {median * 1e6:>8.0f}µs {median / baseline:>6.1f}x {queries:>8}")
        if url.startswith("postgresql"):
            with app.app_context():
                db.drop_all()


if __name__ == "__main__":
    main()
