"""Every route is either public on purpose or refuses anonymous users and the wrong role.

New endpoints are covered automatically: an endpoint missing from both lists fails here."""

import re

import pytest

from portal.models.enums import Role
from tests.factories import row_counts

PUBLIC_ENDPOINTS = {
    "static",
    "public.index",
    "public.set_language",
    "public.health",
    "public.privacy",
    "public.book",
    "public.concern",
    "public.offer_fields",
    "public.browse_times",
    "public.check_field",
    # Requesters have no account: these are guarded by the signed link and its cookie.
    "public.open_tracking_link",
    "public.tracking",
    "public.withdraw",
    "public.propose_dates",
    "public.change_request",
    "public.tracking_calendar",
    "public.lost_link",
    # A new email address is confirmed by the signed link sent to it.
    "public.confirm_email",
    # Assignees answer an offer from the emailed link, without logging in.
    "offers.answer",
    "offers.accept",
    "offers.decline",
    "offers.attendance",
    "offers.record_attendance",
    "offers.reflect",
    # The requester's evaluation opens from its signed one-shot link.
    "evaluations.requester",
    # The participants' anonymous evaluation: anyone with the event's short code (QR code),
    # and the address as a phone may type it.
    "evaluations.participants",
    "evaluations.participants_thanks",
    "evaluations.participants_typed",
    # Calendar apps subscribe with the secret in the URL.
    "feeds.person_feed",
    "auth.login",
    "auth.logout",
    # The code after the right password: guarded by the session's short-lived pending mark.
    "auth.second_factor",
    # A user who forgot their password asks for a link, and chooses one from it.
    "auth.forgot_password",
    "auth.reset_password",
    # Staff sign in through the municipality's identity provider: to it and back.
    "provider_login.start",
    "provider_login.callback",
    "provider_login.end_session",
    # The invitation's single-use link: the account has no password yet.
    "auth.choose_password",
}
# For anyone logged in, whatever the role: choosing a new password after a login with a weak one.
# And setting up the second factor (required for staff in production, a choice for assignees).
# And managing it once set up: new recovery codes, or turning it off where it is not required.
ANY_ROLE_ENDPOINTS = {
    "auth.change_password",
    "auth.enrol_second_factor",
    "auth.start_second_factor",
    "auth.confirm_second_factor",
    "auth.renew_recovery_codes",
    "auth.turn_off_second_factor",
}
# Which roles each audience's blueprint lets in.
AUDIENCES = {
    "secretariat": {Role.ADMIN, Role.SECRETARIAT},
    # The yearly report and the anonymous support courses: secretariat and admin only.
    "reports": {Role.ADMIN, Role.SECRETARIAT},
    "admin": {Role.ADMIN},
    "users": {Role.ADMIN},
    "persons": {Role.ADMIN},
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
        if rule.endpoint.split(".")[0] not in AUDIENCES and rule.endpoint not in ANY_ROLE_ENDPOINTS
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
        if rule.endpoint in ANY_ROLE_ENDPOINTS or role in AUDIENCES[rule.endpoint.split(".")[0]]:
            continue
        url = _sample_url(rule)
        response = client.open(url, method=_method(rule), data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, (role, rule.endpoint, response.status_code)
        assert "Ingen adgang" in response.get_data(as_text=True)


BLUEPRINT_ROLE = {"secretariat": Role.SECRETARIAT, "admin": Role.ADMIN, "assignee": Role.ASSIGNEE}


def test_every_post_route_refuses_a_form_without_its_csrf_token(app, as_role):
    """For its own role, with rows that exist behind the ids: 400, and nothing changes."""
    from tests.factories import make_request, make_scheduled

    req = make_request()
    make_scheduled(request=make_request(contact_email="b@example.org"))
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) > 20
    clients = {role: as_role(role) for role in Role}
    clients[None] = app.test_client()
    for rule in posts:
        client = clients[BLUEPRINT_ROLE.get(rule.endpoint.split(".")[0])]
        before = row_counts()
        url = _sample_url(rule).replace("/1/", f"/{req.id}/")
        response = client.post(url, data={"note": "x", "email": "a@example.org"})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
        assert "Siden er udløbet" in response.get_data(as_text=True)
        assert row_counts() == before, rule.endpoint


def test_every_route_of_a_requests_private_path_needs_that_requests_cookie(app):
    """Without the tracking cookie, or with another request's: refused, whatever the route."""
    from urllib.parse import urlsplit

    from portal.services import tracking as tracking_service
    from tests.factories import make_request, make_scheduled

    mine = make_request()
    make_scheduled(request=mine)
    theirs = make_request(contact_email="b@example.org")
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/bestilling/<int:")]
    assert {r.endpoint for r in rules} >= {
        "public.tracking",
        "public.withdraw",
        "public.propose_dates",
        "public.change_request",
        "public.tracking_calendar",
    }
    stranger = app.test_client()
    neighbour = app.test_client()
    neighbour.get(urlsplit(tracking_service.tracking_url(theirs)).path)
    for rule in rules:
        url = rule.rule.replace("<int:request_id>", str(mine.id))
        for client in (stranger, neighbour):
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(
                    url, method=method, data={"csrf_token": client.csrf_token(), "note": "x"}
                )
                assert response.status_code == 403, (rule.endpoint, method, response.status_code)
    # And the owner's own cookie does open them (so the refusals above are about the cookie).
    owner = app.test_client()
    owner.get(urlsplit(tracking_service.tracking_url(mine)).path)
    assert owner.get(f"/bestilling/{mine.id}/kalender.ics").status_code == 200
    assert owner.get(f"/bestilling/{mine.id}/trak-tilbage").status_code == 200
