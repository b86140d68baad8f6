"""The rate limits' in-memory storage survives its sweeper racing a request. The sweeper (a timer
thread) lists the counters, then reads each one's expiry; a request that finds a counter expired
removes it in between. Unguarded, the sweeper's read raised KeyError, which failed a CI run as
"Exception in thread" during a login test. Here the removal is made to fall in that gap."""

import time

from limits.storage import storage_from_string

from portal.extensions import limiter


def _removed_once_listed(expirations, key):
    """The storage's own expiry mapping, whose listing is followed at once by the removal of
    `key` that a request in another thread makes."""

    class Racing(type(expirations)):
        def keys(self):
            listed = list(super().keys())
            self.pop(key, None)
            return listed

    return Racing(expirations)


def _sweep(storage):
    storage._MemoryStorage__expire_events()  # the timer thread's target, run here in the open


def test_the_sweep_skips_a_counter_a_request_removed_after_it_was_listed():
    storage = storage_from_string("memory://")
    try:
        storage.incr("LIMITER/vink/127.0.0.1/auth.login/50/1/hour", expiry=3600)
        storage.incr("LIMITER/vink/127.0.0.1/public.book/20/1/hour", expiry=-1)
        storage.expirations = _removed_once_listed(
            storage.expirations, "LIMITER/vink/127.0.0.1/auth.login/50/1/hour"
        )
        _sweep(storage)
        # The removed counter stays removed, the expired one is swept, the sweep goes on.
        assert storage.get("LIMITER/vink/127.0.0.1/auth.login/50/1/hour") == 0
        assert "LIMITER/vink/127.0.0.1/public.book/20/1/hour" not in storage.expirations
    finally:
        storage.timer.cancel()


def test_the_app_counts_in_the_guarded_storage_and_still_counts():
    storage = limiter.storage
    assert type(storage).__name__ == "SweptMemoryStorage"
    storage.reset()
    assert type(storage.expirations).__name__ == "_Expirations"  # reset clears, keeps the guard
    assert storage.incr("k", expiry=60) == 1
    assert storage.incr("k", expiry=60) == 2
    assert storage.expirations["k"] > time.time()
    storage.clear("k")
    assert storage.get("k") == 0
