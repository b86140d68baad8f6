"""How PostgreSQL answers the overview and the event lists: an index serves every statement, so
none reads all events or all requests (issue 27; bench/explain_pages.py shows the plans at 100x,
bench/plans/ holds them).

The test data is small, and on a small table a sequential scan is the cheaper plan whatever
indexes there are; with sequential scans priced out (enable_seqscan off) the planner still
takes one only where no index can serve: that is what this holds."""

import json

import pytest
import sqlalchemy as sa

from portal import demo
from portal.extensions import db
from portal.services import remembered

STAFF = "sekretariat@vink.example.org"
PAGES = [
    "/sekretariat/",
    "/sekretariat/arrangementer",
    "/sekretariat/arrangementer?vis=tidligere",
    "/sekretariat/arrangementer?vis=mangler-fremmoede",
    "/sekretariat/indbakke?status=planned",
]
WATCHED = {"events", "requests"}


def _statements(client, path, monkeypatch):
    """[(statement, parameters)] of the SELECTs one request to `path` runs, nothing
    remembered."""
    seen = []

    def before(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT") and statement not in (
            remembered.PROBES.values()
        ):
            seen.append((statement, parameters))

    with monkeypatch.context() as patched:
        patched.setattr(remembered, "_results", lambda: None)
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)
    return seen


def _scans(plan):
    """(node type, relation, index) of every node of an EXPLAIN (FORMAT JSON) plan."""
    yield plan["Node Type"], plan.get("Relation Name"), plan.get("Index Name")
    for child in plan.get("Plans", []):
        yield from _scans(child)


def _plan(statement, parameters):
    connection = db.session.connection().connection.dbapi_connection
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        [[document]] = cursor.fetchall()
    document = json.loads(document) if isinstance(document, str) else document
    return list(_scans(document[0]["Plan"]))


@pytest.fixture
def client(app):
    """The secretariat signed in, over twice the demo data with the planner's statistics."""
    demo.load(scale=2)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    client = app.test_client()
    client.log_in(STAFF, demo.DEMO_PASSWORD)
    return client


@pytest.mark.postgres_only
def test_no_page_of_the_overview_or_the_event_lists_reads_every_event_or_request(
    client, monkeypatch
):
    seq_scans, indexes = {}, set()
    for path in PAGES:
        client.get(path)  # the first page after signing in may still write
        for number, (statement, parameters) in enumerate(_statements(client, path, monkeypatch)):
            for node, relation, index in _plan(statement, parameters):
                indexes.add(index)
                if node == "Seq Scan" and relation in WATCHED:
                    seq_scans.setdefault(path, []).append((number, relation))
            db.session.rollback()
    assert seq_scans == {}, seq_scans
    # Ended and not yet recorded: found by the range of status and end (the migration's index).
    assert "ix_events_status_ends_at" in indexes


@pytest.mark.postgres_only
def test_a_requests_history_is_found_through_the_audit_logs_index_of_objects(client, monkeypatch):
    """The request page's history (the request and every event it ever had) reads the audit
    log by object, not the whole log newest first (as an OR of the two once made it)."""
    request_id = db.session.scalar(sa.text("SELECT min(id) FROM requests"))
    path = f"/sekretariat/henvendelser/{request_id}"
    client.get(path)  # the first page after signing in may still write
    scans = []
    for statement, parameters in _statements(client, path, monkeypatch):
        scans += [
            (node, index)
            for node, relation, index in _plan(statement, parameters)
            if relation == "audit_entries"
        ]
        db.session.rollback()
    assert scans and all(index == "ix_audit_entries_object" for _node, index in scans), scans


@pytest.mark.postgres_only
def test_the_inbox_counts_its_facets_from_the_indexes_alone(client, monkeypatch):
    """The inbox's counts per status, offer, kind of organisation, district and year read
    every request: from the narrow index of each column (an index-only scan, 1 to 2 ms at 100x
    once vacuumed), never the table (a count of the ids needs the rows: 36 ms)."""
    path = "/sekretariat/indbakke"
    client.get(path)  # the first page after signing in may still write
    db.session.commit()
    # What autovacuum keeps up on a live database: which pages hold only visible rows (without
    # it an index-only scan would still visit the rows, and is not worth the planner's while).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
        bare.execute(sa.text("VACUUM ANALYZE requests"))
    [(statement, parameters)] = [
        found for found in _statements(client, path, monkeypatch) if " AS facet" in found[0]
    ]
    scans = [
        (node, index)
        for node, relation, index in _plan(statement, parameters)
        if relation == "requests"
    ]
    db.session.rollback()
    assert len(scans) == 5 and {node for node, _index in scans} == {"Index Only Scan"}, scans
