"""The admin's audit log: every change with who, when, before and after; narrowed by who,
what, which action and dates; paged; the admin's only."""

from datetime import timedelta

import lxml.html
import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, DeclineReason, Organisation, User
from portal.models.enums import Role
from tests.browser_form import browser_form
from tests.factories import make_event, make_person, make_request, make_user, offer_kind

LOG = "/admin/log"


def _entry(
    action, *, who="sara@example.org", object_type="requests", object_id=7, at=None, **values
):
    db.session.add(
        AuditEntry(
            action=action,
            actor_label=who,
            object_type=object_type,
            object_id=object_id,
            at=at or clock.now(),
            before=values.get("before"),
            after=values.get("after"),
        )
    )
    db.session.commit()


def _changes(response):
    """Each changed field of the log's entries as [field, before, after], as shown."""
    table = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//table")[0]
    return [
        [" ".join(td.text_content().split()) for td in row.xpath("td")[-3:]]
        for row in table.xpath("tbody/tr")
    ]


def _subjects(response):
    """What each entry is about, as the log's "Hvad" column names it."""
    table = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//table")[0]
    return [
        " ".join(row.xpath("td")[3].text_content().split())
        for row in table.xpath("tbody/tr")
        if len(row.xpath("td")) == 7
    ]


def _rows(response):
    """The log's table, without the filters' choices."""
    html = response.get_data(as_text=True)
    return html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def test_each_entry_shows_who_what_and_the_values_before_and_after(admin):
    _entry("request.declined", before={"status": "submitted"}, after={"status": "declined"})
    shown = _rows(admin.get(LOG))
    assert "sara@example.org" in shown and "Afvist" in shown and "Henvendelse" in shown
    assert "request.declined" not in shown  # words, not codes
    assert _changes(admin.get(LOG)) == [["Status", "Modtaget", "Afvist"]]


def test_the_log_is_narrowed_by_who_what_action_and_dates(admin):
    long_ago = clock.now() - timedelta(days=40)
    _entry("request.declined", who="sara@example.org")
    _entry("user.invited", who="admin@example.org", object_type="users")
    _entry("event.cancelled", who="jonas@example.org", object_type="events", at=long_ago)
    form = browser_form(admin, LOG, action=LOG)
    shown = _rows(form.fill(hvem="SARA").submit())
    assert "Afvist" in shown and "Bruger inviteret" not in shown
    form = browser_form(admin, LOG, action=LOG)
    shown = _rows(form.fill(objekt="users").submit())
    assert "Bruger inviteret" in shown and "Afvist" not in shown
    form = browser_form(admin, LOG, action=LOG)
    shown = _rows(form.fill(handling="event.cancelled").submit())
    assert "jonas@example.org" in shown and "sara@example.org" not in shown
    recent = (clock.today() - timedelta(days=7)).isoformat()
    form = browser_form(admin, LOG, action=LOG)
    shown = _rows(form.fill(fra=recent, til=clock.today().isoformat()).submit())
    assert "Aflyst" not in shown
    assert "Afvist" in shown


def test_the_requester_and_the_portal_are_named_and_found_by_their_danish_words(admin):
    _entry("request.withdrawn", who="requester")
    _entry("assignment.lapsed", who="system", object_type="assignments")
    shown = _rows(admin.get(LOG))
    assert "Bestilleren" in shown and "Portalen" in shown and "requester" not in shown
    form = browser_form(admin, LOG, action=LOG)
    shown = _rows(form.fill(hvem="bestilleren").submit())
    assert "Bestilleren trak henvendelsen tilbage" in shown and "Portalen" not in shown


