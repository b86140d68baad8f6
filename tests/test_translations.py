"""Danish is the source language; every string shown must also exist in English."""

from tests.babel_strings import catalogue, extracted


def test_every_danish_string_has_an_english_translation():
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted()}
    catalog = catalogue()
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = sorted(wanted - translated)
    assert missing == [], "run `make messages` and translate these in messages.po"


# Dates: the portal's filters format each distinct value once (i18n._format, cached) with
# Babel directly; the text must be what Flask-Babel's own formatting gives in a request.
PATTERNS = ("d. MMMM y", "d MMMM y", "HH.mm", "HH:mm", "EEEE", "EEE d. MMM", "LLLL y", "LLL")


def _moments():
    from datetime import UTC, date, datetime, timedelta

    from portal import clock

    yield date(2026, 1, 1)
    yield date(2027, 12, 31)
    yield datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Copenhagen
    yield datetime(2026, 6, 30, 22, 15)  # naive: UTC, 1 July 00.15 in Copenhagen
    yield clock.local(2026, 3, 29, 1, 59)  # the hour before summer time
    yield clock.local(2026, 3, 29, 3, 0)
    yield clock.local(2026, 10, 25, 2, 30)  # the hour that comes twice
    start = datetime(2026, 1, 5, 7, 45, tzinfo=UTC)
    yield from (start + timedelta(days=n * 37, hours=n) for n in range(12))


def test_dates_read_as_flask_babel_would_write_them(app):
    from flask_babel import force_locale, format_date, format_datetime

    from portal import i18n

    for locale in ("da", "en"):
        with app.test_request_context("/"), force_locale(locale):
            for value in _moments():
                for pattern in PATTERNS:
                    if not hasattr(value, "hour") and "H" in pattern:
                        continue  # a day has no time of day
                    babel = (
                        format_date(value, pattern)
                        if pattern in ("EEEE", "EEE d. MMM", "LLLL y", "LLL")
                        or not hasattr(value, "hour")
                        else format_datetime(value, pattern)
                    )
                    assert i18n._format(value, pattern, locale) == babel, (locale, value)
