from datetime import date

from portal.models.enums import EventStatus
from portal.services import audit


def test_record_keeps_who_what_and_the_values_before_and_after(make_event, make_user):
    user = make_user()
    event = make_event()
    before = audit.snapshot(event, ["status", "place"])
    entry = audit.record(
        "event.cancelled", event, by=user, before=before, after={"status": "cancelled"}
    )
    assert entry.actor_id == user.id
    assert entry.actor_label == user.email
    assert entry.object_type == "events"
    assert entry.object_id == event.id
    assert entry.before == {"status": "planned", "place": "Rådhuspladsen 1"}
    assert entry.at is not None
    assert audit.history("events", event.id) == [entry]


def test_a_requester_or_the_system_is_named_when_no_user_acts():
    entry = audit.record(
        "request.withdrawn", actor_label="requester", object_type="requests", object_id=7
    )
    assert entry.actor_id is None
    assert entry.actor_label == "requester"


def test_snapshot_turns_enums_and_dates_into_json_values():
    class Thing:
        status = EventStatus.HELD
        day = date(2026, 11, 21)

    assert audit.snapshot(Thing(), ["status", "day"]) == {"status": "held", "day": "2026-11-21"}
