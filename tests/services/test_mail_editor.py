"""The admin's own mail texts: named placeholders, refused when they would break a mail, used for
every mail of their kind once saved, and the shipped wording untouched until then."""

import pytest

from portal.extensions import db
from portal.i18n import long_date
from portal.models import AuditEntry, EmailTemplate, OutboxMessage
from portal.models.enums import Role
from portal.services import mail, mail_editor, offers
from portal.services.mail import filling
from portal.services.mail_editor import EmailTextRefused
from tests.factories import make_request, make_user
from tests.services.mail_cases import offer_world

OFFER = "assignee_offer"


def test_the_default_text_of_every_mail_uses_only_its_own_placeholders_and_keeps_its_links():
    for kind, spec in mail.KINDS.items():
        for language in spec.languages:
            subject, body = filling.shipped_text(kind, language)
            assert mail_editor.problems(kind, language, subject, body) == [], (kind, language)
            assert set(spec.required) <= set(filling.placeholders_in(body))


def test_the_english_default_is_english():
    subject, body = filling.shipped_text("request_receipt", "en")
    assert subject == "Receipt: {tilbud} for {organisation}"
    assert body.startswith("Dear {navn}\n")


def test_an_edited_text_is_what_the_next_mail_of_its_kind_carries():
    admin = make_user(role=Role.ADMIN)
    mail_editor.save_email_text(
        OFFER,
        "da",
        by=admin,
        subject="Kan du {dato}?",
        body="Kære {navn}\n\nVil du være {rolle}? Svar her:\n{link}\n\n{ukendt ord}",
    )
    db.session.commit()
    assignment = offer_world()
    queued = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == OFFER)).one()
    assert queued.subject == f"Kan du {long_date(assignment.event.starts_at)}?"
    assert queued.body_text.startswith("Kære Yasmin\n\nVil du være dialogambassadør? Svar her:\n")
    assert offers.answer_url(assignment) in queued.body_text
    assert "{ukendt ord}" in queued.body_text  # braces around words with a space are text


def test_an_edited_text_in_one_language_leaves_the_other_language_shipped():
    admin = make_user(role=Role.ADMIN)
    mail_editor.save_email_text(
        "request_receipt", "en", by=admin, subject="Thanks", body="Follow it: {link}"
    )
    db.session.commit()
    make_request()
    [receipt] = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "request_receipt")
    ).all()
    assert receipt.subject.startswith("Kvittering")


def test_a_placeholder_that_comes_out_empty_leaves_no_empty_line():
    assignment = offer_world()
    context = {"assignment": assignment, "event": assignment.event, "person": assignment.person}
    context |= {"others": 0, "answer_url": "https://x/svar"}
    _subject, body = filling.fill(OFFER, "da", "S", "A\n\n{flere_spurgt}\n\nB {link}", context)
    assert body == "A\n\nB https://x/svar\n"


# --- refusals ------------------------------------------------------------------------------


def _refusal(kind=OFFER, language="da", subject="Svar ønskes", body="Hej {navn}\n{link}"):
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(EmailTextRefused) as refused:
        mail_editor.save_email_text(kind, language, by=admin, subject=subject, body=body)
    assert db.session.scalars(db.select(EmailTemplate)).all() == []
    assert (
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.object_type == "email_templates")
        ).all()
        == []
    )
    return [(p.field, str(p)) for p in refused.value.problems]


def test_an_unknown_placeholder_is_refused_and_named():
    assert _refusal(body="Hej {fornavn}\n{link}") == [
        (
            "body",
            "Feltet {fornavn} findes ikke i denne mail. Brug et af felterne i listen, eller skriv "
            "teksten uden krøllede parenteser.",
        )
    ]


def test_attribute_access_in_a_placeholder_is_an_unknown_placeholder():
    [(field, message)] = _refusal(subject="{navn.__class__}")
    assert field == "subject"
    assert "{navn.__class__}" in message


def test_a_placeholder_of_another_mail_is_unknown_in_this_one():
    [(_field, message)] = _refusal(kind="user_invitation", body="{link} {svarfrist}")
    assert "{svarfrist}" in message


def test_dropping_the_link_the_mail_exists_to_carry_is_refused():
    assert _refusal(body="Hej {navn}, svar venligst.") == [
        ("body", "Teksten skal indeholde {link}: det er det, mailen skal bringe modtageren.")
    ]


def test_the_link_only_in_the_subject_is_not_enough():
    assert [f for f, _m in _refusal(subject="{link}", body="Hej {navn}")] == ["body"]


def test_the_forgotten_link_mail_must_keep_its_list_of_links():
    [(_field, message)] = _refusal(kind="tracking_links", body="Goddag")
    assert "{links}" in message


def test_an_empty_subject_or_body_is_refused():
    assert _refusal(subject="  ", body="") == [
        ("subject", "Skriv et emne."),
        ("body", "Skriv en tekst."),
    ]


def test_a_subject_on_two_lines_is_refused():
    assert _refusal(subject="Svar\nBcc: x@example.org") == [
        ("subject", "Emnet skal stå på én linje.")
    ]


