"""An assignee's own pages: answer offers in place, see own events, record attendance, and
subscribe to a personal calendar. Another person's ids are simply not found (404)."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from portal import clock, links
from portal.extensions import db
from portal.models import DeclineReason
from portal.models.enums import AssignmentStatus, EventStatus, Role, SeatRole
from portal.services import assignments, events, offers, suggestions
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_user,
    tampered,
)

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
AVAILABILITY = "/mig/tilgaengelighed"


@pytest.fixture
def me(app, login):
    person = make_ambassador(first_name="Yasmin", last_name="Haddad")
    user = make_user(role=Role.ASSIGNEE, person=person)
    client = app.test_client()
    login(client, user)
    client.person = person
    return client


def _offer(person, starts_at=None):
    event = make_scheduled(starts_at=starts_at)
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )
    db.session.commit()
    return assignment


def _accepted(person, starts_at=None):
    if starts_at is not None and starts_at <= clock.now():
        # A past event: offers cannot be made any more, so the accepted seat is made directly.
        return make_assignment(
            make_scheduled(starts_at=starts_at),
            person,
            status=AssignmentStatus.ACCEPTED,
            answer_token=links.new_token(),
        )
    assignment = _offer(person, starts_at=starts_at)
    offers.accept_offer(assignment)
    db.session.commit()
    return assignment


def _my_page_form(client, assignment, answer):
    """The accept ("ja") or decline ("nej") form of one offer on my page."""
    return browser_form(client, "/mig/", action=f"/mig/tildelinger/{assignment.id}/{answer}")


def test_my_page_lists_open_offers_with_answer_buttons(me):
    assignment = _offer(me.person)
    text = me.get("/mig/").get_data(as_text=True)
    assert f'id="offer-{assignment.id}"' in text
    assert "Ja, jeg kommer" in text


def test_accepting_in_place_with_htmx_swaps_only_that_offer(me):
    assignment = _offer(me.person)
    accept = _my_page_form(me, assignment, "ja")
    response = accept.submit(to=f"/mig/tildelinger/{assignment.id}/ja", headers=HTMX)  # hx-post
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith(f'<li class="offer-item" id="offer-{assignment.id}"')
    assert "Du har sagt ja" in text
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_accepting_without_javascript_redirects_to_my_page_saying_who_is_told(me):
    event = make_scheduled(request=make_request())  # a dialogue: two seats
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[me.person]
    )
    db.session.commit()
    response = _my_page_form(me, assignment, "ja").submit()
    assert response.status_code == 302
    assert response.headers["Location"] == "/mig/"
    assert assignment.status == AssignmentStatus.ACCEPTED
    text = me.get("/mig/").get_data(as_text=True)
    assert "Bestilleren får besked, når alle pladser er besat." in text  # 1 of 2 seats
    assert "Du får en påmindelse to dage før." in text


def test_a_yes_to_an_event_tomorrow_promises_no_reminder_two_days_before(me):
    tomorrow = clock.today() + timedelta(days=1)
    event = make_scheduled(starts_at=clock.local(tomorrow.year, tomorrow.month, tomorrow.day, 10))
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[me.person]
    )
    db.session.commit()
    assert _my_page_form(me, assignment, "ja").submit().status_code == 302
    text = me.get("/mig/").get_data(as_text=True)
    assert "Du har sagt ja" in text
    assert "påmindelse to dage før" not in text


def test_accepting_on_my_page_a_seat_someone_else_took_says_the_seat_is_taken(me):
    event = make_scheduled()
    mine, theirs = offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=[me.person, make_ambassador()],
    )
    db.session.commit()
    accept = _my_page_form(me, mine, "ja")  # my page was open before the other said yes
    offers.accept_offer(theirs)
    db.session.commit()
    response = accept.submit(to=f"/mig/tildelinger/{mine.id}/ja", headers=HTMX)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Pladsen er besat: en anden sagde ja først." in text
    assert "ikke længere åben" not in text


def test_declining_with_a_reason_from_my_page(me):
    assignment = _offer(me.person)
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.label_da == "Jeg er optaget på tidspunktet")
    ).one()
    prefix = f"offer{assignment.id}-"
    form = _my_page_form(me, assignment, "nej")
    assert form.value(prefix + "reason") == "0"  # "Vælg, hvis du vil": a reason is optional
    response = form.fill(**{prefix + "reason": reason.id, prefix + "note": "Eksamen"}).submit()
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason == reason
    assert assignment.decline_note == "Eksamen"


def test_declining_without_a_reason_and_a_too_long_note_is_explained_and_kept(me):
    assignment = _offer(me.person)
    prefix = f"offer{assignment.id}-"
    response = _my_page_form(me, assignment, "nej").fill(**{prefix + "note": "x" * 1001}).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skriv højst 1000 tegn." in text
    assert "x" * 1001 in text
    assert '<details class="details mt-4" open>' in text  # the refused form is not folded away
    assert assignment.status == AssignmentStatus.OFFERED
    response = _my_page_form(me, assignment, "nej").submit()  # no reason, no note: fine
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.DECLINED


def test_accepting_a_seat_that_overlaps_my_other_event_is_refused_clearly(me):
    start = clock.now() + timedelta(days=10)
    _accepted(me.person, starts_at=start)
    clash = _offer(me.person, starts_at=start + timedelta(minutes=30))
    accept = _my_page_form(me, clash, "ja")
    response = accept.submit(to=f"/mig/tildelinger/{clash.id}/ja", headers=HTMX)
    assert response.status_code == 409
    assert "optaget" in response.get_data(as_text=True)
    assert clash.status == AssignmentStatus.OFFERED


def test_another_persons_ids_are_not_found(me):
    other = _accepted(make_ambassador(), starts_at=clock.now() - timedelta(hours=3))
    offered = _offer(make_ambassador())
    event_id = other.event_id
    # No page shows me these forms: the ids are forged.
    assert me.post_form(f"/mig/tildelinger/{offered.id}/ja").status_code == 404
    assert me.post_form(f"/mig/tildelinger/{offered.id}/nej").status_code == 404
    assert me.get(f"/mig/arrangementer/{event_id}").status_code == 404
    assert me.get(f"/mig/arrangementer/{event_id}/kalender.ics").status_code == 404
    assert (
        me.post_form(
            f"/mig/arrangementer/{event_id}/fremmoede",
            {"students": 1, "staff": 0, "parents": 0, "other": 0},
        ).status_code
        == 404
    )
    assert offered.status == AssignmentStatus.OFFERED
    assert other.event.attendance is None


def test_my_event_page_shows_the_event_and_the_requesters_notes(me):
    assignment = _accepted(me.person)
    text = me.get(f"/mig/arrangementer/{assignment.event_id}").get_data(as_text=True)
    assert "Husum Skole" in text
    assert "Føj til kalender (.ics)" in text


def test_i_record_attendance_for_my_own_event_once_it_has_started(me):
    future = _accepted(me.person)
    assert "Fremmøde" not in me.get(f"/mig/arrangementer/{future.event_id}").get_data(as_text=True)
    started = _accepted(me.person, starts_at=clock.now() - timedelta(hours=2))
    page = f"/mig/arrangementer/{started.event_id}"
    form = browser_form(me, page, action=f"{page}/fremmoede")
    response = form.fill(students=24, staff=1).submit()
    assert response.status_code == 302
    assert started.event.status == EventStatus.HELD
    assert started.event.attendance.total == 25


def test_the_calendar_feed_parses_and_shows_copenhagen_times_across_dst(app, me):
    summer = _accepted(me.person, starts_at=clock.local(2027, 6, 10, 10, 0))
    winter = _accepted(me.person, starts_at=clock.local(2027, 12, 9, 10, 0))
    token = assignments.feed_token(me.person)
    db.session.commit()
    anonymous = app.test_client()
    response = anonymous.get(f"/kalender/{token}.ics")
    assert response.status_code == 200
    entries = Calendar.from_ical(response.data).walk("VEVENT")
    starts = sorted(e.decoded("dtstart") for e in entries)
    assert [(s.hour, str(s.tzinfo)) for s in starts] == [(10, "Europe/Copenhagen")] * 2
    urls = {str(e["url"]) for e in entries}
    assert any(f"/mig/arrangementer/{summer.event_id}" in u for u in urls)
    assert any(f"/mig/arrangementer/{winter.event_id}" in u for u in urls)


def test_the_feed_carries_its_time_zone_and_names_the_organisation_in_each_title(app, me):
    event = make_scheduled(request=make_request(), starts_at=clock.local(2031, 10, 28, 10, 0))
    make_assignment(event, me.person, status=AssignmentStatus.ACCEPTED)
    event.practical_info = "Lokale 12, 1. sal"
    token = assignments.feed_token(me.person)
    db.session.commit()
    feed = Calendar.from_ical(app.test_client().get(f"/kalender/{token}.ics").data)
    [zone] = feed.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Copenhagen"
    assert feed.get_missing_tzids() == set()
    [entry] = feed.walk("VEVENT")
    assert str(entry["summary"]) == "VINK: Ung-til-ung dialog, Husum Skole"
    assert entry.decoded("dtstart").hour == 10
    assert "Lokale 12, 1. sal" in str(entry["description"])


def test_my_page_offers_a_one_tap_webcal_subscription_beside_the_address(me):
    text = me.get("/mig/").get_data(as_text=True)
    token = me.person.calendar_token
    assert f'value="http://127.0.0.1:5000/kalender/{token}.ics"' in text
    assert f'href="webcal://127.0.0.1:5000/kalender/{token}.ics"' in text
    assert "Abonnér med ét tryk" in text


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled(app, me):
    assignment = _accepted(me.person)
    events.cancel_event(assignment.event, by=None)
    token = assignments.feed_token(me.person)
    db.session.commit()
    [entry] = Calendar.from_ical(app.test_client().get(f"/kalender/{token}.ics").data).walk(
        "VEVENT"
    )
    assert str(entry["status"]) == "CANCELLED"


def test_a_renewed_feed_address_makes_the_old_one_stop_working(app, me):
    old = assignments.feed_token(me.person)
    db.session.commit()
    assert browser_form(me, "/mig/", action="/mig/kalender/nyt-link").submit().status_code == 302
    assert app.test_client().get(f"/kalender/{old}.ics").status_code == 404
    assert app.test_client().get(f"/kalender/{me.person.calendar_token}.ics").status_code == 200


def _attendance_path(assignment):
    return "/svar/fremmoede/" + links.sign(
        assignments.ATTENDANCE_LINK, assignment.id, assignment.answer_token
    )


def test_the_attendance_link_works_once_without_logging_in(app):
    assignment = _accepted(make_ambassador(), starts_at=clock.now() - timedelta(hours=20))
    client = app.test_client()
    path = _attendance_path(assignment)
    assert "Gem fremmøde" in client.get(path).get_data(as_text=True)
    form = browser_form(client, path, action=path)
    stale = browser_form(client, path, action=path)  # the link, opened a second time
    done = form.fill(students=20, staff=2).submit()
    assert done.status_code == 302
    assert assignment.event.attendance.total == 22
    assert "Gem fremmøde" not in client.get(path).get_data(as_text=True)
    again = stale.fill(students=99).submit()
    assert again.status_code == 409
    assert assignment.event.attendance.total == 22
    assert client.get(tampered(_attendance_path(assignment))).status_code == 404


def test_the_attendance_link_expires(app):
    assignment = _accepted(make_ambassador(), starts_at=clock.now() - timedelta(days=20))
    text = app.test_client().get(_attendance_path(assignment)).get_data(as_text=True)
    assert "Linket er udløbet" in text


def test_i_set_my_weekly_times_and_away_dates_and_suggestions_use_them(me):
    rule = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/ugentlig")
    assert rule.fill(weekday=1, starts_at="12:00", ends_at="16:00").submit().status_code == 302
    away = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/vaek")
    away.fill(starts_on="2027-05-01", ends_on="2027-05-20", note="Eksamen")
    assert away.submit().status_code == 302
    rule = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/ugentlig")
    bad = rule.fill(weekday=1, starts_at="16:00", ends_at="12:00").submit()
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Sluttidspunktet skal ligge efter starttidspunktet." in text
    kept = pick(forms_in(me, AVAILABILITY, text), AVAILABILITY, f"{AVAILABILITY}/ugentlig")
    assert (kept.value("weekday"), kept.value("starts_at"), kept.value("ends_at")) == (
        "1",
        "16:00",
        "12:00",
    )
    person = me.person
    assert [(r.weekday, r.starts_at.hour) for r in person.availability_rules] == [(1, 12)]
    away_event = make_scheduled(starts_at=clock.local(2027, 5, 11, 13, 0))  # a Tuesday, away
    fine_event = make_scheduled(starts_at=clock.local(2027, 6, 8, 13, 0))  # a Tuesday
    morning = make_scheduled(starts_at=clock.local(2027, 6, 8, 9, 0))  # before 12
    assert suggestions.unavailable([person], away_event) == [person]
    assert suggestions.unavailable([person], fine_event) == []
    assert suggestions.unavailable([person], morning) == [person]


def test_a_refused_away_period_is_explained_in_danish_and_kept(me):
    away = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/vaek")
    bad = away.fill(starts_on="2027-05-20", ends_on="2027-05-01", note="Eksamen").submit()
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Slutdatoen skal være samme dag som startdatoen eller senere." in text
    assert 'value="2027-05-20"' in text and 'value="Eksamen"' in text
    assert me.person.away_periods == []


def test_i_can_only_delete_my_own_availability(me, app):
    away = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/vaek")
    away.fill(starts_on="2027-05-01", ends_on="2027-05-02").submit()
    [mine] = me.person.away_periods
    other_person = make_ambassador()
    from portal.models import AwayPeriod

    theirs = AwayPeriod(person=other_person, starts_on=mine.starts_on, ends_on=mine.ends_on)
    db.session.add(theirs)
    db.session.commit()
    # My page offers only my own delete buttons: another person's id is forged.
    assert me.post_form(f"/mig/tilgaengelighed/vaek/{theirs.id}/slet").status_code == 404
    delete = browser_form(me, AVAILABILITY, action=f"{AVAILABILITY}/vaek/{mine.id}/slet")
    assert delete.submit().status_code == 302
    db.session.expire_all()
    assert db.session.get(AwayPeriod, theirs.id) is not None


def test_the_open_seats_board_and_a_claim_the_secretariat_approves(me, as_role):
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    board = me.get("/mig/ledige-pladser").get_data(as_text=True)
    assert f"/mig/ledige-pladser/{event.id}" in board
    claim_form = browser_form(me, "/mig/ledige-pladser", action=f"/mig/ledige-pladser/{event.id}")
    assert claim_form.submit().status_code == 302
    [claim] = event.assignments
    assert claim.claimed and claim.status == AssignmentStatus.OFFERED
    staff = as_role(Role.SECRETARIAT)
    assert "ønsker pladsen" in staff.get(f"/sekretariat/arrangementer/{event.id}").get_data(
        as_text=True
    )
    approve = browser_form(
        staff,
        f"/sekretariat/arrangementer/{event.id}",
        action=f"/sekretariat/tildelinger/{claim.id}/godkend",
    )
    assert approve.submit().status_code == 302
    assert claim.status == AssignmentStatus.ACCEPTED


def test_the_board_is_paged_without_javascript_and_a_claim_takes_the_seat_it_shows(me):
    start = clock.now() + timedelta(days=12)
    made = [
        make_scheduled(starts_at=start + timedelta(hours=3 * n))
        for n in range(assignments.BOARD_ROWS + 1)
    ]
    last = made[-1]
    make_assignment(last, seat_number=1, status=AssignmentStatus.ACCEPTED)
    first_page = me.get("/mig/ledige-pladser").get_data(as_text=True)
    assert first_page.count('action="/mig/ledige-pladser/') == assignments.BOARD_ROWS
    assert f"/mig/ledige-pladser/{last.id}" not in first_page
    assert "21 arrangementer mangler en med din rolle · side 1 af 2" in first_page
    assert 'href="/mig/ledige-pladser?side=2"' in first_page
    second = browser_form(me, "/mig/ledige-pladser?side=2", action=f"/mig/ledige-pladser/{last.id}")
    assert second.submit().status_code == 302
    [claim] = [a for a in last.assignments if a.person_id == me.person.id]
    assert (claim.seat_number, claim.claimed) == (2, True)
    # Asked once, the event leaves the board; claiming it again says so (409).
    assert f"/mig/ledige-pladser/{last.id}" not in me.get("/mig/ledige-pladser?side=2").get_data(
        as_text=True
    )
    assert me.post_form(f"/mig/ledige-pladser/{last.id}").status_code == 409
    assert me.post_form("/mig/ledige-pladser/999999").status_code == 404


def test_a_claim_goes_straight_through_where_the_offer_kind_allows_it(me):
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    event.offer_kind.auto_accept_claims = True
    db.session.commit()
    browser_form(me, "/mig/ledige-pladser", action=f"/mig/ledige-pladser/{event.id}").submit()
    [claim] = event.assignments
    assert claim.status == AssignmentStatus.ACCEPTED


def test_a_refused_claim_says_why_on_the_board_with_409_and_stores_nothing(me):
    start = clock.now() + timedelta(days=12)
    _accepted(me.person, starts_at=start)
    overlapping = make_scheduled(starts_at=start + timedelta(minutes=30))
    board = "/mig/ledige-pladser"
    claim = browser_form(me, board, action=f"{board}/{overlapping.id}")
    response = claim.submit()
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Du er optaget på det tidspunkt" in text and "<h1>Ledige pladser</h1>" in text
    db.session.expire_all()
    assert overlapping.assignments == []


def test_a_claim_sent_again_from_another_tab_says_so_on_the_board(me):
    event = make_scheduled(starts_at=clock.now() + timedelta(days=12))
    board = "/mig/ledige-pladser"
    first = browser_form(me, board, action=f"{board}/{event.id}")
    again = browser_form(me, board, action=f"{board}/{event.id}")  # the board in a second tab
    assert first.submit().status_code == 302
    response = again.submit()
    assert response.status_code == 409
    assert "Du har allerede bedt om en plads" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(event.assignments) == 1


def test_offering_a_person_who_is_away_warns_first(as_role):
    from portal.models import AwayPeriod

    staff = as_role(Role.SECRETARIAT)
    start = clock.now() + timedelta(days=12)
    event = make_scheduled(starts_at=start)
    person = make_ambassador(first_name="Væk")
    local_day = start.astimezone(clock.COPENHAGEN).date()
    person.away_periods = [AwayPeriod(starts_on=local_day, ends_on=local_day)]
    db.session.commit()
    page = f"/sekretariat/arrangementer/{event.id}"
    offer = browser_form(staff, page, action=f"{page}/forespoerg")
    warned = offer.fill(ambassador=[person.id]).submit()
    assert warned.status_code == 422
    assert "har meldt sig væk den dag" in warned.get_data(as_text=True)
    assert event.assignments == []
    # The warning page keeps the person ticked; confirming is one more tick.
    forms = forms_in(staff, page, warned.get_data(as_text=True))
    again = pick(forms, page, f"{page}/forespoerg")
    assert again.value("ambassador") == str(person.id)
    sent = again.fill(confirm_unavailable=True).submit()
    assert sent.status_code == 302
    assert len(event.assignments) == 1
    # The confirmation repeats what was let through.
    shown = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Bemærk: Væk" in shown and "har meldt sig væk den dag" in shown


def test_my_page_shows_the_first_of_each_list_and_says_how_many_there_are(me, monkeypatch):
    monkeypatch.setitem(assignments.OVERVIEW_ROWS, "upcoming", 1)
    monkeypatch.setitem(assignments.OVERVIEW_ROWS, "history", 1)
    start = clock.now() + timedelta(days=12)
    for n in range(assignments.OVERVIEW_ROWS["offers"] + 1):
        _offer(me.person, starts_at=start + timedelta(hours=3 * n))
    for n in range(2):
        _accepted(me.person, starts_at=start + timedelta(days=5 + n))
    text = me.get("/mig/").get_data(as_text=True)
    assert text.count('class="offer-item"') == assignments.OVERVIEW_ROWS["offers"]
    assert "6 forespørgsler i alt; de første vises." in text
    assert "Og 1 arrangement mere: abonnér på din kalender for at se det hele" in text
    assert "Intet endnu i år." in text


def test_an_event_marked_held_without_attendance_asks_for_it_instead_of_counting_in_my_year(me):
    held = _accepted(me.person, starts_at=clock.now() - timedelta(days=2))
    held.event.status = EventStatus.HELD  # as older data has it: held, no head counts
    db.session.commit()
    text = me.get("/mig/").get_data(as_text=True)
    missing = text.split("Mangler fremmøde", 1)[1].split("Afholdt i år", 1)
    assert f'href="/mig/arrangementer/{held.event_id}#fremmoede"' in missing[0]
    assert "Intet endnu i år." in missing[1]