def test_every_action_the_portal_records_has_danish_words():
    """Each literal action passed to audit.record (or the helpers that call it) is in
    labels.ACTIONS, with the shown/hidden pair of every row kind that is hidden or shown, and
    the added/updated pair of every row kind that is only a name."""
    import ast
    import pathlib

    from portal import labels

    recorded = set()
    for path in pathlib.Path("portal/services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            for arg in node.args[:2]:
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if name in ("record", "_add") and literal and "." in arg.value:
                    recorded.add(arg.value)
                if name == "_set_active" and literal:
                    recorded |= {f"{arg.value}.shown", f"{arg.value}.hidden"}
            for keyword in node.keywords:
                if name == "_save_named" and keyword.arg == "kind":
                    recorded |= {f"{keyword.value.value}.added", f"{keyword.value.value}.updated"}
    recorded |= {f"request.{status}" for status in ("planning", "planned")}  # by status
    assert len(recorded) > 40
    assert {"topic.added", "ssp_committee.updated"} <= recorded
    assert recorded - set(labels.ACTIONS) == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fra=2027-02-30", "Skriv en gyldig dato"),
        ("fra=9999-12-31", "Vælg en dato"),
        ("fra=2026-03-01&til=2026-02-01", "Slutdatoen skal være"),
    ],
)
def test_an_impossible_date_is_explained_in_danish_and_the_rest_still_shows(admin, query, message):
    _entry("request.declined")
    response = admin.get(f"{LOG}?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "request.declined" in html


def test_the_log_is_paged_with_a_pager_that_does_not_grow(admin):
    start = clock.now() - timedelta(days=1)
    db.session.add_all(
        AuditEntry(
            action=f"test.step{n:03d}",
            actor_label="system",
            object_type="test",
            at=start + timedelta(seconds=n),
        )
        for n in range(120)
    )
    db.session.commit()
    first = _rows(admin.get(LOG))
    assert "test.step119" in first and "test.step069" not in first  # newest first, 50 a page
    third = admin.get(f"{LOG}?side=3")
    assert "test.step000" in _rows(third) and "side 3 af 3" in third.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_the_admin_reads_the_log(as_role, role):
    assert as_role(role).get(LOG).status_code == 403


# --- the log speaks (issue 21.8) -------------------------------------------------------------

MOVED = {
    "before": {
        "starts_at": "2027-01-21T17:00:00+00:00",
        "sessions": [["2027-01-21T17:00:00+00:00", "2027-01-21T18:30:00+00:00"]],
        "online": False,
    },
    "after": {
        "starts_at": "2027-06-21T16:00:00+00:00",
        "sessions": [["2027-06-21T16:00:00+00:00", "2027-06-21T17:30:00+00:00"]],
        "online": True,
    },
}


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "da",
            [
                ["Starter", "21. januar 2027 kl. 18.00", "21. juni 2027 kl. 18.00"],
                [
                    "Møder",
                    "21. januar 2027 kl. 18.00–21. januar 2027 kl. 19.30",
                    "21. juni 2027 kl. 18.00–21. juni 2027 kl. 19.30",
                ],
                ["Online", "Nej", "Ja"],
            ],
        ),
        (
            "en",
            [
                ["Starts", "21 January 2027 at 18:00", "21 June 2027 at 18:00"],
                [
                    "Meetings",
                    "21 January 2027 at 18:00–21 January 2027 at 19:30",
                    "21 June 2027 at 18:00–21 June 2027 at 19:30",
                ],
                ["Online", "No", "Yes"],
            ],
        ),
    ],
)
def test_times_are_copenhagen_time_in_the_readers_language_before_beside_after(
    admin, locale, expected
):
    """Stored as UTC ISO strings; an 18.00 event in winter is 17:00 UTC, in summer 16:00."""
    _entry("event.rescheduled", object_type="events", **MOVED)
    admin.set_cookie("vink_lang", locale)
    shown = _changes(admin.get(LOG))
    assert shown == expected
    assert "2027-01-21T17:00:00+00:00" not in admin.get(LOG).get_data(as_text=True)


def test_ids_are_names_and_codes_are_words(admin):
    person = make_person(first_name="Anna", last_name="Jensen")
    request = make_request(organisation_name="Vanløse Skole")
    organisation = db.session.get(Organisation, request.organisation_id)
    user = db.session.scalar(db.select(User).where(User.role == Role.ADMIN))
    _entry(
        "user.role_changed",
        object_type="users",
        object_id=user.id,
        before={"role": "secretariat", "person_id": None},
        after={"role": "assignee", "person_id": person.id},
    )
    _entry("person.changed", object_type="persons", object_id=person.id, after={"phone": "1"})
    response = admin.get(LOG)
    assert _subjects(response) == [  # newest first
        "Person: Anna Jensen",
        f"Bruger: {user.email}",
        "Henvendelse: Vanløse Skole",  # the request's own "submitted" entry
    ]
    assert _changes(response)[:3] == [
        ["Telefon", "", "1"],
        ["Rolle", "Sekretariatet", "Resurseperson / dialogambassadør"],
        ["Person", "–", "Anna Jensen"],
    ]
    submitted = _changes(response)[3:]
    assert ["Tilbud", "", offer_kind("dialogue").name_da] in submitted
    assert ["Organisation", "", organisation.name] in submitted
    assert ["Status", "", "Modtaget"] in submitted
    admin.set_cookie("vink_lang", "en")
    assert _changes(admin.get(LOG))[1][:2] == ["Role", "The secretariat"]


