"""One input gate: what no person types is refused clearly, before anything reads it.

A path with a control character is no page (404); a query string or a header with one is a bad
request (400); white space alone is never a choice or an amount; a redirect to a path with
non-ASCII characters reaches htmx encoded. The route walk (tests/test_route_walk.py) sends the
same to every field, query parameter and path segment; these are the cases an outside probe
found answering 500, each as a person or a robot sent it."""

import re

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Request, SupportCourse
from portal.models.enums import Role
from tests.browser_form import browser_form
from tests.factories import booking_answers, make_event, row_counts


@pytest.mark.parametrize(
    "path", ["/kalender/%00.ics", "/bestilling/%00", "/svar/a%01b", "/sprog/%00", "/%7F"]
)
def test_a_path_with_a_control_character_is_no_page(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/bestil?tilbud=%00",
        "/sparring?tilbud=%00",
        "/bestil?tilbud=talk%01",
        "/?next=%0Aevil",
        "/log-ind?next=/%00",
    ],
)
def test_a_query_with_a_control_character_is_a_bad_request(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "<h1" in response.get_data(as_text=True)  # the portal's own error page


def test_a_search_for_the_free_with_a_nul_is_a_bad_request_and_queries_nothing(
    as_role, count_queries
):
    staff = as_role(Role.SECRETARIAT)
    event = make_event(kind="dialogue")
    with count_queries() as counted:
        response = staff.get(f"/sekretariat/arrangementer/{event.id}?find=a%00b")
    assert response.status_code == 400
    # Only what the error page itself needs (the signed-in user for its header), never a search.
    assert not any("persons" in statement for statement in counted.statements)


def test_a_header_with_a_control_character_is_a_bad_request(client):
    assert client.get("/", headers={"X-Anything": "a\x01b"}).status_code == 400
    assert client.get("/", headers={"HX-Target": "main\x00"}).status_code == 400


def test_an_htmx_redirect_to_a_path_with_non_ascii_letters_is_sent_encoded(client):
    response = client.get("/sprog/en?next=/%E3%80%B1x", headers={"HX-Request": "true"})
    location = response.headers["HX-Redirect"]
    assert location.isascii()
    assert location.endswith("/%E3%80%B1x")


def test_white_space_for_a_topic_is_not_a_topic_and_nothing_is_stored(client):
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    form.fill(**booking_answers("talk")).tamper("topic", "   ")
    before = row_counts()
    response = form.submit("Send bestilling")
    assert response.status_code == 422
    assert "Vælg en af mulighederne på listen." in response.get_data(as_text=True)
    assert row_counts() == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Request)) == 0


def test_white_space_for_a_district_of_a_support_course_is_refused(as_role):
    staff = as_role(Role.SECRETARIAT)
    form = browser_form(staff, "/sekretariat/stoetteforloeb", action="/sekretariat/stoetteforloeb")
    mentor = next(v for v in form.options("kind") if v)
    form.fill(kind=mentor, started_on=clock.today().isoformat()).tamper("district", " ")
    response = form.submit()
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(SupportCourse)) == 0


def test_white_space_for_a_budget_amount_asks_for_an_amount(as_role):
    admin = as_role(Role.ADMIN)
    form = browser_form(admin, "/admin/budget", button="Tilføj")
    form.fill(name_da="Transport", amount="   ")
    before = row_counts()
    response = form.submit()
    assert response.status_code == 422
    assert "Skriv et beløb." in response.get_data(as_text=True)
    assert row_counts() == before


def test_the_language_link_of_a_refused_address_leads_to_the_start_page(client):
    """A 404 for /%00 offered a language link back to /%00, which the gate refused again."""
    page = client.get("/kalender/%00.ics").get_data(as_text=True)
    link = re.search(r'href="(/sprog/en[^"]*)"', page).group(1)
    assert link == "/sprog/en?next=/"
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
