"""What a person who answered an offer is told next, the same wherever they answered: on the
page the emailed link opens (views/offers.py) or on their own page (views/assignee.py). Kept out
of both blueprints so neither view module imports the other; `told_after_accept` is also a
template global (registered in create_app), as both audiences' templates say it."""

from flask_babel import gettext as _

from .. import clock
from ..services import reminders, seats


def told_after_accept(event):
    """Who learns of a yes, and when: said where the person answered (link or my page). The
    secretariat is not mailed; the requester is mailed once every seat is accepted
    (offers.accept_offer); the person is reminded two days before (reminders)."""
    told = [_("Sekretariatet kan se dit svar med det samme.")]
    if event.request is not None:
        if seats.is_fully_staffed(event):
            told.append(
                _("Alle pladser er besat, så bestilleren har fået besked om, hvem der kommer.")
            )
        else:
            told.append(_("Bestilleren får besked, når alle pladser er besat."))
    if event.starts_at - clock.now() > reminders.EVENT_REMINDER_BEFORE:
        told.append(_("Du får en påmindelse to dage før."))  # sooner: no reminder is promised
    return " ".join(told)


def after_decline(offered_on):
    """What happens to the seat after a no, said where the person answered (link or my page)."""
    if offered_on is not None:
        return _("Tak for dit svar. Vi har spurgt den næste, der er ledig.")
    return _("Tak for dit svar. Sekretariatet finder en anden.")
