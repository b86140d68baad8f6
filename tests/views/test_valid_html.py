"""Every page each role sees is valid HTML: the W3C Nu HTML checker (vnu.jar, from the npm
package vnu-jar that `make test` installs) finds no error, in Danish and in English.

Pages come from the same walk as tests/views/test_forms_as_browser.py, plus the pages a
refused form re-renders (with error messages and aria-describedby), and are checked in one run
of the checker."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from portal.models.enums import Role
from tests.browser_form import forms_in
from tests.views.test_forms_as_browser import _client, _pages, _world

VNU_JAR = os.environ.get("VNU_JAR", "")
ROOT = Path(__file__).resolve().parents[2]


def checker_missing():
    jar = Path(VNU_JAR) if VNU_JAR else None
    if jar is None or not jar.is_absolute():
        jar = ROOT / VNU_JAR if VNU_JAR else None
    return jar is None or not jar.exists()


# Forms whose refusal re-renders the page with an error summary and messages beside fields.
REFUSED = {
    "/bestil?tilbud=dialogue": "/bestil",
    "/log-ind": "/log-ind",
    "/glemt-link": "/glemt-link",
    "/glemt-adgangskode": "/glemt-adgangskode",
}


@pytest.mark.skipif(checker_missing(), reason="VNU_JAR not set: run the suite with `make test`")
def test_every_page_of_every_role_is_valid_html(app, login, tmp_path):
    world = _world()
    written = []
    for role in (None, Role.ASSIGNEE, Role.SECRETARIAT, Role.ADMIN):
        client = _client(app, login, role, world)
        for language in ("da", "en"):
            client.get(f"/sprog/{language}")
            for path in _pages(role, world):
                response = client.get(path)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                html = response.get_data(as_text=True)
                written.append(write_page(tmp_path, role, language, path, html))
                if role is None and path in REFUSED:
                    [form] = [
                        f for f in forms_in(client, path, html) if f.action.endswith(REFUSED[path])
                    ]
                    refused = form.submit()
                    assert refused.status_code == 422, path
                    written.append(
                        write_page(tmp_path, role, language, f"{path}-422", refused.data)
                    )
    assert len(written) > 40
    problems = nu_errors(written)
    assert problems == [], f"{len(problems)} errors:\n" + "\n".join(problems[:60])


def nu_errors(written):
    """The Nu checker's errors in the files `written`, one line each."""
    jar = VNU_JAR if Path(VNU_JAR).is_absolute() else str(ROOT / VNU_JAR)
    result = subprocess.run(
        ["java", "-jar", jar, "--errors-only", "--format", "json", *map(str, written)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return sorted(
        {
            f"{Path(m.get('url', '')).name}: {m['message']} | {m.get('extract', '')!r}"
            for m in messages
            if m.get("type") == "error"
        }
    )


def write_page(folder, role, language, path, html):
    name = f"{role or 'anonymous'}-{language}-{path.strip('/').replace('/', '_')[:80] or 'index'}"
    target = folder / f"{len(list(folder.iterdir())):03d}-{name}.html"
    target.write_bytes(html if isinstance(html, bytes) else html.encode())
    return target
