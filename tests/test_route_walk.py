"""No input ever gives a server error, and a refused submission stores nothing.

Walks the route inventory: every route and method, as the identity that may use it (the staff
roles for their blueprints; a requester holding a tracking cookie and real signed links for the
public ones), with a valid CSRF token and the field names of every form the portal has, and
throws what people and robots send: any unicode, 100 kB strings, NUL and control characters,
file parts, huge and negative numbers, impossible dates, missing and repeated fields, ids of
rows that exist and of rows that cannot. A new route or form is walked without anyone
remembering to add it.

ROUTE_WALK_EXAMPLES sets the examples per route and method (default 10, so the suite stays
short on both databases); the seed is fixed per test so CI is repeatable. For a deeper hunt:
ROUTE_WALK_EXAMPLES=300 ROUTE_WALK_RANDOM=1 make test PYTEST_ARGS=tests/test_route_walk.py
"""

import importlib
import inspect
import io
import os
import pkgutil
import re
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import quote, urlencode, urlsplit

import pytest
import wtforms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

import portal.forms
from portal import clock
from portal.extensions import db, limiter
from portal.models import EventEvaluation, SspCommittee
from portal.models.enums import AssignmentStatus, Role, SeatRole
from portal.services import assignments as assignments_service
from portal.services import attendance, evaluations, offers
from portal.services import tracking as tracking_service
from tests import factories
from tests.browser_form import forms_in
from tests.factories import row_counts

EXAMPLES = int(os.environ.get("ROUTE_WALK_EXAMPLES", 10))
STAFF_BLUEPRINTS = {
    "secretariat": Role.SECRETARIAT,
    "reports": Role.SECRETARIAT,
    "admin": Role.ADMIN,
    "users": Role.ADMIN,
    "persons": Role.ADMIN,
    "assignee": Role.ASSIGNEE,
}
# Walked as a requester holding a tracking cookie (and the signed links the world makes).
PUBLIC_BLUEPRINTS = {"public", "auth", "provider_login", "offers", "feeds", "evaluations"}
CRAWLED = {}
QUERY_NAMES = ["dato", "visning", "side", "vis", "next", "tilbud", "ny", "q", "status", "aar"]


def _field_names():
    """Every name a form of ours posts, sub-forms' rows included (dates-0-first ...)."""
    names = set()
    for module_info in pkgutil.iter_modules(portal.forms.__path__):
        module = importlib.import_module(f"portal.forms.{module_info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, wtforms.form.BaseForm) and cls.__module__ == module.__name__:
                for name, unbound in cls._unbound_fields or []:
                    if unbound.field_class is wtforms.FieldList:
                        sub = unbound.args[0].args[0]
                        names.update(
                            f"{name}-{i}-{s}" for i in range(3) for s, _ in sub._unbound_fields
                        )
                    else:
                        names.add(name)
    # Fields that some pages render by name outside a form class.
    return sorted(names | {"kind_id", "shown_offer", "action", "seat", "persons"})


FIELD_NAMES = _field_names()
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2147483648",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "25:61",
    "\x00",
    "a\x00b",
    "Navn\r\nBcc: x@example.org",
    "<script>alert(1)</script>",
    "'; DROP TABLE requests; --",
    "%_%",
    "on",
    "y",
    "talk",
    "dialogue",
    "ambassador:1",
    "resource_person:1",
    "x" * 100_000,
]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(lambda d: d.isoformat()),
)
field_values = st.one_of(
    text_values,
    st.lists(text_values, min_size=2, max_size=3),  # a repeated field
    st.just("FILE"),  # a file part where text is expected
)
payloads = st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=12)
queries = st.dictionaries(st.sampled_from(QUERY_NAMES + FIELD_NAMES), text_values, max_size=5)


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield pytest.param(rule.endpoint, method, id=f"{method} {rule.rule}")


def _rule_params():
    from portal import create_app

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CHECK_DB_ON_START": False}
    )
    return list(_rules(app))


