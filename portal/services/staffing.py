"""Staffing an event: one send that offers each person chosen from its ranked suggestions an
open seat of their role, all in one go; and, before a move, who has said yes and would no
longer be able to come."""

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..labels import label
from ..models import Person
from . import assignments, offers, suggestions
from .errors import OfferError, all_or_nothing
from .seats import seats


class ChoiceRefused(OfferError):
    """The people chosen do not make a send: the form's mistake (422, nothing stored)."""


class TooManyChosen(ChoiceRefused):
    """More people chosen for a role than it has open seats."""


class ChosenTwice(ChoiceRefused):
    """Someone chosen for two roles: a person takes one seat of an event."""


class NeedsConfirmation(OfferError):
    """Someone chosen is away, outside their weekly hours or busy: sent only when confirmed
    (422, nothing stored)."""


def open_seats(event):
    """The seats nobody holds or is asked for (open, or the last answer was no), in order."""
    return [seat for seat in seats(event) if not seat.accepted and not seat.offered]


def names_of(persons):
    """The persons' names as a sentence says them: "Anna, Bo og Cecilie" ("Anna, Bo, and
    Cecilie" in English)."""
    return format_list([person.full_name for person in persons], locale=get_locale() or "da")


def about(persons):
    """What a message about `persons` fills in: their number (singular or plural) and their
    names, as %(name)s in the singular and %(names)s in the plural."""
    names = names_of(persons)
    return {"num": len(persons), "name": names, "names": names}


def offer_open_seats(event, *, by, chosen_ids, shown=None, anyway=False):
    """Offer each person of `chosen_ids` ({SeatRole: [person id]}, best first, as ticked) an
    open seat of that role, one seat each, in seat order. The persons are loaded in one query;
    an id nobody has is left out. `shown` ({SeatRole: open seats}) is what the page showed when
    the people were chosen (the seats open now without it). Returns (the offered assignments,
    the warnings that `anyway` let through, for the confirmation to repeat).

    Refuses with nothing changed (all or nothing):
    ChoiceRefused when nobody is chosen; ChosenTwice when a person is chosen for two roles;
    TooManyChosen when a role has more people chosen than the page showed open seats;
    NeedsConfirmation, unless `anyway`, when someone chosen is away that day, outside their
    weekly availability or busy with another event; OfferError (a race: 409) when fewer
    seats are open than chosen, checked again under the lock an offer takes, and whatever
    `offer_seat` refuses (a person already asked, inactive, without the role).
    Side effects: those of `offers.offer_seat` for each person (an offered assignment, an
    email with an answer link, audit "assignment.offered").
    """
    chosen = _load(chosen_ids)
    if not chosen:
        raise ChoiceRefused(_l("Vælg mindst én person."))
    _refuse_anyone_chosen_twice(chosen)
    shown = shown or {}
    free = open_seats(event)
    for role, persons in chosen.items():
        room = shown.get(role, sum(1 for seat in free if seat.role == role))
        if len(persons) > room:
            raise TooManyChosen(
                ngettext(
                    "Du har valgt %(chosen)s som %(role)s, men der er kun %(num)s ledig plads. "
                    "Fjern flueben, så der kun er én.",
                    "Du har valgt %(chosen)s som %(role)s, men der er kun %(num)s ledige "
                    "pladser. Fjern flueben, så der højst er %(num)s.",
                    room,
                    chosen=len(persons),
                    role=label(role).lower(),
                )
            )
    _check_room(free, chosen)
    everyone = [p for persons in chosen.values() for p in persons]
    warnings = warnings_for(everyone, event)
    if warnings and not anyway:
        raise NeedsConfirmation(
            " ".join(
                [
                    *map(str, warnings),
                    str(_l("Sæt flueben ved 'Forespørg alligevel' for at sende forespørgslen.")),
                ]
            )
        )
    # The lock an offer takes, for everyone at once; then the seats as they are now.
    offers.lock_for_offer(event, everyone)
    free = open_seats(event)
    _check_room(free, chosen)
    offered = []
    with all_or_nothing():  # a refused offer takes back those made before it in this send
        for role, persons in chosen.items():
            for seat, person in zip([s for s in free if s.role == role], persons, strict=False):
                offered += offers.offer_seat(
                    event, by=by, seat_role=role, seat_number=seat.number, persons=[person]
                )
    return offered, warnings


