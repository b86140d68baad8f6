"""The answer link in an offer email: it opens the offer; one button answers it."""

from datetime import timedelta
from urllib.parse import urlsplit

from portal import clock, links
from portal.extensions import db
from portal.models import DeclineReason, OutboxMessage
from portal.models.enums import AssignmentStatus, SeatRole
from portal.services import offers
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_request, make_scheduled, offer_to, tampered


def _offer(*people):
    event = make_scheduled("dialogue")
    offered = offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=list(people or [make_ambassador()]),
    )
    db.session.commit()
    return offered


def _path(assignment):
    return "/svar/" + links.sign(offers.ANSWER_LINK, assignment.id, assignment.answer_token)


def _answer_form(client, assignment, answer):
    """The emailed link's accept ("ja") or decline ("nej") form, as the page shows it."""
    return browser_form(client, _path(assignment), action=f"{_path(assignment)}/{answer}")


def test_opening_the_link_shows_the_event_and_changes_nothing(client):
    [assignment] = _offer()
    page = client.get(_path(assignment))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ja, jeg kommer" in text
    assert "Husum Skole" in text
    assert assignment.status == AssignmentStatus.OFFERED  # a mail scanner's GET does nothing


def test_one_tap_accepts_and_the_link_then_says_it_was_used(client):
    [assignment] = _offer()
    form = _answer_form(client, assignment, "ja")
    stale = _answer_form(client, assignment, "ja")  # the link, opened a second time
    response = form.submit()
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.ACCEPTED
    text = client.get(_path(assignment)).get_data(as_text=True)
    assert "Du har sagt ja. Tak!" in text
    assert "Ja, jeg kommer" not in text
    again = stale.submit()
    assert again.status_code == 409


def test_accepting_a_seat_someone_else_just_took_answers_clearly(client):
    mine, theirs = _offer(make_ambassador(), make_ambassador())
    form = _answer_form(client, mine, "ja")  # opened before the other one said yes
    offers.accept_offer(theirs)
    db.session.commit()
    response = form.submit()
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Pladsen er besat" in text
    assert "ikke længere åben" not in text
    assert mine.status == AssignmentStatus.WITHDRAWN


def test_accepting_the_last_open_seat_says_the_requester_has_been_told(client):
    event = make_scheduled("dialogue", request=make_request())  # two ambassador seats
    first, last = make_ambassador(), make_ambassador()
    [seat_1] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[first]
    )
    [seat_2] = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=2, persons=[last]
    )
    offers.accept_offer(seat_1)
    db.session.commit()
    assert _answer_form(client, seat_2, "ja").submit().status_code == 302
    text = client.get(_path(seat_2)).get_data(as_text=True)
    assert "bestilleren har fået besked om, hvem der kommer" in text
    staffed = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "requester_event_staffed")
    ).all()
    assert [m.to_address for m in staffed] == [event.request.contact.email]


def test_declining_with_a_reason(client):
    [assignment] = _offer()
    reason = db.session.scalars(
        db.select(DeclineReason).where(DeclineReason.label_da == "Jeg er optaget på tidspunktet")
    ).one()
    form = _answer_form(client, assignment, "nej")
    assert form.value("reason") == "0"  # "Vælg, hvis du vil": a reason is optional
    response = form.fill(reason=reason.id, note="Eksamen").submit()
    assert response.status_code == 302
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason == reason
    assert assignment.decline_note == "Eksamen"


def test_a_tampered_link_is_404(client):
    [assignment] = _offer()
    assert client.get(tampered(_path(assignment))).status_code == 404
    # The page's accept form, sent to a forged address.
    forged = _answer_form(client, assignment, "ja")
    assert forged.submit(to=tampered(_path(assignment)) + "/ja").status_code == 404
    assert assignment.status == AssignmentStatus.OFFERED


def test_an_expired_offer_says_so(client):
    [assignment] = _offer()
    form = _answer_form(client, assignment, "ja")  # opened before the deadline passed
    assignment.expires_at = clock.now() - timedelta(hours=1)
    db.session.commit()
    text = client.get(_path(assignment)).get_data(as_text=True)
    assert "Forespørgslen er udløbet" in text
    assert "Ja, jeg kommer" not in text
    assert form.submit().status_code == 409
    assert assignment.status == AssignmentStatus.OFFERED


def test_the_answer_needs_a_csrf_token(client):
    [assignment] = _offer()
    # What a forged page without the token sends.
    forged = _answer_form(client, assignment, "ja").tamper("csrf_token", None)
    assert forged.submit().status_code == 400
    assert client.post(_path(assignment) + "/ja").status_code == 400
    assert assignment.status == AssignmentStatus.OFFERED


def test_a_too_long_decline_note_is_explained_in_danish_and_kept(client):
    [assignment] = _offer()
    response = _answer_form(client, assignment, "nej").fill(note="x" * 1001).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skriv højst 1000 tegn." in text
    assert "x" * 1001 in text
    assert '<details class="details mt-4" open>' in text  # the refused form is not folded away
    assert assignment.status == AssignmentStatus.OFFERED


def test_an_offer_whose_seat_another_took_says_the_seat_is_taken(client):
    event = make_scheduled()
    mine, theirs = offers.offer_seat(
        event,
        by=None,
        seat_role=event.offer_kind.staffing_needs[0].seat_role,
        seat_number=1,
        persons=[make_ambassador(), make_ambassador()],
    )
    offers.accept_offer(theirs)
    db.session.commit()
    path = urlsplit(offers.answer_url(mine)).path
    text = client.get(path).get_data(as_text=True)
    assert "Pladsen er besat" in text
    assert "allerede svaret" not in text
    assert "Ja, jeg kommer" not in text


def test_an_offer_the_secretariat_took_back_says_so(client):
    event = make_scheduled()
    [mine] = offers.offer_seat(
        event,
        by=None,
        seat_role=event.offer_kind.staffing_needs[0].seat_role,
        seat_number=1,
        persons=[make_ambassador()],
    )
    offers.withdraw_assignment(mine, by=None)
    db.session.commit()
    text = client.get(urlsplit(offers.answer_url(mine)).path).get_data(as_text=True)
    assert "trukket forespørgslen tilbage" in text
    assert "allerede svaret" not in text


def test_the_answer_page_hides_the_requesters_notes_from_someone_taken_off(client):
    request = make_request(notes="Bekymring om en elev")
    event = make_scheduled(request=request)
    [offer] = offer_to(event, make_ambassador())
    offers.withdraw_assignment(offer, by=None)
    db.session.commit()
    signed = links.sign(offers.ANSWER_LINK, offer.id, offer.answer_token)
    text = client.get(f"/svar/{signed}").get_data(as_text=True)
    assert "Bekymring" not in text


def test_a_declined_offer_cannot_be_accepted_through_its_answer_link(client):
    [assignment] = _offer()
    accept = _answer_form(client, assignment, "ja")  # the link, also open in another tab
    assert _answer_form(client, assignment, "nej").submit().status_code == 302
    assert assignment.status == AssignmentStatus.DECLINED
    response = accept.submit()  # "Ja, jeg kommer" in the other tab, after the no
    assert response.status_code == 409
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.DECLINED
    for text in (
        response.get_data(as_text=True),
        client.get(_path(assignment)).get_data(as_text=True),
    ):
        assert "Du har allerede svaret: afslået." in text
        assert "Ja, jeg kommer" not in text
