"""Indexes for scale (measured at 100x demo data):

- event sessions by their end: who is busy at a time looks for the sessions ending after it,
  the few in the future, instead of every session that started before it;
- no index on an assignment's status alone: five values over every assignment ever made, and
  SQLite, which keeps no statistics, chose it over event_id and walked every accepted
  assignment to count one event's seats (1.3 ms instead of 0.03 ms per list of events).

Revision ID: a7c3e5f9b2d4
Revises: f6b2c9d4e8a1
Create Date: 2026-12-04 19:10
"""

from alembic import op

revision = "a7c3e5f9b2d4"
down_revision = "f6b2c9d4e8a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_sessions_ends_at", "event_sessions", ["ends_at"])
    op.drop_index("ix_assignments_status", table_name="assignments")


def downgrade():
    op.create_index("ix_assignments_status", "assignments", ["status"])
    op.drop_index("ix_event_sessions_ends_at", table_name="event_sessions")
