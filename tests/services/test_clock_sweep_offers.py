"""The rules tied to the clock, proven at every awkward instant of tests.clock.SWEEP: offer
deadlines, answer reminders and lapses, the offer chain, the reminder two days before and the
attendance link the day after, retention, and the expiry of the tracking link and its cookie.

Each test starts with `travel(instant)` and builds its data from `clock.now()`. The reminders
run where deploy/systemd/vink-reminders.timer runs them: on the quarter hours of the wall clock
(Denmark is a whole number of hours from UTC, so these are UTC's quarter hours too)."""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale

from portal import clock, links
from portal.extensions import db
from portal.i18n import date_and_time
from portal.models import Assignment, Contact
from portal.models.enums import AssignmentStatus, EventStatus, Role
from portal.services import assignments, offers, reference, reminders, retention
from portal.services import tracking as tracking_service
from tests.clock import SWEEP
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_event,
    make_person,
    make_request,
    make_scheduled,
    make_user,
    offer_kind,
    offer_to,
)

STEP = timedelta(minutes=15)
INSTANTS = [param.values[0] for param in SWEEP]

# Every offer kind with the deadline it ships with, and one an admin set to a day:
# (offer kind, the hours the admin set or None, the hours the offer runs).
DEADLINES = [
    ("talk", None, 72),
    ("dialogue", None, 48),
    ("advisory", None, 72),
    ("dialogue", 24, 24),
]


# --- helpers ------------------------------------------------------------------------------------


def _run():
    """One run of `flask send-reminders`, committed as the command commits it."""
    counts = reminders.send_reminders()
    db.session.commit()
    return counts


def _reloaded(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def _first_run_from(moment):
    """The first time the reminders timer fires at or after `moment`."""
    moment = moment.astimezone(UTC)
    floored = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floored if floored == moment else floored + STEP


def _last_run_before(moment):
    return _first_run_from(moment) - STEP


def _admin_sets_deadline(code, hours):
    """The admin changes the offer kind's answer deadline on the admin page's service."""
    kind = offer_kind(code)
    reference.save_offer_kind(
        kind,
        by=make_user(Role.ADMIN),
        needs={need.seat_role: need.count for need in kind.staffing_needs},
        name_da=kind.name_da,
        offer_deadline_hours=hours,
    )
    db.session.commit()


def _offered(kind, admin_hours=None, *, starts_at=None):
    """An event of `kind` (20 days ahead unless said) with its first seat offered to a new
    person of the seat's role; returns (the offer, the moments just before and after it)."""
    event = make_scheduled(kind, starts_at=starts_at or clock.now() + timedelta(days=20))
    if admin_hours is not None:
        _admin_sets_deadline(kind, admin_hours)
    need = event.offer_kind.staffing_needs[0]
    person = make_person(is_ambassador=True, is_resource_person=True)
    before = clock.now()
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=need.seat_role, seat_number=1, persons=[person]
    )
    after = clock.now()
    db.session.commit()
    return _reloaded(assignment), before, after


def _mails_to(kind, person):
    return [m for m in mails(kind) if m.to_address == person.email]


def _answer_reminders(assignment):
    """The "Svar ønskes" mails about this offer (a person may also get one for a chained offer)."""
    return [
        m
        for m in mails("assignee_offer_reminder")
        if m.dedupe_key == f"offer-reminder:{assignment.id}"
    ]


def _path(url):
    return urlsplit(url).path


def _offers_on(event):
    return db.session.scalars(
        db.select(Assignment)
        .where(Assignment.event_id == event.id, Assignment.status == AssignmentStatus.OFFERED)
        .order_by(Assignment.id)
    ).all()


