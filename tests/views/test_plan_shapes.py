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
    "/sekretariat/indbakke",
    "/sekretariat/indbakke?q=skole",
    "/sekretariat/indbakke?status=planned&q=skole",
    "/sekretariat/rapport",
]
WATCHED = {"events", "requests"}


def _statements(client, path, monkeypatch):
    """[(statement, parameters)] of the SELECTs one request to `path` runs, nothing
    remembered."""
    seen = []

    def before(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and statement not in (
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
def test_no_page_of_the_overview_event_lists_inbox_or_report_reads_every_event_or_request(
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
    # A search finds the requests of the organisations and contacts it matched by their indexes.
    assert {"ix_requests_organisation_id", "ix_requests_contact_id"} <= indexes


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
    statement, parameters = _facets_statement(client, "/sekretariat/indbakke", monkeypatch)
    scans = [
        (node, index)
        for node, relation, index in _plan(statement, parameters)
        if relation == "requests"
    ]
    db.session.rollback()
    assert len(scans) == 5 and {node for node, _index in scans} == {"Index Only Scan"}, scans


def _facets_statement(client, path, monkeypatch):
    """(statement, parameters) of the inbox's facet counts at `path`, planned as on a live,
    vacuumed database."""
    [found] = [
        found
        for found in _vacuumed_statements(client, path, monkeypatch)
        if " AS facet" in found[0]
    ]
    return found


def _vacuumed_statements(client, path, monkeypatch):
    client.get(path)  # the first page after signing in may still write
    db.session.commit()
    _vacuumed()
    return _statements(client, path, monkeypatch)


def _vacuumed():
    """What autovacuum keeps up on a live database: which pages hold only visible rows (without
    it an index-only scan would still visit the rows, and is not worth the planner's while)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
        bare.execute(sa.text("VACUUM ANALYZE requests"))
        bare.execute(sa.text("VACUUM ANALYZE events"))


@pytest.mark.postgres_only
def test_the_report_reads_a_years_events_and_requests_from_indexes_alone(client, monkeypatch):
    """A year of events and requests (two thirds of them at 100x) is read from the indexes that
    hold what the report counts (ix_events_starts_at, ix_requests_submitted_at and
    ix_requests_id_covering, with their INCLUDE columns): index-only scans, never the rows,
    but for a lookup by primary key."""
    scans = []
    for statement, parameters in _vacuumed_statements(client, "/sekretariat/rapport", monkeypatch):
        scans += [
            (node, index)
            for node, relation, index in _plan(statement, parameters)
            if relation in WATCHED
        ]
        db.session.rollback()
    read = {index for node, index in scans if node == "Index Only Scan"}
    assert {"ix_events_starts_at", "ix_requests_submitted_at", "ix_requests_id_covering"} <= read
    assert all(
        node == "Index Only Scan" or index in ("pk_events", "pk_requests") for node, index in scans
    ), scans


@pytest.mark.postgres_only
def test_a_postgresql_connection_prices_a_random_read_as_an_ssds(app):
    """Without it (random_page_cost 4, a spinning disk's), the planner read every request to
    join a few hundred, on the inbox's search and the report at 100x (bench/plans/)."""
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SHOW random_page_cost")).scalar() == "1.1"


@pytest.mark.postgres_only
def test_postgresql_knows_about_how_many_requests_a_search_matches(client, monkeypatch):
    """The requests a search matches are those of the organisations, and those of the
    contacts, it found (a UNION of the two, by their indexes): PostgreSQL estimates how many,
    and reads only those. As an OR over every request it guessed three quarters of them (6,000
    of 8,000 where 518 matched, at 100x), and read every request to join them."""
    path = "/sekretariat/indbakke?q=skole"
    statement, parameters = _facets_statement(client, path, monkeypatch)
    [matching] = [
        node
        for node in _analysed(statement, parameters)
        if node.get("Subplan Name") == "CTE matching"
    ]
    total = db.session.scalar(sa.text("SELECT count(*) FROM requests"))
    assert 0 < matching["Actual Rows"] < total / 2
    # (As an OR, at twice the demo data: 120 guessed where 44 matched.)
    assert matching["Plan Rows"] <= 2 * matching["Actual Rows"], matching["Plan Rows"]


def _analysed(statement, parameters):
    """Every node of the plan PostgreSQL ran `statement` by (EXPLAIN ANALYZE), as it chose it."""
    connection = db.session.connection().connection.dbapi_connection
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        [[document]] = cursor.fetchall()
    db.session.rollback()
    document = json.loads(document) if isinstance(document, str) else document
    return list(_nodes(document[0]["Plan"]))


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
