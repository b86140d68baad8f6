"""Time, in one place: stored in UTC, shown and reasoned about in Europe/Copenhagen."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def now():
    return datetime.now(UTC)


def today():
    """Today's date in Copenhagen (not the server's time zone)."""
    return datetime.now(COPENHAGEN).date()


def parse_day(text):
    """A date from YYYY-MM-DD, None for nothing; ValueError for anything else."""
    return date.fromisoformat(text) if text else None


def local(year, month, day, hour=0, minute=0):
    """A Copenhagen wall-clock time, as an aware UTC datetime for storing."""
    return datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)
