from datetime import date, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Assignment, AuditEntry, Event, Request
from portal.models.enums import EventStatus
from portal.services import retention
from tests.factories import make_ambassador, make_event, make_request, offer_to


def test_contacts_are_anonymised_after_the_retention_period_and_the_counts_stay(app):
    old = make_request(contact_email="old@example.org")
    make_event(
        kind="dialogue",
        request=old,
        status=EventStatus.HELD,
        starts_at=clock.now() - timedelta(days=800),
    )
    recent = make_request(contact_email="recent@example.org", organisation_name="Tingbjerg Skole")
    make_event(
        kind="dialogue",
        request=recent,
        status=EventStatus.HELD,
        starts_at=clock.now() - timedelta(days=30),
    )
    assert retention.anonymise_expired_contacts() == 1
    db.session.commit()
    assert old.contact.name == "Anonymiseret"
    assert "old@example.org" not in old.contact.email
    assert old.contact.phone == ""
    assert old.expected_participants == 24  # the numbers the reports use are kept
    assert recent.contact.email == "recent@example.org"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "contact.anonymised")
    ).one()
    assert entry.after is None  # the log does not keep what was erased
    assert retention.anonymise_expired_contacts() == 0


def test_a_request_without_an_event_counts_from_when_it_was_sent(app):
    request = make_request()
    request.submitted_at = clock.now() - timedelta(days=800)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["anonymise"])
    assert "1 kontaktpersoner anonymiseret" in result.output
    assert db.session.get(Request, request.id).contact.name == "Anonymiseret"


MARKERS = ("MARKØR", "markoer@example", "12 34 56 78")


def _tables_holding(markers):
    """(table, column) pairs in which any text holds any of the markers."""
    import sqlalchemy as sa

    found = set()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    text = str(value) if isinstance(value, (str, dict, list)) else ""
                    if any(marker.lower() in text.lower() for marker in markers):
                        found.add((table.name, column, text[:80]))
    assert sa is not None
    return found


def _figures():
    """What the reports count: requests per status and offer, events per status, attendance."""
    from portal.models import Attendance, Event

    def grouped(*columns):
        return sorted(
            tuple(str(v) for v in row)
            for row in db.session.execute(
                db.select(*columns, db.func.count()).group_by(*columns)
            ).all()
        )

    return {
        "requests": grouped(Request.status, Request.offer_kind_id, Request.expected_participants),
        "events": grouped(Event.status, Event.offer_kind_id),
        "attendance": grouped(Attendance.students, Attendance.staff),
    }


def test_after_retention_no_table_holds_any_personal_text_and_every_figure_is_the_same(app):
    from portal.models.enums import OutboxStatus
    from portal.services import events
    from portal.services import requests as requests_service
    from portal.services import tracking as tracking_service
    from portal.services.mail import outbox

    marked = make_request(
        contact_name="MARKØR Mortensen",
        contact_email="markoer@example.org",
        contact_phone="+45 12 34 56 78",
        notes="MARKØR: klassen har haft en svær periode",
        accessibility_needs="MARKØR: kørestol",
    )
    requests_service.propose_dates(
        marked,
        dates=[(clock.today() + timedelta(days=40), None)],
        note="MARKØR foreslår en anden dag",
    )
    event = events.schedule_event(
        by=None,
        offer_kind=marked.offer_kind,
        sessions=[(clock.now() + timedelta(days=40), clock.now() + timedelta(days=40, hours=1))],
        place="Husum Skole",
        online=False,
        request=marked,
        practical_info="MARKØR venter ved døren",
        meeting_url="https://meet.example.org/MARKØR",
    )
    events.message_everyone(event, by=None, subject="Til MARKØR", body="Kære MARKØR")
    requests_service.withdraw_request(marked, note="MARKØR er blevet syg")
    marked.event.cancel_note = "MARKØR aflyste"
    refused = outbox.queue_email(to="markoer@example.org", subject="Hej MARKØR", body="x", kind="t")
    refused.status = OutboxStatus.FAILED
    refused.last_error = "{'markoer@example.org': (550, b'no such user')}"
    declined = make_request(contact_email="markoer@example.org", contact_name="MARKØR")
    requests_service.decline_request(declined, by=None, reason=None, note="Kære MARKØR, desværre")
    other = make_request(contact_email="other@example.org", notes="Beholdes")
    later = clock.now() + timedelta(days=800)
    make_event(kind="dialogue", request=other, starts_at=later - timedelta(days=10))
    db.session.commit()
    outbox.deliver_due()
    assert _tables_holding(MARKERS)  # the test would see the markers if they stayed
    before = _figures()

    retention.anonymise_expired_contacts(now=later)
    retention.purge_old_mail(now=later)
    db.session.commit()

    assert _tables_holding(MARKERS) == set()
    assert _figures() == before
    assert db.session.get(Request, other.id).notes == "Beholdes"  # others' notes not touched
    with pytest.raises(tracking_service.LinkExpired):
        tracking_service.open_tracking_link(tracking_service.tracking_url(marked).rsplit("/", 1)[1])


