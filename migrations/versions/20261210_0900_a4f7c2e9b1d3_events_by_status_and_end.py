"""Events by status and end (ix_events_status_ends_at): the overview's and the event list's
events awaiting attendance, planned ones that have ended, are found by a range of the index
instead of every event of the status

Revision ID: a4f7c2e9b1d3
Revises: e3b8d2f4a6c1
Create Date: 2026-12-10 09:00:00
"""

from alembic import op

revision = "a4f7c2e9b1d3"
down_revision = "e3b8d2f4a6c1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_events_status_ends_at", "events", ["status", "ends_at"])


def downgrade():
    op.drop_index("ix_events_status_ends_at", table_name="events")
