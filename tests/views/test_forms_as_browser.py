"""Every form each role is shown can be sent as the page rendered it, and the answer is never a
server error, never a 400 a person cannot act on, never WTForms' English, and no page (nor
any answer) repeats an id.

A form sent unchanged is what a person sends who presses the button without typing: the
portal may refuse it (422) or say it is too late (409), but in Danish, next to the form."""

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import AvailabilityRule, AwayPeriod, ClosedPeriod, SspCommittee
from portal.models.enums import AssignmentStatus, Audience, ClosedPeriodKind, Role, SeatRole
from portal.services import assignments, attendance, evaluations, events, mail_editor, offers
from tests.browser_form import forms_in, forms_on, pick
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_concern,
    make_course,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
)

ENGLISH = ("Not a valid", "This field is required", "Invalid", "Field must", "CSRF")
ANSWERS = {200, 302, 409, 410, 422}


def _world():
    """One of everything a page can show a form for."""
    today = clock.today()
    submitted = make_request(organisation_name="Tingbjerg Skole")
    planned_request = make_request(contact_email="b@example.org", organisation_name="Husum Skole")
    planned = make_scheduled(request=planned_request)
    person = make_ambassador(first_name="Yasmin")
    other = make_ambassador(first_name="Amina")  # a suggestion on the event page
    [offered] = offers.offer_seat(
        planned, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )
    # Its meeting link and practical information on every page, and a message in its history.
    planned.meeting_url = "https://teams.microsoft.com/l/meetup-join/vink?a=1&b=2"
    planned.practical_info = "Mød op ved hovedindgangen.\nSpørg efter Lene."
    events.message_everyone(planned, by=None, subject="Navneskilte", body="Husk dem.\n\nTak.")
    started = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    held_seat = make_assignment(
        started, person, status=AssignmentStatus.ACCEPTED, answer_token=links.new_token()
    )
    claimed = make_scheduled(starts_at=clock.now() + timedelta(days=12))  # seat 2 is open
    assignments.claim_seat(
        other, claimed, seat_role=SeatRole.AMBASSADOR, seat_number=1, by=None
    )  # the secretariat approves it
    recorded = make_scheduled(starts_at=clock.now() - timedelta(days=2))
    attendance.record_attendance(recorded, counts={"students": 21, "staff": 2}, note="Godt")
    # An advisory course: its request page shows several session rows, its event page two.
    advisory_request = make_request(
        offer_kind=offer_kind("advisory"),
        audience=Audience.STAFF,
        grade="",
        contact_email="c@example.org",
        organisation_name="SSP Amager",
    )
    advisory = make_course(clock.now() + timedelta(days=20))
    db.session.add_all(
        [
            ClosedPeriod(
                name="Vinterferie",
                kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
                starts_on=today + timedelta(days=60),
                ends_on=today + timedelta(days=64),
            ),
            AvailabilityRule(
                person=person,
                weekday=1,
                starts_at=clock.local(2027, 1, 1, 8).time(),
                ends_at=clock.local(2027, 1, 1, 16).time(),
            ),
            AwayPeriod(
                person=person,
                starts_on=today + timedelta(days=90),
                ends_on=today + timedelta(days=91),
            ),
        ]
    )
    # A local SSP committee: the booking form asks for it, the admin's list has a row.
    db.session.add(SspCommittee(name_da="SSP Amager Øst", name_en="SSP Amager East"))
    # An edited mail text: its page has the "back to the shipped text" form.
    mail_editor.save_email_text(
        "user_password_link", "en", by=None, subject="New password", body="{navn}: {link}"
    )
    db.session.commit()
    return {
        "submitted": submitted,
        "planned": planned,
        "planned_request": planned_request,
        "started": started,
        "claimed": claimed,
        "recorded": recorded,
        "advisory_request": advisory_request,
        "advisory": advisory,
        "person": person,
        "other": other,
        "offered": offered,
        "held_seat": held_seat,
        "colleague": make_user(role=Role.SECRETARIAT, name="Kollega Kollegasen"),
        "concern": make_concern(),
    }


