"""The test harness every later issue inherits.

- `app`: one app per session on a fresh database built by the real migrations: SQLite in a
  temporary folder, or PostgreSQL when DATABASE_URL is set (`.ci/run` runs the suite on both).
- Every test runs inside an app context and leaves the database as the migrations left it.
- `client`: a test client whose every request runs in its own, fresh app context (fresh session,
  fresh `g`), as in production; `client.csrf_token()` gives the token a form would carry.
- `login(client, role)` / `as_role`: a logged-in client per role.
- `count_queries`: counts SQL statements (for query-count guards).
- Factories in tests/factories.py; browser fixtures in tests/browser/conftest.py.
"""

import contextvars
import logging
import os
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient

from portal import create_app
from portal.extensions import db, limiter
from portal.models.enums import Role
from portal.services.remembered import PROBES
from tests import factories
from tests.clock import TERM_TIME_TUESDAY
from tests.factories import PASSWORD

pytest_plugins = ["tests.oidc_provider"]  # the oidc_provider fixture

# From the start of the run: what collection computes (parametrised dates), the database, the
# live server and the browser are all made at the tests' instant too.
_RUN_CLOCK = time_machine.travel(TERM_TIME_TUESDAY, tick=True)


def pytest_configure(config):
    _RUN_CLOCK.start()


def pytest_unconfigure(config):
    _RUN_CLOCK.stop()


@pytest.fixture(autouse=True)
def travel(request):
    """Every test starts at TERM_TIME_TUESDAY, and the clock ticks. travel(instant) moves it,
    travel.shift(timedelta) moves it on. `@pytest.mark.real_clock("why")` runs a test on the
    machine's clock instead."""
    marker = request.node.get_closest_marker("real_clock")
    if marker is not None:
        assert marker.args, "real_clock needs a reason"
        _RUN_CLOCK.stop()
        try:
            yield None
        finally:
            _RUN_CLOCK.start()
        return
    with time_machine.travel(TERM_TIME_TUESDAY, tick=True) as traveller:
        yield _Travel(traveller)


class _Travel:
    def __init__(self, traveller):
        self._traveller = traveller

    def __call__(self, instant, *, tick=True):
        self._traveller.move_to(instant, tick=tick)

    def shift(self, delta):
        self._traveller.shift(delta)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not _on_postgresql():
        pytest.skip("PostgreSQL only: set DATABASE_URL (CI runs the suite on both)")


