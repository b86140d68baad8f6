"""Requesters change their bookings: the most participants an offer kind's event takes, and when
a requester last changed a booking that was already planned (for the secretariat to see)

Revision ID: f5b1d8e2a4c7
Revises: e3a9c4f7b1d6
Create Date: 2026-12-06 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f5b1d8e2a4c7"
down_revision = "e3a9c4f7b1d6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offer_kinds") as batch:
        batch.add_column(sa.Column("max_participants", sa.Integer(), nullable=True))
    with op.batch_alter_table("requests") as batch:
        batch.add_column(
            sa.Column("changed_by_requester_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_index("ix_requests_changed_by_requester_at", ["changed_by_requester_at"])


def downgrade():
    with op.batch_alter_table("requests") as batch:
        batch.drop_index("ix_requests_changed_by_requester_at")
        batch.drop_column("changed_by_requester_at")
    with op.batch_alter_table("offer_kinds") as batch:
        batch.drop_column("max_participants")
