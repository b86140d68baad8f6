"""Counsel about a concern: a member of staff asks to be called back; nothing about the citizen
is stored, the secretariat calls within two working days and records the talk."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, ClosedPeriod, OutboxMessage, Request
from portal.models.enums import ClosedPeriodKind, RequestStatus
from portal.personal_data import cpr_numbers, looks_like_names_or_addresses
from portal.services import inbox as inbox_service
from portal.services import reporting
from portal.services import requests as requests_service
from portal.services import tracking as tracking_service
from tests.factories import make_concern, make_request, make_user, offer_kind


def test_a_concern_is_stored_without_dates_or_event_and_the_receipt_names_the_call_back_day():
    concern = make_concern()
    assert concern.status == RequestStatus.SUBMITTED
    assert concern.date_proposals == []
    assert concern.organisation.name == "Fritidsklubben Nørrebro"
    assert concern.organisation.district is None
    assert requests_service.can_schedule(concern) is False
    assert requests_service.can_propose_dates(concern) is False
    [receipt] = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "concern_receipt")
    ).all()
    assert receipt.subject == "Kvittering: Sparring om en bekymring"
    due = requests_service.callback_due_on(concern)
    assert "+45 33 66 33 66" in receipt.body_text
    assert tracking_service.tracking_url(concern) in receipt.body_text
    assert f"{due.day}." in receipt.body_text
    assert "formiddag" in receipt.body_text


@pytest.mark.parametrize(
    "text",
    ["Det drejer sig om 010203-1234", "cpr 3112991234 i klassen", "hendes nummer er 150805 4321"],
)
def test_a_cpr_number_anywhere_in_a_concern_is_refused_and_nothing_is_stored(text):
    before = db.session.scalar(db.select(db.func.count(Request.id)))
    with pytest.raises(requests_service.RequestError, match="CPR"):
        make_concern(notes=text)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Request.id))) == before
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_a_cpr_number_in_a_booking_note_is_refused_too():
    with pytest.raises(requests_service.RequestError, match="CPR"):
        make_request(notes="Eleven har CPR 010203-1234")


def test_numbers_that_are_not_a_date_and_four_digits_are_no_cpr_number():
    assert cpr_numbers("Ring på +45 33 66 33 66 eller 4533663366") == []
    assert cpr_numbers("8. klasse, 24 elever, lokale 1234") == []
    assert cpr_numbers("010203-1234") == ["010203-1234"]


@pytest.mark.parametrize(
    ("text", "suspect"),
    [
        ("Ahmed Hansen i 8.b har ændret sig", "Ahmed Hansen"),
        ("Han hedder Sara og går i klubben", "hedder Sara"),
        ("Hun bor på Nørrebrogade 12", "Nørrebrogade 12"),
    ],
)
def test_a_line_that_looks_like_a_name_or_an_address_is_found(text, suspect):
    assert suspect in looks_like_names_or_addresses(text)


def test_an_ordinary_description_is_not_taken_for_a_name():
    text = "En elev i 9. klasse deler videoer fra Islamisk Stat. Københavns Kommune ved det."
    assert looks_like_names_or_addresses(text) == []


def test_the_call_back_deadline_is_two_working_days_skipping_weekends_and_closures():
    friday = date(2026, 12, 4)
    assert requests_service.working_days_after(friday, 2) == date(2026, 12, 8)
    assert requests_service.working_days_after(date(2026, 12, 1), 2) == date(2026, 12, 3)
    closed = frozenset({date(2026, 12, 7)})
    assert requests_service.working_days_after(friday, 2, closed) == date(2026, 12, 9)


def test_the_deadline_of_a_stored_concern_skips_vinks_closures_but_not_school_holidays():
    concern = make_concern()
    concern.submitted_at = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # a Friday
    db.session.add_all(
        [
            ClosedPeriod(
                name="Lukket",
                kind=ClosedPeriodKind.CLOSURE,
                starts_on=date(2026, 12, 7),
                ends_on=date(2026, 12, 7),
            ),
            ClosedPeriod(
                name="Ferie",
                kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
                starts_on=date(2026, 12, 8),
                ends_on=date(2026, 12, 8),
            ),
        ]
    )
    db.session.flush()
    assert requests_service.callback_due_on(concern) == date(2026, 12, 9)


def test_a_concern_waits_under_call_back_in_needs_action_and_not_as_a_new_request():
    booking = make_request()
    concern = make_concern()
    items, totals = inbox_service.needs_action(now=clock.now())
    assert ("call_back", concern) in items
    assert ("new", concern) not in items
    assert ("new", booking) in items
    assert totals["call_back"] == 1


def test_recording_the_talk_closes_the_concern_audited_and_counted_in_the_report():
    staff = make_user()
    concern = make_concern()
    today = clock.today()
    requests_service.record_counsel(concern, by=staff, talked_on=today)
    db.session.commit()
    assert concern.status == RequestStatus.COUNSELLED
    assert concern.counselled_on == today
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "request.counselled")
    )
    assert entry.after == {"status": "counselled", "counselled_on": today.isoformat()}
    items, _totals = inbox_service.needs_action(now=clock.now())
    assert ("call_back", concern) not in items
    assert tracking_service.public_status(concern) == "counselled"
    report = reporting.build_report(concern.submitted_at.year, locale="da")
    assert report.requests["counselled"] == 1
    assert "concern" not in {row.key for row in report.by_offer_kind}


@pytest.mark.parametrize(("days", "message"), [(1, "fremtiden"), (-400, "før henvendelsen")])
def test_a_talk_in_the_future_or_before_the_concern_came_is_refused(days, message):
    concern = make_concern()
    with pytest.raises(requests_service.RequestError, match=message):
        requests_service.record_counsel(
            concern, by=make_user(), talked_on=clock.today() + timedelta(days=days)
        )
    assert concern.status == RequestStatus.SUBMITTED


def test_only_a_concern_is_closed_by_a_talk_and_only_once():
    staff = make_user()
    with pytest.raises(requests_service.RequestError):
        requests_service.record_counsel(make_request(), by=staff, talked_on=clock.today())
    concern = make_concern()
    requests_service.record_counsel(concern, by=staff, talked_on=clock.today())
    with pytest.raises(requests_service.RequestError):
        requests_service.record_counsel(concern, by=staff, talked_on=clock.today())


def test_the_booking_form_service_refuses_a_concern_kind_and_the_concern_service_a_talk():
    with pytest.raises(requests_service.RequestError):
        make_request(offer_kind=offer_kind("concern"))
    with pytest.raises(requests_service.RequestError):
        make_concern(offer_kind=offer_kind("talk"))