def _pages(role, world):
    if role in (Role.SECRETARIAT, Role.ADMIN):
        planned_day = world["planned"].starts_at.astimezone(clock.COPENHAGEN).date()
        pages = [
            "/sekretariat/",
            "/sekretariat/indbakke",
            f"/sekretariat/henvendelser/{world['submitted'].id}",
            f"/sekretariat/henvendelser/{world['planned_request'].id}",
            "/sekretariat/arrangementer",
            "/sekretariat/arrangementer/nyt",
            f"/sekretariat/arrangementer/{world['planned'].id}",
            f"/sekretariat/arrangementer/{world['started'].id}",
            f"/sekretariat/arrangementer/{world['claimed'].id}",
            f"/sekretariat/arrangementer/{world['recorded'].id}",
            f"/sekretariat/henvendelser/{world['advisory_request'].id}",
            f"/sekretariat/arrangementer/{world['advisory'].id}",
            "/sekretariat/kalender",
            "/sekretariat/kalender?visning=maaned",
            f"/sekretariat/kalender/dag?dato={planned_day.isoformat()}",
            "/sekretariat/rapport",
            "/sekretariat/stoetteforloeb",
            f"/sekretariat/henvendelser/{world['concern'].id}",
            "/sekretariat/organisationer",
            f"/sekretariat/organisationer/{world['planned_request'].organisation_id}",
            f"/sekretariat/organisationer/{world['planned_request'].organisation_id}"
            f"/slaa-sammen/{world['submitted'].organisation_id}",
        ]
        if role == Role.ADMIN:
            pages += ["/admin/", "/admin/lukkeperioder", "/admin/afslagsgrunde", "/admin/tilbud"]
            pages += ["/admin/post", "/admin/maal", "/admin/budget", "/admin/stoetteforloebstyper"]
            pages += ["/admin/tilbud/nyt", "/admin/tilbud/1", "/admin/emner", "/admin/emner/1"]
            pages += ["/admin/ssp-udvalg"]
            pages += [
                "/admin/brugere/",
                "/admin/brugere/ny",
                f"/admin/brugere/{world['colleague'].id}",
                "/admin/e-mails",
                "/admin/e-mails/assignee_offer/da",
                "/admin/e-mails/user_password_link/en",  # edited in the world: can go back
            ]
        return pages
    if role == Role.ASSIGNEE:
        return [
            "/mig/",
            "/mig/tilgaengelighed",
            "/mig/ledige-pladser",
            f"/mig/arrangementer/{world['started'].id}",
            f"/mig/arrangementer/{world['planned'].id}",
            f"/mig/arrangementer/{world['started'].id}/evalueringsark",
            "/konto/totrinsbekraeftelse",
        ]
    offered = world["offered"]
    request = world["planned_request"]
    return [
        "/",
        "/bestil?tilbud=dialogue",
        "/bestil?tilbud=talk",
        "/bestil?tilbud=advisory",
        "/sparring",
        "/log-ind",
        "/glemt-link",
        "/svar/" + links.sign(offers.ANSWER_LINK, offered.id, offered.answer_token),
        _answer_link(world),
        f"/bestilling/{request.id}",
        f"/bestilling/{request.id}/ny-dato",
        f"/bestilling/{request.id}/trak-tilbage",
        # The participants' evaluation, from the QR code of an event held two days ago.
        f"/e/{evaluations.participant_code(world['recorded'])}",
        f"/e/{evaluations.participant_code(world['recorded'])}/tak",
    ]


def _client(app, login, role, world):
    client = app.test_client()
    if role == Role.ASSIGNEE:
        login(client, make_user(role=Role.ASSIGNEE, person=world["person"]))
    elif role is not None:
        login(client, role)
    else:
        request = world["planned_request"]
        signed = links.sign("tracking", request.id, request.tracking_token)
        assert client.get(f"/b/{signed}").status_code == 302
    return client


