"""SSP's use of VINK per local SSP committee: the committees an admin keeps (ssp_committees), and
the one an SSP organisation belongs to (organisations.ssp_committee_id)

No committees are seeded: the admin keeps the list (the demo data has Copenhagen's). Existing
SSP organisations have none until a requester from them names it.

Revision ID: f9ec0b4df93b
Revises: m4b8d2f6a9c3
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f9ec0b4df93b"
down_revision = "m4b8d2f6a9c3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ssp_committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_da", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ssp_committees")),
        sa.UniqueConstraint("name_da", name=op.f("uq_ssp_committees_name_da")),
    )
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("ssp_committee_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_organisations_ssp_committee_id_ssp_committees"),
            "ssp_committees",
            ["ssp_committee_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint(
            batch.f("fk_organisations_ssp_committee_id_ssp_committees"), type_="foreignkey"
        )
        batch.drop_column("ssp_committee_id")
    op.drop_table("ssp_committees")
