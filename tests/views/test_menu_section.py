"""The main menu marks the part of the portal a page belongs to, not only the item's own page:
on a target page the admin still sees she is under "Administration"."""

import re

import pytest

from portal.models.enums import Role
from tests.factories import make_request


def _marked(client, path):
    html = client.get(path).get_data(as_text=True)
    return [
        (text, current)
        for current, text in re.findall(
            r'class="nav-link" aria-current="(page|true)"><span>([^<]+)</span>', html
        )
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/", [("Administration", "page")]),
        ("/admin/maal", [("Administration", "true")]),
        ("/admin/brugere/", [("Administration", "true")]),
        ("/sekretariat/", [("Overblik", "page")]),
        ("/sekretariat/arrangementer/nyt", [("Arrangementer", "true")]),
        ("/sekretariat/indbakke", [("Indbakke", "page")]),
        # A request is opened from the inbox: its pages are the inbox's.
        ("/sekretariat/henvendelser/{request}", [("Indbakke", "true")]),
        ("/sekretariat/henvendelser/{request}/ret", [("Indbakke", "true")]),
    ],
)
def test_the_menu_marks_the_part_a_page_belongs_to(as_role, path, expected):
    client = as_role(Role.ADMIN)
    assert _marked(client, path.format(request=make_request().id)) == expected


def test_the_start_page_item_is_marked_on_the_start_page_only(client):
    assert _marked(client, "/") == [("Forside", "page")]
    assert _marked(client, "/bestil") == []
