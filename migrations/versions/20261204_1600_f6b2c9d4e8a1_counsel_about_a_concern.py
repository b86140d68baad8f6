"""Counsel about a concern (Sparring om en bekymring): a third kind of booking form, the request
status "counselled", what a concern is about, and the seeded offer kind.

Revision ID: f6b2c9d4e8a1
Revises: e5a1b8c3d7f2
Create Date: 2026-12-04 16:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "f6b2c9d4e8a1"
down_revision = "e5a1b8c3d7f2"
branch_labels = None
depends_on = None

REQUEST_STATUSES = ("submitted", "planning", "planned", "declined", "withdrawn")
BOOKING_FORMS = ("class", "adults")
NEW_COLUMNS = {
    "concern_kind": (
        "VARCHAR(10)",
        ("religious", "right_wing", "left_wing", "online", "conflict", "unsure"),
    ),
    "administration": ("VARCHAR(5)", ("buf", "sof", "kff", "bif", "suf", "tmf", "okf", "other")),
    "callback_time": ("VARCHAR(9)", ("morning", "afternoon", "any")),
}


def upgrade():
    for column, (sql_type, values) in NEW_COLUMNS.items():
        op.execute(
            f"ALTER TABLE requests ADD COLUMN {column} {sql_type} "
            f"CONSTRAINT ck_requests_{column} CHECK ({column} IN ({_quoted(values)}))"
        )
    op.execute("ALTER TABLE requests ADD COLUMN counselled_on DATE")
    _change_check("requests", "status", "request_status", (*REQUEST_STATUSES, "counselled"), 10)
    _change_check("offer_kinds", "booking_form", "booking_form", (*BOOKING_FORMS, "concern"), 7)
    op.execute(
        sa.text(
            "INSERT INTO offer_kinds (code, name_da, name_en, description_da, description_en, "
            "booking_form, online_allowed, offer_deadline_hours, auto_chain, auto_accept_claims, "
            "default_duration_minutes, max_sessions, sort_order, active) VALUES (:code, "
            ":name_da, :name_en, :description_da, :description_en, 'concern', false, 72, false, "
            "false, 30, 1, 4, true)"
        ).bindparams(
            code="concern",
            name_da="Sparring om en bekymring",
            name_en="Counsel about a concern",
            description_da="Er du medarbejder i kommunen og bekymret for, om en borger er ved at "
            "blive radikaliseret? Bed om at blive ringet op, så taler vi bekymringen igennem. "
            "Vi ringer senest to hverdage efter.",
            description_en="Do you work for the municipality and worry that a citizen may be "
            "drawn towards extremism? Ask us to call you, and we talk the concern through. We "
            "call within two working days.",
        )
    )


def downgrade():
    # Counsel given stays a closed request; a concern kind becomes a plain adults' form.
    op.execute("UPDATE requests SET status = 'declined' WHERE status = 'counselled'")
    op.execute(
        "DELETE FROM offer_kinds WHERE code = 'concern' AND NOT EXISTS "
        "(SELECT 1 FROM requests WHERE requests.offer_kind_id = offer_kinds.id)"
    )
    op.execute("UPDATE offer_kinds SET booking_form = 'adults' WHERE booking_form = 'concern'")
    _change_check("offer_kinds", "booking_form", "booking_form", BOOKING_FORMS, 6)
    _change_check("requests", "status", "request_status", REQUEST_STATUSES, 9)
    op.execute("ALTER TABLE requests DROP COLUMN counselled_on")
    for column in reversed(NEW_COLUMNS):
        op.execute(f"ALTER TABLE requests DROP COLUMN {column}")


def _quoted(values):
    return ", ".join(f"'{value}'" for value in values)


def _change_check(table, column, name, values, length):
    """Let `column` of `table` hold exactly `values`: its CHECK constraint ck_<table>_<name>
    rewritten, and on PostgreSQL its VARCHAR widened or narrowed to `length`."""
    constraint = f"ck_{table}_{name}"
    check = f"{column} IN ({_quoted(values)})"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length})")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} CHECK ({check})")
        return
    _sqlite_rebuild(table, column, length, constraint, check)


def _sqlite_rebuild(table, column, length, constraint, check):
    """SQLite cannot alter a constraint: the table is made anew from its own CREATE statement
    with the one CHECK and the column's length rewritten, its rows copied, and its indexes made again (SQLite's
    documented twelve steps). migrations/env.py turns foreign keys off for the migration, so
    dropping the old table cascades to nothing, and checks every foreign key afterwards."""
    bind = op.get_bind()
    assert bind.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0, "foreign keys are on"
    (create,) = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).one()
    indexes = (
        bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        )
        .scalars()
        .all()
    )
    pattern = rf"CONSTRAINT {constraint} CHECK \((?:[^()]|\([^()]*\))*\)"
    rewritten, found = re.subn(pattern, f"CONSTRAINT {constraint} CHECK ({check})", create)
    assert found == 1, f"{constraint} not found in {table}'s definition"
    rewritten, found = re.subn(
        rf"(\b{column}\b\"? )VARCHAR\(\d+\)", rf"\g<1>VARCHAR({length})", rewritten
    )
    assert found == 1, f"{column} not found in {table}'s definition"
    new_table = f"{table}_rebuilt"
    bind.exec_driver_sql(
        re.sub(rf"^CREATE TABLE \"?{table}\"?", f"CREATE TABLE {new_table}", rewritten)
    )
    bind.exec_driver_sql(f"INSERT INTO {new_table} SELECT * FROM {table}")  # noqa: S608
    bind.exec_driver_sql(f"DROP TABLE {table}")
    bind.exec_driver_sql(f"ALTER TABLE {new_table} RENAME TO {table}")
    for index in indexes:
        bind.exec_driver_sql(index)
