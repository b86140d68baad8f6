"""The commands a newcomer and an operator run."""

import itertools
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import demo
from portal.extensions import db
from portal.models import (
    Assignment,
    Attendance,
    ClosedPeriod,
    Event,
    OfferKind,
    Organisation,
    Person,
    Request,
    SupportCourse,
    Target,
    User,
)
from portal.models.enums import AssignmentStatus, EventStatus, RequestStatus, Role
from portal.services import free_times
from tests.clock import faketime_env
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_data_covers_every_status_and_loads_only_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Demodata indlæst" in result.output
    assert "admin@vink.example.org" in result.output

    assert _count(Person) >= 20
    assert len({o.district_id for o in db.session.scalars(sa.select(Organisation))}) >= 10
    assert {r.status for r in db.session.scalars(sa.select(Request))} == set(RequestStatus)
    assert {e.status for e in db.session.scalars(sa.select(Event))} == set(EventStatus)
    assert {a.status for a in db.session.scalars(sa.select(Assignment))} == set(AssignmentStatus)
    assert _count(Event, Event.request_id.is_(None)) >= 1  # VINK's own talks
    assert _count(Attendance) >= 5
    assert _count(ClosedPeriod) >= 10
    assert _count(SupportCourse) >= 1
    this_year = _count(Target, Target.year == demo.clock.today().year)
    assert this_year >= 7
    assert {u.role for u in db.session.scalars(sa.select(User))} == set(Role)
    # The dialogue is open for direkte booking, and its booking form has free times to show.
    dialogue = db.session.scalar(sa.select(OfferKind).where(OfferKind.code == "dialogue"))
    assert dialogue.instant_booking
    assert free_times.free_times(dialogue, today=demo.clock.today())

    people_before = _count(Person)
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0
    assert "findes allerede" in again.output
    assert _count(Person) == people_before


def test_demo_data_never_books_a_person_twice_at_the_same_time(app):
    app.test_cli_runner().invoke(args=["demo-data"])
    accepted = db.session.scalars(
        sa.select(Assignment).where(Assignment.status == AssignmentStatus.ACCEPTED)
    ).all()
    by_person = {}
    for assignment in accepted:
        by_person.setdefault(assignment.person_id, []).append(assignment.event)
    buffer = timedelta(minutes=60)  # the travel buffer between two events of one person
    for events in by_person.values():
        sessions = sorted((s.starts_at, s.ends_at) for e in events for s in e.sessions)
        for (_start, end), (next_start, _end) in itertools.pairwise(sessions):
            assert end + buffer <= next_start


def test_demo_data_scale_multiplies_the_data(app):
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", "3"])
    assert result.exit_code == 0, result.output
    assert _count(Person) == 3 * len(demo.FIRST_NAMES)
    assert _count(Request) == 3 * demo.REQUESTS_PER_COPY


def test_create_user_makes_a_login_that_works(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "Ny@Example.org",
            "--name",
            "Ny Medarbejder",
            "--role",
            "secretariat",
            "--password",
            "en lang adgangskode",
        ]
    )
    assert result.exit_code == 0, result.output
    response = client.post_form(
        "/log-ind", {"email": "ny@example.org", "password": "en lang adgangskode"}
    )
    assert response.headers["Location"] == "/sekretariat/"


def test_create_user_explains_what_is_wrong(app):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "kort",
        ]
    )
    assert short.exit_code != 0
    assert "mindst 12 tegn" in short.output
    # Her own name and the portal's words make no password.
    for password in ("ida.holm.vink", demo.DEMO_PASSWORD):
        weak = runner.invoke(
            args=[
                "create-user",
                "--email",
                "ida.holm@example.org",
                "--name",
                "Ida Holm",
                "--role",
                "admin",
                "--password",
                password,
            ]
        )
        assert weak.exit_code != 0
        assert "Adgangskoden er for let at gætte." in weak.output
    bad = runner.invoke(
        args=[
            "create-user",
            "--email",
            "ikke-en-adresse",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert "Ugyldig e-mailadresse" in bad.output
    assignee = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--role",
            "assignee",
            "--password",
            PASSWORD,
        ]
    )
    assert "knyttes til en person" in assignee.output
    assert _count(User) == 0


