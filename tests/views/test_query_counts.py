"""A page's query count does not grow with the data (1x and 10x demo data)."""

import pytest

from portal import demo
from portal.extensions import db

PAGES = {
    "sekretariat@vink.example.org": ["/sekretariat/"],
    "admin@vink.example.org": ["/admin/", "/sekretariat/"],
    "ambassador@vink.example.org": ["/mig/"],
    None: ["/", "/log-ind"],
}


def _measure(app, count_queries):
    counts = {}
    for email, paths in PAGES.items():
        client = app.test_client()
        if email:
            client.post_form("/log-ind", {"email": email, "password": demo.DEMO_PASSWORD})
        for path in paths:
            with count_queries() as counted:
                assert client.get(path).status_code == 200
            counts[(email, path)] = counted.count
    return counts


@pytest.mark.parametrize("growth", [10])
def test_page_query_counts_stay_flat_from_1x_to_10x_data(app, count_queries, growth):
    demo.load(scale=1)
    db.session.commit()
    at_1x = _measure(app, count_queries)
    demo.load(scale=growth - 1, first_copy=1)
    db.session.commit()
    at_10x = _measure(app, count_queries)
    assert at_10x == at_1x
    assert max(at_1x.values()) <= 8, at_1x
