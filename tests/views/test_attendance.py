"""Attendance is recorded from three pages that share one form: the secretariat's event page,
the assignee's event page and the link mailed the day after. Its counts start empty, so a save
by mistake records nothing."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from portal import clock, links
from portal.extensions import db
from portal.models import Attendance
from portal.models.enums import AssignmentStatus, EventStatus, Role
from portal.services import assignments
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_assignment, make_scheduled, make_user


def _secretariat(app, login, event, _assignment):
    client = app.test_client()
    login(client, Role.SECRETARIAT)
    path = f"/sekretariat/arrangementer/{event.id}"
    return client, path, f"{path}/fremmoede"


def _assignee(app, login, event, assignment):
    client = app.test_client()
    login(client, make_user(role=Role.ASSIGNEE, person=assignment.person))
    path = f"/mig/arrangementer/{event.id}"
    return client, path, f"{path}/fremmoede"


def _emailed_link(app, _login, _event, assignment):
    path = urlsplit(assignments.attendance_url(assignment)).path
    return app.test_client(), path, path


@pytest.mark.parametrize("place", [_secretariat, _assignee, _emailed_link])
def test_an_untouched_attendance_form_records_nothing_and_says_so_in_danish(app, login, place):
    event = make_scheduled(starts_at=clock.now() - timedelta(hours=3))
    assignment = make_assignment(
        event,
        make_ambassador(),
        status=AssignmentStatus.ACCEPTED,
        answer_token=links.new_token(),
    )
    client, page, action = place(app, login, event, assignment)
    form = browser_form(client, page, action=action)
    assert [form.value(g) for g in ("students", "staff", "parents", "other")] == [""] * 4
    response = form.submit()
    assert response.status_code == 422
    assert "Skriv, hvor mange der deltog" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(db.select(Attendance)).all() == []
    assert event.status == EventStatus.PLANNED
