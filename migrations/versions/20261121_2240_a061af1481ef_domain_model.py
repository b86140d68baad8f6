"""The whole domain model (DESIGN.md), with the reference rows it cannot work without:
offer kinds and their staffing needs, Copenhagen's districts, topics, decline reasons and
the 2014 targets of Handleplan VINK.

Revision ID: a061af1481ef
Revises:
Create Date: 2026-11-21 22:40
"""

import sqlalchemy as sa
from alembic import op

revision = "a061af1481ef"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "closed_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "school_holiday",
                "closure",
                name="closed_period_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_closed_periods_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_periods")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_email"), "contacts", ["email"], unique=False)

    op.create_table(
        "decline_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "request",
                "assignment",
                name="decline_reason_scope",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("label_da", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decline_reasons")),
    )
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint("name", name=op.f("uq_districts_name")),
    )
    op.create_table(
        "email_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_templates")),
        sa.UniqueConstraint("kind", "language", name=op.f("uq_email_templates_kind")),
    )
    op.create_table(
        "offer_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_da", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("description_da", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("online_allowed", sa.Boolean(), nullable=False),
        sa.Column("offer_deadline_hours", sa.Integer(), nullable=False),
        sa.Column("auto_chain", sa.Boolean(), nullable=False),
        sa.Column("auto_accept_claims", sa.Boolean(), nullable=False),
        sa.Column("default_duration_minutes", sa.Integer(), nullable=False),
        sa.Column("max_sessions", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "default_duration_minutes > 0",
            name=op.f("ck_offer_kinds_duration_positive"),
        ),
        sa.CheckConstraint("max_sessions >= 1", name=op.f("ck_offer_kinds_max_sessions_positive")),
        sa.CheckConstraint(
            "offer_deadline_hours > 0",
            name=op.f("ck_offer_kinds_offer_deadline_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_offer_kinds_code")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="outbox_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    op.create_index(
        "ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at"], unique=False
    )

    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("is_resource_person", sa.Boolean(), nullable=False),
        sa.Column("is_ambassador", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.String(length=120), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("calendar_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "is_resource_person OR is_ambassador", name=op.f("ck_persons_has_a_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("calendar_token", name=op.f("uq_persons_calendar_token")),
        sa.UniqueConstraint("email", name=op.f("uq_persons_email")),
    )
    op.create_table(
        "support_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "mentor",
                "parent_coaching",
                name="support_course_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_support_courses_ends_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_courses")),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "metric",
            sa.Enum(
                "talks_held",
                "talk_participants",
                "advisory_courses",
                "dialogues_held",
                "dialogue_students",
                "mentor_courses",
                "parent_coaching_courses",
                "ssp_requests",
                name="metric",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_targets_value_not_negative")),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name=op.f("ck_targets_year_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("year", "metric", name=op.f("uq_targets_year")),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_da", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("name_da", name=op.f("uq_topics_name_da")),
    )
    op.create_table(
        "availability_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_availability_rules_ends_after_start")
        ),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6",
            name=op.f("ck_availability_rules_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_availability_rules_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_rules")),
    )
    op.create_index(
        op.f("ix_availability_rules_person_id"), "availability_rules", ["person_id"], unique=False
    )

    op.create_table(
        "away_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_away_periods_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_away_periods_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_periods")),
    )
    op.create_index(op.f("ix_away_periods_person_id"), "away_periods", ["person_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "school",
                "upper_secondary",
                "ngo",
                "ssp",
                "municipal",
                "other",
                name="organisation_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_organisations_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name_key", "kind", name=op.f("uq_organisations_name_key")),
    )
    op.create_table(
        "person_topics",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_topics_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_person_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "topic_id", name=op.f("pk_person_topics")),
    )
    op.create_table(
        "staffing_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_kind_id", sa.Integer(), nullable=False),
        sa.Column(
            "seat_role",
            sa.Enum(
                "resource_person",
                "ambassador",
                name="seat_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "count >= 1 AND count <= 10", name=op.f("ck_staffing_needs_count_range")
        ),
        sa.ForeignKeyConstraint(
            ["offer_kind_id"],
            ["offer_kinds.id"],
            name=op.f("fk_staffing_needs_offer_kind_id_offer_kinds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staffing_needs")),
        sa.UniqueConstraint(
            "offer_kind_id", "seat_role", name=op.f("uq_staffing_needs_offer_kind_id")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "secretariat",
                "assignee",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_users_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("person_id", name=op.f("uq_users_person_id")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_entries_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_at"), "audit_entries", ["at"], unique=False)
    op.create_index(
        "ix_audit_entries_object", "audit_entries", ["object_type", "object_id"], unique=False
    )

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_kind_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "students",
                "staff",
                "volunteers",
                "parents",
                "mixed",
                name="audience",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("expected_participants", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "planning",
                "planned",
                "declined",
                "withdrawn",
                name="request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("tracking_token", sa.String(length=64), nullable=False),
        sa.Column("decline_reason_id", sa.Integer(), nullable=True),
        sa.Column("decline_note", sa.Text(), nullable=False),
        sa.Column("withdraw_note", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expected_participants >= 1 AND expected_participants <= 500",
            name=op.f("ck_requests_participants_range"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_requests_contact_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["decline_reason_id"],
            ["decline_reasons.id"],
            name=op.f("fk_requests_decline_reason_id_decline_reasons"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_kind_id"],
            ["offer_kinds.id"],
            name=op.f("fk_requests_offer_kind_id_offer_kinds"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_requests_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_requests_topic_id_topics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("tracking_token", name=op.f("uq_requests_tracking_token")),
    )
    op.create_index(op.f("ix_requests_offer_kind_id"), "requests", ["offer_kind_id"], unique=False)
    op.create_index(
        op.f("ix_requests_organisation_id"), "requests", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_requests_status"), "requests", ["status"], unique=False)
    op.create_index(op.f("ix_requests_submitted_at"), "requests", ["submitted_at"], unique=False)

    op.create_table(
        "date_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "requester",
                "secretariat",
                name="date_proposal_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_date_proposals_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_proposals")),
    )
    op.create_index(
        op.f("ix_date_proposals_request_id"), "date_proposals", ["request_id"], unique=False
    )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_kind_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="event_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("cancel_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["offer_kind_id"],
            ["offer_kinds.id"],
            name=op.f("fk_events_offer_kind_id_offer_kinds"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_events_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("request_id", name=op.f("uq_events_request_id")),
    )
    op.create_index(op.f("ix_events_offer_kind_id"), "events", ["offer_kind_id"], unique=False)
    op.create_index(op.f("ix_events_starts_at"), "events", ["starts_at"], unique=False)
    op.create_index(op.f("ix_events_status"), "events", ["status"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "seat_role",
            sa.Enum(
                "resource_person",
                "ambassador",
                name="seat_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("seat_number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "offered",
                "accepted",
                "declined",
                "lapsed",
                "withdrawn",
                name="assignment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason_id", sa.Integer(), nullable=True),
        sa.Column("decline_note", sa.Text(), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.Column("answer_token", sa.String(length=64), nullable=True),
        sa.CheckConstraint("seat_number >= 1", name=op.f("ck_assignments_seat_number_positive")),
        sa.ForeignKeyConstraint(
            ["decline_reason_id"],
            ["decline_reasons.id"],
            name=op.f("fk_assignments_decline_reason_id_decline_reasons"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_assignments_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_assignments_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("answer_token", name=op.f("uq_assignments_answer_token")),
    )
    op.create_index(op.f("ix_assignments_event_id"), "assignments", ["event_id"], unique=False)
    op.create_index(op.f("ix_assignments_person_id"), "assignments", ["person_id"], unique=False)
    op.create_index(op.f("ix_assignments_status"), "assignments", ["status"], unique=False)
    op.create_index(
        "uq_assignments_accepted_seat",
        "assignments",
        ["event_id", "seat_role", "seat_number"],
        unique=True,
        sqlite_where=sa.text("status = 'accepted'"),
        postgresql_where=sa.text("status = 'accepted'"),
    )
    op.create_index(
        "uq_assignments_live_person",
        "assignments",
        ["event_id", "person_id"],
        unique=True,
        sqlite_where=sa.text("status IN ('offered', 'accepted')"),
        postgresql_where=sa.text("status IN ('offered', 'accepted')"),
    )

    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("parents", sa.Integer(), nullable=False),
        sa.Column("other", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "students >= 0 AND staff >= 0 AND parents >= 0 AND other >= 0",
            name=op.f("ck_attendances_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_attendances_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_attendances_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint("event_id", name=op.f("uq_attendances_event_id")),
    )
    op.create_table(
        "event_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_sessions_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_sessions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sessions")),
    )
    op.create_index(
        op.f("ix_event_sessions_event_id"), "event_sessions", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_event_sessions_starts_at"), "event_sessions", ["starts_at"], unique=False
    )

    op.create_table(
        "proposed_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("time_note", sa.String(length=120), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_proposed_dates_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["date_proposals.id"],
            name=op.f("fk_proposed_dates_proposal_id_date_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_dates")),
    )
    op.create_index(
        op.f("ix_proposed_dates_proposal_id"), "proposed_dates", ["proposal_id"], unique=False
    )

    _seed_reference_data()


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)


TABLES = [
    "closed_periods",
    "contacts",
    "decline_reasons",
    "districts",
    "email_templates",
    "offer_kinds",
    "outbox_messages",
    "persons",
    "support_courses",
    "targets",
    "topics",
    "availability_rules",
    "away_periods",
    "organisations",
    "person_topics",
    "staffing_needs",
    "users",
    "audit_entries",
    "requests",
    "date_proposals",
    "events",
    "assignments",
    "attendances",
    "event_sessions",
    "proposed_dates",
]


def _seed_reference_data():
    """Rows the portal needs from the first start. All of them stay editable by the admin."""
    offer_kinds = sa.table(
        "offer_kinds",
        *(
            sa.column(name)
            for name in (
                "code",
                "name_da",
                "name_en",
                "description_da",
                "description_en",
                "online_allowed",
                "offer_deadline_hours",
                "auto_chain",
                "auto_accept_claims",
                "default_duration_minutes",
                "max_sessions",
                "sort_order",
                "active",
            )
        ),
    )
    op.bulk_insert(
        offer_kinds,
        [
            {
                "code": "talk",
                "name_da": "Vidensoplæg",
                "name_en": "Knowledge talk",
                "description_da": "Et oplæg fra en af VINKs resursepersoner om radikalisering og "
                "ekstremisme: hvad er det, hvad skal man være opmærksom på, og hvad kan man gøre. "
                "For personale, frivillige eller forældre.",
                "description_en": "A talk by one of VINK's resource persons on radicalisation and "
                "extremism: what it is, what to look out for, and what you can do. For staff, "
                "volunteers or parents.",
                "online_allowed": True,
                "offer_deadline_hours": 72,
                "auto_chain": True,
                "auto_accept_claims": False,
                "default_duration_minutes": 90,
                "max_sessions": 1,
                "sort_order": 1,
                "active": True,
            },
            {
                "code": "dialogue",
                "name_da": "Ung-til-ung dialog",
                "name_en": "Youth-to-youth dialogue",
                "description_da": "To unge dialogambassadører besøger klassen og tager en dialog med "
                "eleverne om identitet, fællesskab, demokrati og ekstremisme. For 7.-10. klasse og "
                "ungdomsuddannelser.",
                "description_en": "Two young dialogue ambassadors visit the class and hold a peer "
                "dialogue on identity, belonging, democracy and extremism. For grades 7 to 10 and "
                "upper secondary.",
                "online_allowed": False,
                "offer_deadline_hours": 48,
                "auto_chain": True,
                "auto_accept_claims": False,
                "default_duration_minutes": 90,
                "max_sessions": 1,
                "sort_order": 2,
                "active": True,
            },
            {
                "code": "advisory",
                "name_da": "Rådgivningsforløb",
                "name_en": "Advisory course",
                "description_da": "Et kort forløb med rådgivning til en gruppe fagpersoner om en "
                "konkret bekymring, med en resurseperson over et eller flere møder.",
                "description_en": "A short series of advisory sessions for a team of professionals "
                "about a concrete worry, with a resource person over one or more meetings.",
                "online_allowed": True,
                "offer_deadline_hours": 72,
                "auto_chain": True,
                "auto_accept_claims": False,
                "default_duration_minutes": 120,
                "max_sessions": 4,
                "sort_order": 3,
                "active": True,
            },
        ],
    )
    # Staffing needs are data: talk = 1 resource person, dialogue = 2 ambassadors,
    # advisory course = 1 resource person (over one or more sessions).
    for code, seat_role, count in [
        ("talk", "resource_person", 1),
        ("dialogue", "ambassador", 2),
        ("advisory", "resource_person", 1),
    ]:
        op.execute(
            sa.text(
                "INSERT INTO staffing_needs (offer_kind_id, seat_role, count) "
                "SELECT id, :seat_role, :count FROM offer_kinds WHERE code = :code"
            ).bindparams(code=code, seat_role=seat_role, count=count)
        )
    districts = sa.table("districts", sa.column("name"), sa.column("sort_order"))
    op.bulk_insert(
        districts,
        [
            {"name": name, "sort_order": index}
            for index, name in enumerate(
                [
                    "Indre By",
                    "Østerbro",
                    "Nørrebro",
                    "Vesterbro/Kongens Enghave",
                    "Valby",
                    "Vanløse",
                    "Brønshøj-Husum",
                    "Bispebjerg",
                    "Amager Øst",
                    "Amager Vest",
                    "Uden for Københavns Kommune",
                ]
            )
        ],
    )
    topics = sa.table("topics", sa.column("name_da"), sa.column("name_en"), sa.column("active"))
    op.bulk_insert(
        topics,
        [
            {"name_da": da, "name_en": en, "active": True}
            for da, en in [
                (
                    "Radikalisering og ekstremisme: en introduktion",
                    "Radicalisation and extremism: an introduction",
                ),
                (
                    "Bekymringstegn og handlemuligheder",
                    "Signs of concern and what to do",
                ),
                ("Højreekstremisme", "Right-wing extremism"),
                ("Militant islamisme", "Militant Islamism"),
                ("Venstreekstremisme", "Left-wing extremism"),
                (
                    "Konspirationsteorier og online fællesskaber",
                    "Conspiracy theories and online communities",
                ),
                (
                    "Polarisering, demokrati og ytringsfrihed",
                    "Polarisation, democracy and free speech",
                ),
                (
                    "Identitet, fællesskab og tilhør",
                    "Identity, community and belonging",
                ),
            ]
        ],
    )
    decline_reasons = sa.table(
        "decline_reasons",
        sa.column("scope"),
        sa.column("label_da"),
        sa.column("label_en"),
        sa.column("active"),
        sa.column("sort_order"),
    )
    op.bulk_insert(
        decline_reasons,
        [
            {
                "scope": scope,
                "label_da": da,
                "label_en": en,
                "active": True,
                "sort_order": index,
            }
            for index, (scope, da, en) in enumerate(
                [
                    (
                        "request",
                        "Vi har ikke kapacitet i den ønskede periode",
                        "We have no capacity in the requested period",
                    ),
                    (
                        "request",
                        "Henvendelsen ligger uden for VINKs målgruppe",
                        "The request is outside VINK's target group",
                    ),
                    (
                        "request",
                        "Vi tilbyder ikke det ønskede emne",
                        "We do not offer the requested topic",
                    ),
                    (
                        "request",
                        "Henvendelsen er sendt to gange",
                        "The request was sent twice",
                    ),
                    (
                        "assignment",
                        "Jeg er optaget på tidspunktet",
                        "I am busy at that time",
                    ),
                    (
                        "assignment",
                        "Emnet ligger uden for det, jeg ved noget om",
                        "The topic is outside what I know about",
                    ),
                    (
                        "assignment",
                        "Stedet er for langt væk",
                        "The place is too far away",
                    ),
                    ("assignment", "Andet", "Other"),
                ]
            )
        ],
    )
    targets = sa.table("targets", sa.column("year"), sa.column("metric"), sa.column("value"))
    op.bulk_insert(
        targets,
        [
            {"year": 2014, "metric": metric, "value": value}
            for metric, value in [
                ("talks_held", 10),
                ("talk_participants", 150),
                ("advisory_courses", 3),
                ("dialogues_held", 10),
                ("dialogue_students", 200),
                ("mentor_courses", 4),
                ("parent_coaching_courses", 3),
            ]
        ],
    )
