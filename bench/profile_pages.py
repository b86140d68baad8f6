"""Where a page spends its time: each page of `make bench` requested in-process (Flask's test
client, no HTTP, no gunicorn) against a database at --scale times the demo data, with the mean
time per request and the SQL statements; with --profile PATH, the cProfile of that page.

The database is built once in --database (a SQLite file, or a postgresql:// URL) and reused
while it exists, so a change can be measured again in seconds.

Usage: .venv/bin/python bench/profile_pages.py [--scale 100]
       [--database instance/bench-x100.sqlite3] [--repeat 20]
       [--only PATH-PART] [--profile PATH [--as EMAIL] [--sql]]
"""

import argparse
import cProfile
import logging
import pstats
import sys
import time
from pathlib import Path

import pyotp
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

from portal import create_app
from portal.extensions import db
from portal.models import Event, Request


def app_for(database, scale):
    """The app on `database`: a SQLite file, or a postgresql:// URL (built when it has no
    requests yet, and then kept: point it at a database made for profiling)."""
    if database.startswith(("postgres://", "postgresql://")):
        url, folder = (
            "postgresql+psycopg://" + database.split("://", 1)[1],
            str(run.ROOT / "instance"),
        )
        empty = not sa.inspect(sa.create_engine(url)).has_table("requests")
    else:
        url, folder = f"sqlite:///{database}", str(Path(database).parent)
        empty = not Path(database).exists()
    if empty:
        run.build_database(url, folder, scale)
    app = create_app(
        {
            "INSTANCE_DIR": folder,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": run.ENVIRONMENT["SECRET_KEY"],
            "ENV_NAME": "development",
            "PUBLIC_BASE_URL": "http://localhost",
            "MAIL_BACKEND": "file",
            "TRUSTED_HOSTS": None,
        }
    )
    with app.app_context():
        ids = {
            "event": db.session.scalar(
                sa.select(Event.id)
                .where(Event.status == "planned", Event.starts_at > sa.func.now())
                .order_by(Event.id)
                .limit(1)
            ),
            "request": db.session.scalar(
                sa.select(Request.id)
                .where(Request.status == "submitted")
                .order_by(Request.id)
                .limit(1)
            ),
        }
        ids["tracked"] = ids["request"]
        ids["event_day"] = run.event_day(ids["event"])
        ids["participants"], ids["evaluation"] = run.evaluation_addresses()
    return app, ids


def client_for(app, who, ids):
    client = app.test_client()
    if who == "requester":
        link = run.tracking_link(app, ids["tracked"])
        client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    elif who:
        page = client.get("/log-ind").get_data(as_text=True)
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        answer = client.post(
            "/log-ind",
            data={"email": who, "password": run.BENCH_PASSWORD, "csrf_token": token},
        )
        # A database built before the demo password had to be replaced: build it again.
        assert answer.status_code == 302, (who, answer.status_code, "delete the database")
        # Then the code of the second factor every bench user has (run.build_database).
        page = client.get("/log-ind/kode").get_data(as_text=True)
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        code = pyotp.TOTP(run.BENCH_TOTP_SECRET).now()
        answer = client.post("/log-ind/kode", data={"code": code, "csrf_token": token})
        assert answer.status_code == 302, (who, answer.status_code, "the second factor")
    return client


def _print_by_package(stats, repeat):
    """Own time (cProfile's tottime) per request, summed by the package the code is in: where
    a page's milliseconds go, beyond any single function."""
    totals = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            package = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif "/templates/" in filename:
            package = "templates (compiled Jinja)"
        elif "/portal/" in filename:
            package = "portal"
        elif filename.startswith("~") or "python3" in filename:
            package = "Python itself (builtins, stdlib)"
        else:
            package = filename
        totals[package] = totals.get(package, 0) + own
    whole = sum(totals.values())
    print(f"{'package':40} {'ms/request':>10} {'share':>6}")
    for package, own in sorted(totals.items(), key=lambda item: -item[1])[:15]:
        print(f"{package[:40]:40} {own / repeat * 1000:10.2f} {own / whole:6.0%}")
    print(f"{'all (under cProfile, ~2x slower)':40} {whole / repeat * 1000:10.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--database", default=str(run.ROOT / "instance/bench-x100.sqlite3"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--as", dest="who", default="")
    parser.add_argument("--sql", action="store_true", help="with --profile: print each statement")
    parser.add_argument(
        "--sort", default="cumulative", help="with --profile: cProfile's order (tottime: own time)"
    )
    parser.add_argument(
        "--by-package", action="store_true", help="with --profile: own time per package"
    )
    args = parser.parse_args()
    app, ids = app_for(args.database, args.scale)
    logging.disable(logging.WARNING)  # the access log of every request is not the point here
    statements = []
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    if args.profile:
        client = client_for(app, args.who or None, ids)
        client.get(args.profile)
        if args.sql:
            timings = []
            sa.event.listen(
                sa.engine.Engine,
                "before_cursor_execute",
                lambda *a: timings.append(time.perf_counter()),
            )
            sa.event.listen(
                sa.engine.Engine,
                "after_cursor_execute",
                lambda *a: timings.append(time.perf_counter()),
            )
            statements.clear()
            client.get(args.profile)
            for number, statement in enumerate(statements):
                took = (timings[2 * number + 1] - timings[2 * number]) * 1000
                print(f"-- {number + 1}: {took:.1f} ms\n{statement}\n")
            return
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(args.profile)
        profile.disable()
        if args.by_package:
            _print_by_package(pstats.Stats(profile), args.repeat)
        else:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(45)
        return
    clients = {}
    for who, path, _kind, body in run.pages(ids):
        if body is not None or args.only not in path:
            continue
        if who not in clients:
            clients[who] = client_for(app, who, ids)
        client = clients[who]
        answer = client.get(path)
        statements.clear()
        rounds = []
        for _ in range(3):  # the best of three rounds: the least disturbed by the machine
            started = time.perf_counter()
            for _ in range(args.repeat):
                client.get(path)
            rounds.append((time.perf_counter() - started) / args.repeat)
        per = min(rounds)
        print(
            f"{path[:50]:50} {answer.status_code} {per * 1000:8.1f} ms "
            f"{len(statements) // (3 * args.repeat):4d} queries {len(answer.data) / 1024:6.1f} kB"
        )


if __name__ == "__main__":
    main()
