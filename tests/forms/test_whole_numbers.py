"""Whole numbers as the page's language writes them: "2.000" is two thousand on a Danish page,
"2,000" on an English one; decimals, nonsense and numbers no column holds are refused with a
message that says what to write, never a 500. Every IntegerField of every form reads them so."""

import lxml.html
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from portal import clock
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.models import Target
from portal.models.enums import Metric, Role
from tests.browser_form import browser_form


class CountForm(PortalForm):
    """An IntegerField as any form of the portal declares one, with no range of its own."""

    count = IntegerField("Antal", validators=[Optional()])


class TargetLikeForm(PortalForm):
    count = IntegerField(
        "Antal", validators=[Optional(), NumberRange(0, 100_000, "Skriv 0-100000.")]
    )


def _read(app, text, locale="da", form_class=CountForm):
    with app.test_request_context(headers={"Cookie": f"vink_lang={locale}"}):
        form = form_class(MultiDict({"count": text}), meta={"csrf": False})
        form.validate()
        return form.count.data, [str(e) for e in form.count.errors]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2000", 2000),
        ("2.000", 2000),
        ("2 000", 2000),
        ("2\u00a0000", 2000),  # a no-break space, as a number copied from a page has
        ("  1.234.567 ", 1_234_567),
        ("0", 0),
        ("-5", -5),
        ("007", 7),
        ("0" * 5000 + "1", 1),  # Python refuses to read 4,300 digits: zeros are not read
        ("-0", 0),
    ],
)
def test_a_danish_page_reads_dots_and_spaces_as_thousands(app, text, number):
    assert _read(app, text) == (number, [])


@pytest.mark.parametrize(
    ("text", "number"),
    [("2000", 2000), ("2,000", 2000), ("2 000", 2000), ("1,234,567", 1_234_567)],
)
def test_an_english_page_reads_commas_and_spaces_as_thousands(app, text, number):
    assert _read(app, text, "en") == (number, [])


@pytest.mark.parametrize(
    ("locale", "text", "message"),
    [
        ("da", "2.000,5", "Skriv et helt tal uden decimaler, fx 2.000."),
        ("da", "2,5", "Skriv et helt tal uden decimaler, fx 2.000."),
        ("da", "2.00", "Skriv et helt tal, fx 25."),
        ("da", "mange", "Skriv et helt tal, fx 25."),
        ("da", "²", "Skriv et helt tal, fx 25."),
        ("da", "1e3", "Skriv et helt tal, fx 25."),
        ("da", "99999999999999999999", "Tallet er for stort."),
        ("da", "9" * 5000, "Tallet er for stort."),
        ("da", "2,", "Skriv et helt tal uden decimaler, fx 2.000."),
        ("en", "2.", "Enter a whole number without decimals, e.g. 2,000."),
        ("en", "2.000", "Enter a whole number without decimals, e.g. 2,000."),
        ("en", "2,000.5", "Enter a whole number without decimals, e.g. 2,000."),
        ("en", "lots", "Enter a whole number, e.g. 25."),
        ("en", "-99999999999999999999", "The number is too large."),
    ],
)
def test_anything_but_a_whole_number_is_refused_with_what_to_write(app, locale, text, message):
    data, errors = _read(app, text, locale)
    assert data is None
    assert errors and errors[0].startswith(message)


def test_a_number_too_large_for_a_field_with_a_range_names_the_range(app):
    assert _read(app, "99999999999999999999", form_class=TargetLikeForm) == (
        None,
        ["Skriv 0-100000.", "Skriv 0-100000."],
    )


def test_the_field_is_a_text_input_with_a_numeric_keyboard(app):
    """A number input would not take "2.000" in Danish: Chromium reads it as 2."""
    with app.test_request_context():
        html = CountForm(meta={"csrf": False}).count(min="0")
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert "min=" not in html  # not valid on a text input


# The targets page's own button: its year picker (a GET form) goes to the same address.
SAVE_TARGETS = {"da": "Gem målene for %s", "en": "Save the targets for %s"}


@pytest.mark.parametrize(("locale", "typed"), [("da", "2.000"), ("en", "2,000")])
def test_the_admin_sets_a_target_of_two_thousand_as_their_language_writes_it(
    as_role, locale, typed
):
    year = clock.today().year + 1
    admin = as_role(Role.ADMIN)
    admin.set_cookie("vink_lang", locale)
    form = browser_form(admin, f"/admin/maal?aar={year}", button=SAVE_TARGETS[locale] % year)
    assert form.fill(target_dialogue_students=typed).submit().status_code == 302
    assert (
        db.session.scalar(
            db.select(Target.value).where(
                Target.year == year, Target.metric == Metric.DIALOGUE_STUDENTS
            )
        )
        == 2000
    )


def test_a_decimal_target_is_refused_and_the_summary_names_the_field(as_role):
    year = clock.today().year + 1
    admin = as_role(Role.ADMIN)
    form = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    response = form.fill(target_dialogue_students="2.000,5").submit()
    assert response.status_code == 422
    summary = lxml.html.fromstring(response.get_data(as_text=True)).xpath(
        "//*[@data-module='error-summary']//a"
    )
    assert [(" ".join(a.text_content().split()), a.get("href")) for a in summary] == [
        (
            "Elever nået med dialoger: Skriv et helt tal uden decimaler, fx 2.000.",
            "#target_dialogue_students",
        )
    ]
    assert db.session.scalars(db.select(Target).where(Target.year == year)).all() == []


@pytest.mark.parametrize(("locale", "limit"), [("da", "100.000"), ("en", "100,000")])
def test_a_target_beyond_its_range_is_told_the_range_as_its_language_writes_it(
    as_role, locale, limit
):
    admin = as_role(Role.ADMIN)
    admin.set_cookie("vink_lang", locale)
    year = clock.today().year + 1
    form = browser_form(admin, f"/admin/maal?aar={year}", button=SAVE_TARGETS[locale] % year)
    response = form.fill(target_talks_held="99999999999999999999").submit()
    assert response.status_code == 422
    assert f" 0 {'til' if locale == 'da' else 'to'} {limit}." in response.get_data(as_text=True)
