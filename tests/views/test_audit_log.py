"""The admin's audit log: every change with who, when, before and after; narrowed by who,
what, which action and dates; paged; the admin's only."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry
from portal.models.enums import Role
from tests.browser_form import browser_form

LOG = "/admin/log"


def _entry(action, *, who="sara@example.org", object_type="requests", at=None, **values):
    db.session.add(
        AuditEntry(
            action=action,
            actor_label=who,
            object_type=object_type,
            object_id=7,
            at=at or clock.now(),
            before=values.get("before"),
            after=values.get("after"),
        )
    )
    db.session.commit()


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
    html = admin.get(LOG).get_data(as_text=True)
    assert "<dt>status</dt><dd>submitted</dd>" in html
    assert "<dt>status</dt><dd>declined</dd>" in html


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
    labels.ACTIONS, with the shown/hidden pair of every row kind that is hidden or shown."""
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
    recorded |= {f"request.{status}" for status in ("planning", "planned")}  # by status
    assert len(recorded) > 40
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