def test_sent_mail_is_purged_after_the_days_configured_and_pending_mail_is_kept(app):
    from portal.models import OutboxMessage
    from portal.models.enums import OutboxStatus
    from portal.services.mail import outbox

    sent = outbox.queue_email(to="a@example.org", subject="Hej", body="Tekst", kind="x")
    pending = outbox.queue_email(to="b@example.org", subject="Hej", body="Tekst", kind="y")
    sent.status = OutboxStatus.SENT
    db.session.commit()
    days = app.config["OUTBOX_KEEP_DAYS"]
    assert retention.purge_old_mail(now=clock.now() + timedelta(days=days - 1)) == 0
    assert retention.purge_old_mail(now=clock.now() + timedelta(days=days + 1)) == 1
    db.session.commit()
    db.session.refresh(sent)
    assert (sent.to_address, sent.subject, sent.body_text) == ("slettet@invalid", "", "")
    kept = db.session.get(OutboxMessage, pending.id)
    assert kept.to_address == "b@example.org"


# The nightly job (03.30) on a day with no 29 February in the two years before, and on one
# with 29 February in them: 731 days counted from the clock kept the first a day too long.
@pytest.mark.parametrize(
    ("today", "last_day_gone"),
    [((2030, 9, 6), (2028, 9, 6)), ((2032, 2, 29), (2030, 2, 28))],
    ids=["6-september", "29-february"],
)
def test_a_request_is_anonymised_on_the_day_24_calendar_months_after_its_event(
    app, monkeypatch, travel, today, last_day_gone
):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", 24)
    travel(clock.local(*today, 3, 30))
    gone_day = date(*last_day_gone)
    kept_day = gone_day + timedelta(days=1)
    gone = make_request(contact_email="gone@example.org")
    make_event(
        kind="dialogue",
        request=gone,
        status=EventStatus.HELD,
        starts_at=clock.local(gone_day.year, gone_day.month, gone_day.day, 21, 0),
    )
    kept = make_request(contact_email="kept@example.org", organisation_name="Tingbjerg Skole")
    make_event(
        kind="dialogue",
        request=kept,
        status=EventStatus.HELD,
        starts_at=clock.local(kept_day.year, kept_day.month, kept_day.day, 8, 0),
    )
    assert retention.anonymise_expired_contacts() == 1
    db.session.commit()
    assert db.session.get(Request, gone.id).contact.name == retention.ANONYMOUS_NAME
    assert db.session.get(Request, kept.id).contact.email == "kept@example.org"


# --- retention covers the schema (issue 20) ----------------------------------------------------

MARK = "MARKØR"


def _holds_text(column):
    """A column someone could type words into: text or JSON. An enum's fixed codes cannot."""
    import sqlalchemy as sa

    kind = getattr(column.type, "impl", column.type)
    return isinstance(kind, (sa.String, sa.JSON)) and not isinstance(kind, sa.Enum)


