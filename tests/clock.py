"""The tests' clock: every test runs at one fixed, named instant unless it says otherwise.

In the test process time-machine moves the clock (conftest's autouse fixtures); a process a test
starts (gunicorn, the mail worker, `flask ...`) gets the same instant through libfaketime, from
`faketime_env()`. A test that needs another instant asks for it by name:

    def test_...(travel):  travel(SATURDAY_AFTER_MIDNIGHT)   # or travel.shift(timedelta(...))

A test that must run on the machine's real clock carries `@pytest.mark.real_clock("why")`.
"""

import os
from datetime import UTC, datetime
from importlib import resources

import pytest

from portal import clock

# A term-time Tuesday at 10.00 in Copenhagen: school is in, nothing closed, a working day with
# working days on both sides. In the future, so that a browser (whose cookie jar keeps the
# machine's real time) never sees the session cookie the portal sets as already expired.
TERM_TIME_TUESDAY = clock.local(2030, 9, 3, 10, 0)


def libfaketime():
    """The path of libfaketime: the build that the PyPI package `libfaketime` ships (pinned in
    requirements-dev.txt). Debian's 0.9.10 cannot serve: with monotonic time left real, its
    clock_nanosleep refuses Python's time.sleep (EINVAL); with it faked, threads never wake."""
    return str(
        resources.files("libfaketime") / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    )


def faketime_env(at=None):
    """Environment variables that start a process's clock at `at` (default: the test's own
    clock, now) and let it tick. Monotonic time stays real: faked, Python hangs here."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    library = libfaketime()
    others = [p for p in os.environ.get("LD_PRELOAD", "").split() if "libfaketime" not in p]
    preload = " ".join([library, *others])
    return {
        "LD_PRELOAD": preload,
        "FAKETIME": at.strftime("@%Y-%m-%d %H:%M:%S"),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        # libfaketime reads "@..." as local time: pin the zone the portal never relies on.
        "TZ": "UTC",
    }


def _copenhagen(year, month, day, hour, minute, *, fold=0):
    wall = datetime(year, month, day, hour, minute, tzinfo=clock.COPENHAGEN, fold=fold)
    return wall.astimezone(UTC)


# The awkward instants every rule tied to the clock is proven at (tests/test_clock_sweep_*.py):
# parametrise with `@pytest.mark.parametrize("instant", SWEEP)` and `travel(instant)`. Around
# the school year 2030/31 of TERM_TIME_TUESDAY; the ids name each instant in Copenhagen time.
SWEEP = [
    pytest.param(_copenhagen(2030, 9, 6, 23, 59), id="friday-23.59"),
    pytest.param(_copenhagen(2030, 9, 7, 0, 1), id="saturday-00.01"),
    pytest.param(_copenhagen(2030, 9, 8, 23, 30), id="sunday-23.30"),
    # The clocks go back at 03.00 summer time on the last Sunday of October: 02.30 twice.
    pytest.param(_copenhagen(2030, 10, 27, 2, 30), id="winter-time-02.30-first"),
    pytest.param(_copenhagen(2030, 10, 27, 2, 30, fold=1), id="winter-time-02.30-second"),
    pytest.param(_copenhagen(2030, 11, 2, 0, 10), id="saturday-00.10-after-winter-time"),
    # ... and forward at 02.00 on the last Sunday of March: 01.59 is followed by 03.00.
    pytest.param(_copenhagen(2031, 3, 30, 1, 59), id="summer-time-01.59"),
    pytest.param(_copenhagen(2031, 3, 30, 3, 1), id="summer-time-03.01"),
    pytest.param(_copenhagen(2030, 12, 31, 23, 59), id="new-years-eve-23.59"),
    pytest.param(_copenhagen(2032, 2, 29, 12, 0), id="29-february-12.00"),
    pytest.param(_copenhagen(2030, 10, 16, 10, 0), id="autumn-holiday-wednesday-10.00"),
    pytest.param(_copenhagen(2031, 6, 27, 14, 0), id="last-school-day-14.00"),
]
