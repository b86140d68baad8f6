"""What the tests of pages kept under the data version share (portal/views/once.py): pages
fetched with nothing remembered, and the walk across the moments at which the time changes a
page, each one compared with the page rendered afresh."""

from datetime import timedelta

from portal.services import remembered

# A second before, at and a second after a moment.
AROUND = (-timedelta(seconds=1), timedelta(0), timedelta(seconds=1))


def afresh(monkeypatch, fetch, *args, **kwargs):
    """fetch(*args, **kwargs) with nothing remembered: every page rendered as for the first."""
    with monkeypatch.context() as patched:
        patched.setattr(remembered, "_results", lambda: None)  # nothing found or kept
        return fetch(*args, **kwargs)


def around_each(moments, travel, monkeypatch, fetch, *args):
    """fetch(*args) a second before, at and a second after each of `moments`, the clock
    standing still, each equal to the same fetched with nothing remembered; what was fetched."""
    fetched = []
    for moment in moments:
        for offset in AROUND:
            travel(moment + offset, tick=False)
            kept = fetch(*args)
            assert kept == afresh(monkeypatch, fetch, *args), moment + offset
            fetched.append(kept)
    return fetched