def _months_before(day, months):
    """The same day `months` calendar months earlier (the month's last day where it is short:
    29 February less 24 months is 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _copenhagen(day, wall):
    return datetime.combine(day, wall, tzinfo=clock.COPENHAGEN).astimezone(UTC)


# --- 1. answer deadlines, answer reminders and the lapse ----------------------------------------


@pytest.mark.parametrize("instant", SWEEP)
def test_every_offer_kind_expires_after_its_deadline_in_real_hours_never_after_the_start(
    travel, instant
):
    travel(instant)
    for kind, admin_hours, hours in DEADLINES:
        assignment, before, after = _offered(kind, admin_hours)
        deadline = timedelta(hours=hours)
        # Real hours: across a summer-time change the wall clock shows an hour more or less.
        assert before + deadline <= assignment.expires_at <= after + deadline, kind
        [mail] = _mails_to("assignee_offer", assignment.person)
        assert _path(offers.answer_url(assignment)) in mail.body_text
        with force_locale("da"):  # the deadline in the mail, in Copenhagen time
            assert f"udløber {date_and_time(assignment.expires_at)}" in mail.body_text

        # An event that starts before the deadline: the offer runs until the start.
        soon = clock.now() + deadline / 2
        capped, _before, _after = _offered(kind, starts_at=soon)
        assert capped.expires_at == _reloaded(capped.event).starts_at, kind


@pytest.mark.parametrize("instant", SWEEP)
def test_an_offer_is_reminded_once_with_time_left_and_lapses_at_the_first_run_after_its_deadline(
    travel, instant
):
    """`flask send-reminders` every 15 minutes from the offer until it lapses; one kind per
    instant (all of them over the sweep) keeps this fast."""
    kind, admin_hours, _hours = DEADLINES[INSTANTS.index(instant) % len(DEADLINES)]
    travel(instant)
    assignment, _before, _after = _offered(kind, admin_hours)
    person, expires_at = assignment.person, assignment.expires_at
    due = reminders.answer_reminder_due(assignment.offered_at, expires_at)
    reminded_at = lapsed_at = None
    moment = _first_run_from(assignment.offered_at)
    while lapsed_at is None:
        assert moment <= expires_at + STEP, f"{kind}: still offered a run after its deadline"
        travel(moment)
        _run()
        row = _reloaded(assignment)
        if reminded_at is None and row.reminded_at is not None:
            reminded_at = moment
        if row.status == AssignmentStatus.LAPSED:
            lapsed_at = moment
        else:
            assert row.status == AssignmentStatus.OFFERED
        moment += STEP
    [reminder] = _answer_reminders(assignment)
    assert reminder.to_address == person.email
    assert _path(offers.answer_url(assignment)) in reminder.body_text
    assert due <= reminded_at < due + STEP, kind
    assert reminded_at < expires_at, f"{kind}: reminded while there is time to answer"
    window = expires_at - assignment.offered_at
    assert expires_at - reminded_at >= min(timedelta(hours=12), window / 2) - STEP, kind
    assert expires_at <= lapsed_at < expires_at + STEP, f"{kind}: lapsed within one run"


@pytest.mark.parametrize("instant", SWEEP)
def test_every_offer_kind_is_reminded_at_its_due_run_and_lapses_at_its_deadline_run(
    client, travel, instant
):
    """Every kind at once, with an offer cut short by the event's start: the runs just before
    and just after each offer's reminder and deadline."""
    travel(instant)
    offered = [_offered(kind, admin_hours)[0] for kind, admin_hours, _hours in DEADLINES]
    capped, _before, _after = _offered("talk", starts_at=clock.now() + timedelta(hours=30))
    offered.append(capped)
    assert capped.expires_at == _reloaded(capped.event).starts_at
    moments = {}
    for assignment in offered:
        due = reminders.answer_reminder_due(assignment.offered_at, assignment.expires_at)
        assert due < assignment.expires_at
        moments[assignment.id] = (assignment.event.offer_kind.code, due, assignment.expires_at)
    checkpoints = sorted(
        {
            run
            for _kind, due, expires_at in moments.values()
            for run in (
                _last_run_before(due),
                _first_run_from(due),
                _last_run_before(expires_at),
                _first_run_from(expires_at),
            )
        }
    )
    for moment in checkpoints:
        travel(moment)
        _run()
        rows = db.session.scalars(db.select(Assignment).where(Assignment.id.in_(moments))).all()
        sent = mails("assignee_offer_reminder")
        for row in rows:
            kind, due, expires_at = moments[row.id]
            where = f"{kind} offered at {row.offered_at}, run at {moment}"
            reminders_sent = [m for m in sent if m.dedupe_key == f"offer-reminder:{row.id}"]
            if moment < due:
                assert row.reminded_at is None and not reminders_sent, where
            else:
                assert due <= row.reminded_at < due + STEP, where
                assert len(reminders_sent) == 1, where
                assert _path(offers.answer_url(row)) in reminders_sent[0].body_text
            expected = AssignmentStatus.LAPSED if moment >= expires_at else AssignmentStatus.OFFERED
            assert row.status == expected, where
        if moment == _last_run_before(moments[capped.id][2]):
            page = client.get(_path(offers.answer_url(capped))).get_data(as_text=True)
            assert "Ja, jeg kommer" in page, "the link in the mails answers until the deadline"
    # ... and says so once it has passed.
    page = client.get(_path(offers.answer_url(capped))).get_data(as_text=True)
    assert "Forespørgslen er udløbet" in page
    assert "Ja, jeg kommer" not in page