def _visible_text(response):
    html = response.get_data(as_text=True)
    return lxml.html.fromstring(html).text_content() if html.strip() else ""


def _assert_answered_in_danish(response, what):
    assert response.status_code in ANSWERS, (what, response.status_code)
    if response.status_code == 200 and response.mimetype != "text/html":
        # A form that downloads (the report's export): the file, to keep, not a page.
        assert "attachment" in response.headers.get("Content-Disposition", ""), what
        return
    text = _visible_text(response)
    english = [word for word in ENGLISH if word in text]
    assert not english, (what, english)
    html = response.get_data(as_text=True)
    assert not re.search(r"<[^>]*\shx-[a-z-]+=", html), (what, "write htmx attributes data-hx-*")
    if html.strip():
        # Several forms on one page: each label must still find its own field.
        ids = Counter(el.get("id") for el in lxml.html.fromstring(html).iter() if el.get("id"))
        assert [i for i, n in ids.items() if n > 1] == [], what


@pytest.mark.parametrize("javascript", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    "role",
    [None, Role.ASSIGNEE, Role.SECRETARIAT, Role.ADMIN],
    ids=["anonymous", "assignee", "secretariat", "admin"],
)
def test_every_form_a_role_is_shown_can_be_sent_as_rendered(
    app, login, restore_database, role, javascript
):
    world = _world()
    client = _client(app, login, role, world)
    plan = []
    for page, url in enumerate(_pages(role, world)):
        shapes = [_shape(form) for form in _forms(client, url)]
        plan += [(page, shape, shapes[:n].count(shape)) for n, shape in enumerate(shapes)]
    assert len(plan) >= 5
    for page, shape, nth in plan:
        form = _nth_form(client, _pages(role, world)[page], shape, nth)
        if form is None:
            # The form before changed what the page shows (an accepted offer has no decline
            # form any more): this one is sent from a fresh start.
            restore_database()
            world = _world()
            client = _client(app, login, role, world)
            form = _nth_form(client, _pages(role, world)[page], shape, nth)
        assert form is not None, (_pages(role, world)[page], shape, nth)
        url = _pages(role, world)[page]
        what = f"{form.method.upper()} {urlsplit(form.action).path} from {url}"
        if javascript and form.htmx():
            what += " by htmx"
            response = form.submit_as_htmx()
        else:
            response = form.submit()
        _assert_answered_in_danish(response, what)
        if response.status_code == 302:
            landed = client.get(response.headers["Location"])
            _assert_answered_in_danish(landed, f"{what}, then its redirect")
    if role is not None:
        [logout] = [f for f in forms_on(client, "/") if urlsplit(f.action).path == "/log-ud"]
        assert logout.submit().status_code == 302
        assert client.get(_pages(role, world)[0]).status_code == 302  # logged out


def _shape(form):
    """What tells one form of a page from another, whatever the ids in its address and the
    times in its buttons' words: a world built again a second later may stand in the next minute
    ("Tag pladsen (10. dec. kl. 05.50)"), and its forms are still the same forms."""
    buttons = [
        re.sub(r"\d+", "#", " ".join(el.text_content().split()))
        for el in form.element.iter("button")
        if (el.get("type") or "submit") == "submit"
    ]
    return form.method, tuple(sorted(form.names())), tuple(buttons)


def _nth_form(client, url, shape, nth):
    """The nth form of that shape on the page as it is now, or None if it no longer shows it."""
    page = client.get(url)
    if page.status_code != 200:
        return None
    same = [f for f in forms_in(client, url, page.get_data(as_text=True)) if _shape(f) == shape]
    return same[nth] if nth < len(same) else None


def _forms(client, url):
    """The forms of the page at `url` but the logout button every page has (sent once, last)."""
    page = client.get(url)
    _assert_answered_in_danish(page, f"GET {url}")
    assert page.status_code == 200, url
    return [
        form
        for form in forms_in(client, url, page.get_data(as_text=True))
        if urlsplit(form.action).path != "/log-ud"
    ]


