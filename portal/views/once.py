"""Pages rendered once and kept the way `services.remembered` keeps results: never older than
the last write. What is one visitor's own is put into the kept page per request: the CSRF token
(and the session that holds it), and a public form's time trap. So each page is byte for byte
the one rendered afresh (tests/views/test_rendered_once.py, test_remembered_*.py).

- `page`: public pages every visitor sees alike (the start page, the booking form as a link
  opens it), once per address, language and day. Rendered afresh whenever it may not be alike:
  for a signed-in user, a visitor with a message waiting (flashed), an htmx request, or
  anything but a GET.
- `kept`: the body of a page for someone known (the inbox, the overview, the calendar, a
  request's and an event's page, my page, the board of open seats; a requester's page of
  their booking, per booking and the token their link's cookie holds), once per what its key
  names, while the time changes nothing in it."""

import re
import secrets

from flask import request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .. import clock
from ..extensions import db
from ..htmx import is_htmx
from ..i18n import current_locale
from ..services.remembered import remembered, remembered_while

# Where a visitor's own value goes in a kept page: a mark no page holds (the input gate refuses
# control characters, so no data does either), new in every process.
_MARK = "\x00" + secrets.token_hex(8) + "-{}\x00"
# A value put in must read the same in HTML and in an attribute: signed tokens are such.
_PLAIN = re.compile(r"[A-Za-z0-9._-]+")


def alike():
    """True when this request's page is the one every visitor of its address sees."""
    return (
        request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
        and not is_htmx()
    )


def page(name, render, *, keep=True, **own):
    """The page render(**own) gives, rendered once per `name`, address, language, day and data
    version for the visitors `alike` admits; `own` holds this visitor's values (a time trap),
    which the kept page has in place of the first visitor's, as it has this visitor's CSRF
    token. Otherwise, or when not to `keep` (an address the portal does not link to: each
    would take a place in the store), rendered afresh."""
    if not (keep and alike()):
        return render(**own)
    values = {"csrf": generate_csrf(), **own}
    rendered, day = [], clock.today()

    def skeleton():
        _read_again()
        html = render(**own)
        rendered.append(html)
        if clock.today() != day:
            return None  # the day ended while it was rendered: which day it shows is not known
        if not all(_PLAIN.fullmatch(value) and value in html for value in values.values()):
            return None  # a value not where it can be told apart: never kept
        for which, value in values.items():
            html = html.replace(value, _MARK.format(which))
        return html

    kept = remembered(("page", name, request.full_path, current_locale(), day), skeleton)
    if rendered:
        return rendered[0]
    if kept is None:
        return render(**own)
    for which, value in values.items():
        kept = kept.replace(_MARK.format(which), value)
    return kept


def kept(key, now, render):
    """The body render() gives as (html, until), kept under `key` from `now` until `until`
    (`remembered_while`): the key names all else the body shows (the address, the language,
    the person it greets). `html` may be a tuple of parts (a page's title and its body), kept
    and given back together. This session's CSRF token, in any form the body holds, is marked
    in the kept body and this request's put in. What render() shows is read in it (all the
    session holds is read again first) and never the signed-in user: what shows them (a
    greeting, their own settings) is rendered outside the body. Markup (a rendered template),
    or a tuple of them."""
    token = generate_csrf()
    mark = _MARK.format("csrf")
    rendered = []

    def compute():
        _read_again()
        html, until = render()
        rendered.append(html)
        if until <= clock.now():
            # A moment passed while it was rendered: which side of it the body shows is not
            # known, so it is kept for no time at all.
            until = now
        return _each(html, lambda part: part.replace(token, mark)), until

    html = remembered_while(key, now, compute)
    html = rendered[0] if rendered else _each(html, lambda part: part.replace(mark, token))
    return _each(html, Markup)  # rendered templates, escaped by Jinja


def _each(html, change):
    """change() applied to `html`, or to each of its parts."""
    return tuple(map(change, html)) if isinstance(html, tuple) else change(html)


def _read_again():
    """Read again what the request loaded before the data version was read (the offer kinds, the
    person): a write committed in between would otherwise leave an older page under a newer
    version. Not the signed-in user, whom no kept page shows as such (a history names them
    through `audit.newest_for_staff`, read afresh). (With changes pending nothing is kept, and
    nothing is read again.)"""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return
    user = current_user._get_current_object()
    for loaded in list(session.identity_map.values()):
        if loaded is not user:
            session.expire(loaded)
