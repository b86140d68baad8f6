"""The schema: migrations match the models, seeds are there, constraints hold on both databases."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import Assignment, Attendance, OfferKind, Request, StaffingNeed, Target
from portal.models.enums import AssignmentStatus, Metric, SeatRole


def test_migrations_create_exactly_the_models_schema():
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_offer_kinds_and_their_staffing_needs_are_seeded_as_rows():
    needs = {
        (need.offer_kind.code, need.seat_role, need.count)
        for need in db.session.scalars(sa.select(StaffingNeed))
    }
    assert needs == {
        ("talk", SeatRole.RESOURCE_PERSON, 1),
        ("dialogue", SeatRole.AMBASSADOR, 2),
        ("advisory", SeatRole.RESOURCE_PERSON, 1),
        ("competence", SeatRole.RESOURCE_PERSON, 1),
    }
    advisory = db.session.scalar(sa.select(OfferKind).where(OfferKind.code == "advisory"))
    assert advisory.max_sessions > 1
    # Competence development for the municipality's staff waits, hidden, for an admin to show it.
    competence = db.session.scalar(sa.select(OfferKind).where(OfferKind.code == "competence"))
    assert (competence.name_da, competence.active) == ("Kompetenceudvikling", False)


def test_targets_are_seeded_with_the_2014_values():
    targets = {t.metric: t.value for t in db.session.scalars(sa.select(Target))}
    assert targets[Metric.TALKS_HELD] == 10
    assert targets[Metric.TALK_PARTICIPANTS] == 150
    assert targets[Metric.ADVISORY_COURSES] == 3
    assert targets[Metric.DIALOGUES_HELD] == 10
    assert targets[Metric.DIALOGUE_STUDENTS] == 200
    assert targets[Metric.MENTOR_COURSES] == 4
    assert targets[Metric.PARENT_COACHING_COURSES] == 3


def test_attendance_refuses_negative_counts(make_event):
    event = make_event()
    db.session.add(Attendance(event=event, students=-1))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_seat_cannot_have_two_accepted_assignments(make_event, make_person):
    event = make_event()
    for person in (make_person(), make_person()):
        db.session.add(
            Assignment(
                event=event,
                person=person,
                seat_role=SeatRole.RESOURCE_PERSON,
                seat_number=1,
                status=AssignmentStatus.ACCEPTED,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_declined_assignments_may_share_a_seat(make_event, make_person):
    event = make_event()
    for person in (make_person(), make_person()):
        db.session.add(
            Assignment(
                event=event,
                person=person,
                seat_role=SeatRole.RESOURCE_PERSON,
                seat_number=1,
                status=AssignmentStatus.DECLINED,
            )
        )
    db.session.commit()
    assert len(event.assignments) == 2


def test_an_unknown_status_is_refused_by_the_database(make_event):
    event = make_event()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text("UPDATE events SET status = 'exploded' WHERE id = :id"), {"id": event.id}
        )
    db.session.rollback()


def test_request_participants_must_be_between_1_and_500():
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO requests (offer_kind_id, organisation_id, contact_id, audience, "
                "grade, expected_participants, place, online, language, accessibility_needs, "
                "notes, status, tracking_token, decline_note, withdraw_note, locale, "
                "submitted_at, updated_at) VALUES (1, 1, 1, 'staff', '', 0, '', false, 'da', "
                "'', '', 'submitted', 'x', '', '', 'da', :now, :now)"
            ),
            {"now": datetime.now(UTC)},
        )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Request)) == 0


def test_event_version_counts_updates_and_refuses_a_stale_write(app, make_event):
    event = make_event()
    assert event.version == 1
    event.place = "Et andet sted"
    db.session.commit()
    assert event.version == 2

    # A second user, in another session, saves over a version that is no longer current.
    other = sa.orm.Session(bind=db.engine)
    try:
        stale = other.get(type(event), event.id)
        event.place = "Tredje sted"
        db.session.commit()
        stale.place = "Gammel version"
        with pytest.raises(StaleDataError):
            other.commit()
    finally:
        other.close()


def test_timestamps_come_back_aware_in_utc(make_event):
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    event = make_event(starts_at=start)
    db.session.expire_all()
    assert event.starts_at == start
    assert event.starts_at.tzinfo is not None


def test_a_naive_timestamp_is_refused(make_event):
    with pytest.raises(sa.exc.StatementError):
        make_event(starts_at=datetime(2026, 5, 1, 10, 0))
    db.session.rollback()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_foreign_keys_are_enforced(make_event):
    event = make_event()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text("UPDATE events SET offer_kind_id = 9999 WHERE id = :id"), {"id": event.id}
        )
    db.session.rollback()


def test_event_end_must_follow_its_start(make_event):
    with pytest.raises(sa.exc.IntegrityError):
        make_event(minutes=-30)
    db.session.rollback()


def test_a_support_course_has_no_column_that_could_identify_a_citizen():
    """Anonymous by construction: kind, dates, district, when it was typed in. Nothing else."""
    import sqlalchemy as sa

    from portal.extensions import db as database

    columns = {c["name"] for c in sa.inspect(database.engine).get_columns("support_courses")}
    assert columns == {"id", "kind_id", "started_on", "ended_on", "district_id", "created_at"}


def test_each_migration_keeps_every_row_the_earlier_ones_left(tmp_path):
    """Upgraded one revision at a time on SQLite, no table loses a row: a table rebuilt by
    batch mode there drops its old copy, which cascades to every row that refers to it."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    url = f"sqlite:///{tmp_path / 'steps.sqlite3'}"
    steps = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": str(tmp_path),
            "ENV_NAME": "development",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,  # the suite's loggers stay as they are (no alembic.ini logging)
            "LOG_JSON": False,
        }
    )
    with steps.app_context():
        config = steps.extensions["migrate"].migrate.get_config()
        revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
        rows = {}
        for revision in reversed(revisions):
            upgrade(revision=revision)
            with db.engine.connect() as connection:
                for table in sa.inspect(connection).get_table_names():
                    count = connection.execute(
                        sa.text(f"SELECT count(*) FROM {table}")  # noqa: S608 (the schema's names)
                    ).scalar()
                    assert count >= rows.get(table, 0), f"{revision} emptied {table}"
                    rows[table] = count
        assert rows["staffing_needs"] == 4  # talk, dialogue, advisory, competence
        # And back one step and up again: a downgrade must not empty a table either.
        downgrade(revision="-1")
        upgrade()
        with db.engine.connect() as connection:
            for table, count in rows.items():
                again = connection.execute(
                    sa.text(f"SELECT count(*) FROM {table}")  # noqa: S608 (the schema's names)
                ).scalar()
                assert again >= count, f"the last downgrade emptied {table}"
        db.engine.dispose()


