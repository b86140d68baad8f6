"""Deactivation is total: every key an assignee holds (her calendar feed, the answer link of an
offer, the attendance link of an event) stops working the moment the admin deactivates her, on
the users' page (which also ends her sessions and her link to choose a password) or on the
panel's page; reactivated, she holds new keys and the old ones stay dead."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import Attendance, AuditEntry, User
from portal.models.enums import AssignmentStatus, Role
from portal.services import assignments, offers
from tests.browser_form import browser_form
from tests.factories import (
    PASSWORD,
    mails,
    make_ambassador,
    make_assignment,
    make_scheduled,
    make_user,
    offer_to,
)

# What a link answers once it is dead: the portal's way for each kind (a key that opens nothing
# is not found; a password link the user once had says it no longer works).
DEAD = {"feed": 404, "answer": 404, "attendance": 404, "password": 410}


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _path(url):
    return urlsplit(url).path


def _her():
    """An ambassador with a login, an open offer and an event she held yesterday."""
    person = make_ambassador(first_name="Sara")
    user = make_user(role=Role.ASSIGNEE, person=person, password=PASSWORD)
    [offer] = offer_to(make_scheduled("dialogue"), person)
    held = make_assignment(
        make_scheduled(starts_at=clock.now() - timedelta(hours=20)),
        person,
        status=AssignmentStatus.ACCEPTED,
        answer_token=links.new_token(),
    )
    return user, person, offer, held


def _person_links(person, offer, held):
    """Her keys as the portal hands them out: the feed address on her page, the answer link
    in the offer's mail, the attendance link mailed the day after."""
    keys = {
        "feed": _path(
            links.external_url("feeds.person_feed", token=assignments.feed_token(person))
        ),
        "answer": _path(offers.answer_url(offer)),
        "attendance": _path(assignments.attendance_url(held)),
    }
    db.session.commit()
    return keys


def _password_link(admin, user):
    """A new link to choose a password, sent from her user page; the path in the mail."""
    page = f"/admin/brugere/{user.id}"
    assert browser_form(admin, page, action=f"{page}/nyt-link").submit().status_code == 302
    [url] = [w for w in mails("user_password_link")[-1].body_text.split() if "/adgangskode/" in w]
    return _path(url)


def _logged_in(app, user):
    client = app.test_client()
    form = browser_form(client, "/log-ind").fill(email=user.email, password=PASSWORD)
    assert form.submit().status_code == 302
    assert client.get("/mig/").status_code == 200
    return client


def _users_page(admin, user, _person, action):
    page = f"/admin/brugere/{user.id}"
    # Deactivating is done from the page that asks first; reactivating at once.
    verb = "deaktiver" if action == "off" else "genaktiver"
    shown = f"{page}/deaktiver" if action == "off" else page
    assert browser_form(admin, shown, action=f"{page}/{verb}").submit().status_code == 302


def _panel_page(admin, _user, person, _action):
    page = f"/admin/personer/{person.id}"
    shown = f"{page}/deaktiver" if _action == "off" else page
    assert browser_form(admin, shown, action=f"{page}/aktiv").submit().status_code == 302


PAGES = [pytest.param(_users_page, id="users-page"), pytest.param(_panel_page, id="panel-page")]


def _answers(client, paths):
    return {name: client.get(path).status_code for name, path in paths.items()}


@pytest.mark.parametrize("deactivate", PAGES)
def test_deactivating_her_kills_every_link_she_holds(admin, app, deactivate):
    user, person, offer, held = _her()
    keys = _person_links(person, offer, held)
    anyone = app.test_client()
    assert set(_answers(anyone, keys).values()) == {200}
    # The answer and attendance forms, opened from the mails before she was deactivated.
    accept = browser_form(anyone, keys["answer"], action=f"{keys['answer']}/ja")
    attendance = browser_form(anyone, keys["attendance"], action=keys["attendance"])

    deactivate(admin, user, person, "off")

    assert _answers(anyone, keys) == {name: DEAD[name] for name in keys}
    assert accept.submit().status_code == 404
    assert attendance.fill(students="24").submit().status_code == 404
    db.session.expire_all()
    assert offer.status == AssignmentStatus.OFFERED
    assert db.session.scalars(db.select(Attendance)).all() == []
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "assignment.accepted" not in actions and "attendance.recorded" not in actions


def test_deactivating_her_user_also_ends_her_sessions_and_her_password_link(admin, app):
    user, person, _offer, _held = _her()
    session = _logged_in(app, user)
    password_link = _password_link(admin, user)
    assert app.test_client().get(password_link).status_code == 200

    _users_page(admin, user, person, "off")

    assert app.test_client().get(password_link).status_code == DEAD["password"]
    assert session.get("/mig/").status_code == 302  # to the login page
    assert db.session.get(User, user.id).person.active is False  # nor asked or suggested


@pytest.mark.parametrize("deactivate", PAGES)
def test_reactivated_she_holds_new_links_and_the_old_ones_stay_dead(admin, app, deactivate):
    user, person, offer, held = _her()
    old = _person_links(person, offer, held)

    deactivate(admin, user, person, "off")
    deactivate(admin, user, person, "on")

    db.session.expire_all()
    new = _person_links(person, offer, held)
    assert all(new[name] != old[name] for name in old)
    anyone = app.test_client()
    assert _answers(anyone, old) == {name: DEAD[name] for name in old}
    assert set(_answers(anyone, new).values()) == {200}
    accept = browser_form(anyone, new["answer"], action=f"{new['answer']}/ja")
    assert accept.submit().status_code == 302
    db.session.expire_all()
    assert offer.status == AssignmentStatus.ACCEPTED


def test_reactivating_her_user_leaves_old_sessions_and_password_links_dead(admin, app):
    user, person, _offer, _held = _her()
    session = _logged_in(app, user)
    old_link = _password_link(admin, user)

    _users_page(admin, user, person, "off")
    _users_page(admin, user, person, "on")

    assert session.get("/mig/").status_code == 302
    assert app.test_client().get(old_link).status_code == DEAD["password"]
    new_link = _password_link(admin, user)
    assert app.test_client().get(new_link).status_code == 200
    assert app.test_client().get(old_link).status_code == DEAD["password"]
    _logged_in(app, user)
