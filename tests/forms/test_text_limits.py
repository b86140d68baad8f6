"""Nothing anyone types is cut off silently: no form lets through more than its column holds, a
text area says its limit in the hint, and more is refused with the text kept."""

import importlib
import inspect
import pkgutil

import lxml.html
import pytest
import sqlalchemy as sa
from wtforms import Form, StringField
from wtforms.validators import Length

import portal.forms
from portal.extensions import db
from portal.models import Request
from portal.services import mail_editor
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import booking_answers

# Where a text field is stored when its name alone does not say (table.column). A field whose
# name is a bounded column's name is checked against that column too (see _columns_named).
STORED_IN = {
    "contact_name": "contacts.name",
    "contact_email": "contacts.email",
    "contact_phone": "contacts.phone",
    "organisation_name": "organisations.name",
    "AwayPeriodForm.note": "away_periods.note",
    "BudgetLineForm.name_da": "budget_lines.name_da",
    "BudgetLineForm.name_en": "budget_lines.name_en",
    "ClosedPeriodForm.name": "closed_periods.name",
    "InviteUserForm.name": "users.name",
    "InviteUserForm.email": "users.email",
    "OfferKindForm.name_da": "offer_kinds.name_da",
    "OfferKindForm.name_en": "offer_kinds.name_en",
    "SspCommitteeForm.name_da": "ssp_committees.name_da",
    "SspCommitteeForm.name_en": "ssp_committees.name_en",
    "SupportCourseKindForm.name_da": "support_course_kinds.name_da",
    "SupportCourseKindForm.name_en": "support_course_kinds.name_en",
    "TopicForm.name_da": "topics.name_da",
    "TopicForm.name_en": "topics.name_en",
    "MessageForm.subject": "outbox_messages.subject",
    "note": None,  # every other note is a Text column of the row it is about
    "ScheduleForm.place": "events.place",
    "ScheduleForm.title": "events.title",
}
# A limit a service checks where the form has none.
SERVICE_LIMITS = {"EmailTextForm.subject": mail_editor.SUBJECT_MAX}
NOT_STORED = {"website", "started", "q", "hvem", "person", "password", "repeat"}
# Looked up or checked, never written.
NOT_STORED_IN_FORM = {
    "LoginForm.email",
    "LostLinkForm.email",
    "ForgotPasswordForm.email",
    "SecondFactorForm.code",
    "EnrolSecondFactorForm.code",
}


def _bounded_columns():
    return {
        f"{table.name}.{column.name}": column.type.length
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.String) and column.type.length is not None
    }


def _text_fields():
    """(form name, field name, the form's largest allowed length or None) for every text
    field of every form of the portal."""
    for module_info in pkgutil.iter_modules(portal.forms.__path__):
        module = importlib.import_module(f"portal.forms.{module_info.name}")
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, Form) or form.__module__ != module.__name__:
                continue
            for field_name, unbound in inspect.getmembers(
                form, lambda v: hasattr(v, "field_class")
            ):
                if not issubclass(unbound.field_class, StringField):
                    continue
                validators = unbound.kwargs.get("validators") or ()
                limits = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]
                limit = min(limits) if limits else SERVICE_LIMITS.get(f"{form_name}.{field_name}")
                yield form_name, field_name, limit


def _columns_for(form_name, field_name, columns):
    for key in (f"{form_name}.{field_name}", field_name):
        if key in STORED_IN:
            return [STORED_IN[key]] if STORED_IN[key] else []
    return [name for name in columns if name.split(".")[1] == field_name]


def test_no_form_lets_through_more_than_its_column_holds():
    columns = _bounded_columns()
    assert set(STORED_IN.values()) - {None} <= set(columns), "a mapped column no longer exists"
    too_long = []
    for form_name, field_name, limit in _text_fields():
        if field_name in NOT_STORED or f"{form_name}.{field_name}" in NOT_STORED_IN_FORM:
            continue
        for column in _columns_for(form_name, field_name, columns):
            if limit is None or limit > columns[column]:
                too_long.append(
                    f"{form_name}.{field_name} ({limit}) -> {column} ({columns[column]})"
                )
    assert too_long == []


def _booking_form(client, **overrides):
    form = browser_form(client, "/bestil?tilbud=dialogue", action="/bestil")
    return form.fill(**booking_answers("dialogue", **overrides))


def test_the_notes_field_says_its_limit_and_the_browser_cuts_nothing(client):
    page = lxml.html.fromstring(client.get("/bestil?tilbud=dialogue").get_data(as_text=True))
    [notes] = page.xpath("//textarea[@name='notes']")
    assert notes.get("maxlength") is None  # a browser would cut a pasted text without a word
    hint = page.get_element_by_id(notes.get("aria-describedby").split()[0]).text_content()
    assert "Højst 4.000 tegn." in hint


@pytest.mark.parametrize("length", [4001, 6500])
def test_notes_over_the_limit_are_refused_with_the_text_kept(client, length):
    notes = ("Vi vil gerne tale om fællesskab i klassen. " * 200)[:length]
    response = _booking_form(client, notes=notes).submit("Send bestilling")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f"Teksten er {length:,} tegn lang".replace(",", ".") in text
    assert "Der er plads til 4.000 tegn" in text
    again = pick(forms_in(client, "/bestil", text), "/bestil", action="/bestil")
    assert again.value("notes") == notes
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 0


def test_notes_of_exactly_the_limit_are_kept_whole(client):
    notes = ("Vi vil gerne tale om fællesskab i klassen. " * 200)[:4000]
    response = _booking_form(client, notes=notes).submit("Send bestilling")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Request.notes)) == notes


def test_in_english_the_limit_is_told_in_english(client):
    client.set_cookie("vink_lang", "en")
    notes = "x" * 4001
    response = _booking_form(client, notes=notes).submit("Send booking")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The text is 4,001 characters long" in text
    assert "At most 4,000 characters." in text
