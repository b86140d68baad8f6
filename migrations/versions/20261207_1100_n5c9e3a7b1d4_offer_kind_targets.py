"""Targets for any offer kind: an offer kind the action plan's metrics do not name (one an admin
added, such as Kompetenceudvikling) gets a year's target for events held and for participants
(offer_kind_targets; NULL means no target)

Revision ID: n5c9e3a7b1d4
Revises: f9ec0b4df93b
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "n5c9e3a7b1d4"
down_revision = "f9ec0b4df93b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offer_kind_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("offer_kind_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "held >= 0 AND participants >= 0", name=op.f("ck_offer_kind_targets_not_negative")
        ),
        sa.CheckConstraint(
            "year >= 2000 AND year <= 2100", name=op.f("ck_offer_kind_targets_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["offer_kind_id"],
            ["offer_kinds.id"],
            name=op.f("fk_offer_kind_targets_offer_kind_id_offer_kinds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_kind_targets")),
        sa.UniqueConstraint("year", "offer_kind_id", name=op.f("uq_offer_kind_targets_year")),
    )


def downgrade():
    op.drop_table("offer_kind_targets")
