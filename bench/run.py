"""Benchmark what users feel: every page over HTTP, served by gunicorn (gunicorn.conf.py, two
sync workers) from a database at --scale times the demo data, driven by wrk on loopback, beside a
bare Flask page served the same way in the same run. Never part of the timed test suite.

Per page it prints requests per second and median and 95th-percentile latency, each as a ratio
to the bare page, bytes per response, SQL statements per request (counted in-process at the same
scale), and at the end the peak resident memory of each worker; then the pages that miss the
targets of issue 13 (0.2 of the bare page's requests per second, 0.1 for reports and exports;
at most 10 queries; at most 150 kB; a worker under 150 MB).

SQLite in a scratch folder by default; with DATABASE_URL (postgresql://...) that database is
emptied and used: point it at a database made for the benchmark.

Usage: .venv/bin/python bench/run.py [--scale 100] [--seconds 5] [--workers 2]
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pyotp
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import clock, create_app, demo, secret_box  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Event, Request, User  # noqa: E402

STAFF = "sekretariat@vink.example.org"
ADMIN = "admin@vink.example.org"
AMBASSADOR = "ambassador@vink.example.org"
# The demo password must be replaced at the first login (it is published): the bench's demo
# users have chosen this one, so every page measured is the page, not the way to a new password.
BENCH_PASSWORD = "seven quiet benches measure pages"  # noqa: S105 (a benchmark's own database)
BENCH_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH23"  # noqa: S105 (the bench's own users)
BARE_PORT, APP_PORT = 5601, 5602
TARGET_RATIO, REPORT_RATIO = 0.2, 0.1
MAX_QUERIES, MAX_KB, MAX_WORKER_MB = 10, 150, 150
# wrk prints one line the script below can read: requests, microseconds, bytes, p50, p95, errors.
WRK_SCRIPT = """
{setup}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.bytes, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""
ENVIRONMENT = {
    "VINK_ENV": "production",
    "SECRET_KEY": "bench-" + "x" * 40,
    "PUBLIC_BASE_URL": "https://127.0.0.1",
    "TRUSTED_HOSTS": "127.0.0.1",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_ACCESS_LOG": "",
    "LOG_JSON": "0",
    # The load generator is one address that books, logs in and opens links all the time: no
    # limits (and so no REDIS_URL, which production needs for several workers' limits).
    "RATELIMIT_ENABLED": "0",
    "MIN_FILL_SECONDS": "0",
}


WISHED_DATES_FORM = "/bestil?tilbud=dialogue&egne_datoer=1"
FREE_TIMES_FORM = "/bestil?tilbud=dialogue"
# The free times' form against today's form, in requests/s (issue 26).
FREE_TIMES_SHARE = 0.5


def pages(ids):
    """(who, path, what kind, POST body or None): every page the issue names."""
    year = clock.today().year
    return [
        (None, "/", "page", None),
        # Today's booking form (wished dates), and the dialogue's with its free times (direkte
        # booking, which the demo opens): the second must serve at least half the first's.
        (None, WISHED_DATES_FORM, "page", None),
        (None, FREE_TIMES_FORM, "page", None),
        (None, "/bestil", "page", "booking"),
        ("requester", f"/bestilling/{ids['tracked']}", "page", None),
        (STAFF, "/sekretariat/", "page", None),
        (STAFF, "/sekretariat/indbakke", "page", None),
        (STAFF, "/sekretariat/indbakke?status=planned&q=skole", "page", None),
        (STAFF, f"/sekretariat/henvendelser/{ids['request']}", "page", None),
        (STAFF, f"/sekretariat/arrangementer/{ids['event']}", "page", None),
        (STAFF, "/sekretariat/kalender", "page", None),
        (STAFF, "/sekretariat/kalender?visning=maaned", "page", None),
        (STAFF, f"/sekretariat/kalender/dag?dato={ids['event_day']}", "page", None),
        (STAFF, "/sekretariat/organisationer", "page", None),
        (STAFF, "/sekretariat/rapport", "report", None),
        (STAFF, f"/sekretariat/rapport/{year}.xlsx", "report", None),
        # With the evaluations' figures (the demo data answers them) and the written answers.
        (STAFF, f"/sekretariat/rapport/{year}.xlsx?fritekst=1", "report", None),
        (STAFF, f"/sekretariat/rapport/skrevne-svar?aar={year}", "page", None),
        # The evaluation forms: a pupil's from the QR code, a requester's from the mailed link.
        (None, f"/e/{ids['participants']}", "page", None),
        (None, f"/evaluering/{ids['evaluation']}", "page", None),
        (AMBASSADOR, "/mig/", "page", None),
        (AMBASSADOR, "/mig/ledige-pladser", "page", None),
        (ADMIN, "/admin/", "page", None),
        (ADMIN, "/admin/brugere/", "page", None),
        (ADMIN, "/admin/personer/", "page", None),
        (ADMIN, "/admin/log", "page", None),
    ]