# --- 2. the offer chain -------------------------------------------------------------------------


@pytest.mark.parametrize("instant", SWEEP)
def test_a_lapse_and_a_decline_offer_the_seat_on_with_a_fresh_deadline(travel, instant):
    travel(instant)
    event = make_scheduled("dialogue", starts_at=clock.now() + timedelta(days=20))
    anna, bo, carl = (make_ambassador(first_name=name) for name in ("Anna", "Bo", "Carl"))
    deadline = timedelta(hours=event.offer_kind.offer_deadline_hours)
    [first] = offer_to(event, anna)

    travel(_last_run_before(first.expires_at))
    _run()
    assert _reloaded(first).status == AssignmentStatus.OFFERED
    assert [a.person_id for a in _offers_on(event)] == [anna.id]

    # The run that lapses it offers the seat to the next suggested person, from that moment.
    chained_at = _first_run_from(first.expires_at)
    travel(chained_at)
    counts = _run()
    after = clock.now()
    assert (counts["udløbet"], counts["sendt_videre"]) == (1, 1)
    assert _reloaded(first).status == AssignmentStatus.LAPSED
    [second] = _offers_on(event)
    assert second.person_id == bo.id
    assert (second.seat_role, second.seat_number) == (first.seat_role, first.seat_number)
    assert chained_at <= second.offered_at <= after
    assert chained_at + deadline <= second.expires_at <= after + deadline
    [offer_mail] = _mails_to("assignee_offer", bo)
    assert _path(offers.answer_url(second)) in offer_mail.body_text

    # Bo says no five hours later: Carl gets a full deadline from the moment of the no.
    travel(chained_at + timedelta(hours=5))
    declined_at = clock.now()
    offers.decline_offer(_reloaded(second), actor_label=bo.email)
    after = clock.now()
    db.session.commit()
    assert _reloaded(second).status == AssignmentStatus.DECLINED
    [third] = _offers_on(event)
    assert third.person_id == carl.id
    assert declined_at + deadline <= third.expires_at <= after + deadline
    assert len(_mails_to("assignee_offer", carl)) == 1


@pytest.mark.parametrize("instant", SWEEP)
def test_the_chain_offers_the_seat_until_the_event_starts_and_no_longer(travel, instant):
    travel(instant)
    start = clock.now() + timedelta(hours=60)  # more than one deadline away, less than two
    event = make_scheduled("dialogue", starts_at=start)
    start = _reloaded(event).starts_at
    anna, bo, carl, dana = (
        make_ambassador(first_name=name) for name in ("Anna", "Bo", "Carl", "Dana")
    )
    [first] = offer_to(event, anna)
    assert first.expires_at < start

    travel(_first_run_from(first.expires_at))
    assert _run()["sendt_videre"] == 1
    [second] = _offers_on(event)
    assert second.person_id == bo.id
    assert second.expires_at == start, "the chained offer runs until the start, not past it"

    travel(start - timedelta(hours=5))
    declined_at = clock.now()
    offers.decline_offer(_reloaded(second), actor_label=bo.email)
    db.session.commit()
    [third] = _offers_on(event)
    assert third.person_id == carl.id
    assert third.offered_at >= declined_at
    assert third.expires_at == start

    travel(_last_run_before(start))
    _run()
    assert _reloaded(third).status == AssignmentStatus.OFFERED

    # At the start Carl's offer lapses, and nobody is asked for an event under way.
    travel(_first_run_from(start))
    counts = _run()
    assert (counts["udløbet"], counts["sendt_videre"]) == (1, 0)
    assert _reloaded(third).status == AssignmentStatus.LAPSED
    assert _offers_on(event) == []
    assert _mails_to("assignee_offer", dana) == []


