"""Practical information and a meeting link on an event, through the pages (issue 23, part 2),
and what "Skriv til alle" leaves in the event's history (part 5): forms posted as a browser posts
them, links shown as links and never run."""

from datetime import timedelta

import lxml.html
import pytest
from icalendar import Calendar

from portal import clock, links
from portal.extensions import db
from portal.models import Request
from portal.models.enums import Role
from portal.services import assignments
from tests.browser_form import browser_form, forms_in, pick
from tests.event_cases import INFO, LINK
from tests.factories import (
    accepted_on,
    booking_answers,
    mails,
    make_ambassador,
    make_request,
    make_scheduled,
    make_staffed_event,
    make_user,
    offer_kind,
    row_counts,
)

# What a browser sends back of INFO shown in a textarea: its lines end in CRLF.
SENT_INFO = INFO.replace("\n", "\r\n")
NASTY = 'https://example.org/"><script>alert(1)</script>'
NOT_HTTPS = "Mødelinket skal være en webadresse, der begynder med https://."


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def _page(client, event):
    return f"/sekretariat/arrangementer/{event.id}"


def _move_form(client, event, response=None):
    page = _page(client, event)
    if response is None:
        return browser_form(client, page, action=f"{page}/flyt")
    return pick(forms_in(client, page, response.get_data(as_text=True)), page, f"{page}/flyt")


def _with_class(html, name, tag="*"):
    return lxml.html.fromstring(html).xpath(
        f"//{tag}[contains(concat(' ', @class, ' '), ' {name} ')]"
    )


def _links(html):
    return _with_class(html, "meeting-link", "a")


def _kept_messages(html):
    return _with_class(html, "history-message")


# --- the booking form ---------------------------------------------------------------------------


def _booking(client, **overrides):
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    return form.fill(**booking_answers("talk", **overrides))


def test_an_online_booking_suggests_a_meeting_link(client):
    form = _booking(client, online=True, place="", meeting_url=f"  {LINK} ")
    response = form.submit("Send bestilling")
    assert response.status_code == 302
    request = db.session.scalars(db.select(Request)).one()
    assert (request.online, request.meeting_url) == (True, LINK)
    [link] = _links(client.get(response.headers["Location"]).text)  # the private page
    assert (link.get("href"), link.text) == (LINK, LINK)


def test_a_dialogue_at_the_school_asks_for_no_meeting_link(client):
    form = browser_form(client, "/bestil?tilbud=dialogue", action="/bestil")
    assert "meeting_url" not in form.names()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http://zoom.us/j/1"])
def test_a_booking_with_a_link_that_is_not_https_is_explained_and_nothing_stored(client, link):
    before = row_counts()
    response = _booking(client, online=True, place="", meeting_url=link).submit("Send bestilling")
    assert response.status_code == 422
    assert NOT_HTTPS in response.get_data(as_text=True)
    assert row_counts() == before


def test_the_link_is_explained_in_english_on_an_english_page(client):
    client.set_cookie("vink_lang", "en")
    response = _booking(client, online=True, place="", meeting_url="javascript:alert(1)").submit(
        "Send booking"
    )
    assert response.status_code == 422
    assert "The meeting link must be a web address starting with https://." in response.text


# --- the secretariat ----------------------------------------------------------------------------


def test_scheduling_from_the_request_page_copies_the_suggested_link(staff):
    request = make_request(
        offer_kind=offer_kind("talk"), grade="", online=True, place="", meeting_url=LINK
    )
    page = f"/sekretariat/henvendelser/{request.id}"
    assert LINK in staff.get(page).text  # shown as the requester's suggestion
    form = browser_form(staff, page, action=f"{page}/planlaeg")
    assert form.value("meeting_url") == LINK
    local = (clock.now() + timedelta(days=14)).astimezone(clock.COPENHAGEN)
    response = form.fill(
        **{
            "sessions-0-day": local.date().isoformat(),
            "sessions-0-starts": "10:00",
            "sessions-0-ends": "11:30",
            "practical_info": INFO,
        }
    ).submit()
    assert response.status_code == 302, response.text
    db.session.expire_all()
    event = request.event
    assert (event.meeting_url, event.practical_info) == (LINK, INFO)
    assert f"- Mødelink: {LINK}" in mails("requester_event_scheduled")[0].body_text


def test_the_event_page_sets_the_details_and_shows_them(staff):
    event = make_scheduled(request=make_request())
    form = _move_form(staff, event)
    assert form.value("meeting_url") == "" and form.value("practical_info") == ""
    response = form.fill(meeting_url=LINK, practical_info=INFO).submit()
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert (event.meeting_url, event.practical_info) == (LINK, INFO)
    html = staff.get(_page(staff, event)).text
    [link] = _links(html)
    assert (link.get("href"), link.text, link.get("rel")) == (LINK, LINK, "noopener noreferrer")
    assert "Spørg efter Lene på kontoret." in html
    again = _move_form(staff, event)
    assert (again.value("meeting_url"), again.value("practical_info")) == (LINK, SENT_INFO)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http://zoom.us/j/1"])