# --- the database -------------------------------------------------------------------------------


def build_database(url, folder, scale):
    """Migrate, load the demo data `scale` times, and return the app and the ids pages need."""
    app = create_app(
        {
            "INSTANCE_DIR": folder,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": ENVIRONMENT["SECRET_KEY"],
            "ENV_NAME": "development",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{APP_PORT}",
            "MAIL_BACKEND": "file",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        started = time.perf_counter()
        demo.load(scale=scale)
        for user in db.session.scalars(sa.select(User)):
            user.set_password(BENCH_PASSWORD)
            # Staff must have a second factor in production: without one, every staff page
            # measured was the redirect to setting it up (1.4 kB).
            user.totp_secret = secret_box.seal(app.config, BENCH_TOTP_SECRET)
            user.totp_enabled_at = clock.now()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a live database soon after a bulk load, done before the
            # runs rather than during them: without the statistics the planner guesses (the
            # inbox's first run was 4x slower), and a vacuum started by the load mid-run took
            # a core from the pages measured then.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
                bare.execute(sa.text("VACUUM ANALYZE"))
        print(f"demo data x{scale} loaded in {time.perf_counter() - started:.0f} s")
        planned = (
            sa.select(Event.id)
            .where(Event.status == "planned", Event.starts_at > clock.now())
            .order_by(Event.id)
            .limit(1)
        )
        submitted = (
            sa.select(Request.id).where(Request.status == "submitted").order_by(Request.id).limit(1)
        )
        ids = {
            "event": db.session.scalar(planned),
            "request": db.session.scalar(submitted),
        }
        ids["tracked"] = ids["request"]
        ids["event_day"] = event_day(ids["event"])
        ids["participants"], ids["evaluation"] = evaluation_addresses()
    return app, ids


def evaluation_addresses():
    """The participants' short address of the event held last, and the requester's link to the
    evaluation asked for last and not yet answered (the forms as they open)."""
    from portal import links
    from portal.models import EvaluationResponse, EventEvaluation
    from portal.services import evaluations

    held = sa.select(Event).where(Event.status == "held").order_by(Event.ends_at.desc()).limit(1)
    asked = (
        sa.select(EventEvaluation)
        .where(
            EventEvaluation.requester_token.is_not(None),
            ~sa.exists().where(
                EvaluationResponse.event_id == EventEvaluation.event_id,
                EvaluationResponse.audience == "requester",
            ),
        )
        .order_by(EventEvaluation.requester_sent_at.desc())
        .limit(1)
    )
    evaluation = db.session.scalar(asked)
    signed = links.sign("evaluation", evaluation.id, evaluation.requester_token)
    return evaluations.participant_code(db.session.scalar(held)), signed


def event_day(event_id):
    """The event's first day in Copenhagen (YYYY-MM-DD): a busy day of the calendar."""
    starts_at = db.session.get(Event, event_id).starts_at
    return starts_at.astimezone(clock.COPENHAGEN).date().isoformat()


def tracking_link(app, request_id):
    from portal import links

    with app.app_context():
        return links.tracking_url(db.session.get(Request, request_id))


def count_queries(app, cookies, targets):
    """SQL statements of one request to each page, counted in-process (same database)."""
    statements = []
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(1))
    counts = {}
    for who, path, _kind, body in targets:
        if body is not None:
            continue
        client = app.test_client()
        for pair in cookies.get(who, "").split("; "):
            if "=" in pair:
                name, value = pair.split("=", 1)
                client.set_cookie(name, value, domain="localhost")
        client.get(path)  # warm: templates compiled, caches filled
        statements.clear()
        response = client.get(path)
        counts[path] = len(statements) if response.status_code == 200 else None
    return counts


# --- the servers --------------------------------------------------------------------------------


def start(args, port, env, pid_file, cwd=ROOT):
    subprocess.run(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            *args,
            "--bind",
            f"127.0.0.1:{port}",
            "--daemon",
            "--pid",
            str(pid_file),
        ],
        cwd=cwd,
        env=env,
        check=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?check=database", timeout=1)
            return int(pid_file.read_text())
        except urllib.error.HTTPError:
            return int(pid_file.read_text())  # it answers (the bare app has no /healthz)
        except (OSError, ValueError):
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not start")


def stop(pid):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def worker_peak_mb(master):
    """Peak resident memory (VmHWM) of each worker of the gunicorn `master`, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for child in children:
        status = Path(f"/proc/{child}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


# --- the client side ----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(url, data=None, cookie=""):
    """(status, body, {cookie name: value} set by the answer); redirects are not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (http://127.0.0.1)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        response = answer
    set_cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        set_cookies[name] = value
    return response.status, response.read().decode("utf-8", "replace"), set_cookies


def _cookie(jar):
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def log_in(base, email):
    _status, page, jar = _open(base + "/log-ind")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"email": email, "password": BENCH_PASSWORD, "csrf_token": token}
    status, _body, more = _open(
        base + "/log-ind", urllib.parse.urlencode(form).encode(), cookie=_cookie(jar)
    )
    assert status == 302, f"log-in as {email} answered {status}"
    jar |= more
    # Then the app's code: every bench user has the same second factor (build_database).
    _status, page, more = _open(base + "/log-ind/kode", cookie=_cookie(jar))
    jar |= more
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    code = {"code": pyotp.TOTP(BENCH_TOTP_SECRET).now(), "csrf_token": token}
    status, _body, more = _open(
        base + "/log-ind/kode", urllib.parse.urlencode(code).encode(), cookie=_cookie(jar)
    )
    assert status == 302, f"the second factor of {email} answered {status}"
    return _cookie(jar | more)


def open_link(base, link):
    """The cookie a requester's emailed link gives."""
    path = urllib.parse.urlsplit(link).path
    status, _body, jar = _open(base + path)
    assert status == 302, f"the tracking link answered {status}"
    return _cookie(jar)


def booking_body(base):
    """A session cookie and the body a browser sends to book a dialogue, read from the page."""
    import lxml.html

    _status, page, jar = _open(base + WISHED_DATES_FORM)
    [form] = lxml.html.fromstring(page).xpath("//form[@action='/bestil']")
    fields = {el.name: el.value or "" for el in form.xpath(".//input[@type='hidden']")}
    soon = clock.today()
    fields |= {
        "offer_kind": "dialogue",
        "grade": "8. klasse",
        "expected_participants": "24",
        "organisation_name": "Bench Skole",
        "organisation_kind": "school",
        "district": form.xpath(".//select[@name='district']/option[@value!='']/@value")[0],
        "contact_name": "Bench Bensen",
        "contact_email": "bench@example.org",
        "contact_phone": "33 66 33 66",
        "dates-0-first": (soon + timedelta(days=30)).isoformat(),
        "dates-1-first": (soon + timedelta(days=40)).isoformat(),
        "place": "Bench Skole, lokale 1",
        "language": "da",
        "topic": "",
        "consent": "y",
    }
    return _cookie(jar), urllib.parse.urlencode(fields)


def wrk(url, seconds, cookie="", body=None):
    setup = []
    if body is not None:
        setup += [
            'wrk.method = "POST"',
            f"wrk.body = {body!r}",
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(setup="\n".join(setup)))
    # A page slower than wrk's 2 s default would count as nothing at all: wait up to 30 s
    # (gunicorn's own timeout) and report it.
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "30s", "-s", script.name, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    requests, micros, size, p50, p95, errors = map(
        int, re.search(r"RESULT (.*)", output).group(1).split()
    )
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "bytes": size / max(requests, 1),
        "errors": errors,
    }


