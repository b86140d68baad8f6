from datetime import UTC, datetime, timedelta

from portal import clock


def test_now_is_aware_utc():
    assert clock.now().tzinfo is UTC


def test_local_wall_clock_times_become_utc_in_summer_and_winter():
    assert clock.local(2026, 7, 1, 12) == datetime(2026, 7, 1, 10, tzinfo=UTC)  # CEST, +2
    assert clock.local(2026, 1, 15, 12) == datetime(2026, 1, 15, 11, tzinfo=UTC)  # CET, +1


def test_the_night_clocks_go_back_is_25_hours_long():
    assert clock.local(2026, 10, 26, 0) - clock.local(2026, 10, 25, 0) == timedelta(hours=25)
