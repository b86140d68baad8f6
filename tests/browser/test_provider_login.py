"""A secretary signs in with her work account in a real browser: the portal's button, the
provider's own login page, and back in the portal with the role the admin gave her."""

from portal.models.enums import Role
from tests.factories import make_user
from tests.oidc_provider import account


def test_a_secretary_signs_in_through_the_provider(
    app, live_server, new_page, axe, oidc_provider, monkeypatch
):
    provider = oidc_provider(
        accounts=[account("anna", name="Anna Andersen", email="anna@kk.dk")],
        redirect_uris=[f"{live_server}/log-ind/kommune/svar"],
        post_logout_redirect_uris=[f"{live_server}/"],
    )
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", provider.discovery_url)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", provider.client_id)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", provider.client_secret)
    make_user(email="anna@kk.dk", name="Anna Andersen", role=Role.SECRETARIAT)

    page = new_page(width=390, height=844)
    page.goto("/log-ind")
    assert axe(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Log ind med Københavns Kommune").click()
    assert page.url.startswith(provider.issuer)
    page.get_by_label("Brugernavn").fill("anna@kk.dk")
    with page.expect_navigation(url=f"{live_server}/sekretariat/"):
        page.get_by_role("button", name="Log ind").click()
    assert "Anna Andersen" in page.inner_text("header")
    assert page.get_by_role("link", name="Indbakke").is_visible()

    # Out of the portal, and then out at the provider too, by the words on the pages.
    with page.expect_navigation():
        page.get_by_role("button", name="Log ud").click()
    assert page.get_by_role("heading", name="Du er logget ud").is_visible()
    assert axe(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Log også ud hos Københavns Kommune").click()
    assert page.url.startswith(provider.issuer)
    with page.expect_navigation(url=f"{live_server}/?state=*"):
        page.get_by_role("button", name="Log ud").click()
