"""Every long list is shown a page at a time, with a pager whose size does not grow."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import joinedload

from portal import clock
from portal.extensions import db
from portal.models import Request
from portal.models.enums import RequestStatus
from portal.services.pages import Page, paginate
from tests.factories import make_request


@pytest.mark.parametrize(
    ("page", "pages", "numbers"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 400, [1, 2, 3, None, 400]),
        (200, 400, [1, None, 198, 199, 200, 201, 202, None, 400]),
        (400, 400, [1, None, 398, 399, 400]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_a_pager_shows_the_ends_and_a_window_around_this_page(page, pages, numbers):
    assert Page(items=[], total=pages * 10, page=page, pages=pages).numbers() == numbers


def test_a_pager_never_shows_more_than_nine_entries_however_many_pages():
    assert max(len(Page([], 0, p, 10_000).numbers()) for p in range(1, 10_001, 97)) <= 9


def test_a_page_found_by_its_keys_first_is_the_page_loaded_whole(travel):
    """paginate's `key` (the page's ids first, then only its rows, as the inbox does) gives
    the page the one query gives: the same rows in the same order, ties broken alike, every
    page and one past the last, with what `options` loads."""
    travel(clock.now(), tick=False)  # ties: requests sent at the same instant
    made = [make_request(organisation_name=f"Skole {n}") for n in range(5)]
    travel(clock.now() + timedelta(hours=1), tick=False)
    made += [make_request(organisation_name=f"Forening {n}") for n in range(3)]
    made[2].status = RequestStatus.DECLINED
    db.session.commit()
    select = db.select(Request).where(Request.status != RequestStatus.DECLINED)
    order = [Request.submitted_at.desc(), Request.id.desc()]

    def shown(page, **key):
        db.session.expunge_all()
        found = paginate(
            select,
            order_by=order,
            page=page,
            per_page=3,
            options=[joinedload(Request.organisation)],
            **key,
        )
        return found.page, found.total, [(r.id, r.organisation.name) for r in found.items]

    pages = [shown(page) for page in (1, 2, 3, 4)]
    assert [shown(page, key=Request.id) for page in (1, 2, 3, 4)] == pages
    assert [len(items) for _page, _total, items in pages] == [3, 3, 1, 1]
    assert {total for _page, total, _items in pages} == {7}
    assert pages[0][2][0][1].startswith("Forening")
