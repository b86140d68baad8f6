"""The main menu, per role: one list that base.html renders."""

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .auth_session import new_password_required
from .models.enums import Role

MENUS = {
    None: [("public.index", _l("Forside"))],
    Role.SECRETARIAT: [
        ("secretariat.index", _l("Overblik")),
        ("secretariat.inbox", _l("Indbakke")),
        ("secretariat.events", _l("Arrangementer")),
        ("secretariat.calendar", _l("Kalender")),
        ("reports.report", _l("Rapport")),
    ],
    Role.ADMIN: [
        ("secretariat.index", _l("Overblik")),
        ("secretariat.inbox", _l("Indbakke")),
        ("secretariat.events", _l("Arrangementer")),
        ("secretariat.calendar", _l("Kalender")),
        ("reports.report", _l("Rapport")),
        ("admin.index", _l("Administration")),
    ],
    Role.ASSIGNEE: [
        ("assignee.index", _l("Min side")),
        ("assignee.open_seats", _l("Ledige pladser")),
        ("assignee.availability", _l("Hvornår kan jeg")),
    ],
}


def main_menu():
    if new_password_required():
        return []  # every page leads to the one where a new password is chosen
    role = current_user.role if current_user.is_authenticated else None
    return MENUS[role]


# Pages a menu item holds that are not under its own address: a request is opened from the
# inbox, so its pages are the inbox's, not the overview's at /sekretariat/.
ALSO_UNDER = {"secretariat.inbox": ("/sekretariat/henvendelser",)}


def menu_section(menu):
    """The endpoint of the menu item whose pages this is: the one whose address (or one of
    ALSO_UNDER) the current one starts with, the longest if several do (an event's page is
    under "Arrangementer", a target page under "Administration", not under "Overblik" at
    /sekretariat/)."""
    path = request.path
    found = [
        (len(address), endpoint)
        for endpoint, _text in menu
        for address in [url_for(endpoint), *ALSO_UNDER.get(endpoint, ())]
        if path == address or (address != "/" and path.startswith(address.rstrip("/") + "/"))
    ]
    return max(found)[1] if found else None


def init_app(app):
    app.jinja_env.globals["main_menu"] = main_menu
    app.jinja_env.globals["menu_section"] = menu_section
