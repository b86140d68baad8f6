"""How a public form answers a submission that looks automated (PublicForm.spam_reason): the
booking and concern forms and the participants' evaluation refuse it with one wording. Kept out
of either blueprint so no view module imports another."""

from flask import g, render_template
from flask_babel import gettext as _


def spam_refusal(template, form, **context):
    """The form again, 422, with what to do: sent too fast keeps everything and its start time
    (a person's browser can fill a form that fast); the hidden field filled is emptied."""
    if form.spam_reason() == "too fast":
        # A person whose browser filled the form in can be that fast: everything typed is kept,
        # what needs fixing is shown too, and the form's start time stays, so sending it once
        # more goes through.
        form.validate()
        message = _(
            "Formularen blev sendt meget hurtigt, måske udfyldt af browseren. Tjek, at alt er "
            "rigtigt, og send den igen. Intet er gemt endnu."
        )
    else:
        message = _(
            "Vi kunne ikke tage imod formularen, fordi den blev sendt automatisk eller meget "
            "hurtigt. Vent et øjeblik, og send den igen. Intet er gemt."
        )
        # A browser may have filled in the field nobody sees: shown again with it, the form
        # could never be sent. A program sends what it made, not this page.
        form.website.data = ""
    g.refused_as_spam = True  # counted against the sending limit, unlike a form to correct
    return render_template(template, form=form, form_error=message, **context), 422


def counts_against_the_sending_limit(response):
    """Whether a sent form counts against the sending limit (SUBMIT_RATE_LIMIT): one stored,
    or refused as spam; not a form answered with what to correct, so a teacher correcting is
    never locked out. A looser limit on every send stays as the floor."""
    return response.status_code != 422 or g.get("refused_as_spam", False)