# --- the run ------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench needs wrk: apt-get install wrk (make bench does it as root)")
    ENVIRONMENT["WEB_CONCURRENCY"] = str(args.workers)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        if url.startswith(("postgres://", "postgresql://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        app, ids = build_database(url, folder, args.scale)
        env = os.environ | ENVIRONMENT | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        bare = start(
            ["-w", str(args.workers), "--chdir", str(ROOT / "bench"), "bare_app:app"],
            BARE_PORT,
            env,
            Path(folder) / "bare.pid",
        )
        portal = start(
            ["-c", "gunicorn.conf.py", "app:app"], APP_PORT, env, Path(folder) / "app.pid"
        )
        try:
            base = f"http://127.0.0.1:{APP_PORT}"
            cookies = {who: log_in(base, who) for who in (STAFF, ADMIN, AMBASSADOR)}
            cookies["requester"] = open_link(base, tracking_link(app, ids["tracked"]))
            targets = pages(ids)
            queries = count_queries(app, cookies, targets)
            baseline = [wrk(f"http://127.0.0.1:{BARE_PORT}/", args.seconds)]
            results = []
            for who, path, kind, body in targets:
                cookie = cookies.get(who, "")
                if body == "booking":
                    cookie, body = booking_body(base)
                results.append((who, path, kind, wrk(base + path, args.seconds, cookie, body)))
            baseline.append(wrk(f"http://127.0.0.1:{BARE_PORT}/", args.seconds))
            peaks = worker_peak_mb(portal)
        finally:
            stop(bare)
            stop(portal)
        report(args, url, baseline, results, queries, peaks, time.perf_counter() - began)
        if url.startswith("postgresql"):
            with app.app_context():
                db.drop_all()
                db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
                db.session.commit()


def report(args, url, baseline, results, queries, peaks, seconds):
    rps = sum(b["rps"] for b in baseline) / len(baseline)
    p50 = sum(b["p50"] for b in baseline) / len(baseline)
    p95 = sum(b["p95"] for b in baseline) / len(baseline)
    print(
        f"database {url.split(':', 1)[0]}, demo data x{args.scale}, gunicorn {args.workers} "
        f"sync workers, wrk -t2 -c8 -d{args.seconds}s on loopback"
    )
    print(
        f"bare Flask page: {rps:,.0f} requests/s (before {baseline[0]['rps']:,.0f}, after "
        f"{baseline[1]['rps']:,.0f}), median {p50:.2f} ms, p95 {p95:.2f} ms"
    )
    header = (
        f"{'page':48} {'req/s':>7} {'ratio':>6} {'median':>8} {'x':>6} {'p95':>8} {'x':>6} "
        f"{'kB':>6} {'queries':>7}"
    )
    print(header)
    misses = []
    for who, path, kind, r in results:
        name = (
            f"{'POST ' if path == '/bestil' else ''}{path} ({(who or 'anonymous').split('@')[0]})"
        )
        ratio = r["rps"] / rps
        n = queries.get(path)
        print(
            f"{name[:48]:48} {r['rps']:>7.0f} {ratio:>6.3f} {r['p50']:>6.1f}ms"
            f" {r['p50'] / p50:>6.1f} {r['p95']:>6.1f}ms {r['p95'] / p95:>6.1f}"
            f" {r['bytes'] / 1024:>6.1f} {'-' if n is None else n:>7}"
        )
        wanted = REPORT_RATIO if kind == "report" else TARGET_RATIO
        if ratio < wanted:
            misses.append(f"{name}: {ratio:.3f} of the bare page's requests/s (target {wanted})")
        if n is not None and n > MAX_QUERIES:
            misses.append(f"{name}: {n} queries (target {MAX_QUERIES})")
        if r["bytes"] > MAX_KB * 1024:
            misses.append(f"{name}: {r['bytes'] / 1024:.0f} kB (target {MAX_KB})")
        if r["rps"] == 0:
            misses.append(f"{name}: no answer within the run ({args.seconds} s, 30 s timeout)")
        if r["errors"]:
            misses.append(f"{name}: {r['errors']} failed requests or non-2xx/3xx answers")
    served = {path: r["rps"] for _who, path, _kind, r in results}
    if FREE_TIMES_FORM in served and WISHED_DATES_FORM in served:
        share = served[FREE_TIMES_FORM] / max(served[WISHED_DATES_FORM], 1e-9)
        print(f"the free times' form serves {share:.2f} of today's booking form's requests/s")
        if share < FREE_TIMES_SHARE:
            misses.append(
                f"{FREE_TIMES_FORM}: {share:.2f} of {WISHED_DATES_FORM}'s requests/s "
                f"(target {FREE_TIMES_SHARE})"
            )
    print("peak memory per worker: " + ", ".join(f"{mb:.0f} MB" for mb in peaks))
    misses += [
        f"a worker peaked at {mb:.0f} MB (target {MAX_WORKER_MB})"
        for mb in peaks
        if mb > MAX_WORKER_MB
    ]
    print(f"finished in {seconds:.0f} s")
    print("targets missed:" if misses else "every target met")
    for miss in misses:
        print("  " + miss)


if __name__ == "__main__":
    main()
