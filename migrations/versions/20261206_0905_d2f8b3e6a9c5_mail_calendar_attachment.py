"""A queued mail may carry a calendar invitation (iCalendar text, METHOD:REQUEST or CANCEL),
sent as its text/calendar part; NULL for a mail without one.

Revision ID: d2f8b3e6a9c5
Revises: c1e7a2d5f8b4
Create Date: 2026-12-06 09:05
"""

import sqlalchemy as sa
from alembic import op

revision = "d2f8b3e6a9c5"
down_revision = "c1e7a2d5f8b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("calendar_ics", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("calendar_ics")
