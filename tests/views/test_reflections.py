"""The assignee's reflection, written from the event page beside attendance, and the note marked
"følg op" that waits in the secretariat's "Kræver handling" until someone handles it."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Reflection
from portal.models.enums import Role
from tests.browser_form import browser_form
from tests.factories import (
    accepted_on,
    make_ambassador,
    make_request,
    make_scheduled,
    make_user,
    row_counts,
)

BUTTON = "Gem refleksion"


@pytest.fixture
def held(app, login, travel):
    """An ambassador's client and path to the event page of a dialogue they said yes to, which
    started three hours ago."""
    event = make_scheduled(starts_at=clock.now() + timedelta(days=2), request=make_request())
    assignment = accepted_on(event, make_ambassador(first_name="Sara", last_name="Holm"))
    travel.shift(timedelta(days=2, hours=3))
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=assignment.person))
    return client, f"/mig/arrangementer/{event.id}", event


def test_a_note_marked_follow_up_waits_in_the_inbox_until_handled(held, as_role):
    client, page, event = held
    form = browser_form(client, page, button=BUTTON)
    form.fill(rating="2", reflection_note="Læreren gik midt i dialogen", follow_up="y")
    response = form.submit()
    assert response.status_code == 302
    assert "Din refleksion er gemt" in client.get(page).get_data(as_text=True)

    staff = as_role(Role.SECRETARIAT)
    inbox = staff.get("/sekretariat/indbakke").get_data(as_text=True)
    assert "Note: følg op" in inbox
    assert "Sara Holm skriver »Læreren gik midt i dialogen«" in inbox
    event_page = f"/sekretariat/arrangementer/{event.id}"
    html = staff.get(event_page).get_data(as_text=True)
    assert "2 af 5" in html
    handled = browser_form(staff, event_page, button="Markér som fulgt op").submit()
    assert handled.status_code == 302
    assert "Note: følg op" not in staff.get("/sekretariat/indbakke").get_data(as_text=True)
    assert "Sekretariatet har fulgt op" in client.get(page).get_data(as_text=True)


def test_a_reflection_without_follow_up_stays_out_of_the_inbox(held, as_role):
    client, page, _event = held
    form = browser_form(client, page, button=BUTTON)
    form.fill(rating="5")
    assert form.submit().status_code == 302
    [reflection] = db.session.scalars(db.select(Reflection)).all()
    assert (reflection.rating, reflection.note, reflection.follow_up) == (5, "", False)
    inbox = as_role(Role.SECRETARIAT).get("/sekretariat/indbakke").get_data(as_text=True)
    assert "Note: følg op" not in inbox


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({}, "Vælg, hvordan det gik"),
        ({"rating": "3", "follow_up": "y"}, "Skriv, hvad sekretariatet skal følge op på"),
        ({"rating": "3", "reflection_note": "  "}, None),
        ({"rating": "3", "reflection_note": "cpr 010203-1234"}, "Skriv ikke CPR-numre"),
    ],
)
def test_a_bad_reflection_is_explained_and_nothing_is_stored(held, typed, message):
    client, page, _event = held
    before = row_counts()
    form = browser_form(client, page, button=BUTTON)
    form.fill(**typed)
    response = form.submit()
    if message is None:  # a blank note is no note
        assert response.status_code == 302
        assert db.session.scalar(db.select(Reflection.note)) == ""
        return
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_tampered_rating_is_refused(held):
    client, page, _event = held
    form = browser_form(client, page, button=BUTTON)
    form.tamper("rating", "9")
    response = form.submit()
    assert response.status_code == 422
    assert db.session.scalars(db.select(Reflection)).all() == []


def test_no_reflection_before_the_event_starts(app, login):
    event = make_scheduled(starts_at=clock.now() + timedelta(days=2))
    assignment = accepted_on(event, make_ambassador())
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=assignment.person))
    page = f"/mig/arrangementer/{event.id}"
    assert BUTTON not in client.get(page).get_data(as_text=True)
    refused = client.post_form(f"{page}/refleksion", {"rating": "4"})
    assert refused.status_code == 404


def test_another_persons_event_is_404(held, app, login):
    _client, page, _event = held
    stranger = app.test_client()
    login(stranger, make_user(role=Role.ASSIGNEE, person=make_ambassador()))
    assert stranger.post_form(f"{page}/refleksion", {"rating": "4"}).status_code == 404


def test_the_reflection_reads_in_english(held):
    client, page, _event = held
    client.get("/sprog/en")
    html = client.get(page).get_data(as_text=True)
    assert "Your reflection" in html
    assert "Save reflection" in html


def test_the_mailed_attendance_link_takes_a_reflection_too_before_and_after_attendance(travel):
    from urllib.parse import urlsplit

    from portal.services import assignments

    event = make_scheduled(starts_at=clock.now() + timedelta(days=2), request=make_request())
    assignment = accepted_on(event, make_ambassador(first_name="Ali", last_name="Berg"))
    travel.shift(timedelta(days=2, hours=3))
    link = urlsplit(assignments.attendance_url(assignment)).path
    from flask import current_app

    client = current_app.test_client()
    form = browser_form(client, link, button=BUTTON)
    form.fill(rating="4", reflection_note="Gode spørgsmål fra klassen")
    assert form.submit().status_code == 302
    attendance = browser_form(client, link, button="Gem fremmøde")
    attendance.fill(students="20", staff="0", parents="0", other="0")
    assert attendance.submit().status_code == 302
    again = browser_form(client, link, button=BUTTON)
    assert again.value("reflection_note") == "Gode spørgsmål fra klassen"
    again.fill(rating="3")
    assert again.submit().status_code == 302
    [reflection] = db.session.scalars(db.select(Reflection)).all()
    assert (reflection.rating, reflection.note) == (3, "Gode spørgsmål fra klassen")
    travel.shift(timedelta(days=15))
    assert BUTTON not in client.get(link).get_data(as_text=True)


def test_a_held_event_on_my_page_links_to_its_page_for_the_reflection(held):
    client, page, _event = held
    home = client.get("/mig/").get_data(as_text=True)
    assert f'href="{page}"' in home
