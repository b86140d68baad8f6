"""An ambassador's experience set by hand: None means by the count of dialogues held.

Revision ID: d4f9a7b1c2e3
Revises: c3e8f1a2b4d5
Create Date: 2026-12-01 20:10
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f9a7b1c2e3"
down_revision = "c3e8f1a2b4d5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("experienced_override", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("experienced_override")
