"""Budget lines say where their money comes from (budget_lines.source: BIU, the ministry's grant,
a budget agreement, or another source), so the report can show the funding history year by
year; and a budget line can cost each 1-1 support course started (support_course_fees), so the
mentors and parent coaches line is estimated like the operations line; and the offer kind
"Kompetenceudvikling" for the municipality's staff, which the social committee's note names
beside advisory courses and counsel, seeded hidden until an admin shows it.

Existing lines get "other": nothing tells where their money came from.

Revision ID: m4b8d2f6a9c3
Revises: i2d6f9a3c8e1
Create Date: 2026-12-06 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "m4b8d2f6a9c3"
down_revision = "i2d6f9a3c8e1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("budget_lines") as batch:
        batch.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "biu",
                    "ministry",
                    "budget_agreement",
                    "other",
                    name="funding_source",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                server_default="other",
                nullable=False,
            )
        )
    op.create_table(
        "support_course_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("fee_ore", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("fee_ore >= 0", name=op.f("ck_support_course_fees_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_support_course_fees_budget_line_id_budget_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["support_course_kinds.id"],
            name=op.f("fk_support_course_fees_kind_id_support_course_kinds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_course_fees")),
        sa.UniqueConstraint(
            "budget_line_id", "kind_id", name=op.f("uq_support_course_fees_budget_line_id")
        ),
    )

    op.execute(
        sa.text(
            "INSERT INTO offer_kinds (code, name_da, name_en, description_da, description_en, "
            "booking_form, online_allowed, offer_deadline_hours, auto_chain, auto_accept_claims, "
            "default_duration_minutes, max_sessions, sort_order, active) SELECT :code, "
            ":name_da, :name_en, :description_da, :description_en, 'adults', true, 72, true, "
            "false, 180, 3, 5, false "
            # Not again after a downgrade that kept it (something refers to it), and not beside
            # a kind of that code or name an admin added already.
            "WHERE NOT EXISTS (SELECT 1 FROM offer_kinds WHERE code = :code "
            "OR lower(name_da) = lower(:name_da))"
        ).bindparams(
            code="competence",
            name_da="Kompetenceudvikling",
            name_en="Competence development",
            description_da="Et forløb for kommunens medarbejdere, der styrker jeres viden om "
            "radikalisering og ekstremisme og jeres greb om at handle på en bekymring, med en "
            "resurseperson over et eller flere møder.",
            description_en="A course for the municipality's staff that builds your knowledge "
            "of radicalisation and extremism and how to act on a concern, with a resource "
            "person over one or more meetings.",
        )
    )
    op.execute(
        "INSERT INTO staffing_needs (offer_kind_id, seat_role, count) "
        "SELECT id, 'resource_person', 1 FROM offer_kinds WHERE code = 'competence' "
        "AND NOT EXISTS (SELECT 1 FROM staffing_needs s WHERE s.offer_kind_id = offer_kinds.id)"
    )


def downgrade():
    # The seeded kind goes only while nothing refers to it.
    unused = (
        "SELECT id FROM offer_kinds WHERE code = 'competence' AND NOT EXISTS "
        "(SELECT 1 FROM requests WHERE requests.offer_kind_id = offer_kinds.id) AND NOT EXISTS "
        "(SELECT 1 FROM events WHERE events.offer_kind_id = offer_kinds.id) AND NOT EXISTS "
        "(SELECT 1 FROM event_fees WHERE event_fees.offer_kind_id = offer_kinds.id)"
    )
    op.execute(f"DELETE FROM staffing_needs WHERE offer_kind_id IN ({unused})")  # noqa: S608
    op.execute(f"DELETE FROM offer_kinds WHERE id IN ({unused})")  # noqa: S608 (constant text)
    op.drop_table("support_course_fees")
    # The CHECK first: SQLite's batch rebuild would otherwise copy it onto a table without the
    # column it checks.
    with op.batch_alter_table("budget_lines") as batch:
        batch.drop_constraint(op.f("ck_budget_lines_funding_source"), type_="check")
        batch.drop_column("source")
