"""What the secretariat wrote to everyone at an event, on the requester's page: in the history,
with its subject and its text as written (never run as markup), in the page's language."""

from portal import links
from portal.extensions import db
from portal.services import events
from tests.factories import make_request, make_staffed_event


def _page(client, request):
    client.get(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    return client.get(f"/bestilling/{request.id}")


def test_the_message_is_in_the_history_as_written(client):
    event, _person = make_staffed_event()
    events.message_everyone(
        event, by=None, subject="Husk <b>navneskilte</b>", body="Vi mødes ved døren.\nKl. 9."
    )
    db.session.commit()
    html = _page(client, event.request).get_data(as_text=True)
    assert "Sekretariatet har skrevet til jer" in html
    assert "Husk &lt;b&gt;navneskilte&lt;/b&gt;" in html
    assert "<b>navneskilte" not in html
    assert "Vi mødes ved døren.\nKl. 9." in html


def test_the_history_line_reads_in_english(client):
    event, _person = make_staffed_event(request=make_request(locale="en"))
    events.message_everyone(event, by=None, subject="Name tags", body="See you at 9.")
    db.session.commit()
    html = _page(client, event.request).get_data(as_text=True)
    assert "The secretariat wrote to you" in html
