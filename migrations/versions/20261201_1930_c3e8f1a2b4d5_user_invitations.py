"""Users are invited by the admin: a secret for the single-use link that sets a password, and
when the password was set (never, for an invitation not yet taken up).

Revision ID: c3e8f1a2b4d5
Revises: b7d4c2e9a310
Create Date: 2026-12-01 19:30
"""

import sqlalchemy as sa
from alembic import op

revision = "c3e8f1a2b4d5"
down_revision = "b7d4c2e9a310"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_password_token"), ["password_token"])
    # Everyone who exists already chose a password when they were created.
    op.execute("UPDATE users SET password_set_at = created_at")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_password_token"), type_="unique")
        batch.drop_column("password_set_at")
        batch.drop_column("password_token")
