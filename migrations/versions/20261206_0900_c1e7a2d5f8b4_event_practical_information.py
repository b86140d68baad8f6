"""Practical information and a meeting link on an event, and the meeting link a requester may
suggest when booking online (copied into the event at scheduling). Empty string means none.

Revision ID: c1e7a2d5f8b4
Revises: b8d4f1a6c9e3
Create Date: 2026-12-06 09:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1e7a2d5f8b4"
down_revision = "b8d4f1a6c9e3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("practical_info", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("meeting_url", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(
            sa.Column("meeting_url", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("meeting_url")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("meeting_url")
        batch.drop_column("practical_info")
