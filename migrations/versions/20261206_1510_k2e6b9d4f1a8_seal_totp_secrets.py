"""TOTP secrets are stored sealed with Fernet (portal/secret_box.py), no longer in clear: the
column widens for the token, and the secrets stored before are sealed in place

Revision ID: k2e6b9d4f1a8
Revises: k2e6a9c1d4f8
Create Date: 2026-12-07 09:00:00
"""

import re

import sqlalchemy as sa
from alembic import op
from flask import current_app

# The app's own sealing: one way to the key (SECOND_FACTOR_KEY, or derived from SECRET_KEY).
from portal import secret_box

revision = "k2e6b9d4f1a8"
down_revision = "k2e6a9c1d4f8"
branch_labels = None
depends_on = None

# A secret in clear, as pyotp makes them; a Fernet token starts with "gAAAA" (lower case).
_IN_CLEAR = re.compile(r"^[A-Z2-7]+=*$")
_users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_users.c.id, _users.c.totp_secret).where(_users.c.totp_secret.is_not(None))
    ).all()
    for user_id, stored in rows:
        new = change(stored)
        if new != stored:
            connection.execute(
                sa.update(_users).where(_users.c.id == user_id).values(totp_secret=new)
            )


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(64), type_=sa.String(255), existing_nullable=True
        )
    config = current_app.config
    _rewrite(lambda s: secret_box.seal(config, s) if _IN_CLEAR.match(s) else s)


def downgrade():
    config = current_app.config
    _rewrite(lambda s: s if _IN_CLEAR.match(s) else secret_box.open_sealed(config, s))
    with op.batch_alter_table("users") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(255), type_=sa.String(64), existing_nullable=True
        )
