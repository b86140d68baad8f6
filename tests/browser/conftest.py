"""A live server and a real browser (Debian's chromium through Playwright), plus axe-core.

Never downloads a browser: CHROMIUM (default /usr/bin/chromium) is launched directly.
A console error or a page error (a CSP violation, a broken script) fails the test."""

import os
import threading
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal import demo
from portal.extensions import db
from tests.browser import a11y
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, env=_without_libfaketime(os.environ)
        )
        yield browser
        browser.close()


def _without_libfaketime(environment):
    """Chromium on the machine's clock: under CI's libfaketime run the portal's clock is faked
    (and the tests' own instant is set in the process), the browser's is not its business."""
    return {
        name: value
        for name, value in environment.items()
        if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


class PageErrors(list):
    """What the browser complained about: console errors, page errors, missing assets."""

    def watch(self, page):
        def on_console(message):
            # A 4xx page (422 form, 404) is logged as "Failed to load resource"; missing assets
            # are caught below by their responses instead.
            if (
                message.type in ("error", "warning")
                and "Failed to load resource" not in message.text
            ):
                self.append(f"console {message.type}: {message.text}")

        def on_response(response):
            if response.status >= 400 and response.request.resource_type != "document":
                self.append(
                    f"{response.status} for {response.request.resource_type} {response.url}"
                )

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        return page


@pytest.fixture
def page_errors():
    return PageErrors()


@pytest.fixture
def new_page(browser, live_server, page_errors):
    """new_page(width=1280, locale=None) -> a page in a fresh browser context."""
    contexts, errors = [], page_errors

    def make(width=1280, height=900, locale=None):
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        if locale:
            context.add_cookies([{"name": "vink_lang", "value": locale, "url": live_server}])
        contexts.append(context)
        return errors.watch(context.new_page())

    yield make
    for context in contexts:
        context.close()
    assert list(errors) == [], "the browser reported errors"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def axe():
    """axe(page) -> the page's violations, as tests.browser.a11y counts them."""
    return a11y.violations


@pytest.fixture
def demo_data():
    demo.load()
    db.session.commit()


def browser_login(page, email, password=demo.DEMO_PASSWORD):
    """Log in as a person does. A demo user's first login asks for a new password (the demo
    one is published): factories.PASSWORD is chosen, and is the one to log in with again."""
    page.goto("/log-ind")
    page.fill("#email", email)
    page.fill("#password", password)
    # Wait for the page the login leads to, not for the state of the one being left.
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if urlsplit(page.url).path == "/ny-adgangskode":
        page.fill("#password", PASSWORD)
        page.fill("#repeat", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
