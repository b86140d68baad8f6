"""The secretariat's organisation pages: list, search, and merging two records."""

import pytest

from portal.extensions import db
from portal.models import Organisation, Request
from portal.models.enums import OrganisationKind, Role
from tests.browser_form import browser_form
from tests.factories import make_request


def _two_records():
    kept = make_request(organisation_name="Husum Skole").organisation
    duplicate = make_request(
        organisation_name="Husum Skole",
        organisation_kind=OrganisationKind.OTHER,
        contact_email="b@example.org",
    ).organisation
    return kept, duplicate


def test_the_secretariat_finds_a_duplicate_and_merges_it_keeping_every_request(as_role):
    kept, duplicate = _two_records()
    duplicate_id = duplicate.id
    client = as_role(Role.SECRETARIAT)
    listing = client.get("/sekretariat/organisationer?q=husum").get_data(as_text=True)
    assert "2 organisationer" in listing
    page = client.get(f"/sekretariat/organisationer/{duplicate.id}").get_data(as_text=True)
    merge_url = f"/sekretariat/organisationer/{duplicate.id}/slaa-sammen/{kept.id}"
    assert merge_url in page
    form = browser_form(client, merge_url, action=merge_url)
    form.fill(keep=str(kept.id))
    response = form.submit()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sekretariat/organisationer/{kept.id}")
    assert db.session.get(Organisation, duplicate_id) is None
    assert db.session.scalar(db.select(db.func.count(Request.id))) == 2
    assert {r.organisation_id for r in db.session.scalars(db.select(Request))} == {kept.id}


def test_merging_without_choosing_which_to_keep_is_refused_in_danish_and_changes_nothing(as_role):
    kept, duplicate = _two_records()
    client = as_role(Role.SECRETARIAT)
    url = f"/sekretariat/organisationer/{duplicate.id}/slaa-sammen/{kept.id}"
    form = browser_form(client, url, action=url)
    response = form.submit()
    assert response.status_code == 422
    assert "Vælg, hvilken af de to der skal beholdes." in response.get_data(as_text=True)
    assert db.session.get(Organisation, duplicate.id) is not None


def test_merging_an_organisation_with_itself_is_refused(as_role):
    kept, _duplicate = _two_records()
    client = as_role(Role.SECRETARIAT)
    url = f"/sekretariat/organisationer/{kept.id}/slaa-sammen/{kept.id}"
    form = browser_form(client, url, action=url)
    response = form.fill(keep=str(kept.id)).submit()
    assert response.status_code == 302
    assert "kan ikke slås sammen med sig selv" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert db.session.get(Organisation, kept.id) is not None


@pytest.mark.parametrize(
    "path",
    [
        "/sekretariat/organisationer/99999999999999999999",
        "/sekretariat/organisationer/1/slaa-sammen/99999",
    ],
)
def test_an_unknown_organisation_is_404(as_role, path):
    assert as_role(Role.SECRETARIAT).get(path).status_code == 404
