"""No WTForms message of its own ever reaches a page: every message a form can show is ours,
in our catalogue, and so Danish on a Danish page and English on an English one."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import portal.forms
from portal.forms.base import BUILT_IN_MESSAGES, MESSAGES, PortalForm, SubForm

CATALOG = Path(portal.forms.__file__).parent.parent / "translations/en/LC_MESSAGES/messages.po"


def _catalogue():
    with CATALOG.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(f) if m.id}


def _msgid(message):
    """The Danish source text of a lazy message, or None for something else."""
    args = getattr(message, "_args", None)
    return args[0] if args and isinstance(args[0], str) else None


def _wtforms_messages():
    """Every literal WTForms passes to gettext/ngettext anywhere in its source."""
    found = set()
    for path in Path(wtforms.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"gettext", "ngettext"}:
                found.update(
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )
    return found


def _form_classes():
    for module_info in pkgutil.iter_modules(portal.forms.__path__):
        module = importlib.import_module(f"portal.forms.{module_info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, wtforms.form.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def _validators(unbound):
    """(field name, validator or message) for a field and the fields of its sub-forms."""
    yield from ((unbound, v) for v in unbound.kwargs.get("validators") or ())
    for key in ("invalid_choice_message", "invalid_value_message"):
        if unbound.kwargs.get(key) is not None:
            yield unbound, unbound.kwargs[key]
    for arg in unbound.args:
        if isinstance(arg, UnboundField):
            yield from _validators(arg)
        elif inspect.isclass(arg) and issubclass(arg, wtforms.form.BaseForm):
            for _name, sub in arg._unbound_fields or _unbound(arg):
                yield from _validators(sub)


def _unbound(cls):
    return [(n, f) for n, f in inspect.getmembers(cls) if isinstance(f, UnboundField)]


FORMS = sorted(_form_classes(), key=lambda cls: cls.__qualname__)


def test_every_message_wtforms_can_give_is_ours_and_translated():
    catalogue = _catalogue()
    wtforms_messages = _wtforms_messages()
    assert "Not a valid choice." in wtforms_messages  # the walk finds what it should
    unmapped = sorted(wtforms_messages - BUILT_IN_MESSAGES.keys())
    assert unmapped == [], "add these to BUILT_IN_MESSAGES in portal/forms/base.py"
    for ours in BUILT_IN_MESSAGES.values():
        assert catalogue.get(_msgid(ours)), f"{_msgid(ours)!r} is not translated"


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_form_takes_its_built_in_messages_from_us(form_class):
    assert issubclass(form_class, PortalForm | SubForm), (
        f"{form_class.__qualname__} must inherit PortalForm (or SubForm inside a form)"
    )
    assert not (issubclass(form_class, FlaskForm) and issubclass(form_class, SubForm))


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_validator_message_of_every_form_is_in_our_catalogue(form_class):
    catalogue = _catalogue()
    for _name, unbound in _unbound(form_class):
        for field, validator in _validators(unbound):
            if _msgid(validator) is not None:
                message = validator  # a message given to the field itself
            elif inspect.isfunction(validator) or not hasattr(validator, "message"):
                continue  # a check of ours raising messages of ours, or one with no message
            else:
                message = validator.message
            if message is None:
                continue  # WTForms' own default, which BUILT_IN_MESSAGES maps
            msgid = _msgid(message)
            assert msgid is not None, f"{form_class.__qualname__}: {message!r} is not lazy _l()"
            assert catalogue.get(msgid), f"{form_class.__qualname__}: {msgid!r} not translated"
            assert field is not None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("da", "Vælg en af mulighederne på listen."), ("en", "Choose one of the options")],
)
def test_a_built_in_message_reaches_the_page_in_the_visitors_language(app, locale, expected):
    from portal.forms.assignee import AvailabilityRuleForm

    with app.test_request_context(
        "/", method="POST", data={"weekday": "9", "starts_at": "x"}, headers={"Cookie": ""}
    ):
        from flask_babel import force_locale

        with force_locale(locale):
            form = AvailabilityRuleForm(meta={"csrf": False})
            assert not form.validate()
            assert form.weekday.errors[0].startswith(expected)
            assert form.starts_at.errors[0] != "Not a valid time value."
    assert (
        MESSAGES.gettext("something WTForms may add one day") != "something WTForms may add one day"
    )
