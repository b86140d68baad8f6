"""A cancelled event says who cancelled it (events.cancelled_by): its reason is no longer guessed
from the request's status, which was wrong once the secretariat had cancelled an event without a
note and the requester withdrew the booking afterwards

Backfilled from the audit log's "event.cancelled" entry (actor "requester", or anyone else: the
secretariat), else from a note (only the secretariat writes one); left NULL when neither tells.

Revision ID: i2d6f9a3c8e1
Revises: k2e6b9d4f1a8
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i2d6f9a3c8e1"
down_revision = "k2e6b9d4f1a8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column(
                "cancelled_by",
                sa.Enum(
                    "secretariat",
                    "requester",
                    name="cancelled_by",
                    native_enum=False,
                    create_constraint=True,
                    length=11,
                ),
                nullable=True,
            )
        )
    op.execute(
        """
        UPDATE events SET cancelled_by = 'requester'
        WHERE status = 'cancelled' AND EXISTS (
            SELECT 1 FROM audit_entries a
            WHERE a.object_type = 'events' AND a.object_id = events.id
            AND a.action = 'event.cancelled' AND a.actor_label = 'requester'
        )
        """
    )
    op.execute(
        """
        UPDATE events SET cancelled_by = 'secretariat'
        WHERE status = 'cancelled' AND cancelled_by IS NULL AND (
            cancel_note <> '' OR EXISTS (
                SELECT 1 FROM audit_entries a
                WHERE a.object_type = 'events' AND a.object_id = events.id
                AND a.action = 'event.cancelled' AND a.actor_label <> 'requester'
            )
        )
        """
    )


def downgrade():
    # The CHECK first: SQLite's batch rebuild would otherwise copy it onto a table without the
    # column it checks.
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint(op.f("ck_events_cancelled_by"), type_="check")
        batch.drop_column("cancelled_by")