def test_rebuilding_requests_and_offer_kinds_on_sqlite_keeps_every_row_that_refers_to_them(
    tmp_path,
):
    """The counsel migration rebuilds `requests` and `offer_kinds` on SQLite. With a request,
    its wished dates and its event in the database, going down and up again loses no row,
    leaves every foreign key whole, and the new status and booking form are accepted."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    steps = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rebuild.sqlite3'}",
            "INSTANCE_DIR": str(tmp_path),
            "ENV_NAME": "development",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            "LOG_JSON": False,
        }
    )
    inserts = [
        "INSERT INTO organisations (id, name, name_key, kind, created_at) "
        "VALUES (1, 'Husum Skole', 'husum skole', 'school', '2026-01-01')",
        "INSERT INTO contacts (id, name, email, phone) VALUES (1, 'A', 'a@example.org', '')",
        "INSERT INTO requests (id, offer_kind_id, organisation_id, contact_id, audience, grade, "
        "expected_participants, place, online, language, accessibility_needs, notes, status, "
        "tracking_token, decline_note, withdraw_note, locale, submitted_at, updated_at) "
        "SELECT 1, id, 1, 1, 'students', '8. klasse', 24, 'Her', 0, 'da', '', '', 'planned', "
        "'token', '', '', 'da', '2026-01-01', '2026-01-01' FROM offer_kinds "
        "WHERE code = 'dialogue'",
        "INSERT INTO date_proposals (id, request_id, source, note, created_at) "
        "VALUES (1, 1, 'requester', '', '2026-01-01')",
        "INSERT INTO proposed_dates (proposal_id, starts_on, ends_on, time_note) "
        "VALUES (1, '2026-02-01', '2026-02-01', '')",
        "INSERT INTO events (offer_kind_id, request_id, title, starts_at, ends_at, place, "
        "online, status, cancel_note, created_at, version) SELECT offer_kind_id, 1, '', "
        "'2026-02-01 09:00', '2026-02-01 10:30', 'Her', 0, 'planned', '', '2026-01-01', 1 "
        "FROM requests WHERE id = 1",
    ]

    def counts(connection):
        tables = sa.inspect(connection).get_table_names()
        return {
            table: connection.execute(
                sa.text(f"SELECT count(*) FROM {table}")  # noqa: S608 (the schema's names)
            ).scalar()
            for table in tables
            if table != "alembic_version"
        }

    with steps.app_context():
        upgrade(revision="e5a1b8c3d7f2")
        with db.engine.begin() as connection:
            for statement in inserts:
                connection.execute(sa.text(statement))
            before = counts(connection)
        upgrade()
        downgrade(revision="-1")
        upgrade()
        with db.engine.begin() as connection:
            after = counts(connection)
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            connection.execute(sa.text("UPDATE requests SET status = 'counselled'"))
            with pytest.raises(sa.exc.IntegrityError):
                connection.execute(sa.text("UPDATE requests SET status = 'bogus'"))
        db.engine.dispose()
    # The seeded offer kinds (concern; competence with its one seat) are the rows more; tables
    # later migrations add start empty, but for the evaluation questions.
    assert {table: after[table] for table in before} == {
        **before,
        "offer_kinds": before["offer_kinds"] + 2,
        "staffing_needs": before["staffing_needs"] + 1,
    }
    # The evaluation questions are seeded too: the shipped ones for every offer kind.
    new_tables = after.keys() - before.keys()
    assert after["evaluation_questions"] == after["offer_kinds"] * 8
    assert {table: after[table] for table in new_tables - {"evaluation_questions"}} == (
        dict.fromkeys(new_tables - {"evaluation_questions"}, 0)
    )


@pytest.mark.postgres_only
def test_postgresql_connections_run_without_jit_after_a_rollback_too():
    # JIT compiling a short query cost 125 ms (portal/__init__.py, _postgresql_settings).
    assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
    db.session.rollback()
    assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"


def test_the_sealing_migration_seals_the_secrets_stored_in_clear_and_its_downgrade_opens_them(
    tmp_path,
):
    """Secrets stored before k2e6b9d4f1a8 were base32 in clear: upgraded, the column holds a
    token the app opens to the same secret; downgraded, the clear secret again."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app, secret_box

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'seal.sqlite3'}",
            "INSTANCE_DIR": str(tmp_path),
            "ENV_NAME": "development",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            "LOG_JSON": False,
        }
    )
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with app.app_context():
        upgrade(revision="g7c3e9f1a2b5")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, name, password_hash, role, active, "
                    "session_version, created_at, totp_secret) VALUES ('a@example.org', 'A', "
                    "'x', 'assignee', 1, 1, '2026-12-01 10:00:00+00:00', :secret)"
                ),
                {"secret": secret},
            )

        def stored():
            with db.engine.connect() as connection:
                return connection.execute(sa.text("SELECT totp_secret FROM users")).scalar()

        upgrade(revision="k2e6b9d4f1a8")
        sealed = stored()
        assert secret not in sealed
        assert secret_box.open_sealed(app.config, sealed) == secret
        downgrade(revision="g7c3e9f1a2b5")
        assert stored() == secret
        db.engine.dispose()


