"""Danish first, English on request: locale choice, and dates the Danish way."""

from datetime import datetime, time

from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from . import clock
from .links import external_url

LOCALE_COOKIE = "vink_lang"


def select_locale():
    if not has_request_context():  # emails and commands choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale():
    return str(get_locale() or "da")


def long_date(value):
    """21. november 2026 (da) / 21 November 2026 (en), in Copenhagen time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d. MMMM y" if current_locale() == "da" else "d MMMM y")
    return format_date(value, "d. MMMM y" if current_locale() == "da" else "d MMMM y")


def short_time(value):
    """14.30 (da) / 14:30 (en), Copenhagen time; a wall-clock `time` as it is."""
    if isinstance(value, time):
        return value.strftime("%H.%M" if current_locale() == "da" else "%H:%M")
    return format_datetime(value, "HH.mm" if current_locale() == "da" else "HH:mm") if value else ""


def date_and_time(value):
    return f"{long_date(value)} {short_time(value)}" if value else ""


def weekday_name(value):
    """mandag, tirsdag ... (Danish), Monday ... (English)."""
    return format_date(value, "EEEE")


def short_day(value):
    """man. 16. nov. (da) / Mon 16 Nov (en)."""
    return format_date(value, "EEE d. MMM" if current_locale() == "da" else "EEE d MMM")


def month_name(value):
    """november 2026 / November 2026."""
    return format_date(value, "LLLL y")


def short_month(value):
    """jan., feb. ... (da) / Jan, Feb ... (en)."""
    return format_date(value, "LLL")


def number(value):
    return format_decimal(value) if value is not None else ""


def one_decimal(value):
    """24,8 (da) / 24.8 (en): averages, always with one decimal."""
    return format_decimal(value, "#,##0.0") if value is not None else ""


def percent(value):
    """0.7 -> 70 % (da) / 70% (en)."""
    return format_percent(value) if value is not None else ""


def kroner(ore):
    """Whole øre shown as kroner: 500.000 kr. (da) / DKK 500,000 (en)."""
    if ore is None:
        return ""
    amount = format_decimal(ore / 100, "#,##0" if ore % 100 == 0 else "#,##0.00")
    return f"{amount} kr." if current_locale() == "da" else f"DKK {amount}"


def init_app(app):
    app.jinja_env.globals["url_for_external"] = _url_for_external
    app.jinja_env.filters["quoted"] = quoted
    app.jinja_env.filters["local_date_iso"] = lambda value: (
        value.astimezone(clock.COPENHAGEN).date().isoformat()
    )
    app.jinja_env.filters.update(
        long_date=long_date,
        short_time=short_time,
        date_and_time=date_and_time,
        number=number,
        percent=percent,
        one_decimal=one_decimal,
        kroner=kroner,
        weekday_name=weekday_name,
        short_day=short_day,
        month_name=month_name,
        short_month=short_month,
    )

    @app.context_processor
    def locale_context():
        locale = current_locale()
        return {
            "current_locale": locale,
            "other_locales": [code for code in app.config["LANGUAGES"] if code != locale],
            "today": clock.today(),
        }


def _url_for_external(endpoint, **values):
    return external_url(endpoint, **values)


def quoted(text):
    """Someone's own words in a mail the portal sends, set apart line by line ("> "), so
    nobody can write text that reads as the portal's own paragraphs."""
    lines = (text or "").strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)