def test_the_event_page_refuses_a_link_that_is_not_https_and_keeps_what_was_typed(staff, link):
    event = make_scheduled(request=make_request())
    version = event.version
    response = _move_form(staff, event).fill(meeting_url=link, practical_info=INFO).submit()
    assert response.status_code == 422
    assert NOT_HTTPS in response.text
    kept = _move_form(staff, event, response)
    assert (kept.value("meeting_url"), kept.value("practical_info")) == (link, SENT_INFO)
    db.session.expire_all()
    assert (event.version, event.meeting_url, event.practical_info) == (version, "", "")
    assert mails("requester_event_rescheduled") == []


def test_a_link_with_markup_is_shown_escaped_everywhere(app, staff, login):
    event, person = make_staffed_event()
    request = event.request
    response = (
        _move_form(staff, event).fill(meeting_url=NASTY, practical_info="<b>Fed</b>").submit()
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert event.meeting_url == NASTY

    assignee = app.test_client()
    login(assignee, make_user(role=Role.ASSIGNEE, person=person))
    tracking = app.test_client()
    signed = links.sign("tracking", request.id, request.tracking_token)
    assert tracking.get(f"/b/{signed}").status_code == 302
    pages = {
        "secretariat": staff.get(_page(staff, event)).text,
        "assignee": assignee.get(f"/mig/arrangementer/{event.id}").text,
        "requester": tracking.get(f"/bestilling/{request.id}").text,
    }
    for who, html in pages.items():
        assert "<script>alert(1)" not in html, who
        assert "<b>Fed</b>" not in html, who
        assert "&lt;b&gt;Fed&lt;/b&gt;" in html, who
        [link] = _links(html)
        assert link.get("href") == NASTY, who  # one attribute, its quotes escaped
        assert link.text == NASTY, who
        assert link.get("rel") == "noopener noreferrer", who
        assert not lxml.html.fromstring(html).xpath("//script[contains(., 'alert(1)')]"), who


def test_the_requester_and_the_assignee_see_the_details(app, login):
    event, person = make_staffed_event()
    request = event.request
    event.meeting_url, event.practical_info = LINK, INFO
    db.session.commit()
    tracking = app.test_client()
    tracking.get(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    assignee = app.test_client()
    login(assignee, make_user(role=Role.ASSIGNEE, person=person))
    for html in (
        tracking.get(f"/bestilling/{request.id}").text,
        assignee.get(f"/mig/arrangementer/{event.id}").text,
    ):
        [link] = _links(html)
        assert link.get("href") == LINK
        assert "Praktisk information" in html
        assert "Spørg efter Lene på kontoret." in html


def test_pages_without_details_show_no_empty_rows(staff):
    event = make_scheduled(request=make_request())
    html = staff.get(_page(staff, event)).text
    assert not _links(html)
    assert "<dt>Praktisk information</dt>" not in html


def test_the_feed_and_the_calendar_files_carry_the_details(app, login):
    event, person = make_staffed_event()
    request = event.request
    event.online, event.place = True, ""
    event.meeting_url, event.practical_info = LINK, INFO
    token = assignments.feed_token(person)
    db.session.commit()
    assignee = app.test_client()
    login(assignee, make_user(role=Role.ASSIGNEE, person=person))
    tracking = app.test_client()
    tracking.get(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    files = [
        app.test_client().get(f"/kalender/{token}.ics").data,
        assignee.get(f"/mig/arrangementer/{event.id}/kalender.ics").data,
        tracking.get(f"/bestilling/{request.id}/kalender.ics").data,
    ]
    for data in files:
        [entry] = Calendar.from_ical(data).walk("VEVENT")
        assert str(entry["location"]) == LINK
        assert f"Mødelink: {LINK}" in str(entry["description"])
        assert INFO in str(entry["description"])


# --- writing to everyone ------------------------------------------------------------------------


def test_a_message_to_everyone_is_kept_readable_in_the_events_history(staff):
    event = make_scheduled(request=make_request(contact_name="Anne Mortensen"))
    event.meeting_url = LINK
    accepted_on(event, make_ambassador(first_name="Yasmin", last_name="Haddad"))
    db.session.commit()
    page = _page(staff, event)
    form = browser_form(staff, page, action=f"{page}/besked")
    response = form.fill(subject="Husk navneskilte", body="Vi mødes ved indgangen.").submit()
    assert response.status_code == 302
    for message in mails("event_message"):
        assert message.body_text.startswith("Vi mødes ved indgangen.\n")
        assert f"- Mødelink: {LINK}" in message.body_text
    [kept] = _kept_messages(staff.get(page).text)
    text = kept.text_content()
    assert "Sendt til 2 modtagere" in text
    assert "Anne Mortensen (bestiller, anne@example.org)" in text
    assert "Yasmin Haddad (dialogambassadør" in text
    assert "Husk navneskilte" in text
    assert "Vi mødes ved indgangen." in text


def test_an_older_message_entry_with_only_a_count_still_reads(staff):
    from portal.services import audit

    event = make_scheduled()
    audit.record("event.messaged", event, after={"subject": "Gammel", "recipients": 3})
    db.session.commit()
    [kept] = _kept_messages(staff.get(_page(staff, event)).text)
    assert "Sendt til 3 modtagere" in kept.text_content()
    assert "Gammel" in kept.text_content()
