"""Direkte booking: an offer kind can let requesters take a free time (instant_booking, the
window from instant_opens_days to instant_reach_days ahead, and the hours its seats have to be
filled); a request remembers it was booked so (booked_instantly), and its event is tentative
until every seat has said yes, with the time by which they should have (staff_by); and an index
that answers who has a weekly window holding a weekday's hours

Revision ID: d7a1c4e2f805
Revises: 6b146fb01d92
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d7a1c4e2f805"
down_revision = "6b146fb01d92"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offer_kinds") as batch:
        batch.add_column(
            sa.Column("instant_booking", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("instant_opens_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch.add_column(
            sa.Column("instant_reach_days", sa.Integer(), nullable=False, server_default="35")
        )
        batch.add_column(
            sa.Column("instant_deadline_hours", sa.Integer(), nullable=False, server_default="72")
        )
        batch.create_check_constraint(
            "instant_window",
            "instant_opens_days >= 1 AND instant_reach_days > instant_opens_days "
            "AND instant_reach_days <= 180",
        )
        batch.create_check_constraint("instant_deadline_positive", "instant_deadline_hours > 0")
    with op.batch_alter_table("requests") as batch:
        batch.add_column(
            sa.Column("booked_instantly", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("tentative", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("staff_by", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_events_staff_by"), ["staff_by"], unique=False)
    # Who has a weekly window holding a weekday's hours, read from the index alone.
    op.create_index(
        "ix_availability_rules_window",
        "availability_rules",
        ["weekday", "starts_at", "ends_at", "person_id"],
    )


def downgrade():
    op.drop_index("ix_availability_rules_window", table_name="availability_rules")
    with op.batch_alter_table("events") as batch:
        batch.drop_index(batch.f("ix_events_staff_by"))
        batch.drop_column("staff_by")
        batch.drop_column("tentative")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("booked_instantly")
    with op.batch_alter_table("offer_kinds") as batch:
        batch.drop_constraint("instant_deadline_positive", type_="check")
        batch.drop_constraint("instant_window", type_="check")
        batch.drop_column("instant_deadline_hours")
        batch.drop_column("instant_reach_days")
        batch.drop_column("instant_opens_days")
        batch.drop_column("instant_booking")
