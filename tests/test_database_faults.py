"""When PostgreSQL cannot be reached, a visitor gets a clear Danish 503 page, nothing is half
written, and the portal recovers by itself once the database is back, without a restart.

The database is cut off with a TCP proxy the test owns in front of the machine's PostgreSQL
(never by stopping the shared server)."""

import contextlib
import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.models import OutboxMessage, Request
from tests.browser_form import browser_form
from tests.factories import booking_answers


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; stop() refuses and cuts every connection.
    cut_when(b"...") cuts every connection, once, as soon as the app sends those bytes, before
    they reach the database: the connection is lost in the middle of a transaction."""

    def __init__(self, target):
        self.target = target
        self.port = None
        self.listener = None
        self.connections = []
        self._opened = []
        self._cut_on = None
        self._lock = threading.Lock()

    def cut_when(self, marker):
        self._cut_on = marker

    def _cut_connections(self):
        # shutdown() only: it wakes a pump blocked in recv() and fails its next send. Closing
        # here, under a pump's feet, would free the descriptor for the next accepted connection,
        # and a pump about to call recv() on the old number would read the new connection's
        # bytes. The sockets are closed by close(), once nothing uses them.
        # The list is swapped under the lock before the loop: the app answers 503 as soon as the
        # first socket is cut and the test's next request opens a new connection at once. Its
        # sockets, appended to a list this loop was still walking, were cut too (CI, PostgreSQL:
        # "GET /bestil answered 503" right after the mid-transaction cut).
        with self._lock:
            cut, self.connections = self.connections, []
        for connection in cut:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.stop()
        for connection in self._opened:
            connection.close()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(32)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not, and the
        # old socket would take one more connection.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._cut_connections()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self.connections += [client, upstream]
                self._opened += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                if self._cut_on is not None and self._cut_on in data:
                    self._cut_on = None
                    self._cut_connections()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


def _requests():
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Request))


def _receipts():
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def _book(client):
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    return form.fill(**booking_answers("talk")).submit("Send bestilling")


def _behind(app, proxy, tmp_path):
    """The portal on the test database, reached through `proxy`."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    cut_off = create_app(
        {
            "TESTING": True,
            "ENV_NAME": "development",
            "INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False
            ),
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SEND_SYNC": False,
            "MIN_FILL_SECONDS": 0,
            "CHECK_DB_ON_START": False,
        }
    )
    cut_off.test_client_class = app.test_client_class
    return cut_off


def _proxy(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    return proxy


@pytest.mark.postgres_only
def test_a_lost_database_gives_a_danish_503_stores_nothing_and_recovers_by_itself(app, tmp_path):
    proxy = _proxy(app)
    cut_off = _behind(app, proxy, tmp_path)
    client = cut_off.test_client()
    try:
        with cut_off.app_context():
            assert _book(client).status_code == 302
            form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
            form.fill(**booking_answers("talk", contact_email="b@example.org"))
        assert _requests() == 1

        proxy.stop()
        with cut_off.app_context():
            refused = form.submit("Send bestilling")
            start_page = client.get("/")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "60"
        text = refused.get_data(as_text=True)
        assert "Portalen er midlertidigt utilgængelig" in text
        assert "Intet af det, du sendte, er gemt" in text
        assert start_page.status_code == 503
        assert _requests() == 1  # nothing half-written

        proxy.start()  # the database is back: no restart of the portal
        with cut_off.app_context():
            assert client.get("/").status_code == 200
            assert _book(client).status_code == 302
        assert _requests() == 2

        # Lost in the middle of a booking: the request row is written, the receipt is not.
        form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
        form.fill(**booking_answers("talk", contact_email="c@example.org"))
        proxy.cut_when(b"INSERT INTO outbox_messages")
        midway = form.submit("Send bestilling")
        assert midway.status_code == 503
        assert "Intet af det, du sendte, er gemt" in midway.get_data(as_text=True)
        assert _requests() == 2  # the transaction never committed: no request without receipt
        assert _receipts() == 2
        with cut_off.app_context():
            assert _book(client).status_code == 302  # and the next one goes through
        assert (_requests(), _receipts()) == (3, 3)
    finally:
        with cut_off.app_context():
            db.engine.dispose()
        proxy.close()


def test_a_database_that_cannot_be_opened_gives_the_danish_503_page_on_any_database(tmp_path):
    unreachable = create_app(
        {
            "TESTING": True,
            "ENV_NAME": "development",
            "INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no' / 'such.db'}",
            "RATELIMIT_STORAGE_URI": "memory://",
            "CHECK_DB_ON_START": False,
        }
    )
    response = unreachable.test_client().get("/")
    assert response.status_code == 503
    assert "Portalen er midlertidigt utilgængelig" in response.get_data(as_text=True)
    with unreachable.app_context():
        db.engine.dispose()


@pytest.mark.postgres_only
def test_a_connection_that_died_while_idle_is_replaced_before_a_visitor_meets_it(
    app, tmp_path, monkeypatch
):
    """A pooled connection idle for portal.IDLE_PING_SECONDS is pinged before use: one the
    database dropped meanwhile (a restart, a firewall) is replaced, and the visitor gets the
    page. One used a moment ago is not pinged (every checkout pinged cost a round trip or two
    per page): lost under load, it fails its own request (the 503), and the next one works."""
    import portal

    proxy = _proxy(app)
    cut_off = _behind(app, proxy, tmp_path)
    client = cut_off.test_client()
    try:
        with cut_off.app_context():
            assert client.get("/").status_code == 200
        proxy.stop()
        proxy.start()  # back at once: the pooled connection is dead, the database is not
        with cut_off.app_context():
            assert client.get("/").status_code == 503  # used a moment ago: not pinged
            assert client.get("/").status_code == 200  # the pool has replaced it

        # The health check meets a dead connection the same way: a 503 that says so (its
        # rollback at the edge must not touch the dead connection: it once made this a 500).
        proxy.stop()
        proxy.start()
        with cut_off.app_context():
            health = client.get("/healthz?check=database")
            assert (health.status_code, health.is_json) == (503, True)
            assert client.get("/healthz?check=database").status_code == 200

        proxy.stop()
        proxy.start()
        monkeypatch.setattr(portal, "IDLE_PING_SECONDS", 0)  # every connection counts as idle
        with cut_off.app_context():
            assert client.get("/").status_code == 200
    finally:
        with cut_off.app_context():
            db.engine.dispose()
        proxy.close()
