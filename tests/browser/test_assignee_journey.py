"""An ambassador on a phone answers an offer from the email link, then records attendance from
the link sent the day after, without logging in."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus, SeatRole
from portal.services import offers, reminders
from tests.factories import make_ambassador, make_request, make_scheduled


def _link_in(kind):
    body = db.session.scalars(
        db.select(OutboxMessage.body_text).where(OutboxMessage.kind == kind)
    ).one()
    url = next(line for line in body.splitlines() if line.startswith("http"))
    return urlsplit(url).path


def test_answer_from_the_email_and_record_attendance_on_a_phone(new_page, travel):
    person = make_ambassador(first_name="Yasmin")
    event = make_scheduled(request=make_request(), starts_at=clock.now() + timedelta(days=4))
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )
    db.session.commit()

    phone = new_page(width=390, height=844)
    phone.goto(_link_in("assignee_offer"))
    assert "Hej Yasmin" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("button:has-text('Ja, jeg kommer')")
    phone.wait_for_selector("text=Du har sagt ja")
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.ACCEPTED

    # The day after the event, the reminder command sends the attendance link.
    travel(event.ends_at + timedelta(hours=20))
    reminders.send_reminders()
    db.session.commit()
    phone.goto(_link_in("assignee_attendance_reminder"))
    phone.fill("#students", "24")
    phone.fill("#staff", "2")
    phone.click("button:has-text('Gem fremmøde')")
    phone.wait_for_selector("text=Tak! Fremmødet er gemt.")
    assert "Fremmødet er registreret: i alt 26" in phone.inner_text("main")
    db.session.expire_all()
    assert event.status == EventStatus.HELD


def _phone_logged_in_as(new_page, person):
    from portal.models.enums import Role
    from tests.browser.conftest import browser_login
    from tests.factories import PASSWORD, make_user

    user = make_user(role=Role.ASSIGNEE, person=person)
    phone = new_page(width=390, height=844)
    browser_login(phone, user.email, PASSWORD)
    return phone


def test_a_no_on_a_phone_offers_the_seat_to_the_next_free_person_at_once(new_page):
    first = make_ambassador(first_name="Yasmin")
    busy = make_ambassador(first_name="Ahmad")  # holds another event at the same time
    nxt = make_ambassador(first_name="Sofie")
    event = make_scheduled(request=make_request(), starts_at=clock.now() + timedelta(days=6))
    other = make_scheduled(starts_at=event.starts_at)
    for person, on in ((first, event), (busy, other)):
        [offer] = offers.offer_seat(
            on, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
        )
        if person is busy:
            offers.accept_offer(offer)
    db.session.commit()

    phone = _phone_logged_in_as(new_page, first)
    phone.goto("/mig/")
    phone.click("summary:has-text('Nej, jeg kan ikke')")
    phone.click("button:has-text('Send nej')")
    phone.wait_for_selector("text=Du har sagt nej.")

    db.session.expire_all()
    offered = {
        a.person.first_name: a.status
        for a in event.assignments
        if (a.seat_role, a.seat_number) == (SeatRole.AMBASSADOR, 1)
    }
    assert offered == {"Yasmin": AssignmentStatus.DECLINED, "Sofie": AssignmentStatus.OFFERED}
    assert "Vi har spurgt den næste, der er ledig." in phone.inner_text("main")
    # Sofie has the offer in her mail at once, not when the reminder command next runs.
    mail = db.session.scalars(
        db.select(OutboxMessage).where(
            OutboxMessage.kind == "assignee_offer", OutboxMessage.to_address == nxt.email
        )
    ).one()
    phone.goto(
        urlsplit(next(ln for ln in mail.body_text.splitlines() if ln.startswith("http"))).path
    )
    assert "Hej Sofie" in phone.inner_text("main")
    assert phone.get_by_role("button", name="Ja, jeg kommer").is_visible()


def _mail_to(person, kind="assignee_offer"):
    return db.session.scalars(
        db.select(OutboxMessage.body_text).where(
            OutboxMessage.kind == kind, OutboxMessage.to_address == person.email
        )
    ).one()


def test_the_offer_on_a_phone_says_what_happened_and_who_is_told(new_page):
    first, second = make_ambassador(first_name="Yasmin"), make_ambassador(first_name="Sofie")
    request = make_request(
        expected_participants=24, accessibility_needs="Elevator ved indgang B, ingen trapper"
    )
    event = make_scheduled(request=request, starts_at=clock.now() + timedelta(days=6))
    offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[first, second]
    )
    db.session.commit()

    # The mail names the buttons the page shows, and promises no single tap.
    mail = _mail_to(first)
    assert "ét tryk" not in mail
    named = re.findall(r"»([^«]+)«", mail)
    assert named == ["Ja, jeg kommer", "Nej, jeg kan ikke"]
    phone = new_page(width=390, height=844)
    phone.goto(urlsplit(next(ln for ln in mail.splitlines() if ln.startswith("http"))).path)
    main = phone.locator("main")
    for label in named:
        assert main.get_by_text(label, exact=True).is_visible(), label
    # What the person needs to decide: the group's size and its accessibility needs.
    assert "24 deltagere" in main.inner_text()
    assert "Elevator ved indgang B, ingen trapper" in main.inner_text()

    phone.click("button:has-text('Ja, jeg kommer')")
    phone.wait_for_selector("text=Du har sagt ja")
    told = main.inner_text()
    # One of two seats is filled: the requester hears nothing yet, and the page says so.
    assert "Bestilleren får besked, når alle pladser er besat." in told
    assert "Sekretariatet og bestilleren får besked" not in told
    kinds = set(db.session.scalars(db.select(OutboxMessage.kind)))
    assert "requester_event_staffed" not in kinds

    # Sofie was asked for the same seat: her link says the seat is taken, not "answered".
    phone.goto(
        urlsplit(next(ln for ln in _mail_to(second).splitlines() if ln.startswith("http"))).path
    )
    text = main.inner_text()
    assert "Pladsen er besat" in text
    assert "allerede svaret" not in text
    assert phone.get_by_role("button", name="Ja, jeg kommer").count() == 0


def _section(page, heading):
    """The text of a section of my page: from its heading to the next."""
    return page.evaluate(
        """(heading) => {
            const headings = [...document.querySelectorAll('main h2')];
            let node = headings.find(h => h.textContent === heading).nextElementSibling;
            let text = '';
            for (; node && node.tagName !== 'H2'; node = node.nextElementSibling) {
                text += node.innerText + '\\n';
            }
            return text;
        }""",
        heading,
    )


def test_my_page_on_a_phone_shows_open_offers_as_open_and_my_year_as_held_events_only(new_page):
    from portal.models.enums import Role
    from portal.services import attendance
    from tests.browser.conftest import browser_login
    from tests.factories import PASSWORD, make_assignment, make_event, make_user

    me = make_ambassador(first_name="Yasmin")
    now = clock.now()
    this_year = clock.local(clock.today().year, 1, 1)

    def offered(title, **changes):
        event = make_event(kind="dialogue", title=title, starts_at=now + timedelta(days=5))
        [offer] = offers.offer_seat(
            event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[me]
        )
        for name, value in changes.items():
            setattr(offer, name, value)

    def accepted(title, starts_at, *, held_by=None, cancelled=False):
        event = make_event(kind="dialogue", title=title, starts_at=starts_at)
        make_assignment(event, me, seat_role=SeatRole.AMBASSADOR)
        if held_by:
            attendance.record_attendance(event, counts={"students": held_by})
        if cancelled:
            event.status = EventStatus.CANCELLED

    offered("Åben forespørgsel")
    # Past its deadline; the reminder command has not yet marked it lapsed.
    offered("Udløbet forespørgsel", expires_at=now - timedelta(hours=1))
    accepted("Holdt i år", max(now - timedelta(hours=3), this_year), held_by=20)
    accepted("Uden fremmøde", now - timedelta(days=1))
    accepted("Aflyst", now - timedelta(days=3), cancelled=True)
    accepted("Holdt sidste år", this_year - timedelta(days=30), held_by=9)
    db.session.commit()

    user = make_user(role=Role.ASSIGNEE, person=me)
    phone = new_page(width=390, height=844)
    browser_login(phone, user.email, PASSWORD)
    phone.goto("/mig/")
    offered = _section(phone, "Forespørgsler til dig")
    assert "Åben forespørgsel" in offered
    assert "Udløbet forespørgsel" not in offered  # not offered with buttons it would refuse
    assert phone.get_by_role("button", name=re.compile("Ja, jeg kommer")).count() == 1
    year = _section(phone, "Afholdt i år")
    assert "Holdt i år" in year and "20 deltog" in year
    for other in ("Udløbet", "Uden fremmøde", "Aflyst", "Holdt sidste år"):
        assert other not in year, other
    assert "Uden fremmøde" in _section(phone, "Mangler fremmøde")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_answer_to_a_yes_is_in_view_however_long_the_requesters_notes(new_page):
    """Issue 21.5: with notes pushing the buttons 2,760 px down, the page came back at the top
    and "Du har sagt ja" stood off-screen."""
    notes = "Klassen har arbejdet med demokrati og fællesskab hele efteråret. " * 60
    event = make_scheduled(
        request=make_request(notes=notes), starts_at=clock.now() + timedelta(days=4)
    )
    offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[make_ambassador()]
    )
    db.session.commit()
    for width, height in ((390, 844), (1280, 900)):
        page = new_page(width=width, height=height)
        page.goto(_link_in("assignee_offer"))
        if width == 390:
            with page.expect_navigation():
                page.click("button:has-text('Ja, jeg kommer')")
        answer = page.get_by_text("Du har sagt ja. Tak!")
        answer.wait_for()
        box = answer.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, width
