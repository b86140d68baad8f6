"""Issue 21.10: words that were not true. The privacy box of /sparring speaks of what a request
for counsel stores, not of an event; the admin's mail texts call the shipped text the default."""

import lxml.html
import pytest

from portal.models.enums import Role


def _privacy_box(client, url):
    page = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    [box] = page.find_class("privacy-notice")
    return " ".join(box.text_content().split())


def test_the_privacy_box_of_sparring_tells_what_a_concern_keeps_and_for_how_long(client, app):
    text = _privacy_box(client, "/sparring")
    assert "arrangement" not in text
    assert "deltagere" not in text
    assert "den dag, vi talte sammen" in text
    months = app.config["RETENTION_MONTHS"]
    assert f"slettes {months} måneder efter, at du sendte henvendelsen" in text
    assert "Hvem bekymringen handler om, registreres aldrig." in text


def test_the_privacy_box_of_a_booking_still_speaks_of_the_event(client):
    assert "måneder efter arrangementet" in _privacy_box(client, "/bestil?tilbud=dialogue")


def test_the_privacy_page_has_a_section_on_counsel_about_a_concern(client):
    text = client.get("/privatliv").get_data(as_text=True)
    assert "<h2>Sparring om en bekymring</h2>" in text
    assert "måneder efter, at du sendte henvendelsen" in text


def test_the_sparring_privacy_box_reads_in_english(client):
    client.set_cookie("vink_lang", "en")
    text = _privacy_box(client, "/sparring")
    assert "months after you sent the request" in text
    assert "sendte" not in text


@pytest.mark.parametrize(
    ("locale", "word", "old"),
    [("da", "Standardtekst", "Leveret"), ("en", "Default text", "Shipped")],
)
def test_the_mail_texts_call_the_shipped_text_the_default(as_role, locale, word, old):
    admin = as_role(Role.ADMIN)
    admin.set_cookie("vink_lang", locale)
    listing = admin.get("/admin/e-mails").get_data(as_text=True)
    assert f">{word}<" in listing
    assert old not in listing
    editor = admin.get("/admin/e-mails/assignee_offer/da").get_data(as_text=True)
    assert f"{word}:" in editor
    assert old not in editor