def _on_postgresql():
    return (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql"))


def pytest_report_header():
    url = os.environ.get("DATABASE_URL")
    return f"database: {'PostgreSQL (DATABASE_URL)' if url else 'SQLite (temporary file)'}"


class IsolatedClient(FlaskClient):
    """Runs each request in an empty contextvars context, so it gets its own app context,
    SQLAlchemy session and `g`, instead of borrowing the test's."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response

    def csrf_token(self, path="/"):
        """The CSRF token of this client's session, read from a page as a browser would."""
        page = self.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert match, f"no CSRF meta tag on {path}"
        return match.group(1)

    def log_in(self, email, password, *, new_password=PASSWORD):
        """Log in through the login form, as a person does; when the portal asks for a new
        password (a demo user's first login: the demo one is published), choose `new_password`
        through its form. Returns the response that leads on to where the user was going."""
        from tests.browser_form import browser_form

        login = browser_form(self, "/log-ind", action="/log-ind")
        response = login.fill(email=email, password=password).submit("Log ind")
        asked = response.headers.get("Location", "")
        if urlsplit(asked).path == "/ny-adgangskode":
            form = browser_form(self, asked, action="/ny-adgangskode")
            response = form.fill(password=new_password, repeat=new_password).submit()
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def post_form(self, path, data=None, **kwargs):
        """POST with the session's CSRF token what no page's form would send (a forged id, a
        route refused before any form). A test of a form sends it through tests/browser_form.py,
        as a browser does: only what the page shows."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(path, data=data, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite3'}"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app(
        {
            "TESTING": True,
            "ENV_NAME": "development",
            "INSTANCE_DIR": str(instance),
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "file",
            "MAIL_SEND_SYNC": False,
            "MAIL_DIR": str(instance / "mail"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "SESSION_COOKIE_SECURE": False,
            "MIN_FILL_SECONDS": 0,
            "SERVER_NAME": None,
            # Links in mails: as in development, whatever VINK_ENV the shell running pytest has
            # (without it, config defaults to production, which has no base URL).
            "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        from flask_migrate import upgrade

        _refuse_a_database_in_use()
        _drop_everything()
        upgrade()
        app.extensions["reference_rows"] = _snapshot()
        db.session.remove()
    yield app
    with app.app_context():
        _drop_everything()
        db.engine.dispose()


def _refuse_a_database_in_use():
    """The suite drops every table: never in a database that holds real work."""
    inspector = sa.inspect(db.engine)
    with db.engine.connect() as connection:
        for table in ("users", "requests"):
            if (
                inspector.has_table(table)
                and connection.execute(
                    sa.text(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 (fixed names)
                ).first()
            ):
                pytest.exit(
                    f"DATABASE_URL points at a database with {table} in it; the tests would "
                    "delete them. Use an empty database for `make test`.",
                    returncode=2,
                )


def _drop_everything():
    """Start from an empty database, whatever an earlier interrupted run left."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _snapshot():
    """Every row the migrations seeded (offer kinds, districts, targets ...), per table."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            found = connection.execute(table.select()).mappings().all()
            if found:
                rows[table.name] = [dict(row) for row in found]
    return rows


def _restore_reference_rows(app):
    """Empty every table and put the seeded rows back: each test starts from the migrations."""
    snapshot = app.extensions["reference_rows"]
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())
        for table in tables:
            if table.name in snapshot:
                connection.execute(table.insert(), snapshot[table.name])
                if connection.dialect.name == "postgresql" and "id" in table.c:
                    # Table names come from our own metadata, not from input.
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context and leaves the database as it found it."""
    with app.app_context():
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            _restore_reference_rows(app)


@pytest.fixture
def restore_database(app):
    """restore_database(): the database as the migrations left it, in the middle of a test
    (for a test that tries several things, each on a fresh start)."""

    def restore():
        db.session.remove()
        _restore_reference_rows(app)
        limiter.reset()

    return restore


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user():
    return factories.make_user


@pytest.fixture
def make_person():
    return factories.make_person


@pytest.fixture
def make_event():
    return factories.make_event


@pytest.fixture
def login():
    def log_in(client, role_or_user):
        user = role_or_user
        if isinstance(role_or_user, (Role, str)):
            user = factories.make_user(role=Role(role_or_user), password=PASSWORD)
        response = client.post_form(
            "/log-ind", {"email": user.email, "password": PASSWORD}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return log_in


@pytest.fixture
def as_role(app, login):
    """as_role(Role.SECRETARIAT) -> a client logged in with a new user of that role."""

    def make(role):
        client = app.test_client()
        login(client, role)
        return client

    return make


@pytest.fixture
def long_session(app, monkeypatch):
    """Signed in (and a booking's link open) across a day of moments: no timeout between."""
    for name in ("SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_LIFETIME", "PERMANENT_SESSION_LIFETIME"):
        monkeypatch.setitem(app.config, name, timedelta(days=3))
    monkeypatch.setitem(app.config, "TRACKING_COOKIE_MINUTES", 3 * 24 * 60)


@pytest.fixture
def ambassador():
    """An ambassador in the panel (Yasmin Haddad), with no user yet."""
    from tests.factories import make_ambassador

    return make_ambassador(first_name="Yasmin", last_name="Haddad")


@pytest.fixture
def ambassador_session(app, login, ambassador):
    """ambassador_session(): a new session of the ambassador's user (one user, any number of
    sessions), past the first pages after signing in (which may still write: the first look
    at my page makes the calendar feed's address)."""
    from tests.factories import make_user

    user = make_user(role=Role.ASSIGNEE, person=ambassador)

    def session():
        client = app.test_client()
        login(client, user)
        client.get("/mig/tilgaengelighed")
        client.get("/mig/")
        return client

    return session


@pytest.fixture
def staff(as_role):
    """A client signed in as the secretariat, past the first page (which may still write)."""
    client = as_role(Role.SECRETARIAT)
    client.get("/sekretariat/indbakke")
    return client


@pytest.fixture
def smtp_config(app, monkeypatch):
    """Point the app at SMTP on a loopback port nobody listens on yet (start a
    tests.smtp_server.SMTPServer on smtp_config["MAIL_PORT"] to have one answer)."""
    from tests.smtp_server import free_port

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    return app.config


@pytest.fixture
def security_log(caplog):
    """security_log(response, event, *parts): the one line of the security log `event` that
    answering `response` wrote (found by its request id), holding each of `parts`."""
    caplog.set_level(logging.WARNING, logger="portal.security")

    def line(response, event, *parts):
        request_id = f"request_id={response.headers['X-Request-Id']}"
        lines = [
            r.getMessage()
            for r in caplog.records
            if r.name == "portal.security"
            and r.getMessage().startswith(event + " ")
            and request_id in r.getMessage()
        ]
        assert len(lines) == 1, (event, lines, [r.getMessage() for r in caplog.records])
        for part in parts:
            assert part in lines[0], (part, lines[0])
        return lines[0]

    return line


@pytest.fixture
def count_queries():
    """with count_queries() as counted: ...; counted.count is the number of SQL statements that
    read or write data, counted.probes the reads of the data version (remembered.PROBES: one
    cheap statement a lookup, whatever the data), counted.statements all of them."""

    class Counter:
        count = 0
        probes = 0
        statements = []

    @contextmanager
    def counting():
        counter = Counter()
        counter.statements = []

        def before(_conn, _cursor, statement, *_args):
            if statement in PROBES.values():
                counter.probes += 1
            else:
                counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)

    return counting
