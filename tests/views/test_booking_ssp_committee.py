"""An SSP organisation names its local SSP committee on the booking form (issue 25)."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Organisation, Request, SspCommittee
from portal.models.enums import OrganisationKind, Role
from tests.browser_form import browser_form
from tests.factories import booking_answers, make_request, make_user

SSP = {"organisation_name": "SSP Valby", "organisation_kind": "ssp"}


@pytest.fixture
def committees():
    """Two committees to choose from, and one the admin has hidden."""
    rows = [
        SspCommittee(name_da="SSP Valby", name_en="SSP Valby", sort_order=1),
        SspCommittee(name_da="SSP Nørrebro", name_en="SSP Norrebro", sort_order=2),
        SspCommittee(name_da="SSP Gammelt", name_en="SSP Old", sort_order=3, active=False),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _form(client, offer="talk", url=None, **overrides):
    form = browser_form(client, url or f"/bestil?tilbud={offer}", action="/bestil")
    return form.fill(**booking_answers(offer, **overrides))


def _stored():
    return db.session.scalars(db.select(Request)).all()


def test_without_committees_the_form_does_not_ask_and_ssp_books_as_before(client):
    page = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    assert 'name="ssp_committee"' not in page
    assert _form(client, **SSP).submit().status_code == 302
    assert _stored()[0].organisation.ssp_committee is None


def test_the_form_offers_the_active_committees_with_a_hint_without_javascript(client, committees):
    valby, norrebro, _hidden = committees
    form = browser_form(client, "/bestil?tilbud=talk", action="/bestil")
    assert form.options("ssp_committee") == ["", str(valby.id), str(norrebro.id)]
    page = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    assert "SSP-udvalg" in page and "Kun hvis I er fra SSP" in page
    assert "SSP Gammelt" not in page


def test_an_ssp_booking_stores_its_committee_on_the_organisation_and_staff_see_it(
    client, committees, as_role
):
    valby = committees[0]
    response = _form(client, **SSP, ssp_committee=str(valby.id)).submit()
    assert response.status_code == 302
    request = _stored()[0]
    assert request.organisation.kind == OrganisationKind.SSP
    assert request.organisation.ssp_committee == valby
    staff = as_role(Role.SECRETARIAT)
    page = staff.get(f"/sekretariat/henvendelser/{request.id}").get_data(as_text=True)
    assert "SSP · " not in page and "SSP (SSP Valby)" in page
    organisation = staff.get(f"/sekretariat/organisationer/{request.organisation_id}")
    assert "SSP Valby" in organisation.get_data(as_text=True)


def test_an_ssp_booking_without_a_committee_is_refused_beside_the_field(client, committees):
    response = _form(client, **SSP).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vælg jeres SSP-udvalg." in text
    assert 'href="#ssp_committee"' in text
    assert _stored() == []


@pytest.mark.parametrize(
    "sent",
    ["999999", "hidden", "abc", "\x00\x01", "   ", "1.5", "-1", "\u0661"],
    ids=["unknown", "hidden", "text", "control", "spaces", "decimal", "negative", "arabic-1"],
)
def test_whatever_else_an_ssp_booking_sends_as_committee_is_a_field_error(client, committees, sent):
    if sent == "hidden":
        sent = str(committees[2].id)
    form = _form(client, **SSP).tamper("ssp_committee", sent)
    response = form.submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vælg et SSP-udvalg fra listen." in text or "Vælg jeres SSP-udvalg." in text
    assert _stored() == []


@pytest.mark.parametrize("sent", ["chosen", "999999", "abc", "\x00"])
def test_another_kind_of_organisation_never_gets_a_committee_whatever_it_sends(
    client, committees, sent
):
    sent = str(committees[0].id) if sent == "chosen" else sent
    response = _form(client).tamper("ssp_committee", sent).submit()  # a school
    assert response.status_code == 302
    organisation = _stored()[0].organisation
    assert organisation.kind == OrganisationKind.SCHOOL
    assert organisation.ssp_committee_id is None


def test_an_ssp_organisation_known_without_a_committee_gets_the_one_named_and_keeps_it(
    client, committees
):
    valby, norrebro, _hidden = committees
    make_request(organisation_name="SSP Valby", organisation_kind=OrganisationKind.SSP)
    known = db.session.scalars(db.select(Organisation)).one()
    assert known.ssp_committee is None
    assert _form(client, **SSP, ssp_committee=str(valby.id)).submit().status_code == 302
    assert known.ssp_committee == valby
    # A later booking naming another committee does not change the secretariat's record.
    again = _form(client, **SSP, ssp_committee=str(norrebro.id), contact_email="b@example.org")
    assert again.submit().status_code == 302
    assert db.session.scalars(db.select(Organisation)).one().ssp_committee == valby
    assert len(_stored()) == 3
    # Filling the blank is in the log, once, by the requester.
    [entry] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "organisation.committee_set")
    ).all()
    assert (entry.actor_label, entry.object_id) == ("requester", known.id)
    assert (entry.before, entry.after) == ({"ssp_committee": None}, {"ssp_committee": "SSP Valby"})


def test_a_merge_keeps_the_committee_or_takes_the_duplicates(committees):
    from portal.services import organisations

    valby, norrebro, _hidden = committees
    admin = make_user(role="admin")
    kept = Organisation(name="SSP Vest", name_key="ssp vest", kind=OrganisationKind.SSP)
    other = Organisation(
        name="SSP Vest 2", name_key="ssp vest 2", kind=OrganisationKind.SSP, ssp_committee=valby
    )
    third = Organisation(
        name="SSP Vest 3", name_key="ssp vest 3", kind=OrganisationKind.SSP, ssp_committee=norrebro
    )
    db.session.add_all([kept, other, third])
    db.session.commit()
    organisations.merge_organisations(other, into=kept, by=admin)
    assert kept.ssp_committee == valby
    organisations.merge_organisations(third, into=kept, by=admin)
    assert kept.ssp_committee == valby
    entry = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.action == "organisation.merged")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.before["merged"]["ssp_committee"] == "SSP Nørrebro"


def test_the_english_form_names_the_field_and_the_committees_in_english(client, committees):
    client.get("/sprog/en")
    page = client.get("/bestil?tilbud=talk").get_data(as_text=True)
    assert "SSP committee" in page and "Only if you are from SSP" in page
    assert "SSP Norrebro" in page
