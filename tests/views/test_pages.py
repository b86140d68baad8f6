"""What every response has: the layout, Danish errors, security headers, the language switch."""

from pathlib import Path

import pytest

from portal.models.enums import Role
from portal.security import CONTENT_SECURITY_POLICY


def test_the_start_page_tells_what_vink_offers_in_danish(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="da">' in text
    for offer in ("Vidensoplæg", "Ung-til-ung dialog", "Rådgivningsforløb"):
        assert offer in text
    assert "gratis" in text
    assert "Tilgængelighedserklæring" in text
    assert "vink@kk.dk" in text


def test_an_unknown_address_gets_a_danish_404_in_the_layout(client):
    response = client.get("/findes/ikke")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "<h1>Siden findes ikke</h1>" in text
    assert "Gå til sidens indhold" in text  # the layout's skip link


def test_a_form_without_a_valid_csrf_token_gets_a_clear_400(client):
    response = client.post("/log-ind", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Siden er udløbet" in text
    assert "Genindlæs siden" in text


def test_htmx_requests_may_send_the_csrf_token_in_a_header(client, make_user):
    user = make_user()
    response = client.post(
        "/log-ind",
        data={"email": user.email, "password": "correct horse battery"},
        headers={"X-CSRFToken": client.csrf_token(), "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sekretariat/"


@pytest.mark.parametrize("path", ["/", "/log-ind", "/findes/ikke", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_are_not_stored_by_caches(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_the_language_switch_shows_the_page_in_english_and_back(client):
    response = client.get("/sprog/en?next=/log-ind")
    assert response.status_code == 302
    assert response.headers["Location"] == "/log-ind"
    text = client.get("/log-ind").get_data(as_text=True)
    assert '<html lang="en">' in text
    assert "<h1>Log in</h1>" in text
    assert 'lang="da"' in text
    assert "Dansk" in text
    client.get("/sprog/da")
    assert "<h1>Log ind</h1>" in client.get("/log-ind").get_data(as_text=True)


def test_the_language_switch_refuses_to_redirect_to_another_site(client):
    response = client.get("/sprog/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_an_unknown_language_falls_back_to_danish(client):
    client.get("/sprog/xx")
    assert '<html lang="da">' in client.get("/").get_data(as_text=True)


def test_staff_see_their_menu_and_a_logout_button(as_role):
    client = as_role(Role.ADMIN)
    text = client.get("/admin/").get_data(as_text=True)
    assert 'href="/sekretariat/"' in text
    assert 'href="/admin/"' in text
    assert 'action="/log-ud"' in text


def test_the_admin_page_shows_this_years_own_targets_and_leads_to_them(as_role):
    from portal import clock
    from portal.extensions import db
    from portal.models import Target
    from portal.models.enums import Metric

    year = clock.today().year
    admin = as_role(Role.ADMIN)
    text = admin.get("/admin/").get_data(as_text=True)
    assert f"{year} har ingen mål endnu." in text  # 2014's are not this year's
    assert f"/admin/maal?aar={year}" in text
    db.session.add(Target(year=year, metric=Metric.TALKS_HELD, value=12))
    db.session.commit()
    text = admin.get("/admin/").get_data(as_text=True)
    assert "Vidensoplæg afholdt" in text and ">12<" in text
    assert "Intet mål" in text  # the metrics without a target this year


HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_an_htmx_request_gets_an_error_as_a_partial_not_a_page_in_a_page(client):
    response = client.get("/findes/ikke", headers=HTMX)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "<html" not in text
    assert "<h2>Siden findes ikke</h2>" in text
    full = client.get("/findes/ikke", headers=HTMX | {"HX-Request-Type": "full"})
    assert "<html" in full.get_data(as_text=True)


def test_htmx_is_told_to_navigate_instead_of_swapping_a_redirect(client):
    response = client.get("/sekretariat/", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/log-ind?next=")
    assert response.get_data() == b""


def test_pages_vary_on_hx_request_for_caches(client):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_compiled_templates_are_kept_in_the_instance_folder_for_the_next_worker(app, client):
    # A new gunicorn worker renders its first booking form in ~20 ms instead of ~80 ms.
    cache = Path(app.config["INSTANCE_DIR"]) / "jinja-cache"
    client.get("/")
    assert any(cache.glob("__jinja2_*.cache")), "the start page's templates are kept compiled"
