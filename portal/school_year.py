"""Copenhagen's typical school holidays for a school year (August to June), as closed periods.

The admin keeps the real dates; these are the typical weeks used to seed them.
"""

from datetime import date, timedelta


def easter_sunday(year):
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _iso_week(year, week):
    """(Saturday before, Sunday of) ISO week `week` of `year`: a holiday week with its weekends."""
    monday = date.fromisocalendar(year, week, 1)
    return monday - timedelta(days=2), monday + timedelta(days=6)


def school_holidays(first_year):
    """[(name, starts_on, ends_on)] for the school year that starts in August of `first_year`."""
    second = first_year + 1
    easter = easter_sunday(second)
    june_end = date(second, 6, 30)
    last_saturday_of_june = june_end - timedelta(days=(june_end.weekday() - 5) % 7)
    august_first = date(second, 8, 1)
    first_monday_of_august = august_first + timedelta(days=(7 - august_first.weekday()) % 7)
    return [
        ("Efterårsferie", *_iso_week(first_year, 42)),
        ("Juleferie", date(first_year, 12, 21), date(second, 1, 2)),
        ("Vinterferie", *_iso_week(second, 7)),
        # From the Saturday before Palm Sunday to Easter Monday.
        ("Påskeferie", easter - timedelta(days=8), easter + timedelta(days=1)),
        ("Sommerferie", last_saturday_of_june, first_monday_of_august + timedelta(days=6)),
    ]


def school_year_start(today):
    """The calendar year in which the school year containing `today` began (August)."""
    return today.year if today.month >= 8 else today.year - 1