# --- 3. the reminder two days before and the attendance link the day after ----------------------


def _accepted(event):
    """A person offered the event's first seat who said yes (the answer link's token is theirs)."""
    need = event.offer_kind.staffing_needs[0]
    person = make_person(is_ambassador=True, is_resource_person=True)
    [assignment] = offers.offer_seat(
        event, by=None, seat_role=need.seat_role, seat_number=1, persons=[person]
    )
    offers.accept_offer(assignment)
    db.session.commit()
    return assignment


@pytest.mark.parametrize("instant", SWEEP)
def test_an_event_around_the_instant_gets_one_reminder_before_and_one_attendance_mail_after(
    client, travel, instant
):
    """The event runs from an hour before the instant to an hour after: across midnight at
    23.59 and 00.01, across the clocks going back or forward at the summer-time instants."""
    start, end = instant - timedelta(hours=1), instant + timedelta(hours=1)
    travel(start - timedelta(days=3))
    request = make_request()
    event = make_scheduled("talk", starts_at=start, minutes=120, request=request)
    assignment = _accepted(event)
    person = assignment.person
    link = _path(assignments.attendance_url(assignment))

    def reminded():
        return (
            len(_mails_to("assignee_event_reminder", person)),
            len(mails("requester_event_reminder")),
        )

    def asked():
        return _mails_to("assignee_attendance_reminder", person)

    travel(start - reminders.EVENT_REMINDER_BEFORE - timedelta(minutes=1))
    _run()
    assert reminded() == (0, 0), "not earlier than 48 hours before the start"
    for moment in (
        start - reminders.EVENT_REMINDER_BEFORE,
        start - reminders.EVENT_REMINDER_BEFORE + STEP,
        start - timedelta(minutes=1),
    ):
        travel(moment)
        _run()
        assert reminded() == (1, 1), moment

    page = client.get(link).get_data(as_text=True)
    assert "Arrangementet er ikke begyndt endnu" in page
    assert "Gem fremmøde" not in page
    travel(start)
    page = client.get(link).get_data(as_text=True)
    assert "Gem fremmøde" in page, "the link opens the form once the event has started"

    for moment in (end, end + reminders.ATTENDANCE_REMINDER_AFTER - timedelta(minutes=1)):
        travel(moment)
        _run()
        assert asked() == [], moment
    for moment in (
        end + reminders.ATTENDANCE_REMINDER_AFTER,
        end + reminders.ATTENDANCE_REMINDER_AFTER + STEP,
        end + timedelta(days=3),
        end + reminders.ATTENDANCE_REMINDER_UNTIL,
    ):
        travel(moment)
        _run()
        [mail] = asked()
        assert link in mail.body_text, moment
    assert reminded() == (1, 1)
    assert "Gem fremmøde" in client.get(link).get_data(as_text=True)


@pytest.mark.parametrize("instant", SWEEP)
def test_attendance_is_asked_up_to_seven_days_after_the_end_and_not_later(travel, instant):
    travel(instant)
    until = reminders.ATTENDANCE_REMINDER_UNTIL
    # Events of 90 minutes that ended a minute less, and a minute more, than 7 days ago.
    inside = make_event(kind="talk", starts_at=clock.now() - until - timedelta(minutes=89))
    outside = make_event(kind="talk", starts_at=clock.now() - until - timedelta(minutes=91))
    in_time = make_assignment(inside, make_person(), status=AssignmentStatus.ACCEPTED)
    too_late = make_assignment(outside, make_person(), status=AssignmentStatus.ACCEPTED)
    assert _run()["fremmøde"] == 1
    assert len(_mails_to("assignee_attendance_reminder", in_time.person)) == 1
    assert _mails_to("assignee_attendance_reminder", too_late.person) == []


# --- 4. retention -------------------------------------------------------------------------------


