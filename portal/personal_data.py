"""Spotting what must never be stored about a citizen in a free-text field: a CPR number (always
refused) and lines that look like a name or an address (the writer is asked to check). Pure
functions, used by the forms (to explain) and the services (to refuse whatever the form)."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

# A CPR number: six digits that are a date (DDMMYY), an optional dash or space, four digits.
_CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?![\d-])")
# "Navn: ...", "hedder Ali", "ved navn Sara": someone named outright.
_NAMED = re.compile(
    r"\b(?:navn|name|hedder|kaldet|ved navn|called|named)\b\s*:?\s*[A-ZÆØÅ][\wæøåé-]+",
    re.IGNORECASE,
)
# Two or three capitalised words in a row: "Ahmed Hansen", "Sofie Marie Jensen".
_CAPITALISED_RUN = re.compile(r"\b[A-ZÆØÅ][a-zæøåéü]+(?:[ -][A-ZÆØÅ][a-zæøåéü]+){1,2}\b")
# A street and a number: "Nørrebrogade 12", "Husum Allé 3".
_ADDRESS = re.compile(
    r"\b[A-ZÆØÅ][\wæøå]*(?:gade|vej|allé|alle|plads|stræde|boulevard|torv|have|park)"
    r"\s+\d+[a-zA-Z]?\b",
    re.IGNORECASE,
)
# A phone number: eight digits, in pairs or fours or run together, with or without +45.
_PHONE = re.compile(r"(?<![\d-])(?:\+45[ -]?)?(?:\d{2}[ -]?){3}\d{2}(?![\d-])")
# Capitalised runs that are places and bodies, not people.
_NOT_NAMES = {
    "københavns kommune",
    "islamisk stat",
    "det muslimske broderskab",
    "danmarks demokratiske",
    "nordic resistance",
    "den nordiske modstandsbevægelse",
}


def cpr_numbers(text):
    """The CPR-like numbers in `text` (a date followed by four digits)."""
    found = []
    for match in _CPR.finditer(text or ""):
        day, month, year = (int(g) for g in match.groups()[:3])
        try:
            date(2000 + year, month, day)
        except ValueError:
            continue
        found.append(match.group(0))
    return found


def looks_like_names_or_addresses(text):
    """Bits of `text` that look like a person's name, address or phone number, for the writer
    to check: someone named outright, a street and a number, a phone number, or two or three
    capitalised words in a row (a sentence seldom starts with two) that are not a known place
    or body. (A CPR number is refused before this is asked: see cpr_numbers.)"""
    text = text or ""
    found = [m.group(0) for m in _NAMED.finditer(text)]
    found += [m.group(0) for m in _ADDRESS.finditer(text)]
    found += [m.group(0).strip() for m in _PHONE.finditer(text) if not cpr_numbers(m.group(0))]
    found += [
        m.group(0)
        for m in _CAPITALISED_RUN.finditer(text)
        if m.group(0).casefold() not in _NOT_NAMES
    ]
    return list(dict.fromkeys(found))


def names_warning(suspects):
    """What a writer is told when a free text of theirs looks like it names someone: the words
    (at most three), what to do, and that they may confirm it is not a name or an address."""
    return _l(
        "Teksten ser ud til at nævne et navn, en adresse eller et telefonnummer (%(words)s). "
        "Skriv ikke, hvem det handler om. Ret teksten, eller bekræft nedenfor, at det ikke er "
        "en persons navn, adresse eller telefonnummer.",
        words=", ".join(f"»{word}«" for word in suspects[:3]),
    )
