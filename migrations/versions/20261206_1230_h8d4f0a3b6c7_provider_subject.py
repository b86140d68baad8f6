"""Staff sign in through the municipality's identity provider: the provider's subject a user
is linked to at the first sign-in (issuer and subject, so two providers never collide)

Revision ID: h8d4f0a3b6c7
Revises: f5b1d8e2a4c7
Create Date: 2026-12-06 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "h8d4f0a3b6c7"
down_revision = "f5b1d8e2a4c7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("provider_subject", sa.String(length=512), nullable=True))
        batch.create_unique_constraint("uq_users_provider_subject", ["provider_subject"])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_provider_subject", type_="unique")
        batch.drop_column("provider_subject")
