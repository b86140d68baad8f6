"""Organisations: found, listed a page at a time, and two records of one merged."""

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Organisation, Request
from portal.models.enums import OrganisationKind
from portal.services import organisations
from tests.factories import make_request, make_user


def test_merging_moves_every_request_to_the_record_kept_and_deletes_the_other():
    kept = make_request(organisation_name="Husum Skole").organisation
    first = make_request(organisation_name="Husum skole ", organisation_kind=OrganisationKind.OTHER)
    duplicate = first.organisation
    second = make_request(organisation_name="Husum Skole", organisation_kind=OrganisationKind.OTHER)
    assert duplicate is not kept and second.organisation is duplicate
    moved = organisations.merge_organisations(duplicate, into=kept, by=make_user())
    db.session.commit()
    assert moved == 2
    assert db.session.get(Organisation, duplicate.id) is None
    assert {r.organisation_id for r in db.session.scalars(db.select(Request))} == {kept.id}
    assert kept.kind == OrganisationKind.SCHOOL
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "organisation.merged")
    )
    assert entry.object_id == kept.id
    assert entry.before["merged"]["name"] == "Husum skole"
    assert entry.after == {"requests_moved": 2}


def test_an_organisation_cannot_be_merged_with_itself():
    organisation = make_request().organisation
    with pytest.raises(organisations.OrganisationError):
        organisations.merge_organisations(organisation, into=organisation, by=make_user())
    assert db.session.get(Organisation, organisation.id) is organisation


def test_similar_records_share_the_first_word_and_are_capped():
    husum = make_request(organisation_name="Husum Skole").organisation
    for n in range(organisations.SIMILAR_SHOWN + 3):
        make_request(organisation_name=f"Husum Forening {n}", contact_email=f"h{n}@example.org")
    make_request(organisation_name="Valby Skole", contact_email="v@example.org")
    similar = organisations.similar_organisations(husum)
    assert len(similar) == organisations.SIMILAR_SHOWN
    assert husum not in similar
    assert all(o.name.startswith("Husum") for o in similar)
    assert [o.name for o in organisations.similar_organisations(husum, q="valby")] == [
        "Valby Skole"
    ]


def test_the_list_is_paged_with_request_counts_in_a_fixed_number_of_queries(count_queries):
    for n in range(30):
        make_request(organisation_name=f"Skole {n:02}", contact_email=f"s{n}@example.org")
    with count_queries() as counted:
        result, counts = organisations.organisation_page(page=2, per_page=25)
    assert counted.count == 3
    assert result.total == 30 and len(result.items) == 5
    assert all(counts[o.id] == 1 for o in result.items)
