"""A secretary signs in with her work account in a real browser: the portal's button, the
provider's own login page, and back in the portal with the role the admin gave her."""

import pytest
from playwright.sync_api import expect

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


WORDS = {
    "da": {
        "provider": "Log ind med Københavns Kommune",
        "forgot": "Glemt adgangskode",
        "address": "Din e-mailadresse",
        "send": "Send linket",
        "sent": "Tjek din e-mail",
        "refused": "Du blev ikke logget ind",
        "out": "Du er logget ud",
        "logout": "Log ud",
    },
    "en": {
        "provider": "Log in with Københavns Kommune",
        "forgot": "Forgot your password",
        "address": "Your email address",
        "send": "Send the link",
        "sent": "Check your email",
        "refused": "You were not logged in",
        "out": "You are logged out",
        "logout": "Log out",
    },
}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_sign_in_page_reads_and_works_in_both_languages_at_both_widths(
    app, browser, live_server, axe, oidc_provider, monkeypatch, javascript
):
    """The login page with the provider's button, "Tjek din e-mail", the provider's refusal of
    someone not invited and the page after logout: by their words, in Danish and English, at
    390 and 1280 px, with JavaScript and without; axe-clean (with JavaScript, where axe runs)
    and never wider than the screen."""
    provider = oidc_provider(
        accounts=[
            account("anna", email="anna@kk.dk"),
            account("ukendt", email="ukendt@kk.dk"),
        ],
        redirect_uris=[f"{live_server}/log-ind/kommune/svar"],
        post_logout_redirect_uris=[f"{live_server}/"],
    )
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", provider.discovery_url)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", provider.client_id)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", provider.client_secret)
    make_user(email="anna@kk.dk", role=Role.SECRETARIAT)
    found = []
    for language, words in WORDS.items():
        for width in (390, 1280):
            seen = f"{language}, {width} px, {'js' if javascript else 'no js'}"

            def look(page, name, seen=seen):
                if javascript:
                    found.extend(f"{name} ({seen}): {v}" for v in axe(page))
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > page.viewport_size["width"]:
                    found.append(f"{name} ({seen}) is {wide} px wide")

            def provider_sign_in(who, language=language, width=width, words=words):
                """A browser of its own (the provider remembers who signed in there)."""
                context = browser.new_context(
                    base_url=live_server,
                    viewport={"width": width, "height": 900},
                    java_script_enabled=javascript,
                )
                context.add_cookies([{"name": "vink_lang", "value": language, "url": live_server}])
                page = context.new_page()
                page.goto("/log-ind")
                page.get_by_role("link", name=words["provider"]).click()
                page.get_by_label("Brugernavn").fill(who)  # the provider's own page
                page.get_by_role("button", name="Log ind").click()
                return context, page

            context, page = provider_sign_in("ukendt@kk.dk")
            try:
                expect(page.get_by_role("heading", name=words["refused"])).to_be_visible()
                look(page, "refused")
                page.goto("/log-ind")
                look(page, "login")
                page.get_by_role("link", name=words["forgot"]).click()
                page.get_by_label(words["address"]).fill("ingen@kk.dk")
                page.get_by_role("button", name=words["send"]).click()
                expect(page.get_by_role("heading", name=words["sent"])).to_be_visible()
                look(page, "sent")
            finally:
                context.close()
            context, page = provider_sign_in("anna@kk.dk")
            try:
                expect(page).to_have_url(f"{live_server}/sekretariat/")
                page.get_by_role("button", name=words["logout"]).click()
                expect(page.get_by_role("heading", name=words["out"])).to_be_visible()
                look(page, "logged out")
            finally:
                context.close()
    assert found == []