def test_every_text_and_json_column_is_erased_by_retention_or_kept_for_a_stated_reason():
    columns = {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if _holds_text(column)
    }
    blanked = {
        f"{table}.{column}"
        for table, names in retention.BLANKED_WITH_REQUEST.items()
        for column in names
    }
    erased = blanked | set(retention.ERASED_OTHERWISE)
    kept = set(retention.KEPT)
    assert columns - erased - kept == set(), "decide: erase it with the request, or say why not"
    assert (erased | kept) - columns == set(), "declared, but no such column"
    assert erased & kept == set()
    assert all(
        reason.strip()
        for reason in [*retention.ERASED_OTHERWISE.values(), *retention.KEPT.values()]
    )


def _audit_payloads(object_type, object_id):
    """(action, before, after) of each audit entry about one row, oldest first."""
    return [
        (entry.action, entry.before, entry.after)
        for entry in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
            .order_by(AuditEntry.id)
        )
    ]


def _expired_request_with_its_event(travel):
    """A request whose own place, its event's place (scheduled, then moved), a declined offer
    and the attendance all carry MARK, held, and then three years pass. Not yet anonymised."""
    from portal.services import attendance, events, offers

    request = make_request(place=f"{MARK}s hjem, Kobbelvænget 65")
    day = clock.today() + timedelta(days=10)
    start = clock.local(day.year, day.month, day.day, 10, 0)
    event = events.schedule_event(
        by=None,
        offer_kind=request.offer_kind,
        sessions=[(start, start + timedelta(hours=1))],
        place=f"{MARK} Skole, lokale 12",
        online=False,
        request=request,
    )
    events.reschedule_event(
        event,
        by=None,
        sessions=[(start + timedelta(days=1), start + timedelta(days=1, hours=1))],
        place=f"{MARK} Skole, gymnastiksalen",
        online=False,
        expected_version=event.version,
    )
    db.session.commit()
    [offer] = offer_to(event, make_ambassador())
    offers.decline_offer(offer, by=None, reason=None, note=f"{MARK}s søn er syg den dag")
    db.session.commit()
    travel.shift(timedelta(days=12))
    attendance.record_attendance(
        event, by=None, counts={"students": 21, "staff": 2}, note=f"{MARK} fra 8.b gik tidligt"
    )
    _evaluated(event, offer)
    db.session.commit()
    travel.shift(timedelta(days=3 * 365))
    return request, event, offer


def _evaluated(event, assignment):
    """The requester, a participant and an assignee wrote MARK about the event."""
    from portal.models import EventEvaluation
    from portal.models.enums import EvaluationAudience
    from portal.services import evaluations

    def texts(audience, **values):
        return {
            q.id: values.get(q.key, f"{MARK} skrev") if q.answer_kind.value == "text" else 3
            for q in evaluations.questions_for(event, audience)
            if q.answer_kind.value != "yes_no"
        } | {
            q.id: 1
            for q in evaluations.questions_for(event, audience)
            if q.answer_kind.value == "yes_no"
        }

    evaluation = db.session.scalar(
        db.select(EventEvaluation).where(EventEvaluation.event_id == event.id)
    )
    evaluations.answer_as_requester(
        evaluation, texts(EvaluationAudience.REQUESTER), names_confirmed=True
    )
    evaluations.answer_as_participant(
        event, texts(EvaluationAudience.PARTICIPANT), names_confirmed=True
    )
    evaluations.reflect(assignment, by=None, rating=4, note=f"{MARK} spurgte meget")


def _anonymise():
    assert retention.anonymise_expired_contacts() == 1
    db.session.commit()
    db.session.expire_all()


def test_retention_erases_the_place_the_requester_typed(travel):
    request, _event, _offer = _expired_request_with_its_event(travel)
    _anonymise()
    assert db.session.get(Request, request.id).place == ""
    assert MARK not in str(_audit_payloads("requests", request.id))


def test_retention_erases_the_place_of_the_requests_event_and_in_its_scheduling_history(travel):
    _request, event, _offer = _expired_request_with_its_event(travel)
    _anonymise()
    assert db.session.get(Event, event.id).place == ""
    history = _audit_payloads("events", event.id)
    assert MARK not in str(history)
    scheduled = next(after for action, _before, after in history if action == "event.scheduled")
    assert scheduled["status"] == "planned" and scheduled["starts_at"]  # the history stays
    assert [action for action, _b, _a in history].count("event.rescheduled") == 1


