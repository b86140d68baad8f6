"""A mail's text, filled in: the admin's edited wording for its kind and language when there is
one, else the shipped wording, with each placeholder replaced by its value.

Filling uses a regular expression, never `str.format` or Jinja: a text can name a placeholder and
nothing else (no attribute access, no code), and what a placeholder becomes is never read again,
so braces a requester typed stay as typed."""

import re

from flask_babel import force_locale

from ...extensions import db
from ...models import EmailTemplate
from .kinds import KINDS
from .placeholders import PLACEHOLDER, PLACEHOLDERS


def shipped_text(kind, language):
    """(subject, body) of the shipped wording in placeholder form, in `language`."""
    with force_locale(language):
        return KINDS[kind].wording()


def stored_text(kind, language):
    """The admin's EmailTemplate for (kind, language), or None: the shipped wording is used."""
    return db.session.scalar(
        db.select(EmailTemplate).where(
            EmailTemplate.kind == kind, EmailTemplate.language == language
        )
    )


def current_text(kind, language):
    """(subject, body) a mail of `kind` is written from: the admin's text, else the shipped one."""
    row = stored_text(kind, language)
    return (row.subject, row.body) if row is not None else shipped_text(kind, language)


def placeholders_in(text):
    return PLACEHOLDER.findall(text or "")


def render(kind, language, context):
    """(subject, body) of the mail `kind` in `language` for `context` (what the sending service
    knows: the request, the event, the person, the link ...)."""
    return fill(kind, language, *current_text(kind, language), context)


def fill(kind, language, subject, body, context):
    """(subject, body) of a text with its placeholders filled from `context`.

    A line holding only a placeholder that comes out empty goes, and so do extra blank lines
    and spaces at the ends of lines: "{aflysningsgrund}" without a note leaves no hole in the
    mail. That tidying is of the text around the placeholders; what a placeholder becomes is
    put in as it is, so a message the secretariat wrote keeps its blank lines."""
    spec = KINDS[kind]
    offered = set(spec.placeholders)
    values = {}

    def value(name):
        if name not in values:
            if name == "link" and spec.link_value is not None:
                values[name] = spec.link_value(context)
            else:
                values[name] = str(PLACEHOLDERS[name].value(context, language) or "")
        return values[name]

    def substitute(text):
        # Each value that is not empty stands as a marker (no text can hold a NUL) while the
        # lines are tidied, and goes in after.
        filled = []

        def one(match):
            name = match.group(1)
            if name not in offered:
                return match.group(0)
            if not value(name):
                return ""
            filled.append(value(name))
            return f"\0{len(filled) - 1}\0"

        lines = []
        for line in text.replace("\r\n", "\n").replace("\0", "").split("\n"):
            alone = PLACEHOLDER.fullmatch(line.strip())
            if alone and alone.group(1) in offered and not value(alone.group(1)):
                continue
            lines.append(PLACEHOLDER.sub(one, line).rstrip())
        tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        return re.sub(r"([ \t]*)\0(\d+)\0", lambda m: _put_in(m, filled), tidy)

    with force_locale(language):
        filled_subject = " ".join(substitute(subject).split())
        filled_body = substitute(body).strip() + "\n"
    return filled_subject, filled_body


def _put_in(match, filled):
    """A value in place of its marker; one that begins on a new line takes the line's trailing
    spaces with it ("Begrundelse: " + "\\n> note")."""
    spaces, value = match.group(1), filled[int(match.group(2))]
    return value if value.startswith("\n") else spaces + value
