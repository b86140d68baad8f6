"""Danish first, English on request: locale choice, and dates the Danish way."""

from datetime import UTC, datetime, time
from functools import lru_cache

from babel import dates
from flask import current_app, has_request_context, request
from flask_babel import (
    format_decimal,
    format_percent,
    get_locale,
    get_translations,
)
from flask_babel import lazy_pgettext as pgettext  # extracted by its default keyword
from jinja2 import pass_context
from markupsafe import Markup

from . import clock
from .security import UNPRINTABLE

LOCALE_COOKIE = "vink_lang"

# "Emne" is a talk's topic and a mail's subject alike; in English they are two words.
MAIL_SUBJECT = pgettext("e-mail", "Emne")


def select_locale():
    if not has_request_context():  # emails and commands choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale():
    return str(get_locale() or "da")


def in_language(danish, english, locale=None):
    """One side of a text the data holds in both languages (an offer kind's name): English for
    "en", Danish otherwise. With no locale, the language being rendered, page or mail; so is a
    template's undefined one (a macro imported without the page's context)."""
    return english if (locale or current_locale()) == "en" else danish


def marked_name(item):
    """An item's name (`name_da`/`name_en`) for a page, in the page's language; where an English
    page has only the Danish (the admin left the English blank), the Danish marked as Danish,
    so a screen reader says it in Danish (WCAG 3.1.2). Not for <title> or attributes."""
    danish, english = item.name_da, item.name_en
    if current_locale() == "en" and english in ("", danish):
        return Markup('<span lang="da">%s</span>') % danish
    return in_language(danish, english)


def long_date(value):
    """21. november 2026 (da) / 21 November 2026 (en), in Copenhagen time for datetimes."""
    if value is None:
        return ""
    return _formatted(value, "d. MMMM y" if current_locale() == "da" else "d MMMM y")


def short_time(value):
    """14.30 (da) / 14:30 (en), Copenhagen time; a wall-clock `time` as it is."""
    if isinstance(value, time):
        return value.strftime("%H.%M" if current_locale() == "da" else "%H:%M")
    return _formatted(value, "HH.mm" if current_locale() == "da" else "HH:mm") if value else ""


def date_and_time(value):
    return f"{long_date(value)} {short_time(value)}" if value else ""


def weekday_name(value):
    """mandag, tirsdag ... (Danish), Monday ... (English)."""
    return _formatted(value, "EEEE")


def short_day(value):
    """man. 16. nov. (da) / Mon 16 Nov (en)."""
    return _formatted(value, "EEE d. MMM" if current_locale() == "da" else "EEE d MMM")


def month_name(value):
    """november 2026 / November 2026."""
    return _formatted(value, "LLLL y")


def short_month(value):
    """jan., feb. ... (da) / Jan, Feb ... (en)."""
    return _formatted(value, "LLL")


def _formatted(value, pattern):
    return _format(value, pattern, current_locale())


@lru_cache(maxsize=8192)
def _format(value, pattern, locale):
    """`value` as Babel's `pattern` in `locale`, a datetime in Copenhagen time (naive: UTC).

    Once per distinct value: a list repeats its dates, and Babel takes 20-40 µs a date; the
    same text as Flask-Babel's format_date and format_datetime (tests/test_translations.py)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return dates.format_datetime(value, pattern, tzinfo=clock.COPENHAGEN, locale=locale)
    return dates.format_date(value, pattern, locale=locale)


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


def language_switch_next():
    """Where the language link returns to: this page, unless its address holds a character the
    input gate refuses (a 404 for /%00), whose switch would be refused too: then the start."""
    here = request.full_path.rstrip("?")
    return "/" if UNPRINTABLE.search(here) else here


def init_app(app):
    app.jinja_env.globals["language_switch_next"] = language_switch_next
    app.jinja_env.filters["local_date_iso"] = lambda value: (
        value.astimezone(clock.COPENHAGEN).date().isoformat()
    )
    app.jinja_env.filters.update(
        marked_name=marked_name,
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

    # A page calls _() a few hundred times. Flask-Babel's callables look the catalogue up
    # through four context-local proxies each time (15 µs a call, a third of the inbox's
    # rendering); these take it from the page's context, where it is put once per render.
    # Macros imported without context fall back to Flask-Babel's lookup: same words, slower.
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def locale_context():
        locale = current_locale()
        return {
            "babel_translations": get_translations(),
            "current_locale": locale,
            "other_locales": [code for code in app.config["LANGUAGES"] if code != locale],
            "today": clock.today(),
        }


def _translations(context):
    found = context.get("babel_translations")
    return found if found is not None else get_translations()


@pass_context
def _template_gettext(context, string):
    return _translations(context).ugettext(string)


@pass_context
def _template_ngettext(context, singular, plural, n):
    return _translations(context).ungettext(singular, plural, n)


def quoted(text):
    """Someone's own words in a mail the portal sends, set apart line by line ("> "), so
    nobody can write text that reads as the portal's own paragraphs."""
    lines = (text or "").strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)
