"""The rate limits' in-memory storage, safe against its own sweeper.

limits' MemoryStorage (pinned 5.8.0, the newest) sweeps expired counters in a timer thread: it
lists the keys, then reads each one's expiry. A request that reads an expired counter in the
meantime removes it, and the sweeper's read raises KeyError in its thread. A test run saw it as
"Exception in thread" during a login test. This subclass takes over the `memory://` scheme, so
every configuration that names it gets the fix; a Redis storage (REDIS_URL) was never affected.
"""

import math

from limits.storage import MemoryStorage


class _Expirations(dict):
    """Expiry times by key. A key removed since the sweeper listed it has nothing left to expire:
    reading it gives "never" instead of KeyError. `get` and `in` are unchanged."""

    def __missing__(self, key):
        return math.inf


class SweptMemoryStorage(MemoryStorage):
    """MemoryStorage whose expiry sweep survives a counter removed under it (fixed windows, the
    portal's strategy, keep their expiry times in `expirations`)."""

    STORAGE_SCHEME = ["memory"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expirations = _Expirations(self.expirations)

    def __setstate__(self, state):
        super().__setstate__(state)
        self.expirations = _Expirations(self.expirations)
