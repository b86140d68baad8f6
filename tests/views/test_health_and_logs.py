"""/healthz for monitoring, and one structured line per request for operations."""

import json
import logging
from datetime import timedelta

from portal import clock, create_app
from portal.extensions import db
from portal.logs import JsonFormatter
from portal.models.enums import Role
from portal.services.mail import outbox


def test_health_is_ok_with_one_query_and_nothing_personal(client, count_queries):
    outbox.queue_email(to="anne@example.org", subject="Hej", body="x", kind="t")
    db.session.commit()
    with count_queries() as counted:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert 0 <= body["oldest_unsent_mail_seconds"] < 60
    assert "anne" not in response.get_data(as_text=True)
    assert counted.count == 1


def test_health_is_503_when_mail_has_waited_too_long(app, client):
    message = outbox.queue_email(to="a@example.org", subject="Hej", body="x", kind="t")
    limit = app.config["HEALTH_MAX_OUTBOX_AGE_MINUTES"]
    message.created_at = clock.now() - timedelta(minutes=limit + 1)
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["oldest_unsent_mail_seconds"] >= limit * 60


def test_health_is_503_when_the_database_cannot_be_reached(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "ENV_NAME": "development",
            "INSTANCE_DIR": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}",
            "CHECK_DB_ON_START": False,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    with app.app_context():
        db.engine.dispose()


def test_every_request_is_one_structured_line_with_its_id_and_no_secret(as_role, caplog):
    client = as_role(Role.SECRETARIAT)
    caplog.set_level(logging.INFO, logger="portal.access")
    caplog.clear()
    response = client.get("/sekretariat/")
    client.get("/svar/SECRETSIGNED.abc")
    lines = [r for r in caplog.records if r.name == "portal.access"]
    assert len(lines) == 2
    first = json.loads(JsonFormatter().format(lines[0]))
    assert first["request_id"] == response.headers["X-Request-Id"]
    assert first["method"] == "GET"
    assert first["path"] == "/sekretariat/"
    assert first["status"] == 200
    assert first["user_id"] is not None
    assert first["duration_ms"] >= 0
    second = json.loads(JsonFormatter().format(lines[1]))
    assert second["path"] == "/svar/<redacted>"
    assert "SECRET" not in caplog.text


def test_a_load_balancer_asking_for_the_database_only_ignores_late_mail(app, client):
    message = outbox.queue_email(to="a@example.org", subject="Hej", body="x", kind="t")
    limit = app.config["HEALTH_MAX_OUTBOX_AGE_MINUTES"]
    message.created_at = clock.now() - timedelta(minutes=limit + 1)
    db.session.commit()
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz?check=database")
    assert response.status_code == 200
    assert response.get_json()["oldest_unsent_mail_seconds"] >= limit * 60
