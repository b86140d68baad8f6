"""What both the requester's and the secretariat's change of a booking say afterwards: one
wording for both sides, kept out of either blueprint so no view module imports another."""

from flask import flash
from flask_babel import gettext as _


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