@pytest.fixture
def world(app, as_role, monkeypatch):
    """Rows for every kind of id a route takes, the signed links that open them, and a
    logged-in client per identity, each with its CSRF token."""
    monkeypatch.setattr(limiter, "enabled", False)
    open_request = factories.make_request()
    planned_request = factories.make_request(contact_email="b@example.org")
    event = factories.make_scheduled(request=planned_request)
    person = factories.make_ambassador()
    offered = offers.offer_seat(
        event, by=None, seat_role=SeatRole.AMBASSADOR, seat_number=1, persons=[person]
    )[0]
    held = factories.make_event(kind="dialogue", starts_at=clock.now() - timedelta(days=1))
    accepted = factories.make_assignment(held, person, status=AssignmentStatus.ACCEPTED)
    # A booked dialogue held two days ago with its attendance: its requester's evaluation link.
    rated = factories.make_scheduled(
        request=factories.make_request(contact_email="c@example.org"),
        starts_at=clock.now() - timedelta(days=2),
    )
    attendance.record_attendance(rated, counts={"students": 5})
    rated_evaluation = db.session.scalar(
        db.select(EventEvaluation).where(EventEvaluation.event_id == rated.id)
    )
    # A local SSP committee: the booking form then has its select, and the admin its page.
    db.session.add(SspCommittee(name_da="SSP Valby", name_en="SSP Valby"))
    db.session.commit()

    clients = {role: as_role(role) for role in Role}
    assignee_user = factories.make_user(role=Role.ASSIGNEE, person=person)
    clients[Role.ASSIGNEE] = app.test_client()
    clients[Role.ASSIGNEE].post_form(
        "/log-ind", {"email": assignee_user.email, "password": factories.PASSWORD}
    )
    requester = app.test_client()
    requester.get(urlsplit(tracking_service.tracking_url(planned_request)).path)
    clients[None] = requester
    tokens = {role: client.csrf_token() for role, client in clients.items()}
    ids = [
        open_request.id,
        planned_request.id,
        event.id,
        held.id,
        offered.id,
        accepted.id,
        person.id,
        0,
        2**31 - 1,
        2**31,
        10**20,
    ]
    signed = [
        tracking_service.tracking_url(planned_request).rsplit("/", 1)[1],
        offers.answer_url(offered).rsplit("/", 1)[1],
        assignments_service.attendance_url(accepted).rsplit("/", 1)[1],
        assignments_service.feed_token(person),
        evaluations.requester_url(rated_evaluation).rsplit("/", 1)[1],
        # The same event's participants' code: its short address opens their evaluation.
        evaluations.participant_code(rated),
    ]
    db.session.commit()
    real = {
        "request_id": planned_request.id,
        "event_id": event.id,
        "assignment_id": offered.id,
        "user_id": assignee_user.id,
        "person_id": person.id,
        "signed": signed[0],
    }
    if not CRAWLED:
        # Ids and forms are the same in every test (the database restarts its sequences).
        CRAWLED.update(_forms_on_every_page(app, clients, real, signed))
    forms = CRAWLED
    return {
        "clients": clients,
        "tokens": tokens,
        "ids": ids,
        "signed": signed,
        "forms": forms,
        "real": real,
    }


def test_every_blueprint_is_walked_as_the_identity_that_uses_it(app):
    """A staff blueprint missing from STAFF_BLUEPRINTS would be walked as an anonymous
    requester: every request bounced to the login page, and nothing behind it tried."""
    assert set(app.blueprints) == set(STAFF_BLUEPRINTS) | PUBLIC_BLUEPRINTS


def _forms_on_every_page(app, clients, real, signed):
    """endpoint -> the (name, value) pairs each form posting to it sends as rendered, read
    from every page each identity can open, so the walk starts from what a browser sends."""
    adapter = app.url_map.bind("localhost")
    pages = ["/bestil?tilbud=talk", "/bestil?tilbud=dialogue", "/bestil?tilbud=advisory"]
    pages += [f"/svar/{signed[1]}", f"/svar/fremmoede/{signed[2]}", f"/evaluering/{signed[4]}"]
    pages += [f"/e/{signed[5]}"]
    forms = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.arguments - real.keys():
            continue
        pages.append(adapter.build(rule.endpoint, {a: real[a] for a in rule.arguments}))
    for path in pages:
        endpoint = adapter.match(urlsplit(path).path)[0]
        client = clients[_identity(endpoint)]
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_in(client, path, response.get_data(as_text=True)):
            if form.method != "post":
                continue
            try:
                target = adapter.match(urlsplit(form.action).path, method="POST")[0]
            except HTTPException:
                continue
            forms.setdefault(target, []).append(
                RenderedForm(urlsplit(form.action).path, form.values(), _integer_fields(form))
            )
    return forms


class RenderedForm(NamedTuple):
    action: str  # the path it posts to
    pairs: list  # the (name, value) pairs a browser sends as the page rendered it
    integers: list  # the names of its number fields and of its lists of numbered rows


def _integer_fields(form):
    """Names that take a whole number: number inputs, and selects, radios, boxes and hidden
    inputs whose every value is one (an id, a count)."""
    names = set()
    for element in form._controls():
        name, kind = element.get("name"), form._kind(element)
        if kind == "number":
            names.add(name)
        elif kind in ("select", "radio", "checkbox"):
            offered = [value for value in form.options(name) if value != ""]
            if offered and all(value.lstrip("-").isdigit() for value in offered):
                names.add(name)
        elif kind == "hidden" and (element.get("value") or "").isdigit():
            names.add(name)
    return sorted(names - {"csrf_token"})


def _identity(endpoint):
    return STAFF_BLUEPRINTS.get(endpoint.split(".")[0])


def _url(rule, data, world):
    path = rule.rule
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        if "Integer" in converter:
            value = str(data.draw(st.sampled_from(world["ids"]), label=argument))
        else:
            value = data.draw(
                st.one_of(
                    st.sampled_from(world["signed"] + ["da", "en", "rule", "away"]),
                    st.text(min_size=1, max_size=30),
                ),
                label=argument,
            )
        path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", quote(value, safe=""), path)
    return path


