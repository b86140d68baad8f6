"""The yearly report: organisation kinds DKA, PSP and administration; support-course kinds as
admin data (with an optional district on each course); budget lines and fees per held event.

Enums are strings with a named CHECK constraint (portal/models/base.py `enum_column`), not
native PostgreSQL enums, so a new value means replacing that constraint: batch mode rebuilds
the table on SQLite, PostgreSQL alters it in place.

Revision ID: b7d4c2e9a310
Revises: a061af1481ef
Create Date: 2026-11-30 02:15
"""

import sqlalchemy as sa
from alembic import op

revision = "b7d4c2e9a310"
down_revision = "a061af1481ef"
branch_labels = None
depends_on = None

OLD_ORG_KINDS = ("school", "upper_secondary", "ngo", "ssp", "municipal", "other")
NEW_ORG_KINDS = (*OLD_ORG_KINDS[:4], "dka", "psp", "administration", *OLD_ORG_KINDS[4:])
METRICS = (
    "talks_held",
    "talk_participants",
    "advisory_courses",
    "dialogues_held",
    "dialogue_students",
    "mentor_courses",
    "parent_coaching_courses",
    "ssp_requests",
)
SUPPORT_KINDS = [
    # code, Danish, English, metric it counts towards
    ("mentor", "Mentorforløb", "Mentor course", "mentor_courses"),
    ("parent_coaching", "Forældrecoaching", "Parent coaching", "parent_coaching_courses"),
    ("home_visit", "Hjemmebesøg", "Home visit", None),
    ("family_counselling", "Familierådgivning", "Family counselling", None),
    ("returnee", "Støtte til hjemvendte", "Returnee support", None),
]


def _replace_org_kind_check(values):
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint(op.f("ck_organisations_organisation_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_organisations_organisation_kind"), sa.column("kind").in_(values)
        )


def upgrade():
    _replace_org_kind_check(NEW_ORG_KINDS)

    op.create_table(
        "support_course_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_da", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column(
            "metric",
            sa.Enum(*METRICS, name="metric", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_course_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_support_course_kinds_code")),
    )
    kinds = sa.table(
        "support_course_kinds",
        *(sa.column(c) for c in ("code", "name_da", "name_en", "metric", "sort_order", "active")),
    )
    op.bulk_insert(
        kinds,
        [
            {"code": c, "name_da": da, "name_en": en, "metric": m, "sort_order": i, "active": True}
            for i, (c, da, en, m) in enumerate(SUPPORT_KINDS)
        ],
    )

    with op.batch_alter_table("support_courses") as batch:
        batch.add_column(sa.Column("kind_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE support_courses SET created_at = CURRENT_TIMESTAMP, kind_id = "
        "(SELECT id FROM support_course_kinds k WHERE k.code = support_courses.kind)"
    )
    with op.batch_alter_table("support_courses") as batch:
        batch.drop_constraint(op.f("ck_support_courses_support_course_kind"), type_="check")
        batch.drop_column("kind")
        batch.alter_column("kind_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_foreign_key(
            op.f("fk_support_courses_kind_id_support_course_kinds"),
            "support_course_kinds",
            ["kind_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_support_courses_district_id_districts"), "districts", ["district_id"], ["id"]
        )
        batch.create_index(op.f("ix_support_courses_kind_id"), ["kind_id"])
        batch.create_index(op.f("ix_support_courses_started_on"), ["started_on"])

    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name_da", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_ore >= 0", name=op.f("ck_budget_lines_amount_not_negative")),
        sa.CheckConstraint(
            "year >= 2000 AND year <= 2100", name=op.f("ck_budget_lines_year_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint("year", "name_da", name=op.f("uq_budget_lines_year")),
    )
    op.create_index(op.f("ix_budget_lines_year"), "budget_lines", ["year"], unique=False)
    op.create_table(
        "event_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("offer_kind_id", sa.Integer(), nullable=False),
        sa.Column("fee_ore", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("fee_ore >= 0", name=op.f("ck_event_fees_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_event_fees_budget_line_id_budget_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_kind_id"],
            ["offer_kinds.id"],
            name=op.f("fk_event_fees_offer_kind_id_offer_kinds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_fees")),
        sa.UniqueConstraint(
            "budget_line_id", "offer_kind_id", name=op.f("uq_event_fees_budget_line_id")
        ),
    )
    # Handleplan VINK 2014, "Økonomi": 0.75 m DKK, in øre.
    lines = sa.table(
        "budget_lines",
        *(sa.column(c) for c in ("year", "name_da", "name_en", "amount_ore", "sort_order")),
    )
    op.bulk_insert(
        lines,
        [
            {
                "year": 2014,
                "name_da": "Drift af VINK og resursepanelet",
                "name_en": "Running VINK and the resource panel",
                "amount_ore": 500_000_00,
                "sort_order": 1,
            },
            {
                "year": 2014,
                "name_da": "Mentorer og forældrecoaches",
                "name_en": "Mentors and parent coaches",
                "amount_ore": 250_000_00,
                "sort_order": 2,
            },
        ],
    )


def downgrade():
    """Support courses of kinds the old schema cannot name (home visits ...) are deleted, and
    DKA/PSP/administration organisations become "other": the old schema has no word for them."""
    op.drop_table("event_fees")
    op.drop_index(op.f("ix_budget_lines_year"), table_name="budget_lines")
    op.drop_table("budget_lines")

    op.execute(
        "DELETE FROM support_courses WHERE kind_id NOT IN "
        "(SELECT id FROM support_course_kinds WHERE code IN ('mentor', 'parent_coaching'))"
    )
    with op.batch_alter_table("support_courses") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=15), nullable=True))
    op.execute(
        "UPDATE support_courses SET kind = "
        "(SELECT code FROM support_course_kinds k WHERE k.id = support_courses.kind_id)"
    )
    with op.batch_alter_table("support_courses") as batch:
        batch.drop_index(op.f("ix_support_courses_started_on"))
        batch.drop_index(op.f("ix_support_courses_kind_id"))
        batch.drop_constraint(op.f("fk_support_courses_district_id_districts"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_support_courses_kind_id_support_course_kinds"), type_="foreignkey"
        )
        batch.drop_column("created_at")
        batch.drop_column("district_id")
        batch.drop_column("kind_id")
        batch.alter_column("kind", existing_type=sa.String(length=15), nullable=False)
        batch.create_check_constraint(
            op.f("ck_support_courses_support_course_kind"),
            sa.column("kind").in_(("mentor", "parent_coaching")),
        )
    op.drop_table("support_course_kinds")

    op.execute(
        "UPDATE organisations SET kind = 'other' WHERE kind IN ('dka', 'psp', 'administration')"
    )
    _replace_org_kind_check(OLD_ORG_KINDS)
