"""How PostgreSQL answers the secretariat's heaviest pages: every SQL statement of the inbox (as
it opens and filtered), the overview, the report, a request's page and an event's page, at
--scale times the demo data, with
nothing remembered (so every statement runs), through EXPLAIN (ANALYZE, BUFFERS). Writes one
file per page to bench/plans/ and prints, per statement, its time, the buffers it read and any
sequential scan of requests or events (issue 27 allows none on these pages).

The database is built once (bench/profile_pages.py's way) and kept: point it at one made for
this.

Usage: .venv/bin/python bench/explain_pages.py postgresql://postgres@127.0.0.1:5432/vink_prof
"""

import argparse
import re
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profile_pages

PAGES = {
    "inbox": "/sekretariat/indbakke",
    "inbox-filtered": "/sekretariat/indbakke?status=planned&q=skole",
    "inbox-search": "/sekretariat/indbakke?q=husum",
    "overview": "/sekretariat/",
    "report": "/sekretariat/rapport",
}
STAFF = "sekretariat@vink.example.org"
WATCHED = re.compile(r"Seq Scan on (requests|events)\b")
PLANS = Path(__file__).resolve().parent / "plans"


def statements_of(client, path):
    """[(statement, parameters)] of one request to `path`, with nothing remembered."""
    from portal.services import remembered

    seen = []

    def before(_conn, _cursor, statement, parameters, *_args):
        if statement not in remembered.PROBES.values():
            seen.append((statement, parameters))

    real = remembered._results
    remembered._results = lambda: None  # nothing found, nothing kept: every statement runs
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    try:
        answer = client.get(path)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)
        remembered._results = real
    assert answer.status_code == 200, (path, answer.status_code)
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def explain(engine, statement, parameters):
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database", help="a postgresql:// URL (built at --scale when empty)")
    parser.add_argument("--scale", type=int, default=100)
    args = parser.parse_args()
    app, ids = profile_pages.app_for(args.database, args.scale)
    PLANS.mkdir(exist_ok=True)
    client = profile_pages.client_for(app, STAFF, ids)
    scans = 0
    with app.app_context():
        from portal.extensions import db

        engine = db.engine
        pages = PAGES | {
            "request-page": f"/sekretariat/henvendelser/{ids['request']}",
            "event-page": f"/sekretariat/arrangementer/{ids['event']}",
        }
        for name, path in pages.items():
            client.get(path)  # warm: the first page after signing in may write
            found = statements_of(client, path)
            lines = [f"# {path} at {args.scale}x: {len(found)} statements\n"]
            print(f"{path}")
            for number, (statement, parameters) in enumerate(found, 1):
                plan = explain(engine, statement, parameters)
                took = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
                read = re.search(r"Buffers: (.*)", plan)
                seq = sorted(set(WATCHED.findall(plan)))
                scans += len(seq)
                print(
                    f"  {number:2d}. {float(took):7.2f} ms  {read.group(1) if read else '':34}"
                    f"  {'SEQ SCAN of ' + ', '.join(seq) if seq else ''}"
                )
                lines += [f"\n## {number}\n\n{statement}\n\n{parameters}\n\n{plan}\n"]
            (PLANS / f"{name}.txt").write_text("".join(lines))
    print(f"sequential scans of requests or events: {scans}; plans in {PLANS}")


if __name__ == "__main__":
    main()
