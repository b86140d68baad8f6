"""A person's mails in their language (persons.mail_locale), and the practical information a
requester suggests at booking (requests.practical_info), which planning copies to the event

Revision ID: e3b8d2f4a6c1
Revises: d7a1c4e2f805
Create Date: 2026-12-09 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e3b8d2f4a6c1"
down_revision = "d7a1c4e2f805"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("persons") as batch:
        batch.add_column(
            sa.Column("mail_locale", sa.String(5), nullable=False, server_default="da")
        )
        batch.create_check_constraint("mail_locale_known", "mail_locale IN ('da', 'en')")
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("practical_info", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("practical_info")
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("mail_locale_known", type_="check")
        batch.drop_column("mail_locale")
