"""The admin's own mail texts: named placeholders, refused when they would break a mail, used for
every mail of their kind once saved, and the shipped templates untouched until then."""

from datetime import timedelta
from pathlib import Path

import pytest
from flask import render_template
from flask_babel import force_locale

from portal import clock
from portal.extensions import db
from portal.i18n import long_date
from portal.models import AuditEntry, EmailTemplate, OutboxMessage
from portal.models.enums import Role, SeatRole
from portal.services import email_texts, events, mail, offers
from portal.services import requests as requests_service
from portal.services.email_texts import KINDS, EmailTextRefused
from tests.factories import (
    make_ambassador,
    make_concern,
    make_request,
    make_scheduled,
    make_user,
)

OFFER = "assignee_offer"


def _offer_world():
    """A dialogue with a seat offered to an ambassador (the offer mail queued)."""
    event = make_scheduled(request=make_request())
    [assignment] = offers.offer_seat(
        event,
        by=None,
        seat_role=SeatRole.AMBASSADOR,
        seat_number=1,
        persons=[make_ambassador(first_name="Yasmin")],
    )
    db.session.commit()
    return assignment


def _every_case():
    """A database holding a case for every mail: a receipt, an offered and an accepted seat, a
    declined request, a cancelled event with a note, a withdrawn request with its planned event,
    a seat claimed from the board, a user, a concern."""
    admin = make_user(role=Role.ADMIN, name="Alma Admin")
    _offer_world()
    declined = make_request(contact_email="c@example.org")
    requests_service.decline_request(declined, by=admin, reason=None, note="Vi har travlt.")
    cancelled = make_scheduled(request=make_request(contact_email="d@example.org"))
    events.cancel_event(cancelled, by=admin, note="Skolen er lukket.")
    withdrawn = make_request(contact_email="e@example.org")
    make_scheduled(request=withdrawn, starts_at=clock.now() + timedelta(days=20))
    requests_service.withdraw_request(withdrawn, note="Vi fandt en anden dato.")
    make_concern()
    db.session.commit()


def _lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


# What the shipped template writes that the placeholder form cannot: a condition on data.
NOT_LINE_FOR_LINE = {
    # "hos <organisation>" only when the event has a requester: the placeholder text names the
    # event ({arrangement}) instead.
    "secretariat_seat_claimed",
}


def test_the_shipped_text_in_placeholder_form_writes_the_same_mail_as_the_template():
    """The editor starts from the shipped text converted to placeholders: filled in with a real
    case, it gives the lines the shipped template gives, in each language."""
    _every_case()
    compared = 0
    for kind, spec in KINDS.items():
        for language in spec.languages:
            context = email_texts.sample_context(kind, language)
            assert context is not None, kind
            shipped = mail.render_templated(kind, locale=language, **context)
            filled = email_texts.fill(
                kind, language, *email_texts.default_text(kind, language), context
            )
            assert filled[0] == shipped[0], (kind, language)
            if kind not in NOT_LINE_FOR_LINE:
                assert _lines(filled[1]) == _lines(shipped[1]), (kind, language)
            compared += 1
    assert compared == sum(len(spec.languages) for spec in KINDS.values()) > 30


def test_every_mail_the_portal_sends_is_in_the_registry():
    shipped = {
        path.stem
        for path in Path("templates/emails").glob("*.txt")
        if not path.name.startswith("_")
    }
    assert shipped == set(KINDS)


def test_the_default_text_of_every_mail_uses_only_its_own_placeholders_and_keeps_its_links():
    for kind, spec in KINDS.items():
        for language in spec.languages:
            subject, body = email_texts.default_text(kind, language)
            assert email_texts.problems(kind, language, subject, body) == [], (kind, language)
            assert set(spec.required) <= set(email_texts.placeholders_in(body))


def test_the_english_default_is_english():
    subject, body = email_texts.default_text("request_receipt", "en")
    assert subject == "Receipt: {tilbud} for {organisation}"
    assert body.startswith("Dear {navn}\n")


def test_without_an_edited_text_the_queued_mail_is_the_shipped_template_byte_for_byte():
    assignment = _offer_world()
    queued = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == OFFER)).one()
    with force_locale("da"):
        text = render_template(
            "emails/assignee_offer.txt",
            locale="da",
            assignment=assignment,
            event=assignment.event,
            person=assignment.person,
            others=0,
            answer_url=offers.answer_url(assignment),
        )
    subject, _sep, body = text.strip().partition("\n")
    assert (queued.subject, queued.body_text) == (subject.strip(), body.strip() + "\n")


def test_an_edited_text_is_what_the_next_mail_of_its_kind_carries():
    admin = make_user(role=Role.ADMIN)
    email_texts.save_email_text(
        OFFER,
        "da",
        by=admin,
        subject="Kan du {dato}?",
        body="Kære {navn}\n\nVil du være {rolle}? Svar her:\n{link}\n\n{ukendt ord}",
    )
    db.session.commit()
    assignment = _offer_world()
    queued = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == OFFER)).one()
    assert queued.subject == f"Kan du {long_date(assignment.event.starts_at)}?"
    assert queued.body_text.startswith("Kære Yasmin\n\nVil du være dialogambassadør? Svar her:\n")
    assert offers.answer_url(assignment) in queued.body_text
    assert "{ukendt ord}" in queued.body_text  # braces around words with a space are text