def _load(chosen_ids):
    """{SeatRole: [Person]} for the roles anyone is chosen for, each id once, in the order
    ticked: one query for every role."""
    chosen_ids = {role: list(dict.fromkeys(ids)) for role, ids in chosen_ids.items() if ids}
    wanted = {i for ids in chosen_ids.values() for i in ids}
    if not wanted:
        return {}
    found = {p.id: p for p in db.session.scalars(db.select(Person).where(Person.id.in_(wanted)))}
    chosen = {role: [found[i] for i in ids if i in found] for role, ids in chosen_ids.items()}
    return {role: persons for role, persons in chosen.items() if persons}


def _refuse_anyone_chosen_twice(chosen):
    seen, twice = set(), []
    for persons in chosen.values():
        for person in persons:
            if person.id in seen and person not in twice:
                twice.append(person)
            seen.add(person.id)
    if twice:
        raise ChosenTwice(
            ngettext(
                "%(name)s er valgt i begge lister, men kan kun have én plads ved "
                "arrangementet. Fjern det ene flueben.",
                "%(names)s er valgt i begge lister, men hver kan kun have én plads ved "
                "arrangementet. Fjern det ene flueben ved hver af dem.",
                **about(twice),
            )
        )


def warnings_for(persons, event):
    """What the portal knows against asking `persons` for `event`: who is away that day, who
    is outside their weekly availability, who has said yes to an overlapping event."""
    warnings = []
    why = suggestions.why_unavailable(persons, event)
    away = [person for person, is_away in why if is_away]
    outside = [person for person, is_away in why if not is_away]
    taken = suggestions.busy(persons, event)
    if away:
        warnings.append(
            ngettext(
                "%(name)s har meldt sig væk den dag.",
                "%(names)s har meldt sig væk den dag.",
                **about(away),
            )
        )
    if outside:
        warnings.append(
            ngettext(
                "%(name)s er ikke ledig på det tidspunkt ifølge sine faste ugetider.",
                "%(names)s er ikke ledige på det tidspunkt ifølge deres faste ugetider.",
                **about(outside),
            )
        )
    if taken:
        warnings.append(
            ngettext(
                "%(name)s har sagt ja til et andet arrangement på det tidspunkt og kan ikke "
                "sige ja til dette, før det andet er løst.",
                "%(names)s har sagt ja til et andet arrangement på det tidspunkt og kan ikke "
                "sige ja til dette, før det andet er løst.",
                **about(taken),
            )
        )
    return warnings


def newly_unable_after_move(event, sessions):
    """Those accepted on `event` who can at its sessions now but could not at `sessions`
    [(start, end)] by their away dates or weekly times: a move there breaks their yes. Whoever
    cannot already (away on the current day, or accepted anyway outside their weekly times) is
    no news, and an edit that keeps the sessions (the place only) breaks nobody's yes."""
    if sorted(sessions) == sorted((s.starts_at, s.ends_at) for s in event.sessions):
        return []
    cannot = assignments.accepted_who_cannot(event, sessions)
    already = {person.id for person in suggestions.unavailable(cannot, event)}
    return [person for person in cannot if person.id not in already]


def _check_room(free, chosen):
    """Refuse (409) when a role has fewer open seats than people chosen for it: another member
    asked for them after the page was shown."""
    for role, persons in chosen.items():
        room = sum(1 for seat in free if seat.role == role)
        if len(persons) > room:
            raise OfferError(
                ngettext(
                    "En anden har forespurgt pladserne, mens du valgte. Der er nu %(num)s "
                    "ledig plads som %(role)s. Vælg igen.",
                    "En anden har forespurgt pladserne, mens du valgte. Der er nu %(num)s "
                    "ledige pladser som %(role)s. Vælg igen.",
                    room,
                    role=label(role).lower(),
                )
            )
