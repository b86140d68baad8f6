"""Deactivated users hold no keys: a user deactivated before deactivation became total still
has an active panel person, a calendar feed secret and answer tokens, so her feed, answer and
attendance links kept working. Her person is deactivated and those keys are cleared, as
deactivation does now (services/assignments.revoke_links). Data only; nothing to undo.

Revision ID: b8d4f1a6c9e3
Revises: a7c3e5f9b2d4
Create Date: 2026-12-06 02:30
"""

from alembic import op

revision = "b8d4f1a6c9e3"
down_revision = "a7c3e5f9b2d4"
branch_labels = None
depends_on = None

DEACTIVATED_PERSONS = "SELECT person_id FROM users WHERE active = false AND person_id IS NOT NULL"


def upgrade():
    op.execute(
        f"UPDATE assignments SET answer_token = NULL WHERE person_id IN ({DEACTIVATED_PERSONS})"  # noqa: S608
    )
    op.execute(
        "UPDATE persons SET active = false, calendar_token = NULL "  # noqa: S608
        f"WHERE id IN ({DEACTIVATED_PERSONS})"
    )


def downgrade():
    # The keys are gone for good, as a deactivation leaves them; reactivation issues new ones.
    pass
