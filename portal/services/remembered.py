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

# Results kept per data version and connection: a handful of keys (offer kinds, days) at most.
LIMIT = 64
_STORE = "vink.remembered"


def version(connection):
    """The data version `connection` sees (a hashable value), or None when it has written."""
    if connection.dialect.name == "postgresql":
        snapshot, writing = connection.execute(
            sa.text("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()")
        ).one()
        return None if writing is not None else snapshot
    if connection.connection.dbapi_connection.in_transaction:
        # pysqlite opens a transaction only to write (or BEGIN IMMEDIATE, the write lock).
        return None
    return tuple(
        connection.execute(
            sa.text("SELECT total_changes(), data_version FROM pragma_data_version()")
        ).one()
    )


def remembered(key, compute):
    """compute(), or what it gave for `key` under the data version the session sees now. Its
    result is shared between requests: return something nobody changes (a tuple, frozen
    objects)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return compute()
    connection = session.connection()
    now = version(connection)
    if now is None:
        return compute()
    seen, results = connection.info.get(_STORE, (None, {}))
    if seen != now:
        results = {}
        connection.info[_STORE] = (now, results)
    if key not in results:
        if len(results) >= LIMIT:
            results.clear()
        results[key] = compute()
    return results[key]