def test_who_cancelled_an_event_is_filled_in_from_the_audit_log_or_the_note_else_left_empty(
    tmp_path,
):
    """The migration that adds events.cancelled_by tells from the audit log's "event.cancelled"
    entry, else from a note (only the secretariat writes one); what neither tells stays NULL."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    steps = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cancelled_by.sqlite3'}",
            "INSTANCE_DIR": str(tmp_path),
            "ENV_NAME": "development",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            "LOG_JSON": False,
        }
    )
    # id: (status, note, the audit entry's actor label or None for no entry)
    events = {
        1: ("cancelled", "", "requester"),
        2: ("cancelled", "", "staff@example.org"),
        3: ("cancelled", "Skolen er lukket", None),
        4: ("cancelled", "", None),
        5: ("planned", "", None),
    }
    with steps.app_context():
        upgrade(revision="g7c3e9f1a2b5")
        with db.engine.begin() as connection:
            for event_id, (status, note, actor) in events.items():
                connection.execute(
                    sa.text(
                        "INSERT INTO events (id, offer_kind_id, title, starts_at, ends_at, place, "
                        "online, practical_info, meeting_url, status, cancel_note, created_at, "
                        "version) SELECT :id, id, '', '2026-02-01 09:00', '2026-02-01 10:30', "
                        "'Her', 0, '', '', :status, :note, '2026-01-01', 1 FROM offer_kinds "
                        "WHERE code = 'talk'"
                    ),
                    {"id": event_id, "status": status, "note": note},
                )
                if actor is not None:
                    connection.execute(
                        sa.text(
                            "INSERT INTO audit_entries (at, actor_label, action, object_type, "
                            "object_id) VALUES ('2026-01-02', :actor, 'event.cancelled', "
                            "'events', :id)"
                        ),
                        {"id": event_id, "actor": actor},
                    )
        upgrade()
        with db.engine.begin() as connection:
            found = dict(connection.execute(sa.text("SELECT id, cancelled_by FROM events")).all())
            with pytest.raises(sa.exc.IntegrityError):
                connection.execute(sa.text("UPDATE events SET cancelled_by = 'bogus'"))
        downgrade(revision="-1")
        upgrade()
        db.engine.dispose()
    assert found == {1: "requester", 2: "secretariat", 3: "secretariat", 4: None, 5: None}


def test_the_seeded_competence_kind_survives_a_downgrade_in_use_and_is_not_seeded_twice(tmp_path):
    """Downgraded while something refers to Kompetenceudvikling, the kind stays; upgraded
    again, it is not inserted a second time (the code is unique), nor its seat."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    steps = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'competence.sqlite3'}",
            "INSTANCE_DIR": str(tmp_path),
            "ENV_NAME": "development",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            "LOG_JSON": False,
        }
    )
    with steps.app_context():
        upgrade(revision="m4b8d2f6a9c3")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO event_fees (budget_line_id, offer_kind_id, fee_ore) "
                    "SELECT b.id, k.id, 100 FROM budget_lines b, offer_kinds k "
                    "WHERE k.code = 'competence' AND b.year = 2014 LIMIT 1"
                )
            )
        downgrade(revision="i2d6f9a3c8e1")
        upgrade()
        with db.engine.connect() as connection:
            kinds = connection.execute(
                sa.text("SELECT count(*) FROM offer_kinds WHERE code = 'competence'")
            ).scalar()
            seats = connection.execute(
                sa.text(
                    "SELECT count(*) FROM staffing_needs s JOIN offer_kinds k "
                    "ON k.id = s.offer_kind_id WHERE k.code = 'competence'"
                )
            ).scalar()
        db.engine.dispose()
    assert (kinds, seats) == (1, 1)
