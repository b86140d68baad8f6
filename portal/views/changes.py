"""Changing a booking, by the requester on its private link or by the secretariat: one flow and
one wording for both sides, kept out of either blueprint so no view module imports another."""

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

from ..forms.public import ChangeRequestForm
from ..i18n import current_locale
from ..services import catalogue, request_changes
from ..services.request_states import RequestError


def change_booking(req, *, by, template, action, back, refused_status):
    """The change form for `req`: shown filled from the booking, stored through the service,
    and a new email address asked for by its link; afterwards a redirect to `back`.

    `by` is the staff user changing it, or None for the requester; `refused_status` is what a
    change the service refuses answers with, the message beside the form.
    """
    form = ChangeRequestForm(request=req, topics=catalogue.active_topics(), locale=current_locale())
    status, error = 200, None
    if request.method == "GET":
        form.fill_from(req, request_changes.practical_info(req))
    elif form.validate():
        try:
            changed = request_changes.change_request(req, changes=form.changes(), by=by)
        except RequestError as refused:
            status, error = refused_status, str(refused)
        else:
            asked = request_changes.ask_to_change_email(req, form.contact_email.data)
            say_what_changed(changed, asked, form.contact_email.data)
            return redirect(back)
    else:
        status = 422
    return render_template(
        template,
        req=req,
        form=form,
        form_error=error,
        action=action,
        back=back,
    ), status


def say_what_changed(changed, asked, email):
    """The message after a change of a booking, by the requester or the secretariat."""
    if changed:
        flash(_("Ændringerne er gemt."), "success")
    if asked:
        flash(
            _(
                "Vi har sendt et link til %(email)s. Den nye adresse gælder, når I har åbnet det.",
                email=email,
            ),
            "success",
        )
    if not changed and not asked:
        flash(_("I ændrede ikke noget. Intet er gemt."), "success")
