"""An away period over an event the ambassador has said yes to (issue 21.1): added, with a
warning that names the event and says what happens next, in Danish and English; the
secretariat's inbox and event page say who is away."""

from datetime import timedelta

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import Role
from portal.services import assignments
from tests.browser_form import browser_form
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
)

AVAILABILITY = "/mig/tilgaengelighed"
WARNINGS = {
    "da": (
        "Perioden er tilføjet, men du har sagt ja til",
        "den 23. september 2030 kl. 10.00",
        "Sekretariatet kan se det",
    ),
    "en": (
        "The period has been added, but you have said yes to",
        "on 23 September 2030 at 10:00",
        "The secretariat can see this",
    ),
}


@pytest.fixture
def accepted(app):
    """Yasmin, accepted on a dialogue 20 days ahead (23 September 2030) at 10.00."""
    person = make_ambassador(first_name="Yasmin", last_name="Haddad")
    day = clock.today() + timedelta(days=20)
    event = make_scheduled(
        request=make_request(organisation_name="Skole & Fritid"),
        starts_at=clock.local(day.year, day.month, day.day, 10, 0),
    )
    make_assignment(event, person)
    return event, person, day


def _add_away(app, login, person, first, last, locale):
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=person))
    client.get(f"/sprog/{locale}")
    form = browser_form(client, AVAILABILITY, action=f"{AVAILABILITY}/vaek")
    response = form.fill(starts_on=first.isoformat(), ends_on=last.isoformat()).submit()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(AVAILABILITY)
    return client.get(AVAILABILITY).get_data(as_text=True)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_an_away_day_over_an_accepted_event_is_added_with_a_warning(app, login, accepted, locale):
    _event, person, day = accepted
    page = _add_away(app, login, person, day - timedelta(days=1), day, locale)
    assert 'class="alert alert-warning' in page
    for words in WARNINGS[locale]:
        assert words in page
    # Named once escaped, as the page writes any text.
    assert "Skole &amp; Fritid" in page and "&amp;amp;" not in page
    db.session.expire_all()
    assert [(p.starts_on, p.ends_on) for p in person.away_periods] == [
        (day - timedelta(days=1), day)
    ]


def test_an_away_day_over_nothing_accepted_is_simply_added(app, login, accepted):
    _event, person, day = accepted
    page = _add_away(app, login, person, day + timedelta(days=1), day + timedelta(days=2), "da")
    assert "Perioden er tilføjet." in page
    assert "alert-warning" not in page


@pytest.mark.parametrize(
    ("locale", "tag", "said"),
    [
        ("da", "Accepteret, men væk", "Accepteret, men er væk på dagen"),
        ("en", "Accepted, but away", "Accepted, but away that day"),
    ],
)
def test_the_secretariat_sees_who_is_away_in_the_inbox_and_on_the_event(
    app, login, as_role, accepted, locale, tag, said
):
    event, person, day = accepted
    _add_away(app, login, person, day, day, "da")
    desk = as_role(Role.SECRETARIAT)
    desk.get(f"/sprog/{locale}")
    inbox = desk.get("/sekretariat/indbakke").get_data(as_text=True)
    assert inbox.count(tag) == 1
    assert f'href="/sekretariat/arrangementer/{event.id}"' in inbox
    assert "Yasmin Haddad" in inbox
    page = desk.get(f"/sekretariat/arrangementer/{event.id}").get_data(as_text=True)
    seats = lxml.html.fromstring(page).xpath("//table[contains(@class, 'seats')]")[0]
    assert f"Yasmin Haddad: {said}" in " ".join(seats.text_content().split())


def _away_on_accepted_events(count):
    """`count` events 30 days ahead and on, each with an ambassador accepted and away."""
    first = clock.today() + timedelta(days=30)
    for n in range(count):
        day = first + timedelta(days=n)
        person = make_ambassador(first_name=f"Væk{n}")
        event = make_scheduled(
            request=make_request(organisation_name=f"Skole {n}"),
            starts_at=clock.local(day.year, day.month, day.day, 10, 0),
        )
        make_assignment(event, person)
        assignments.add_away_period(person, starts_on=day, ends_on=day)
    db.session.commit()


def test_the_inbox_lists_away_rows_in_as_many_queries_however_many_there_are(
    as_role, count_queries
):
    desk = as_role(Role.SECRETARIAT)
    desk.get("/sekretariat/indbakke")  # the first request warms what any first request loads
    _away_on_accepted_events(2)  # written: what needs action is read afresh, as below
    with count_queries() as counted:
        few = desk.get("/sekretariat/indbakke").get_data(as_text=True)
    at_2 = counted.count

    _away_on_accepted_events(28)
    with count_queries() as counted:
        many = desk.get("/sekretariat/indbakke").get_data(as_text=True)

    assert counted.count == at_2
    assert few.count("action-away") == 2
    # The first ten, each naming its event, and the rest counted.
    rows = lxml.html.fromstring(many).xpath("//li[contains(@class, 'action-away')]")
    assert len(rows) == 10
    assert all("Skole " in row.text_content() for row in rows)
    assert "20 arrangementer mere at følge op på" in many