def _body(payload, token):
    body = {"csrf_token": token}
    for name, value in payload.items():
        if value == "FILE":
            body[name] = (io.BytesIO(b"%PDF-1.4 not a form field\x00"), "bilag.pdf")
        else:
            body[name] = value
    return body


@pytest.mark.parametrize(("endpoint", "method"), _rule_params())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("ROUTE_WALK_RANDOM"),
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_no_input_gives_a_server_error_or_stores_a_refused_submission(
    app, world, endpoint, method, data
):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    identity = _identity(endpoint)
    client = world["clients"][identity]
    url = _url(rule, data, world)
    if method == "GET":
        query = data.draw(queries, label="query")
        response = client.get(f"{url}?{urlencode(query)}" if query else url)
        assert response.status_code < 500, (method, url, query, response.status_code)
        return
    rendered = world["forms"].get(endpoint)
    if rendered and data.draw(st.integers(0, 4), label="start from the page") > 0:
        # Mostly: the form as the page sends it, with a few fields changed or left out.
        pairs = data.draw(st.sampled_from(rendered), label="rendered form").pairs
        names = sorted({name for name, _value in pairs} - {"csrf_token"}) or ["extra"]
        changed = data.draw(
            st.dictionaries(st.sampled_from(names), field_values, max_size=4), label="changed"
        )
        left_out = data.draw(st.sets(st.sampled_from(names), max_size=2), label="left out")
        payload = {}
        for name, value in pairs:
            if name not in left_out and name != "csrf_token":
                payload.setdefault(name, []).append(value)
        payload.update(changed)
    else:
        payload = data.draw(payloads, label="form")
    before = row_counts()
    response = client.post(url, data=_body(payload, world["tokens"][identity]))
    assert response.status_code < 500, (method, url, payload, response.status_code)
    if response.status_code >= 400:
        assert row_counts() == before, (method, url, payload, response.status_code)


# What a person pastes into a number field, or a robot sends: a 12-digit number, and numbers past
# the columns' range (PostgreSQL's integer ends at 2^31 - 1, bigint and SQLite's at 2^63 - 1).
HUGE_NUMBERS = ["123456789012", str(2**31), str(-(2**31) - 1), str(2**63), str(10**20)]
# What reaches any field: white space alone (a choice's "nothing", an amount), NUL and other
# control characters (PostgreSQL refuses NUL in text).
UNTYPABLE = [" ", "\t \u00a0", "\x00", "a\x00b", "\x01\x7f"]


def _post_each(world, values_for):
    """Post every rendered form with one field at a time set to each of `values_for(form,
    name)`; assert no server error and that a refusal stored nothing. Returns how many."""
    tried = 0
    for endpoint, rendered in sorted(world["forms"].items()):
        identity = _identity(endpoint)
        client = world["clients"][identity]
        seen = set()
        for form in rendered:
            for name in sorted({n for n, _v in form.pairs} - {"csrf_token"}):
                if (form.action, name) in seen:
                    continue
                seen.add((form.action, name))
                for value in values_for(form, name):
                    payload = [(n, v) for n, v in form.pairs if n not in (name, "csrf_token")]
                    payload += [(name, value), ("csrf_token", world["tokens"][identity])]
                    before = row_counts()
                    response = client.post(form.action, data=MultiDict(payload))
                    assert response.status_code < 500, (form.action, name, value)
                    if response.status_code >= 400:
                        assert row_counts() == before, (form.action, name, value)
                    tried += 1
    return tried


def test_every_number_field_of_every_form_refuses_a_number_past_the_database(app, world):
    """Not left to chance: each number field of each form, as the page renders it, gets each
    huge number in turn."""
    tried = _post_each(world, lambda form, name: HUGE_NUMBERS if name in form.integers else [])
    assert tried > 100, "the crawl found the forms"


def test_every_field_of_every_form_takes_white_space_and_control_characters(app, world):
    tried = _post_each(world, lambda _form, _name: UNTYPABLE)
    assert tried > 500, "the crawl found the forms"


def test_every_query_parameter_and_path_segment_takes_what_no_person_types(app, world):
    """Every page a GET reaches, as the identity that uses it: each of its path's segments, and
    every query parameter the portal reads (and every form field's name, for the forms that
    travel in the URL), set to control characters, white space and numbers
    past the database. Never a server error; an unprintable path is no page."""
    real = world["real"]

    def path(rule, **values):
        built = rule.rule
        for argument in rule.arguments:
            value = values.get(argument, str(real.get(argument, 1)))
            built = re.sub(rf"<(?:[^:<>]+:)?{argument}>", quote(value, safe=""), built)
        return built

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        client = world["clients"][_identity(rule.endpoint)]
        for value in [*UNTYPABLE, *HUGE_NUMBERS]:
            query = urlencode(dict.fromkeys([*QUERY_NAMES, *FIELD_NAMES, "check", "plads"], value))
            response = client.get(f"{path(rule)}?{query}")
            assert response.status_code < 500, (path(rule), value)
            for argument in rule.arguments:
                odd = path(rule, **{argument: value})
                response = client.get(odd)
                assert response.status_code < 500, (odd, value)
                if any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in value):
                    assert response.status_code == 404, (odd, response.status_code)
