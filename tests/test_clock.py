import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from portal import clock
from portal.school_year import school_holidays
from tests.clock import TERM_TIME_TUESDAY, faketime_env


def test_now_is_aware_utc():
    assert clock.now().tzinfo is UTC


def test_local_wall_clock_times_become_utc_in_summer_and_winter():
    assert clock.local(2026, 7, 1, 12) == datetime(2026, 7, 1, 10, tzinfo=UTC)  # CEST, +2
    assert clock.local(2026, 1, 15, 12) == datetime(2026, 1, 15, 11, tzinfo=UTC)  # CET, +1


def test_the_night_clocks_go_back_is_25_hours_long():
    assert clock.local(2026, 10, 26, 0) - clock.local(2026, 10, 25, 0) == timedelta(hours=25)


def test_every_test_starts_on_a_term_time_tuesday_at_ten_in_copenhagen():
    local = clock.now().astimezone(clock.COPENHAGEN)
    assert (local.strftime("%A"), local.hour) == ("Tuesday", 10)
    assert clock.now() - TERM_TIME_TUESDAY < timedelta(minutes=1)
    assert not any(start <= clock.today() <= end for _name, start, end in school_holidays(2030))


def test_a_test_moves_the_clock_by_name_and_the_next_test_starts_over(travel):
    travel(clock.local(2031, 3, 30, 3, 1))
    assert clock.now() - clock.local(2031, 3, 30, 3, 1) < timedelta(minutes=1)
    travel.shift(timedelta(days=1))
    assert clock.today() == date(2031, 3, 31)


def test_a_process_a_test_starts_runs_at_the_tests_instant(travel):
    travel(clock.local(2030, 12, 31, 23, 59))
    result = subprocess.run(
        [sys.executable, "-c", "import datetime; print(datetime.datetime.now().isoformat())"],
        env=os.environ | faketime_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    started = datetime.fromisoformat(result.stdout.strip()).replace(tzinfo=UTC)
    assert abs(started - clock.local(2030, 12, 31, 23, 59)) < timedelta(minutes=1)


@pytest.mark.real_clock("proves the marker: the machine's clock, not the tests' instant")
def test_a_test_marked_real_clock_runs_on_the_machines_clock():
    assert not time_machine.escape_hatch.is_travelling()
    assert abs(clock.now() - TERM_TIME_TUESDAY) > timedelta(days=1)