def _flask(args, env_overrides, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | faketime_env()
    env |= env_overrides
    env["FLASK_APP"] = "app.py"
    env.setdefault("VINK_ENV", "development")
    return subprocess.run(
        [FLASK, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_an_unreachable_database_gives_one_readable_line_naming_database_url():
    result = _flask(["db", "upgrade"], {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing"})
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_first_run_migrates_and_loads_demo_data_once(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'first.sqlite3'}", "SECRET_KEY": "x" * 32}
    upgrade = _flask(["db", "upgrade"], env)
    assert upgrade.returncode == 0, upgrade.stderr
    first = _flask(["demo-data", "--first-run"], env)
    assert first.returncode == 0, first.stderr
    assert "Demodata indlæst" in first.stdout
    second = _flask(["demo-data", "--first-run"], env)
    assert "Demodata indlæst" not in second.stdout
    assert "Demo-logins" in second.stdout


def test_demo_data_refuses_outside_development(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "VINK_ENV=development" in result.output
    assert _count(User) == 0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SECRET_KEY": "", "PUBLIC_BASE_URL": "https://vink.kk.dk"}, "SECRET_KEY"),
        ({"SECRET_KEY": "kort", "PUBLIC_BASE_URL": "https://vink.kk.dk"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 32, "PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL"),
        ({"SECRET_KEY": "x" * 32, "PUBLIC_BASE_URL": "http://vink.kk.dk"}, "PUBLIC_BASE_URL"),
        (
            {"SECRET_KEY": "x" * 32, "PUBLIC_BASE_URL": "https://vink.kk.dk", "FLASK_DEBUG": "1"},
            "FLASK_DEBUG",
        ),
    ],
)
def test_production_refuses_to_start_with_one_line_naming_the_setting(tmp_path, env, named):
    env = {
        "VINK_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "FLASK_DEBUG": "0",
        **env,
    }
    result = _flask(["db", "current"], env, cwd=ROOT)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_production_with_its_settings_starts_and_answers_only_its_own_host(tmp_path, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("VINK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://vink.kk.dk")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}", "INSTANCE_DIR": tmp_path}
    )
    client = app.test_client()
    assert client.get("/privatliv", base_url="https://vink.kk.dk").status_code == 200
    forged = client.get("/privatliv", base_url="https://evil.example")
    assert forged.status_code == 400
    assert "Ukendt værtsnavn" in forged.get_data(as_text=True)


def test_a_backup_taken_while_serving_restores_every_row(tmp_path):
    """Back up while gunicorn serves the same database, wipe, restore: every row of every table
    is back, and no visitor noticed the backup (SQLite; PostgreSQL uses pg_dump, see README)."""
    import shutil
    import threading

    from tests.gunicorn_server import Browser, environment, serve

    database = tmp_path / "live.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "x" * 32}
    assert _flask(["db", "upgrade"], env).returncode == 0
    assert _flask(["demo-data", "--first-run"], env).returncode == 0

    def rows():
        engine = sa.create_engine(f"sqlite:///{database}")
        try:
            with engine.connect() as connection:
                tables = connection.execute(
                    sa.text("SELECT name FROM sqlite_master WHERE type = 'table'")
                ).scalars()
                return {
                    table: connection.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1')).all()  # noqa: S608
                    for table in tables
                }
        finally:
            engine.dispose()

    before = rows()
    assert before["requests"] and before["audit_entries"] and len(before) > 20
    answers, done = [], threading.Event()
    with serve(environment(env["DATABASE_URL"])) as base:

        def visit():
            browser = Browser(base)
            while not done.is_set():
                answers.append(browser.get("/bestil?tilbud=talk")[0])

        visitor = threading.Thread(target=visit)
        visitor.start()
        try:
            backup = _flask(["backup", "--to", str(tmp_path / "kopi")], env)
        finally:
            done.set()
            visitor.join(timeout=30)
    assert backup.returncode == 0, backup.stderr
    assert answers and set(answers) == {200}
    [copy] = (tmp_path / "kopi").glob("vink-*.sqlite3")
    database.unlink()  # the disk is lost
    for extra in tmp_path.glob("live.sqlite3-*"):
        extra.unlink()
    shutil.copy(copy, database)
    assert rows() == before


@pytest.mark.postgres_only
def test_backup_on_postgresql_names_pg_dump():
    result = _flask(["backup"], {"DATABASE_URL": os.environ["DATABASE_URL"]})
    assert result.returncode != 0
    assert "pg_dump" in result.stderr
