"""A cancelled event replaced by a new one keeps the request it was for (events.former_request_id)

Revision ID: e3a9c4f7b1d6
Revises: d2f8b3e6a9c5
Create Date: 2026-12-06 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e3a9c4f7b1d6"
down_revision = "d2f8b3e6a9c5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("former_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_events_former_request_id_requests", "requests", ["former_request_id"], ["id"]
        )
        batch.create_index("ix_events_former_request_id", ["former_request_id"])


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_former_request_id")
        batch.drop_constraint("fk_events_former_request_id_requests", type_="foreignkey")
        batch.drop_column("former_request_id")