def _event_page(world, key):
    return f"/sekretariat/arrangementer/{world[key].id}"


def _answer_link(world):
    held = world["held_seat"]
    return "/svar/fremmoede/" + links.sign(assignments.ATTENDANCE_LINK, held.id, held.answer_token)


LONG = "x" * 2001
REFUSALS = {
    # what: (role, page, action, typed, the Danish message)
    "decline request": (
        Role.SECRETARIAT,
        lambda w: f"/sekretariat/henvendelser/{w['submitted'].id}/afvis",  # the page that asks
        "",
        {"note": LONG},
        "Skriv højst 2000 tegn.",
    ),
    "new event": (
        Role.SECRETARIAT,
        lambda w: "/sekretariat/arrangementer/nyt",
        "",
        {"title": "x" * 201, "sessions-0-day": "2027-02-30", "place": "Rådhuset"},
        "Skriv en gyldig dato, fx 24.12.2026.",
    ),
    "message": (
        Role.SECRETARIAT,
        lambda w: _event_page(w, "planned"),
        "/besked",
        {"body": "Vi mødes ved indgangen."},
        "Skriv et emne.",
    ),
    "cancel": (
        Role.SECRETARIAT,
        lambda w: _event_page(w, "planned") + "/aflys",  # the page that asks first
        "",
        {"cancel-note": LONG},
        "Skriv højst 2000 tegn.",
    ),
    "attendance (secretariat)": (
        Role.SECRETARIAT,
        lambda w: _event_page(w, "started"),
        "/fremmoede",
        {"students": "mange", "staff": "2"},
        "Skriv et helt tal, fx 25.",
    ),
    "attendance (assignee)": (
        Role.ASSIGNEE,
        lambda w: f"/mig/arrangementer/{w['started'].id}",
        "/fremmoede",
        {"students": "12", "parents": "-2"},
        "Skriv et tal fra 0.",
    ),
    "attendance (emailed link)": (
        None,
        _answer_link,
        "",
        {"students": "", "staff": "", "parents": "", "other": "", "note": "Godt"},
        "Skriv, hvor mange der deltog",
    ),
    "withdraw": (
        None,
        lambda w: f"/bestilling/{w['planned_request'].id}/trak-tilbage",
        "",
        {"note": LONG},
        "Teksten er 2.001 tegn lang. Der er plads til 2.000 tegn",
    ),
    "closed period": (
        Role.ADMIN,
        lambda w: "/admin/lukkeperioder",
        "",
        {"name": "Vinterferie", "starts_on": "13.02.2027", "ends_on": ""},
        "Skriv en gyldig dato, fx 24.12.2026.",
    ),
    "email text": (
        Role.ADMIN,
        lambda w: "/admin/e-mails/assignee_offer/da",
        "",
        {"body": "Hej {navn}, svar venligst."},
        "Teksten skal indeholde {link}",
    ),
    "decline reason": (
        Role.ADMIN,
        lambda w: "/admin/afslagsgrunde",
        "",
        {"label_en": "Summer break"},
        "Skriv teksten.",
    ),
}


@pytest.mark.parametrize("what", list(REFUSALS))
def test_a_refused_form_is_explained_in_danish_and_keeps_what_was_typed(app, login, what):
    role, page, action, typed, message = REFUSALS[what]
    world = _world()
    client = _client(app, login, role, world)
    url = page(world)
    form = pick(_forms(client, url), url, action=urlsplit(url).path + action)
    response = form.fill(**typed).submit()
    assert response.status_code == 422, what
    assert message in response.get_data(as_text=True)
    _assert_answered_in_danish(response, what)
    again = pick(
        forms_in(client, url, response.get_data(as_text=True)),
        url,
        action=urlsplit(url).path + action,
    )
    assert {name: again.value(name) for name in typed} == typed