@pytest.mark.parametrize("instant", SWEEP)
def test_a_request_is_anonymised_retention_months_after_its_event_and_not_a_day_sooner(
    app, travel, instant
):
    travel(instant)
    months = app.config["RETENTION_MONTHS"]
    last_day = _months_before(clock.today(), months)
    next_day = last_day + timedelta(days=1)
    wall = clock.now().astimezone(clock.COPENHAGEN).time()
    ended = {
        # name: (when the event ended, or the request was sent with no event; anonymised?)
        "exactly": (_copenhagen(last_day, wall), True),
        "late that day": (_copenhagen(last_day, time(23, 59)), True),
        "a day later": (_copenhagen(next_day, wall), False),
        "first thing the next day": (_copenhagen(next_day, time(0, 0)), False),
    }
    requests = {}
    for name, (moment, _gone) in ended.items():
        with_event = make_request(contact_email=f"event-{len(requests)}@example.org")
        make_event(
            kind="dialogue",
            request=with_event,
            status=EventStatus.HELD,
            starts_at=moment - timedelta(minutes=90),
        )
        without = make_request(contact_email=f"sent-{len(requests)}@example.org")
        without.submitted_at = moment
        db.session.commit()
        requests[name] = (with_event, without)

    retention.anonymise_expired_contacts()
    db.session.commit()
    for name, (moment, gone) in ended.items():
        for request in requests[name]:
            contact = db.session.get(Contact, _reloaded(request).contact_id)
            assert (contact.anonymised_at is not None) == gone, (name, moment, last_day)
            assert (contact.name == retention.ANONYMOUS_NAME) == gone, name


# --- 5. the tracking link and its cookie --------------------------------------------------------


def _tracking_link(request):
    return _path(tracking_service.tracking_url(request))


@pytest.mark.parametrize("instant", SWEEP)
def test_the_tracking_link_works_until_the_moment_it_expires(client, travel, instant):
    travel(instant)
    days = timedelta(days=90)
    held = make_request(contact_email="held@example.org")
    event = make_event(
        kind="dialogue",
        request=held,
        status=EventStatus.HELD,
        starts_at=clock.now() - timedelta(hours=2),
    )
    waiting = make_request(contact_email="waiting@example.org")
    held, waiting = _reloaded(held), _reloaded(waiting)
    last_wished = max(d.ends_on for p in waiting.date_proposals for d in p.dates)
    expiries = {
        # 90 days after the event's end ...
        "held": (held, _reloaded(event).ends_at + days),
        # ... or, before there is one, 90 days after the last day wished for, at 23.59.
        "waiting": (waiting, _copenhagen(last_wished + days, time(23, 59))),
    }
    for name, (request, expires_at) in expiries.items():
        assert tracking_service.link_expires_at(request) == expires_at, name
        link = _tracking_link(request)
        travel(expires_at - timedelta(seconds=1))
        response = client.get(link)
        assert response.status_code == 302, name
        assert response.headers["Location"] == f"/bestilling/{request.id}"
        travel(expires_at + timedelta(seconds=1))
        response = client.get(link)
        assert response.status_code == 410, name
        assert "Linket er udløbet" in response.get_data(as_text=True)


@pytest.mark.parametrize("instant", SWEEP)
def test_the_tracking_cookie_opens_the_request_for_an_hour(app, client, travel, instant):
    travel(instant)
    request = make_request()
    page = f"/bestilling/{request.id}"
    assert client.get(_tracking_link(request)).status_code == 302
    cookie = client.get_cookie("vink_track", path=page)
    assert cookie is not None
    opened = clock.now()

    travel(opened + timedelta(minutes=59))
    response = client.get(page)
    assert response.status_code == 200
    assert "Husum Skole" in response.get_data(as_text=True)
    assert tracking_service.request_for_cookie(request.id, cookie.value).id == request.id

    travel(opened + timedelta(minutes=61))
    response = client.get(page)
    assert response.status_code == 403
    assert "Husum Skole" not in response.get_data(as_text=True)
    # The portal refuses it, not only the browser that dropped it: sent anyway, it opens nothing.
    client.set_cookie("vink_track", cookie.value, path=page)
    response = client.get(page)
    assert response.status_code == 403
    assert "Åbn linket fra jeres e-mail" in response.get_data(as_text=True)
    with pytest.raises(links.LinkError):
        tracking_service.request_for_cookie(request.id, cookie.value)
