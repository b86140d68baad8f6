"""Every route is either public on purpose or refuses anonymous users and the wrong role.

New endpoints are covered automatically: an endpoint missing from both lists fails here."""

import re

import pytest

from portal.models.enums import Role

PUBLIC_ENDPOINTS = {
    "static",
    "public.index",
    "public.set_language",
    "public.health",
    "public.privacy",
    "public.book",
    "public.offer_fields",
    "public.check_field",
    # Requesters have no account: these are guarded by the signed link and its cookie.
    "public.open_tracking_link",
    "public.tracking",
    "public.withdraw",
    "public.propose_dates",
    "public.tracking_calendar",
    "public.lost_link",
    # Assignees answer an offer from the emailed link, without logging in.
    "offers.answer",
    "offers.accept",
    "offers.decline",
    "offers.attendance",
    "offers.record_attendance",
    # Calendar apps subscribe with the secret in the URL.
    "feeds.person_feed",
    "auth.login",
    "auth.logout",
}
# Which roles each audience's blueprint lets in.
AUDIENCES = {
    "secretariat": {Role.ADMIN, Role.SECRETARIAT},
    "admin": {Role.ADMIN},
    "assignee": {Role.ASSIGNEE},
}


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PUBLIC_ENDPOINTS:
            yield rule


def _sample_url(rule):
    """A concrete URL for a rule, with harmless values for its arguments."""
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        values[argument] = 1 if "Integer" in converter else "x"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def _method(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_every_endpoint_belongs_to_a_known_audience_or_is_public(app):
    unknown = [
        rule.endpoint
        for rule in _protected_rules(app)
        if rule.endpoint.split(".")[0] not in AUDIENCES
    ]
    assert unknown == [], "add these to PUBLIC_ENDPOINTS or to a guarded blueprint"


def test_anonymous_users_are_sent_to_the_login_page_from_every_protected_route(app, client):
    rules = list(_protected_rules(app))
    assert rules
    for rule in rules:
        url = _sample_url(rule)
        response = client.open(url, method=_method(rule), data={"csrf_token": client.csrf_token()})
        assert response.status_code == 302, (rule.endpoint, response.status_code)
        assert response.headers["Location"].startswith("/log-ind?next="), rule.endpoint


@pytest.mark.parametrize("role", list(Role))
def test_a_user_of_the_wrong_role_is_refused_with_403(app, as_role, role):
    client = as_role(role)
    for rule in _protected_rules(app):
        if role in AUDIENCES[rule.endpoint.split(".")[0]]:
            continue
        url = _sample_url(rule)
        response = client.open(url, method=_method(rule), data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, (role, rule.endpoint, response.status_code)
        assert "Ingen adgang" in response.get_data(as_text=True)
