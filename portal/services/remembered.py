"""Results remembered for as long as the database holds what they were computed from: exact, never
stale, whatever wrote (a service, a bulk statement, retention, another process).

The key is the database's own record of committed writes, read in one cheap query:
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: which transactions had ended and
  which were still running). Two reads give the same snapshot only if no transaction ended
  (committed or aborted) between them, so the same snapshot means the same data. Any commit in
  the cluster moves it: a busy cluster recomputes more often, never serves stale.
- SQLite: the connection's count of its own changes (`total_changes()`) with the file's
  `data_version`, which moves whenever another connection commits. Both count per connection, so
  what is remembered is kept with the connection (`Connection.info`, gone with it).

The key is read before the result is computed, so a write committed during the computation
moves the key the next reader sees: the result is never found under a key older than its data.
A transaction that has written (or holds the write lock) neither reads nor fills: its own changes
are in no key, and may yet be rolled back. Neither does a session with changes not yet flushed."""

import sqlalchemy as sa

from ..extensions import db

# The statement that reads the data version, per database: one a lookup, however much data.
PROBES = {
    "postgresql": "SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()",
    "sqlite": "SELECT total_changes(), data_version FROM pragma_data_version()",
}
# Results kept per data version and connection: a handful of keys (offer kinds, days) at most.
LIMIT = 64
_STORE = "vink.remembered"


def version(connection):
    """The data version `connection` sees (a hashable value), or None when it has written.
    Read again only when the connection has run another statement (or ended a transaction,
    or gone back to the pool) since it was read: two lookups one after the other, nothing read
    between them, are answered as of the first read (a page's look-ups: one round trip, not
    two). What either finds is then as of that one moment, a moment within the request."""
    found = connection.info.get(_VERSION)
    if found is not None:
        return found
    if connection.dialect.name == "postgresql":
        snapshot, writing = connection.execute(sa.text(PROBES["postgresql"])).one()
        now = None if writing is not None else snapshot
    elif connection.connection.dbapi_connection.in_transaction:
        # pysqlite opens a transaction only to write (or BEGIN IMMEDIATE, the write lock).
        now = None
    else:
        now = tuple(connection.execute(sa.text(PROBES["sqlite"])).one())
    if now is not None:
        connection.info[_VERSION] = now
    return now


_VERSION = "vink.data_version"


def _forget_version(connection, *_rest):
    # An invalidated connection (lost) would try to reconnect to hand over its info: the pool
    # gives its replacement a new, empty one anyway.
    if not connection.invalidated:
        connection.info.pop(_VERSION, None)


def _forget_pooled_version(_dbapi_connection, record, *_rest):
    record.info.pop(_VERSION, None)


# Any statement (the probe's own too: it runs before the version it reads is kept), any
# transaction's begin or end, any trip through the pool, on any engine: read the version again.
for _name in ("before_cursor_execute", "commit", "rollback", "begin"):
    sa.event.listen(sa.engine.Engine, _name, _forget_version)
for _name in ("checkout", "checkin"):
    sa.event.listen(sa.pool.Pool, _name, _forget_pooled_version)


def _results():
    """The results kept under the data version the session sees now ({key: result}), or None
    when nothing may be kept or found (the session has written, or holds unflushed changes)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    connection = session.connection()
    now = version(connection)
    if now is None:
        return None
    seen, results = connection.info.get(_STORE, (None, {}))
    if seen != now:
        results = {}
        connection.info[_STORE] = (now, results)
    return results


def _keep(results, key, value):
    if key not in results and len(results) >= LIMIT:
        results.clear()
    results[key] = value
    return value


def remembered(key, compute):
    """compute(), or what it gave for `key` under the data version the session sees now. Its
    result is shared between requests: return something nobody changes (a tuple, frozen
    objects)."""
    results = _results()
    if results is None:
        return compute()
    if key in results:
        return results[key]
    return _keep(results, key, compute())


def remembered_while(key, now, compute):
    """For a result that depends on the time as well as the data: compute() returns (result,
    until), `until` being the first moment at or after `now` at which the result could differ
    for the same data. What it gave is found again under the same data version at any `now`
    from the one it was computed at up to (not including) `until`; at any other time it is
    computed again. Shared like `remembered`'s."""
    results = _results()
    if results is None:
        return compute()[0]
    found = results.get(key)
    if found is None or not found[0] <= now < found[1]:
        result, until = compute()
        found = _keep(results, key, (now, until, result))
    return found[2]
