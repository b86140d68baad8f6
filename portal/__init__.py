"""The VINK booking portal: application factory."""

import contextlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2 import FileSystemBytecodeCache
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth_session, clock, htmx, i18n, labels, logs, navigation, security
from .config import load_config, production_problems
from .extensions import babel, csrf, db, limiter, migrate
from .security import security_event
from .urls import BoundedIntegerConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides=None):
    """Build the app. `overrides` replace config values (tests pass a database URL and the like)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(overrides=overrides))
    _refuse_an_unsafe_production(app)
    app.url_map.converters["int"] = BoundedIntegerConverter
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )

    # First registered, last to run after a request: the access line sees the final status.
    logs.init_app(app)
    security.init_input_gate(app)
    _init_database(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "portal" / "translations"),
    )
    i18n.init_app(app)
    _keep_compiled_templates(app)
    labels.init_app(app)
    navigation.init_app(app)
    auth_session.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    _register_mail_composers()
    _register_blueprints(app)
    _register_error_pages(app)
    _register_transaction_edge(app)

    from . import cli

    cli.init_app(app)
    return app


def _register_mail_composers():
    """The mails the worker writes when it sends them, from what the services know then. Here,
    not where the composer lives, so a worker process knows them without importing the views."""
    from .services import accounts, mail, tracking

    mail.register_composer("tracking_links", tracking.compose_tracking_links)
    mail.register_composer("user_password_reset", accounts.compose_password_reset)


def _keep_compiled_templates(app):
    """Jinja's bytecode cache in the instance folder: a new worker (a restart, a deploy, a
    gunicorn worker replaced) renders its first pages without compiling their templates again.
    Keyed by each template's source, so a changed template is compiled anew."""
    folder = Path(app.config["INSTANCE_DIR"]) / "jinja-cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only instance folder: compile in memory, as without the cache
        app.logger.warning("No template cache: %s cannot be created", folder)
        return
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _refuse_an_unsafe_production(app):
    problems = production_problems(app.config, app.debug)
    if problems:
        raise SystemExit("Portalen starter ikke: " + " ".join(problems))
    # Rate limits kept in memory with several workers: gunicorn.conf.py warns, knowing how many.


def _init_database(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:"):
        # A pool (not the one connection of an in-memory SQLite): a request takes the
        # connection used last, whose results are still remembered (services/remembered.py
        # keeps them per connection).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_use_lifo": True}
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        for name, listener in _IDLE_PING.items():
            sa.event.listen(engine, name, listener)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        elif engine.dialect.name == "postgresql":
            sa.event.listen(engine, "connect", _postgresql_settings)
    if app.config["CHECK_DB_ON_START"]:
        _check_database(app)


# A pooled connection idle this long is pinged before use: the database may have restarted, or
# a firewall dropped the connection, meanwhile. A busy worker's connections are never pinged
# (pool_pre_ping pinged every checkout: on PostgreSQL a round trip or two, 0.5 ms of a 2 ms page).
IDLE_PING_SECONDS = 10
_LAST_USED = "vink.last_used"


def _note_use(_dbapi_connection, record, *_proxy):
    record.info[_LAST_USED] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy):
    """SQLAlchemy's own pessimistic disconnect handling, for idle connections only: a dead one
    is replaced (DisconnectionError: the pool connects anew) before any statement is sent. A
    connection lost under load fails its request (a 503, nothing stored), and the pool then
    replaces every connection as old as it."""
    if time.monotonic() - record.info.get(_LAST_USED, 0) < IDLE_PING_SECONDS:
        return
    try:
        with contextlib.closing(dbapi_connection.cursor()) as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()  # the ping's own transaction (PostgreSQL) ends with it
    except Exception as error:  # whatever the driver raises for a dead connection
        raise sa.exc.DisconnectionError() from error


_IDLE_PING = {"connect": _note_use, "checkin": _note_use, "checkout": _ping_if_idle}


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers work while one writer writes; foreign keys are off by default in SQLite;
    # the busy timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _postgresql_settings(dbapi_connection, _record):
    # No JIT compilation: the portal's queries are short, and PostgreSQL compiled any whose
    # estimate passed jit_above_cost, 125 ms of machine code for a 10 ms count (who is free
    # on a request's wished days, at 100x data). Committed, or the rollback that ends the
    # connection's first transaction would undo it.
    # A random page read priced at 1.1 sequential ones, not 4 (a spinning disk): the portal's
    # data is read from memory or an SSD, as PostgreSQL's documentation advises for those. At
    # 4, the planner read every request to join a few hundred, rather than take them from an
    # index (bench/plans/: the inbox's search and the report, at 100x data).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET random_page_cost = 1.1")
    dbapi_connection.commit()


