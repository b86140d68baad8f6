"""The requester's private link and what the tracking page shows, tested on the service."""

from datetime import timedelta

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.enums import AssignmentStatus, EventStatus
from portal.services import tracking as tracking_service
from tests.factories import make_assignment, make_event, make_request, tampered


def _outbox(kind):
    return db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def test_a_genuine_link_opens_its_request():
    request = make_request()
    signed = links.sign("tracking", request.id, request.tracking_token)
    assert tracking_service.open_tracking_link(signed) == request


@pytest.mark.parametrize("tamper", ["signature", "other id", "other token"])
def test_a_tampered_link_opens_nothing(tamper):
    request = make_request()
    other = make_request(contact_email="b@example.org")
    signed = {
        "signature": tampered(links.sign("tracking", request.id, request.tracking_token)),
        "other id": links.sign("tracking", other.id, request.tracking_token),
        "other token": links.sign("tracking", request.id, other.tracking_token),
    }[tamper]
    with pytest.raises(links.LinkError):
        tracking_service.open_tracking_link(signed)


def test_the_link_expires_90_days_after_the_event():
    request = make_request()
    event = make_event(
        kind="dialogue", request=request, starts_at=clock.now() - timedelta(days=100)
    )
    assert tracking_service.link_expires_at(request) == event.ends_at + timedelta(days=90)
    signed = links.sign("tracking", request.id, request.tracking_token)
    with pytest.raises(tracking_service.LinkExpired):
        tracking_service.open_tracking_link(signed)


def test_before_an_event_the_link_lasts_until_90_days_after_the_last_wished_date():
    request = make_request()
    last_wish = max(d.ends_on for d in request.date_proposals[0].dates)
    expires = tracking_service.link_expires_at(request)
    assert expires.astimezone(clock.COPENHAGEN).date() == last_wish + timedelta(days=90)


def test_lost_links_are_sent_only_to_that_address_and_only_when_known(app):
    from portal.services.mail import outbox

    first = make_request(contact_email="anne@example.org")
    second = make_request(contact_email="anne@example.org", organisation_name="Tingbjerg Skole")
    make_request(contact_email="bo@example.org")
    tracking_service.resend_tracking_links("ANNE@example.org ", locale="da")
    tracking_service.resend_tracking_links("nobody@example.org", locale="da")
    db.session.commit()
    # Both asks look alike until the worker composes them.
    asks = _outbox("tracking_links")
    assert sorted(m.to_address for m in asks) == ["anne@example.org", "nobody@example.org"]
    assert {m.subject for m in asks} == {""}
    sent = []
    outbox.deliver_due(backend=lambda m, _c: sent.append((m.kind, m.to_address)))
    assert [to for kind, to in sent if kind == "tracking_links"] == ["anne@example.org"]
    [mail] = _outbox("tracking_links")  # the lookup that found nothing is gone
    assert mail.to_address == "anne@example.org"
    assert tracking_service.tracking_url(first) in mail.body_text
    assert tracking_service.tracking_url(second) in mail.body_text
    assert "bo@example.org" not in mail.body_text


def test_who_comes_shows_first_names_of_accepted_people_only():
    request = make_request()
    event = make_event(kind="dialogue", request=request)
    yes = make_assignment(event, status=AssignmentStatus.ACCEPTED, seat_number=1)
    make_assignment(event, status=AssignmentStatus.DECLINED, seat_number=2)
    assert tracking_service.who_comes(event) == [(yes.person.first_name, yes.seat_role)]


def test_public_status_follows_the_event():
    request = make_request()
    assert tracking_service.public_status(request) == "received"
    event = make_event(kind="dialogue", request=request)
    assert tracking_service.public_status(request) == "planned"
    make_assignment(event, seat_number=1)
    make_assignment(event, seat_number=2)
    assert tracking_service.public_status(request) == "staffed"
    event.status = EventStatus.CANCELLED
    assert tracking_service.public_status(request) == "cancelled"
