"""Time, in one place: stored in UTC, shown and reasoned about in Europe/Copenhagen."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def now():
    return datetime.now(UTC)


def today():
    """Today's date in Copenhagen (not the server's time zone)."""
    return datetime.now(COPENHAGEN).date()


# The dates the portal reasons about: from 2000 to the end of the fifth year ahead. No booking
# lies beyond them, and date arithmetic there (a week's end, a month's grid) would overflow.
EARLIEST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 5


def last_day_in_reach():
    return date(today().year + YEARS_AHEAD, 12, 31)


def in_reach(day):
    return EARLIEST_DAY <= day <= last_day_in_reach()


def parse_day(text):
    """A date within reach from YYYY-MM-DD, None for nothing; ValueError for anything else."""
    if not text:
        return None
    day = date.fromisoformat(text)
    if not in_reach(day):
        raise ValueError(f"{text} is out of reach")
    return day


def local(year, month, day, hour=0, minute=0):
    """A Copenhagen wall-clock time, as an aware UTC datetime for storing."""
    return datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


def held_until(now, *moments):
    """Until when what was computed at `now` holds with nothing written: the first of `moments`
    at or after `now` (None and earlier ones left out) and the next Copenhagen midnight."""
    return min([next_midnight(now), *(m for m in moments if m is not None and m >= now)])


def next_midnight(instant):
    """The first Copenhagen midnight after `instant` (an aware datetime), as UTC."""
    tomorrow = instant.astimezone(COPENHAGEN).date() + timedelta(days=1)
    return local(tomorrow.year, tomorrow.month, tomorrow.day)
