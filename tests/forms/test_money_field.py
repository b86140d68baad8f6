"""Amounts in kroner as a Dane types them, kept as whole øre."""

import pytest
from werkzeug.datastructures import MultiDict

from portal.forms.admin import BudgetLineForm


def _amount(text, app, locale="da"):
    with app.test_request_context(headers={"Cookie": f"vink_lang={locale}"}):
        form = BudgetLineForm(MultiDict({"name_da": "Drift", "amount": text}), meta={"csrf": False})
        form.validate()
        return form.amount.data, [str(e) for e in form.amount.errors]


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("500000", 500_000_00),
        ("500.000", 500_000_00),
        ("3500,5", 3_500_50),
        ("3.500,50 kr.", 3_500_50),
        ("0", 0),
    ],
)
def test_amounts_in_danish_notation_become_ore(app, text, ore):
    assert _amount(text, app) == (ore, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mange penge", "Skriv et beløb i kroner"),
        ("-5", "Skriv et beløb i kroner"),
        ("12,345", "Skriv et beløb i kroner"),
        ("²", "Skriv et beløb i kroner"),
        ("1.000.000.001", "Beløbet er for stort."),
        ("99999999999999999999999", "Skriv et beløb i kroner"),
    ],
)
def test_anything_else_is_refused_in_danish(app, text, message):
    data, errors = _amount(text, app)
    assert data is None
    assert errors and message in errors[0]


@pytest.mark.parametrize(
    ("text", "ore"),
    [("500,000", 500_000_00), ("3500.5", 3_500_50), ("3,500.50 DKK", 3_500_50), ("0", 0)],
)
def test_amounts_on_an_english_page_are_read_the_english_way(app, text, ore):
    assert _amount(text, app, "en") == (ore, [])


def test_an_amount_refused_on_an_english_page_gives_english_examples(app):
    data, errors = _amount("3.500,50", app, "en")
    assert data is None
    assert errors == ["Enter an amount in DKK, e.g. 3,500 or 3500.50."]
