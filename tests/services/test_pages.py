"""Every long list is shown a page at a time, with a pager whose size does not grow."""

import pytest

from portal.services.pages import Page


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
