"""The admin keeps the panel: people added, changed and deactivated as a browser sends the
forms; each person's load and experience; the admin's only."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, Person, Topic
from portal.models.enums import AssignmentStatus, EventStatus, Role, SeatRole
from portal.services import suggestions
from tests.browser_form import browser_form
from tests.factories import make_assignment, make_event, make_person, row_counts

PANEL = "/admin/personer/"
NEW = "/admin/personer/ny"


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _person(email):
    return db.session.scalars(db.select(Person).where(Person.email == email)).one()


def test_the_admin_adds_an_ambassador_with_topics_and_languages(admin):
    topic = db.session.scalars(db.select(Topic).order_by(Topic.id)).first()
    form = browser_form(admin, NEW, action=NEW)
    assert form.value("languages") == "da" and form.value("experience") == "auto"
    form.fill(first_name="Amina", last_name="Hassan", email="Amina@Example.org")
    form.fill(is_ambassador=True, topics=[str(topic.id)], languages="da, ar  DA")
    response = form.submit()
    assert response.status_code == 302
    amina = _person("amina@example.org")
    assert (amina.is_ambassador, amina.is_resource_person) == (True, False)
    assert (amina.languages, amina.topics, amina.experienced_override) == ("da ar", [topic], None)
    assert "Amina Hassan" in admin.get(PANEL).get_data(as_text=True)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "person.created")
    ).one()
    assert entry.after["email"] == "amina@example.org"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"is_ambassador": False}, "Vælg mindst én rolle"),
        ({"email": "ikke-en-adresse"}, "Ugyldig e-mailadresse"),
        ({"languages": "dansk og arabisk"}, "Skriv sprogene som koder"),
        ({"first_name": ""}, "Skriv fornavnet."),
    ],
)
def test_a_refused_person_is_explained_in_danish_and_nothing_is_stored(admin, typed, message):
    before = row_counts()
    form = browser_form(admin, NEW, action=NEW)
    values = {"first_name": "Ny", "last_name": "Person", "email": "ny@example.org"}
    form.fill(**(values | {"is_ambassador": True} | typed))
    response = form.submit()
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert {t: n for t, n in row_counts().items() if before[t] != n} == {}


def test_an_email_another_person_has_is_refused(admin):
    make_person(email="taget@example.org")
    form = browser_form(admin, NEW, action=NEW)
    form.fill(first_name="Ny", last_name="Person", email="TAGET@example.org", is_ambassador=True)
    response = form.submit()
    assert response.status_code == 422
    assert "En anden person i panelet har e-mailadressen" in response.get_data(as_text=True)


def test_experience_set_by_hand_decides_the_pairing_and_shows_on_the_page(admin):
    newcomer = make_person(first_name="Ida", is_ambassador=True, is_resource_person=False)
    page = f"{PANEL}{newcomer.id}"
    assert "ny" in admin.get(page).get_data(as_text=True)
    form = browser_form(admin, page, action=page)
    assert form.value("first_name") == "Ida" and form.value("experience") == "auto"
    assert form.fill(experience="yes").submit().status_code == 302
    assert newcomer.experienced_override is True
    assert "sat af en administrator" in admin.get(page).get_data(as_text=True)
    event = make_event(kind="dialogue", starts_at=clock.now() + timedelta(days=9))
    suggestion = next(
        s for s in suggestions.suggestions(event, SeatRole.AMBASSADOR) if s.person.id == newcomer.id
    )
    assert suggestion.experienced is True
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "person.changed")
    ).one()
    assert entry.before["experienced_override"] is None
    assert entry.after["experienced_override"] is True


def test_the_admin_chooses_the_language_of_a_persons_mails(admin):
    """Danish unless chosen; what the person is then asked, reminded and told is in English."""
    person = make_person(is_ambassador=True)
    page = f"{PANEL}{person.id}"
    form = browser_form(admin, page, action=page)
    assert form.value("mail_locale") == "da"
    assert form.fill(mail_locale="en").submit().status_code == 302
    assert person.mail_locale == "en"
    assert browser_form(admin, page, action=page).value("mail_locale") == "en"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "person.changed")
    ).one()
    assert (entry.before["mail_locale"], entry.after["mail_locale"]) == ("da", "en")
    response = browser_form(admin, page, action=page).tamper("mail_locale", "fr").submit()
    assert response.status_code == 422
    assert "Vælg dansk eller engelsk til mails." in response.get_data(as_text=True)
    assert person.mail_locale == "en"


def test_the_persons_page_shows_the_load_this_term_and_year_without_cancelled_events(admin):
    person = make_person(is_ambassador=True)
    soon = clock.now() + timedelta(days=3)
    held = make_event(kind="dialogue", starts_at=clock.now() - timedelta(hours=2))
    held.status = EventStatus.HELD
    for event in (held, make_event(kind="dialogue", starts_at=soon)):
        make_assignment(event, person, status=AssignmentStatus.ACCEPTED)
    cancelled = make_event(kind="dialogue", starts_at=soon, status=EventStatus.CANCELLED)
    make_assignment(cancelled, person, status=AssignmentStatus.ACCEPTED)
    db.session.commit()
    text = " ".join(admin.get(f"{PANEL}{person.id}").get_data(as_text=True).split())
    assert "Denne termin</dt><dd>2 arrangementer" in text
    assert "Afholdte dialoger</dt><dd>1" in text


def test_a_deactivated_person_is_no_longer_suggested(admin):
    person = make_person(first_name="Bo", is_ambassador=True, is_resource_person=False)
    page = f"{PANEL}{person.id}"
    asking = f"{page}/deaktiver"  # the person's page links to the page that asks
    assert browser_form(admin, asking, action=f"{page}/aktiv").submit().status_code == 302
    assert person.active is False
    event = make_event(kind="dialogue", starts_at=clock.now() + timedelta(days=9))
    assert person not in [s.person for s in suggestions.suggestions(event, SeatRole.AMBASSADOR)]
    assert browser_form(admin, page, action=f"{page}/aktiv").submit().status_code == 302
    assert person.active is True


def test_the_panel_is_searched_and_paged(admin):
    for n in range(55):
        make_person(first_name=f"Deltager{n:02d}", email=f"d{n}@example.org")
    first = admin.get(PANEL).get_data(as_text=True)
    assert "side 1 af 2" in first
    found = admin.get(PANEL + "?q=deltager07").get_data(as_text=True)
    assert "Deltager07" in found and "Deltager08" not in found
    # % and _ are letters in the search, not wildcards.
    assert "Ingen personer passer" in admin.get(PANEL + "?q=%25").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_the_admin_keeps_the_panel(as_role, role):
    client = as_role(role)
    for url in (PANEL, NEW, f"{PANEL}1"):
        assert client.get(url).status_code == 403


def test_the_load_counts_this_term_and_year_only_not_what_lies_beyond(app):
    from datetime import date

    from portal.services import people

    person = make_person(is_ambassador=True)
    in_term = clock.local(2026, 9, 15, 10)
    next_term = clock.local(2027, 2, 15, 10)
    for starts_at in (in_term, next_term):
        make_assignment(
            make_event(kind="dialogue", starts_at=starts_at),
            person,
            status=AssignmentStatus.ACCEPTED,
        )
    load = people.load_of(person, today=date(2026, 9, 1))
    assert (load.this_term, load.this_year) == (1, 1)
