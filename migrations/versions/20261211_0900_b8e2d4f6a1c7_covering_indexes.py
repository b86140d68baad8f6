"""Covering indexes for the inbox and the report on PostgreSQL: what those pages count, group by
and join on is read from an index alone (an index-only scan), never from every row of requests
or events (issue 27; bench/plans/ holds the plans at 100x). On SQLite the same indexes, without
the included columns (SQLite has no INCLUDE).

- ix_events_starts_at and ix_requests_submitted_at: a year's events and requests, with what the
  report reads of them;
- ix_requests_status: the requests of a status with their ids ("Kræver handling");
- ix_requests_id_covering: any request by id with the columns the inbox's facets count and the
  report joins on;
- ix_requests_contact_id: the requests of a contact a search found.

Revision ID: b8e2d4f6a1c7
Revises: a4f7c2e9b1d3
Create Date: 2026-12-11 09:00:00
"""

from alembic import op

revision = "b8e2d4f6a1c7"
down_revision = "a4f7c2e9b1d3"
branch_labels = None
depends_on = None

REPLACED = {
    # name: (table, column, columns included on PostgreSQL)
    "ix_events_starts_at": ("events", "starts_at", ["id", "offer_kind_id", "status", "request_id"]),
    "ix_requests_status": ("requests", "status", ["id"]),
    "ix_requests_submitted_at": (
        "requests",
        "submitted_at",
        ["id", "status", "decline_reason_id", "organisation_id", "topic_id"],
    ),
}
BY_ID = [
    "organisation_id",
    "contact_id",
    "topic_id",
    "offer_kind_id",
    "status",
    "submitted_at",
]


def upgrade():
    for name, (table, column, included) in REPLACED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], postgresql_include=included)
    op.create_index("ix_requests_id_covering", "requests", ["id"], postgresql_include=BY_ID)
    op.create_index("ix_requests_contact_id", "requests", ["contact_id"])


def downgrade():
    op.drop_index("ix_requests_contact_id", table_name="requests")
    op.drop_index("ix_requests_id_covering", table_name="requests")
    for name, (table, column, _included) in REPLACED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
