"""What the booking form asks of an offer kind, so the admin can add kinds without code.

Revision ID: e5a1b8c3d7f2
Revises: d4f9a7b1c2e3
Create Date: 2026-12-01 23:00
"""

from alembic import op

revision = "e5a1b8c3d7f2"
down_revision = "d4f9a7b1c2e3"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, on both databases: batch mode would rebuild the table on SQLite, and
    # dropping the old one there cascades to every staffing need.
    op.execute(
        "ALTER TABLE offer_kinds ADD COLUMN booking_form VARCHAR(6) DEFAULT 'adults' NOT NULL "
        "CONSTRAINT ck_offer_kinds_booking_form CHECK (booking_form IN ('class', 'adults'))"
    )
    # The dialogue was the one offer for a class (its code decided that until now).
    op.execute("UPDATE offer_kinds SET booking_form = 'class' WHERE code = 'dialogue'")


def downgrade():
    # As plain as the upgrade: no table rebuild on SQLite.
    op.execute("ALTER TABLE offer_kinds DROP COLUMN booking_form")
