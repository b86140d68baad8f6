"""An admin may require sign-in at the identity provider per role (sign_in_rules: a row per
role an admin has set, no row means not required), and one admin account is kept as the way in
when the provider is down (users.break_glass, at most one)

Revision ID: k2e6a9c1d4f8
Revises: g7c3e9f1a2b5
Create Date: 2026-12-06 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "k2e6a9c1d4f8"
down_revision = "g7c3e9f1a2b5"
branch_labels = None
depends_on = None

ROLES = ("admin", "secretariat", "assignee")


def upgrade():
    op.create_table(
        "sign_in_rules",
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="sign_in_rule_role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("provider_only", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_sign_in_rules")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("break_glass", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index(
        "uq_users_one_break_glass",
        "users",
        ["break_glass"],
        unique=True,
        sqlite_where=sa.text("break_glass"),
        postgresql_where=sa.text("break_glass"),
    )


def downgrade():
    op.drop_index("uq_users_one_break_glass", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("break_glass")
    op.drop_table("sign_in_rules")
