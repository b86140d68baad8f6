"""One helper answers "is this htmx?" and renders the page or just its swappable partial."""

from flask import render_template, request
from werkzeug.urls import iri_to_uri


def is_htmx():
    """A request from htmx that wants a piece of a page (not a full page or a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Request-Type", "partial") == "partial"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(page, partial, status=200, **context):
    """The full page for a normal request; only `partial` (which the page includes) for htmx."""
    return render_template(partial if is_htmx() else page, **context), status


def page_or_body(page, body, status=200, **context):
    """The full page around `body` (rendered already, as a page kept under the data version
    is) for a normal request; only `body` for htmx."""
    return (body if is_htmx() else render_template(page, body=body, **context)), status


def init_app(app):
    @app.after_request
    def adapt_for_htmx(response):
        # The same URL answers with a page or a partial: caches must keep them apart.
        response.vary.add("HX-Request")
        if is_htmx() and response.status_code in (301, 302, 303) and response.location:
            # fetch() would follow a redirect and swap a whole page into the target;
            # ask htmx to navigate instead (login page after a timeout, redirect after post).
            location = response.location
            response.status_code = 200
            response.headers.pop("Location")
            # Unlike Location, a header of our own is not encoded by Werkzeug: a path with
            # non-ASCII characters in it made gunicorn answer 500.
            response.headers["HX-Redirect"] = iri_to_uri(location)
            response.set_data(b"")
        return response