def test_retention_erases_the_attendance_note_and_keeps_the_counts(travel):
    _request, event, _offer = _expired_request_with_its_event(travel)
    _anonymise()
    attendance = db.session.get(Event, event.id).attendance
    assert attendance.note == ""
    assert (attendance.students, attendance.staff) == (21, 2)
    [(action, _before, after)] = _audit_payloads("attendances", attendance.id)
    assert action == "attendance.recorded"
    assert after == {"students": 21, "staff": 2, "parents": 0, "other": 0}


def test_retention_erases_the_decline_notes_of_the_events_assignments(travel):
    _request, _event, offer = _expired_request_with_its_event(travel)
    _anonymise()
    assert db.session.get(Assignment, offer.id).decline_note == ""
    history = _audit_payloads("assignments", offer.id)
    assert "assignment.declined" in [action for action, _b, _a in history]
    assert MARK not in str(history)


def test_retention_keeps_the_place_of_vinks_own_event(travel):
    own = make_event(kind="talk", place="Københavns Hovedbibliotek, salen")
    make_request(place=f"{MARK} Vej 1")  # expires beside it
    travel.shift(timedelta(days=3 * 365))
    _anonymise()
    assert db.session.get(Event, own.id).place == "Københavns Hovedbibliotek, salen"


def test_every_column_declared_erased_holds_nothing_of_the_request_after_retention(travel):
    """Each column the declaration says retention erases is filled with a marker on the rows
    of one request (its event, offers, attendance, mail), and no marker survives."""
    import sqlalchemy as sa

    from portal.models import OutboxMessage
    from portal.models.enums import OutboxStatus

    _expired_request_with_its_event(travel)
    db.session.execute(db.update(OutboxMessage).values(status=OutboxStatus.SENT))
    erased = set(retention.ERASED_OTHERWISE) | {
        f"{table}.{name}"
        for table, names in retention.BLANKED_WITH_REQUEST.items()
        for name in names
    }
    for number, name in enumerate(sorted(erased)):
        table_name, column_name = name.split(".")
        table = db.metadata.tables[table_name]
        column = table.c[column_name]
        value = (
            {"what": f"{MARK}-{number}"} if isinstance(column.type, sa.JSON) else f"{MARK}-{number}"
        )
        changed = db.session.execute(table.update().values({column_name: value})).rowcount
        assert changed, f"{name}: no row to prove it on"
    db.session.commit()

    _anonymise()
    retention.purge_old_mail()
    db.session.commit()

    assert _tables_holding([MARK]) == set()


def test_every_figure_of_the_report_is_the_same_after_retention(travel):
    from portal import demo
    from portal.services import reporting

    demo.load()
    db.session.commit()
    today = clock.today()
    years = reporting.years_with_data(today)
    before = [reporting.build_report(year, today=today) for year in years]

    travel.shift(timedelta(days=3 * 365))
    assert retention.anonymise_expired_contacts() > 0
    retention.purge_old_mail()
    db.session.commit()
    db.session.expire_all()

    assert reporting.years_with_data(today) == years
    assert [reporting.build_report(year, today=today) for year in years] == before


def test_retention_erases_the_place_of_an_event_cancelled_before_the_request_was_rebooked(travel):
    from portal.services import events

    request = make_request()
    day = clock.today() + timedelta(days=10)
    start = clock.local(day.year, day.month, day.day, 10, 0)
    sessions = [(start, start + timedelta(hours=1))]
    first = events.schedule_event(
        by=None,
        offer_kind=request.offer_kind,
        sessions=sessions,
        place=f"{MARK} Skole",
        online=False,
        request=request,
    )
    events.cancel_event(first, by=None, note="Skolen er lukket")
    events.schedule_event(
        by=None,
        offer_kind=request.offer_kind,
        sessions=sessions,
        place="Husum Skole",
        online=False,
        request=request,
    )
    db.session.commit()
    travel.shift(timedelta(days=3 * 365))
    _anonymise()
    assert db.session.get(Event, first.id).place == ""
