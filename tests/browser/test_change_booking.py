"""A teacher changes a planned dialogue from the private link on a phone, by the words on the
page, and the ambassador who said yes gets one mail saying what changed."""

import pytest

from portal import links
from tests.factories import accepted_on, mails, make_ambassador, make_request, make_scheduled


@pytest.mark.parametrize(("width", "locale"), [(390, None), (1280, "en")])
def test_a_teacher_changes_the_pupils_and_the_contact_of_a_planned_dialogue(
    new_page, axe, width, locale
):
    request = make_request(locale=locale or "da")
    event = make_scheduled(request=request)
    accepted_on(event, make_ambassador(first_name="Yasmin"))
    page = new_page(width=width, height=844, locale=locale)
    page.goto(f"/b/{links.sign('tracking', request.id, request.tracking_token)}")
    english = locale == "en"
    words = {  # what the page says, by its language
        "link": "Change the booking" if english else "Ret bestillingen",
        "pupils": "Number of students" if english else "Antal elever",
        "name": "Your name" if english else "Dit navn",
        "save": "Save the changes" if english else "Gem ændringerne",
        "saved": "The changes are saved." if english else "Ændringerne er gemt.",
    }

    with page.expect_navigation():
        page.get_by_role(
            "link", name="Change the booking" if english else "Ret bestillingen"
        ).click()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    pupils = page.get_by_label(words["pupils"])
    assert pupils.input_value() == "24"
    pupils.fill("27")
    page.get_by_label(words["name"]).fill("Bo Hansen")
    with page.expect_navigation():
        page.get_by_role(
            "button", name="Save the changes" if english else "Gem ændringerne"
        ).click()

    main = page.inner_text("main")
    assert words["saved"] in main
    assert "Bo Hansen" in main and "27" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    [mail] = mails("assignee_request_changed")
    assert mail.to_address.startswith("person")
    assert "- Deltagere: 24 → 27" in mail.body_text  # the ambassador's mail, in Danish
    # The teacher gets one mail too, listing both changes, in the language they booked in.
    [receipt] = mails("requester_request_changed")
    assert receipt.to_address == request.contact.email
    assert ("Participants: 24 → 27" if english else "Deltagere: 24 → 27") in receipt.body_text
    assert "Bo Hansen" in receipt.body_text