def test_a_targets_change_names_each_target_and_writes_numbers_the_danish_way(admin):
    _entry(
        "targets.changed",
        object_type="targets",
        object_id=2031,
        before={"dialogue_students": 250},
        after={"dialogue_students": 2000, "talks_held": 14},
    )
    response = admin.get(LOG)
    assert _subjects(response) == ["Mål 2031"]
    assert _changes(response) == [
        ["Elever nået med dialoger", "250", "2.000"],
        ["Vidensoplæg afholdt", "", "14"],
    ]


def test_naming_the_entries_takes_one_query_however_many_kinds_a_page_holds(admin, count_queries):
    """A page of 50 entries about people, requests, users and events: as many queries as a page
    of one (tests/views/test_query_counts.py guards the demo data's log at 1x and 10x)."""
    person = make_person()
    _entry("person.changed", object_type="persons", object_id=person.id, after={"phone": "1"})
    with count_queries() as one:
        assert admin.get(LOG).status_code == 200
    request = make_request()
    for n in range(12):
        _entry("person.changed", object_type="persons", object_id=person.id, after={"bio": n})
        _entry("event.rescheduled", object_type="events", object_id=n, **MOVED)
        _entry("request.planned", object_id=request.id, after={"offer_kind_id": 1})
        _entry("user.role_changed", object_type="users", object_id=1, after={"person_id": 2})
    with count_queries() as many:
        assert admin.get(LOG).status_code == 200
    assert many.count == one.count


def test_an_event_is_named_as_its_page_names_it(admin):
    request = make_request(organisation_name="Vanløse Skole")
    event = make_event(kind="dialogue", request=request)
    own = make_event(kind="talk", title="Temadag")
    _entry("event.scheduled", object_type="events", object_id=event.id)
    _entry("event.scheduled", object_type="events", object_id=own.id)
    assert _subjects(admin.get(LOG))[:2] == [
        f"Arrangement: {offer_kind('talk').name_da}: Temadag",
        f"Arrangement: {offer_kind('dialogue').name_da}: Vanløse Skole",
    ]


def test_every_field_the_portal_records_has_a_label():
    """Each field name the services put in an entry's before/after (dict literals passed to
    audit.record, fields named to audit.snapshot, the *snapshot helpers' keys and the field
    lists they take) has words in audit.FIELD_LABELS, or is a target's metric."""
    import ast
    import pathlib

    from portal.models import OfferKind
    from portal.services import attendance, audit, people, reference, support

    def literal_keys(node):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}

    recorded = set(OfferKind.EDITABLE) | set(people.FIELDS) | set(support.FIELDS)
    recorded |= set(reference.NAME_FIELDS) | set(attendance.GROUPS)
    for path in pathlib.Path("portal/services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and "snapshot" in node.name:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Dict):
                        recorded |= literal_keys(inner)
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "record":
                for keyword in node.keywords:
                    if keyword.arg in ("before", "after") and isinstance(keyword.value, ast.Dict):
                        recorded |= literal_keys(keyword.value)
            if name == "snapshot" and len(node.args) > 1 and isinstance(node.args[1], ast.List):
                recorded |= {e.value for e in node.args[1].elts if isinstance(e, ast.Constant)}
    assert len(recorded) > 40
    assert recorded - set(audit.FIELD_LABELS) - audit.METRICS == set()


@pytest.mark.parametrize(("locale", "word"), [("da", "Emne"), ("en", "Subject")])
def test_a_mails_subject_is_called_a_subject_not_a_topic(admin, locale, word):
    _entry("event.messaged", object_type="events", after={"subject": "Husk lokalet"})
    admin.set_cookie("vink_lang", locale)
    assert _changes(admin.get(LOG)) == [[word, "", "Husk lokalet"]]


def test_a_decline_reason_is_named_and_a_field_saved_unchanged_is_not_listed(admin):
    reason = db.session.scalars(db.select(DeclineReason)).first()
    _entry(
        "request.declined",
        before={"status": "submitted", "note": "Samme"},
        after={"status": "declined", "note": "Samme", "reason_id": reason.id},
    )
    shown = _changes(admin.get(LOG))
    assert ["Begrundelse", "", reason.label_da] in shown
    assert not [row for row in shown if row[0] == "Note" or "Samme" in row]
    assert len(shown) == 2


def test_who_acted_is_shown_by_name_and_found_by_name(admin):
    sara = make_user(Role.SECRETARIAT, name="Sara Nørgaard", email="sara.n@example.org")
    _entry("request.planned", who=sara.email)
    _entry("request.declined", who="requester")
    page = admin.get(LOG).get_data(as_text=True)
    assert "Sara Nørgaard" in page
    assert "sara.n@example.org" not in _rows(admin.get(LOG))
    found = _rows(admin.get(LOG + "?hvem=Nørgaard"))
    assert "Sara Nørgaard" in found and "Bestilleren" not in found