def test_a_too_long_subject_or_body_is_refused():
    long_subject = "x" * (mail_editor.SUBJECT_MAX + 1)
    long_body = "{link}" + "x" * mail_editor.BODY_MAX
    assert [f for f, _m in _refusal(subject=long_subject, body=long_body)] == ["subject", "body"]


def test_a_mail_sent_in_danish_only_has_no_english_text():
    assert mail.mail_kind("secretariat_dates_proposed", "en") is None
    assert mail.mail_kind("secretariat_dates_proposed", "da") is not None
    assert mail.mail_kind("no_such_mail", "da") is None


# --- saving and going back ----------------------------------------------------------------


def test_saving_stores_the_text_and_audits_before_and_after():
    admin = make_user(role=Role.ADMIN)
    assert mail_editor.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}") == "saved"
    assert mail_editor.save_email_text(OFFER, "da", by=admin, subject="B", body="{link}") == "saved"
    row = db.session.scalars(db.select(EmailTemplate)).one()
    assert (row.kind, row.language, row.subject, row.body) == (OFFER, "da", "B", "{link}\n")
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["email_text.saved", "email_text.saved"]
    assert entries[0].before is None
    assert entries[1].before["subject"] == "A" and entries[1].after["subject"] == "B"
    assert entries[1].actor_id == admin.id and entries[1].object_id == row.id


def test_saving_the_same_text_again_changes_nothing():
    admin = make_user(role=Role.ADMIN)
    mail_editor.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}")
    result = mail_editor.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}\r\n")
    assert result == "unchanged"
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 1


def test_saving_the_shipped_text_unchanged_stores_nothing():
    admin = make_user(role=Role.ADMIN)
    subject, body = filling.shipped_text(OFFER, "da")
    assert mail_editor.save_email_text(OFFER, "da", by=admin, subject=subject, body=body) == (
        "unchanged"
    )
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_saving_the_shipped_text_over_an_edited_one_goes_back_to_the_shipped_template():
    admin = make_user(role=Role.ADMIN)
    mail_editor.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}")
    subject, body = filling.shipped_text(OFFER, "da")
    assert mail_editor.save_email_text(OFFER, "da", by=admin, subject=subject, body=body) == (
        "shipped"
    )
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_going_back_to_the_shipped_text_deletes_the_edit_and_audits_what_it_was():
    admin = make_user(role=Role.ADMIN)
    mail_editor.save_email_text(OFFER, "da", by=admin, subject="Egen", body="{link}")
    assert mail_editor.reset_email_text(OFFER, "da", by=admin) is True
    db.session.commit()
    assert db.session.scalars(db.select(EmailTemplate)).all() == []
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "email_text.reset"
    assert entry.before["subject"] == "Egen"
    offer_world()
    queued = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == OFFER)).one()
    assert queued.subject.startswith("Svar ønskes:")


def test_going_back_without_an_edit_does_nothing():
    admin = make_user(role=Role.ADMIN)
    assert mail_editor.reset_email_text(OFFER, "da", by=admin) is False
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_the_overview_says_who_edited_which_text_and_when():
    admin = make_user(role=Role.ADMIN, email="alma@example.org")
    mail_editor.save_email_text(OFFER, "en", by=admin, subject="Reply", body="{link}")
    overview = dict(mail_editor.overview())
    [da, en] = overview[mail.KINDS[OFFER]]
    assert da.row is None and da.saved is None
    assert en.row.subject == "Reply" and en.saved.actor_label == "alma@example.org"
    assert len(overview) == sum(spec.editable for spec in mail.KINDS.values())


# --- preview ------------------------------------------------------------------------------


def test_the_preview_fills_in_the_newest_case_and_stores_nothing():
    offer_world()
    newest = offer_world()
    preview = mail_editor.preview(OFFER, "da", subject="Til {navn}", body="Hej {navn}\n{link}")
    assert preview.subject == "Til Yasmin"
    assert newest.person.full_name in preview.case
    assert "/svar/eksempel" in preview.body  # an example link: a preview opens nothing
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_the_preview_without_any_case_says_so():
    assert mail_editor.preview(OFFER, "da", subject="S", body="{link}") is None


def test_the_preview_refuses_what_saving_would_refuse():
    with pytest.raises(EmailTextRefused):
        mail_editor.preview(OFFER, "da", subject="S", body="{fornavn} {link}")


def test_a_placeholder_without_its_closing_brace_is_refused_and_named():
    assert _refusal(body="Kære {navn\n{link}") == [
        ("body", "»{navn« mangler sin afsluttende krøllede parentes: skriv {navn}.")
    ]


def test_braces_around_words_with_a_space_are_still_text():
    assert mail_editor.unclosed_placeholders("Se {ukendt ord} og {link}") == []
    assert mail_editor.unclosed_placeholders("{navn, {dato}") == []
    assert mail_editor.unclosed_placeholders("Hej {navn\nog {dato") == ["navn", "dato"]
