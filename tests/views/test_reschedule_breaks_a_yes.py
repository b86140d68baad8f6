"""Moving an event to a time an accepted person cannot (an away day, outside her weekly times)
warns before saving, names her and saves only once confirmed (issue 21, "a change that breaks
a planned event")."""

from datetime import time, timedelta

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.models.enums import Role
from portal.services import assignments
from tests.browser_form import browser_form, forms_in, pick
from tests.factories import (
    make_ambassador,
    make_assignment,
    make_request,
    make_scheduled,
    make_school_holiday,
)


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def _move_form(client, event, response=None):
    page = f"/sekretariat/arrangementer/{event.id}"
    if response is None:
        return browser_form(client, page, action=f"{page}/flyt")
    return pick(forms_in(client, page, response.get_data(as_text=True)), page, f"{page}/flyt")


def _typed(start):
    local = start.astimezone(clock.COPENHAGEN)
    return {
        "sessions-0-day": local.date().isoformat(),
        "sessions-0-starts": local.strftime("%H:%M"),
        "sessions-0-ends": (local + timedelta(hours=1)).strftime("%H:%M"),
    }


def _planned_with(person):
    event = make_scheduled(request=make_request())
    make_assignment(event, person)
    return event


def _day(days):
    day = clock.today() + timedelta(days=days)
    return day, clock.local(day.year, day.month, day.day, 10, 0)


def test_moving_to_a_day_she_is_away_warns_names_her_and_saves_once_confirmed(staff):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    before = event.starts_at
    day, start = _day(30)
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    db.session.commit()

    warned = _move_form(staff, event).fill(**_typed(start)).submit()

    assert warned.status_code == 422
    text = warned.get_data(as_text=True)
    assert "Yasmin Haddad" in text and "kan ikke på det nye tidspunkt" in text
    assert "Flyt alligevel, selv om de ikke kan" in text
    db.session.expire_all()
    assert event.starts_at == before
    again = _move_form(staff, event, warned)
    assert again.value("sessions-0-day") == day.isoformat()
    assert again.fill(confirm_breaks=True).submit().status_code == 302
    db.session.expire_all()
    assert event.starts_at == start


def test_moving_outside_her_weekly_times_warns_too(staff):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    _unused, start = _day(30)
    # Only on the day after, every week.
    assignments.add_availability_rule(
        yasmin,
        weekday=(start.astimezone(clock.COPENHAGEN).weekday() + 1) % 7,
        starts_at=time(8, 0),
        ends_at=time(16, 0),
    )
    db.session.commit()
    warned = _move_form(staff, event).fill(**_typed(start)).submit()
    assert warned.status_code == 422
    assert "Yasmin Haddad" in warned.get_data(as_text=True)


def test_moving_to_a_time_everyone_accepted_can_saves_at_once(staff):
    event = _planned_with(make_ambassador())
    _unused, start = _day(30)
    response = _move_form(staff, event).fill(**_typed(start)).submit()
    assert response.status_code == 302
    assert "confirm_breaks" not in staff.get(response.headers["Location"]).get_data(as_text=True)


def test_the_warning_is_in_english_in_english(staff):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    day, start = _day(30)
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    db.session.commit()
    staff.get("/sprog/en")
    text = _move_form(staff, event).fill(**_typed(start)).submit().get_data(as_text=True)
    assert "Someone who has said yes cannot come at the new time" in text
    assert "Move it anyway, although they cannot come" in text


def _her_own_day(event):
    return event.starts_at.astimezone(clock.COPENHAGEN).date()


def _away_on_the_current_day(event, person):
    day = _her_own_day(event)
    assignments.add_away_period(person, starts_on=day, ends_on=day)


def _weekly_times_another_day(event, person):
    assignments.add_availability_rule(
        person,
        weekday=(_her_own_day(event).weekday() + 1) % 7,
        starts_at=time(8, 0),
        ends_at=time(16, 0),
    )


@pytest.mark.parametrize("already", [_away_on_the_current_day, _weekly_times_another_day])
def test_a_place_only_edit_saves_at_once_though_someone_accepted_cannot_already(staff, already):
    """Away on the event's day, or accepted anyway outside her weekly times: she could not
    before either, so changing only the place is not news about her."""
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    already(event, yasmin)
    db.session.commit()
    response = _move_form(staff, event).fill(place="Tingbjerg Skole").submit()
    assert response.status_code == 302
    db.session.expire_all()
    assert event.place == "Tingbjerg Skole"


def test_moving_to_another_day_she_is_also_away_does_not_warn_again(staff):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    _away_on_the_current_day(event, yasmin)
    day, start = _day(30)
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    db.session.commit()
    assert _move_form(staff, event).fill(**_typed(start)).submit().status_code == 302
    db.session.expire_all()
    assert event.starts_at == start


def test_only_those_the_move_lets_down_are_named(staff):
    already = make_ambassador(first_name="Allerede", last_name="Væk")
    event = _planned_with(already)
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    make_assignment(event, yasmin, seat_number=2)
    _away_on_the_current_day(event, already)
    day, start = _day(30)
    for person in (already, yasmin):
        assignments.add_away_period(person, starts_on=day, ends_on=day)
    db.session.commit()
    warned = _move_form(staff, event).fill(**_typed(start)).submit()
    assert warned.status_code == 422
    html = lxml.html.fromstring(warned.get_data(as_text=True))
    assert html.xpath("//*[@id='flyt-kan-ikke']//li/text()") == ["Yasmin Haddad"]


def test_a_ticked_confirmation_stays_ticked_while_a_closed_period_still_stops_the_move(staff):
    yasmin = make_ambassador(first_name="Yasmin", last_name="Haddad")
    event = _planned_with(yasmin)
    day, start = _day(40)
    make_school_holiday(day, name="Vinterferie 2027")
    assignments.add_away_period(yasmin, starts_on=day, ends_on=day)
    db.session.commit()
    warned = _move_form(staff, event).fill(**_typed(start)).submit()
    assert warned.status_code == 422
    text = warned.get_data(as_text=True)
    assert "Vinterferie 2027" in text and "Yasmin Haddad" in text
    # Only one of the two boxes ticked: the other warning still stops the move, and the box
    # ticked stays ticked beside its warning.
    half = _move_form(staff, event, warned).fill(confirm_breaks=True).submit()
    assert half.status_code == 422
    text = half.get_data(as_text=True)
    assert "Vinterferie 2027" in text and "Yasmin Haddad" in text
    again = _move_form(staff, event, half)
    assert again.value("confirm_breaks") == "y"
    assert again.value("confirm_closed") is None
    assert again.fill(confirm_closed=True).submit().status_code == 302
    db.session.expire_all()
    assert event.starts_at == start