def test_an_edited_text_in_one_language_leaves_the_other_language_shipped():
    admin = make_user(role=Role.ADMIN)
    email_texts.save_email_text(
        "request_receipt", "en", by=admin, subject="Thanks", body="Follow it: {link}"
    )
    db.session.commit()
    make_request()
    [receipt] = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "request_receipt")
    ).all()
    assert receipt.subject.startswith("Kvittering")


def test_a_placeholder_that_comes_out_empty_leaves_no_empty_line():
    assignment = _offer_world()
    context = {"assignment": assignment, "event": assignment.event, "person": assignment.person}
    context |= {"others": 0, "answer_url": "https://x/svar"}
    _subject, body = email_texts.fill(OFFER, "da", "S", "A\n\n{flere_spurgt}\n\nB {link}", context)
    assert body == "A\n\nB https://x/svar\n"


# --- refusals ------------------------------------------------------------------------------


def _refusal(kind=OFFER, language="da", subject="Svar ønskes", body="Hej {navn}\n{link}"):
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(EmailTextRefused) as refused:
        email_texts.save_email_text(kind, language, by=admin, subject=subject, body=body)
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
    long_subject = "x" * (email_texts.SUBJECT_MAX + 1)
    long_body = "{link}" + "x" * email_texts.BODY_MAX
    assert [f for f, _m in _refusal(subject=long_subject, body=long_body)] == ["subject", "body"]


def test_a_mail_sent_in_danish_only_has_no_english_text():
    assert email_texts.mail_kind("secretariat_dates_proposed", "en") is None
    assert email_texts.mail_kind("secretariat_dates_proposed", "da") is not None
    assert email_texts.mail_kind("no_such_mail", "da") is None


# --- saving and going back ----------------------------------------------------------------


def test_saving_stores_the_text_and_audits_before_and_after():
    admin = make_user(role=Role.ADMIN)
    assert email_texts.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}") == "saved"
    assert email_texts.save_email_text(OFFER, "da", by=admin, subject="B", body="{link}") == "saved"
    row = db.session.scalars(db.select(EmailTemplate)).one()
    assert (row.kind, row.language, row.subject, row.body) == (OFFER, "da", "B", "{link}\n")
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["email_text.saved", "email_text.saved"]
    assert entries[0].before is None
    assert entries[1].before["subject"] == "A" and entries[1].after["subject"] == "B"
    assert entries[1].actor_id == admin.id and entries[1].object_id == row.id


def test_saving_the_same_text_again_changes_nothing():
    admin = make_user(role=Role.ADMIN)
    email_texts.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}")
    result = email_texts.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}\r\n")
    assert result == "unchanged"
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 1


def test_saving_the_shipped_text_unchanged_stores_nothing():
    admin = make_user(role=Role.ADMIN)
    subject, body = email_texts.default_text(OFFER, "da")
    assert email_texts.save_email_text(OFFER, "da", by=admin, subject=subject, body=body) == (
        "unchanged"
    )
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_saving_the_shipped_text_over_an_edited_one_goes_back_to_the_shipped_template():
    admin = make_user(role=Role.ADMIN)
    email_texts.save_email_text(OFFER, "da", by=admin, subject="A", body="{link}")
    subject, body = email_texts.default_text(OFFER, "da")
    assert email_texts.save_email_text(OFFER, "da", by=admin, subject=subject, body=body) == (
        "shipped"
    )
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_going_back_to_the_shipped_text_deletes_the_edit_and_audits_what_it_was():
    admin = make_user(role=Role.ADMIN)
    email_texts.save_email_text(OFFER, "da", by=admin, subject="Egen", body="{link}")
    assert email_texts.reset_email_text(OFFER, "da", by=admin) is True
    db.session.commit()
    assert db.session.scalars(db.select(EmailTemplate)).all() == []
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "email_text.reset"
    assert entry.before["subject"] == "Egen"
    _offer_world()
    queued = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == OFFER)).one()
    assert queued.subject.startswith("Svar ønskes:")


def test_going_back_without_an_edit_does_nothing():
    admin = make_user(role=Role.ADMIN)
    assert email_texts.reset_email_text(OFFER, "da", by=admin) is False
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_the_overview_says_who_edited_which_text_and_when():
    admin = make_user(role=Role.ADMIN, email="alma@example.org")
    email_texts.save_email_text(OFFER, "en", by=admin, subject="Reply", body="{link}")
    overview = dict(email_texts.overview())
    [da, en] = overview[KINDS[OFFER]]
    assert da.row is None and da.saved is None
    assert en.row.subject == "Reply" and en.saved.actor_label == "alma@example.org"
    assert len(overview) == len(KINDS)


# --- preview ------------------------------------------------------------------------------


def test_the_preview_fills_in_the_newest_case_and_stores_nothing():
    _offer_world()
    newest = _offer_world()
    preview = email_texts.preview(OFFER, "da", subject="Til {navn}", body="Hej {navn}\n{link}")
    assert preview.subject == "Til Yasmin"
    assert newest.person.full_name in preview.case
    assert "/svar/eksempel" in preview.body  # an example link: a preview opens nothing
    assert db.session.scalars(db.select(EmailTemplate)).all() == []


def test_the_preview_without_any_case_says_so():
    assert email_texts.preview(OFFER, "da", subject="S", body="{link}") is None


def test_the_preview_refuses_what_saving_would_refuse():
    with pytest.raises(EmailTextRefused):
        email_texts.preview(OFFER, "da", subject="S", body="{fornavn} {link}")
