"""One helper answers "is this htmx?" and renders the page or just its swappable partial."""

from flask import render_template, request


def is_htmx():
    return request.headers.get("HX-Request") == "true"


def render_page_or_partial(page, partial, status=200, **context):
    """The full page for a normal request; only `partial` (which the page includes) for htmx."""
    return render_template(partial if is_htmx() else page, **context), status
