"""The admin's screens for the mail texts: a list of every mail, an editor per mail and language
with its fields beside it, a preview with a real case, saving, and going back to the shipped
text. Forms are sent as a browser sends them."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, EmailTemplate, OutboxMessage
from portal.models.enums import Role
from portal.services import mail, mail_editor, offers
from tests.browser_form import browser_form
from tests.factories import make_ambassador, make_request, make_scheduled, make_user, row_counts

LIST = "/admin/e-mails"
OFFER = "/admin/e-mails/assignee_offer/da"


@pytest.fixture
def admin(as_role):
    return as_role(Role.ADMIN)


def _editor(client, url=OFFER):
    return browser_form(client, url, action=url)


def _offered():
    event = make_scheduled(request=make_request())
    [assignment] = offers.offer_seat(
        event,
        by=None,
        seat_role=event.offer_kind.staffing_needs[0].seat_role,
        seat_number=1,
        persons=[make_ambassador(first_name="Yasmin", last_name="Ali")],
    )
    db.session.commit()
    return assignment


def test_the_list_shows_every_mail_and_whether_its_text_is_shipped_or_edited(admin):
    someone = make_user(role=Role.ADMIN, email="alma@example.org")
    mail_editor.save_email_text("assignee_offer", "en", by=someone, subject="Reply", body="{link}")
    db.session.commit()
    page = admin.get(LIST)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for spec in mail.KINDS.values():
        assert (f'/admin/e-mails/{spec.kind}/da"' in text) == spec.editable
    assert "/admin/e-mails/secretariat_dates_proposed/en" not in text
    assert "Sendes kun på dansk" in text
    assert text.count(">Ændret<") == 1
    assert "alma@example.org" in text


def test_the_admin_index_links_to_the_mail_texts(admin):
    assert f'href="{LIST}"' in admin.get("/admin/").get_data(as_text=True)


def test_the_editor_starts_from_the_shipped_text_with_its_fields_beside_it(admin):
    page = admin.get(OFFER).get_data(as_text=True)
    form = _editor(admin)
    assert form.value("subject") == "Svar ønskes: {tilbud} {dato} {tid}"
    assert "{link}" in form.value("body")
    assert '<code lang="da">{svarfrist}</code>' in page
    assert "Linket, hvor personen svarer ja eller nej med ét tryk" in page
    assert "Tilbage til standardteksten" not in page  # nothing to go back from


@pytest.mark.parametrize(
    "url", ["/admin/e-mails/secretariat_dates_proposed/en", "/admin/e-mails/findes_ikke/da"]
)
def test_a_mail_or_language_the_portal_does_not_send_is_not_found(admin, url):
    assert admin.get(url).status_code == 404


def test_saving_an_edited_text_stores_it_audits_it_and_the_next_mail_uses_it(admin):
    form = _editor(admin)
    form.fill(subject="Kan du {dato}, {navn}?", body="Hej {navn}\n\nSvar her:\n{link}")
    response = form.submit("Gem")
    assert response.status_code == 302
    assert response.headers["Location"] == OFFER
    assert "Teksten er gemt" in admin.get(OFFER).get_data(as_text=True)
    row = db.session.scalars(db.select(EmailTemplate)).one()
    assert (row.kind, row.language, row.subject) == (
        "assignee_offer",
        "da",
        "Kan du {dato}, {navn}?",
    )
    assert db.session.scalars(db.select(AuditEntry.action)).all()[-1] == "email_text.saved"
    _offered()  # the offer mail goes out with the admin's words
    mail = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "assignee_offer")
    ).one()
    assert mail.subject.endswith(", Yasmin?")
    assert mail.body_text.startswith("Hej Yasmin\n\nSvar her:\nhttp")


def test_an_unknown_field_is_refused_in_danish_next_to_the_text_and_nothing_is_stored(admin):
    before = row_counts()
    form = _editor(admin)
    response = form.fill(body="Hej {fornavn}\n{link}").submit("Gem")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Feltet {fornavn} findes ikke i denne mail." in text
    assert 'id="body-error"' in text
    assert "Hej {fornavn}" in text  # kept as typed
    assert row_counts() == before


def test_dropping_the_link_is_refused_with_the_reason(admin):
    before = row_counts()
    response = _editor(admin).fill(body="Hej {navn}, svar venligst.").submit("Gem")
    assert response.status_code == 422
    assert "Teksten skal indeholde {link}" in response.get_data(as_text=True)
    assert row_counts() == before


def test_an_empty_subject_is_refused(admin):
    response = _editor(admin).fill(subject="").submit("Gem")
    assert response.status_code == 422
    assert "Skriv et emne." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_the_preview_shows_the_unsaved_text_with_the_newest_case_and_saves_nothing(admin):
    _offered()
    before = row_counts()
    form = _editor(admin).fill(subject="Til {navn}", body="Kære {navn}\n{link}")
    response = form.submit("Forhåndsvis")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Forhåndsvisning" in text
    assert "Til Yasmin" in text and "Kære Yasmin" in text
    assert "Yasmin Ali" in text  # which case it was
    assert "/svar/eksempel" in text
    assert row_counts() == before
    assert _editor(admin, OFFER).value("subject") != "Til {navn}"  # not saved


def test_the_preview_without_any_case_says_so(admin):
    response = _editor(admin).submit("Forhåndsvis")
    assert response.status_code == 200
    assert "Der er endnu ingen sag at vise mailen med." in response.get_data(as_text=True)


def test_the_preview_refuses_an_unknown_field_as_saving_does(admin):
    _offered()
    response = _editor(admin).fill(body="{fornavn} {link}").submit("Forhåndsvis")
    assert response.status_code == 422
    assert "Feltet {fornavn} findes ikke" in response.get_data(as_text=True)


def test_going_back_to_the_shipped_text_deletes_the_edit(admin):
    _editor(admin).fill(subject="Egen", body="{link}").submit("Gem")
    reset = browser_form(admin, OFFER, action=f"{OFFER}/leveret")
    response = reset.submit()
    assert response.status_code == 302
    assert "Standardteksten bruges igen." in admin.get(OFFER).get_data(as_text=True)
    assert db.session.scalars(db.select(EmailTemplate)).all() == []
    assert db.session.scalars(db.select(AuditEntry.action)).all()[-1] == "email_text.reset"
    assert _editor(admin).value("subject") == "Svar ønskes: {tilbud} {dato} {tid}"


def test_saving_without_a_csrf_token_is_refused_and_stores_nothing(admin):
    form = _editor(admin).fill(subject="Egen", body="{link}")
    response = form.tamper("csrf_token", None).submit("Gem")
    assert response.status_code == 400
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_other_roles_are_refused(as_role, role):
    client = as_role(role)
    assert client.get(LIST).status_code == 403
    assert client.get(OFFER).status_code == 403
    response = client.post(
        OFFER, data={"csrf_token": client.csrf_token(), "subject": "x", "body": "{link}"}
    )
    assert response.status_code == 403
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_the_english_text_is_edited_on_its_own_page(admin):
    url = "/admin/e-mails/request_receipt/en"
    form = _editor(admin, url)
    assert form.value("subject") == "Receipt: {tilbud} for {organisation}"
    assert form.fill(subject="Thanks, {navn}").submit("Gem").status_code == 302
    row = db.session.scalars(db.select(EmailTemplate)).one()
    assert (row.kind, row.language) == ("request_receipt", "en")


@pytest.mark.parametrize(
    "typed",
    [
        {"subject": "x" * 100_000, "body": "{link}"},
        {"subject": "Hej\x00", "body": "a\x00b {link}"},
        {"subject": "{{navn}}", "body": "{link}{"},
        {"subject": "Hej", "body": "{link}" + "x" * 100_000},
    ],
    ids=["long subject", "NUL", "braces", "long body"],
)
def test_what_no_person_types_is_refused_or_cleaned_never_a_server_error(admin, typed):
    before = row_counts()
    response = _editor(admin).fill(**typed).submit("Gem")
    assert response.status_code in (302, 413, 422)
    if response.status_code != 302:
        assert row_counts() == before