def _check_database(app):
    """Fail at start with one readable line when the database cannot be reached."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as error:
            url = db.engine.url.render_as_string(hide_password=True)
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise SystemExit(
                f"Kan ikke forbinde til databasen. Tjek DATABASE_URL ({url}): {reason}"
            ) from None
        # No connection outlives the check: gunicorn forks workers from this process
        # (preload_app), and a socket shared between processes corrupts both.
        db.engine.dispose()


def _register_blueprints(app):
    from .views import (
        admin,
        answers,
        assignee,
        auth,
        confirm,
        evaluations,
        feeds,
        offers,
        persons,
        provider_login,
        public,
        reports,
        secretariat,
        users,
    )

    for module in (
        public,
        auth,
        provider_login,
        offers,
        evaluations,
        feeds,
        secretariat,
        reports,
        assignee,
        admin,
        users,
        persons,
    ):
        app.register_blueprint(module.bp)
    # The field only the page that asks before an irreversible action sends (templates/_confirm).
    app.jinja_env.globals["CONFIRMED"] = confirm.CONFIRMED
    # Who learns of a yes: said on the offer link's page and on the person's own page alike.
    app.jinja_env.globals["told_after_accept"] = answers.told_after_accept


def _register_error_pages(app):
    def page(status, title, message):
        # A failed statement leaves the session unusable; the page (its menu asks who is
        # logged in) must not fail in turn.
        db.session.rollback()
        return htmx.render_page_or_partial(
            "errors/error.html", "errors/_error.html", status, title=title, message=message
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        security_event("csrf.refused", path=request.path)
        return page(
            400,
            _("Siden er udløbet"),
            _(
                "Formularen kunne ikke sendes, fordi siden var for gammel eller åbnet i en anden "
                "fane. Genindlæs siden og prøv igen. Intet er gemt."
            ),
        )

    @app.errorhandler(400)
    def bad_request(error):
        # A view that aborts with a description of its own says what was wrong.
        ours = error.description != BadRequest.description
        return page(
            400,
            _("Forkert forespørgsel"),
            error.description if ours else _("Adressen eller formularen var ikke i orden."),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # A Host header not in TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return _("Ukendt værtsnavn (Host)."), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(413)
    def too_large(_error):
        return page(
            413,
            _("For meget på én gang"),
            _(
                "Det, du sendte, var større, end portalen tager imod. Intet er gemt. "
                "Skriv kortere, og prøv igen."
            ),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        security_event("access.refused", path=request.path)
        return page(403, _("Ingen adgang"), _("Du har ikke adgang til denne side."))

    @app.errorhandler(404)
    def not_found(_error):
        return page(
            404,
            _("Siden findes ikke"),
            _("Vi kan ikke finde den side, du leder efter. Tjek adressen, eller gå til forsiden."),
        )

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return page(405, _("Ikke tilladt"), _("Den handling kan ikke udføres på denne adresse."))

    @app.errorhandler(429)
    def too_many(error):
        security_event("rate_limit.hit", path=request.path, limit=error.description)
        return page(429, _("For mange forsøg"), _try_again(limiter.current_limit))

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_down(error):
        # The database is unreachable (or busy past the timeout): nothing was stored, the pool
        # replaces a lost connection by itself (_ping_if_idle, and a disconnect seen here) once it
        # is back, without a restart.
        app.logger.error("database unavailable: %s", str(error).splitlines()[0])
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.close()
        body = render_template("errors/database_down.html")
        return body, 503, {"Retry-After": "60"}

    @app.errorhandler(500)
    def server_error(_error):
        return page(
            500,
            _("Der skete en fejl"),
            _(
                "Noget gik galt hos os. Intet er gemt. "
                "Prøv igen om lidt, eller kontakt sekretariatet."
            ),
        )


def _deliver_now(app):
    """Development: send what the request queued. The change is committed already, so a mail
    problem is logged, never shown as an error: the outbox worker retries."""
    from .services import mail

    try:
        mail.deliver_due()
    except Exception:
        db.session.rollback()
        app.logger.exception("sending mail at once failed; the outbox keeps it")


def _try_again(limit):
    """When the visitor may try again, as the limit they met says: its window's end, which can
    be an hour away ("Vent et par minutter" was not true of the booking limit)."""
    if limit is None:
        return _("Du har prøvet for mange gange på kort tid. Vent lidt, og prøv igen.")
    again = datetime.fromtimestamp(limit.reset_at, UTC)
    if again - clock.now() > timedelta(hours=12):
        when = i18n.date_and_time(again)
    else:
        when = _("kl. %(time)s", time=i18n.short_time(again))
    return _("Du har prøvet for mange gange på kort tid. Du kan prøve igen %(when)s.", when=when)


def _register_transaction_edge(app):
    """The request commits once, at the edge; services only flush (as Indico does)."""

    @app.after_request
    def commit_or_roll_back(response):
        if response.status_code < 400:
            db.session.commit()
            if app.config["MAIL_SEND_SYNC"] and db.session.info.pop("outbox_dirty", False):
                _deliver_now(app)
        else:
            db.session.rollback()
            db.session.info.pop("outbox_dirty", None)
        return response

    @app.teardown_request
    def roll_back_on_error(error):
        if error is not None:
            db.session.rollback()

    @app.shell_context_processor
    def shell_context():
        from . import models

        return {"db": db, "models": models, "request": request}
