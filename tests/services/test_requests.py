"""The requester's rules, tested on the service directly."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from portal import clock
from portal.event_details import cancel_reason
from portal.extensions import db
from portal.models import AuditEntry, District, Organisation, OutboxMessage
from portal.models.enums import (
    AssignmentStatus,
    CancelledBy,
    EventStatus,
    OrganisationKind,
    RequestStatus,
    Role,
)
from portal.services import events
from portal.services import requests as requests_service
from portal.services import tracking as tracking_service
from tests.factories import (
    mails,
    make_ambassador,
    make_assignment,
    make_event,
    make_request,
    make_scheduled,
)


def _outbox(kind=None):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()


def _actions(request):
    return [
        e.action
        for e in db.session.scalars(
            db.select(AuditEntry).where(
                AuditEntry.object_type == "requests", AuditEntry.object_id == request.id
            )
        )
    ]


def test_submit_request_stores_everything_and_queues_a_receipt_with_the_private_link():
    request = make_request()
    assert request.status == RequestStatus.SUBMITTED
    assert request.organisation.name == "Husum Skole"
    assert request.contact.email == "anne@example.org"
    assert len(request.date_proposals) == 1
    assert len(request.date_proposals[0].dates) == 2
    assert _actions(request) == ["request.submitted"]
    [receipt] = _outbox("request_receipt")
    assert receipt.to_address == "anne@example.org"
    assert receipt.subject == "Kvittering: Ung-til-ung dialog for Husum Skole"
    assert tracking_service.tracking_url(request) in receipt.body_text


def test_the_tracking_token_carries_at_least_128_bits():
    tokens = {make_request(contact_email=f"a{i}@example.org").tracking_token for i in range(3)}
    assert len(tokens) == 3
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, base64


def test_the_receipt_speaks_the_language_the_requester_used():
    make_request(locale="en")
    [receipt] = _outbox("request_receipt")
    assert receipt.subject == "Receipt: Youth-to-youth dialogue for Husum Skole"
    assert "Follow your booking here:" in receipt.body_text


def test_an_organisation_that_books_again_is_recognised_not_duplicated():
    first = make_request(organisation_name="Husum Skole")
    again = make_request(organisation_name="  husum   SKOLE ", contact_email="b@example.org")
    other_kind = make_request(
        organisation_name="Husum Skole",
        organisation_kind=OrganisationKind.NGO,
        contact_email="c@example.org",
    )
    assert again.organisation_id == first.organisation_id
    assert other_kind.organisation_id != first.organisation_id
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 2
    assert again.contact_id != first.contact_id  # the contact is per request


def test_online_is_refused_for_an_offer_that_cannot_be_held_online():
    with pytest.raises(requests_service.RequestError):
        make_request(online=True)
    db.session.rollback()


def test_withdrawing_records_it_and_tells_the_secretariat(app):
    request = make_request()
    requests_service.withdraw_request(request, note="Klassen er på lejrskole")
    db.session.commit()
    assert request.status == RequestStatus.WITHDRAWN
    assert request.withdraw_note == "Klassen er på lejrskole"
    assert _actions(request)[-1] == "request.withdrawn"
    [mail] = _outbox("secretariat_request_withdrawn")
    assert mail.to_address == app.config["SECRETARIAT_EMAIL"]
    assert "Klassen er på lejrskole" in mail.body_text


def test_withdrawing_cancels_a_planned_event_and_tells_the_assigned_people():
    request = make_request()
    event = make_event(kind="dialogue", request=request)
    accepted = make_assignment(event, status=AssignmentStatus.ACCEPTED, seat_number=1)
    offered = make_assignment(event, status=AssignmentStatus.OFFERED, seat_number=2)
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    assert event.status == EventStatus.CANCELLED
    assert accepted.status == offered.status == AssignmentStatus.WITHDRAWN
    told = {m.to_address for m in _outbox("assignee_event_cancelled")}
    assert told == {accepted.person.email, offered.person.email}


def test_a_held_event_cannot_be_withdrawn_and_nothing_changes():
    request = make_request()
    make_event(
        kind="dialogue",
        request=request,
        starts_at=clock.now() - timedelta(days=2),
        status=EventStatus.HELD,
    )
    assert not requests_service.can_withdraw(request)
    with pytest.raises(requests_service.RequestError):
        requests_service.withdraw_request(request, note="")
    db.session.rollback()
    assert request.status == RequestStatus.SUBMITTED
    assert _outbox("secretariat_request_withdrawn") == []


def test_withdrawing_twice_is_refused():
    request = make_request()
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    with pytest.raises(requests_service.RequestError):
        requests_service.withdraw_request(request, note="igen")
    db.session.rollback()
    assert request.withdraw_note == ""


def test_proposing_dates_creates_an_open_proposal_and_a_second_replaces_it():
    request = make_request()
    day = clock.today() + timedelta(days=60)
    proposal = requests_service.propose_dates(
        request, dates=[(day, None)], note="Helst om formiddagen"
    )
    db.session.commit()
    assert requests_service.open_proposal(request) == proposal
    assert proposal.dates[0].starts_on == proposal.dates[0].ends_on == day
    assert _actions(request)[-1] == "request.dates_proposed"
    assert "Helst om formiddagen" in _outbox("secretariat_dates_proposed")[0].body_text
    later = day + timedelta(days=7)
    second = requests_service.propose_dates(request, dates=[(later, None)], note="")
    db.session.commit()
    assert proposal.handled_at is not None
    assert requests_service.open_proposal(request) == second
    assert requests_service.wished_dates(request) == second
    assert len(_outbox("secretariat_dates_proposed")) == 2


def test_a_requesters_own_words_are_quoted_line_by_line_in_the_mail_they_cause():
    request = make_request()
    forged = "Vi kan ikke.\n\nVINK: Log ind her for at bekræfte: http://evil.example"
    requests_service.withdraw_request(request, note=forged)
    db.session.commit()
    [mail] = _outbox("secretariat_request_withdrawn")
    body = mail.body_text
    assert "> Vi kan ikke.\n>\n> VINK: Log ind her for at bekræfte: http://evil.example" in body
    assert "\nVINK: Log ind her" not in body


def test_an_anonymous_booking_never_changes_an_existing_organisations_name_or_district():
    first_district, other_district = db.session.scalars(db.select(District).limit(2)).all()
    first = make_request(organisation_name="Husum Skole", district=first_district)
    again = make_request(
        organisation_name="  HUSUM   skole ", district=other_district, contact_email="b@example.org"
    )
    assert again.organisation is first.organisation
    assert (first.organisation.name, first.organisation.district) == ("Husum Skole", first_district)


def test_earlier_requests_of_the_organisation_are_the_newest_few_and_the_count():
    requests_made = [
        make_request(organisation_name="Valby Skole", contact_email=f"l{n}@example.org")
        for n in range(7)
    ]
    newest = requests_made[-1]
    shown, total = requests_service.earlier_requests(newest)
    assert total == 6
    assert shown == list(reversed(requests_made[1:6]))  # five, newest first, not itself
    assert requests_service.earlier_requests(make_request(organisation_name="Ny Skole")) == ([], 0)


def test_a_planned_request_cannot_be_declined_while_its_event_stands():
    request = make_request()
    make_scheduled(request=request)
    with pytest.raises(requests_service.RequestError):
        requests_service.start_planning(request, by=None)
    db.session.rollback()
    with pytest.raises(requests_service.RequestError):
        requests_service.decline_request(request, by=None, reason=None, note="Nej")
    db.session.rollback()
    assert request.status == RequestStatus.PLANNED


def test_the_withdrawal_note_to_assignees_is_danish_whatever_the_requester_spoke():
    request = make_request(locale="en")
    event = make_scheduled(request=request)
    make_assignment(event, make_ambassador(), status=AssignmentStatus.ACCEPTED)
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    # Kept as a state, not as Danish text: each reader gets it in their own language.
    assert event.cancel_note == ""
    [mail] = mails("assignee_event_cancelled")
    assert "Tak fordi du sagde ja" in mail.body_text
    assert "> Bestilleren har trukket bestillingen tilbage." in mail.body_text
    assert event.cancelled_by == CancelledBy.REQUESTER
    with force_locale("en"):
        assert cancel_reason(event) == "The requester withdrew the booking."


def test_an_event_the_secretariat_cancelled_without_a_note_keeps_no_reason_after_a_withdrawal(
    as_role,
):
    """The secretariat cancels without a note; later the requester withdraws the booking. The
    event was not cancelled because of the withdrawal, and no page or mail says it was."""
    request = make_request()
    event = make_scheduled(request=request)
    events.cancel_event(event, by=None, note="")
    db.session.commit()
    requests_service.withdraw_request(request, note="")
    db.session.commit()
    assert request.status == RequestStatus.WITHDRAWN
    assert event.cancelled_by == CancelledBy.SECRETARIAT
    assert cancel_reason(event) == ""
    with force_locale("en"):
        assert cancel_reason(event) == ""
    page = as_role(Role.SECRETARIAT).get(f"/sekretariat/henvendelser/{request.id}")
    assert "Aflyst" in page.get_data(as_text=True)
    assert "har trukket bestillingen tilbage" not in page.get_data(as_text=True)


def test_two_first_bookings_from_one_organisation_at_once_share_it(app, monkeypatch):
    # Both look the organisation up before either has stored it (a class and its parallel
    # class booked at the same moment): the second insert gives way, no booking fails.
    import threading

    from portal.models.enums import OrganisationKind as Kind

    barrier = threading.Barrier(2)
    looked_up = requests_service._organisation
    waited = threading.local()

    def miss_together(key, kind):
        found = looked_up(key, kind)
        if found is None and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)
        return found

    monkeypatch.setattr(requests_service, "_organisation", miss_together)
    found, errors = [], []

    def book():
        with app.app_context():
            try:
                organisation = requests_service.find_or_create_organisation(
                    name="Tvillingeskolen", kind=Kind.SCHOOL, district=None
                )
                db.session.commit()
                found.append(organisation.id)
            except Exception as error:  # the test reports what went wrong
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(found) == 2 and found[0] == found[1]
    named = db.select(db.func.count()).where(Organisation.name_key == "tvillingeskolen")
    assert db.session.scalar(named) == 1


def test_only_an_ssp_organisation_gets_a_committee_and_one_it_has_is_never_replaced():
    from portal.models import SspCommittee

    valby = SspCommittee(name_da="SSP Valby", name_en="SSP Valby")
    amager = SspCommittee(name_da="SSP Amager Øst", name_en="SSP Amager Øst")
    db.session.add_all([valby, amager])
    db.session.flush()
    find = requests_service.find_or_create_organisation
    school = find(
        name="Valby Skole", kind=OrganisationKind.SCHOOL, district=None, ssp_committee=valby
    )
    assert school.ssp_committee_id is None
    ssp = find(name="SSP Valby", kind=OrganisationKind.SSP, district=None, ssp_committee=valby)
    assert ssp.ssp_committee == valby
    again = find(name="ssp  valby", kind=OrganisationKind.SSP, district=None, ssp_committee=amager)
    assert again is ssp and ssp.ssp_committee == valby
    unnamed = find(name="SSP Amager", kind=OrganisationKind.SSP, district=None)
    assert unnamed.ssp_committee_id is None
    assert (
        find(name="SSP Amager", kind=OrganisationKind.SSP, district=None, ssp_committee=amager)
        is unnamed
    )
    assert unnamed.ssp_committee == amager  # a blank is filled
