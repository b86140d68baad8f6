"""Submit a form the way a browser does: only what the rendered page shows.

A test that posts a dictionary of every field the form class knows passes while a real browser,
which sends only the controls on the page, is refused. This helper reads the form from the HTML
the app rendered and posts exactly what a browser would:

- hidden inputs with their values (the CSRF token, signed start times, versions);
- text-like inputs and textareas with what the page put in them, or what the test typed;
- a select's chosen option, or its first one when none is marked, as a browser does;
- the checked radio of a group and the ticked checkboxes, nothing for the others;
- the pressed submit button's name and value, and no other button, to the button's
  formaction when it has one.

Filling a control the page does not show, choosing an option a select or radio group does not
offer, or typing into a hidden input fails the test at once: that is the point of the helper.
`tamper()` is there for the tests that deliberately send what no page offers.

    form = browser_form(client, "/bestil?tilbud=talk")
    form.fill(audience="staff", expected_participants="30")
    response = form.submit()
"""

import re
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html

TEXT_LIKE = {
    "text",
    "email",
    "tel",
    "number",
    "date",
    "time",
    "datetime-local",
    "month",
    "week",
    "search",
    "password",
    "url",
    "color",
    "range",
}
BUTTON_TYPES = {"submit", "image"}
NEVER_SENT = {"reset", "button", "file"}


class FormNotFound(AssertionError):
    pass


class BrowserForm:
    """One <form> of a page as a browser holds it: its controls and what each will send."""

    def __init__(self, client, page_url, element):
        self.client = client
        self.page_url = page_url
        self.element = element
        self.method = (element.get("method") or "get").lower()
        self.action = urljoin(page_url, element.get("action") or page_url)
        self._typed = {}  # name -> str (text-like, textarea), chosen option, or set of ticks
        self._tampered = {}  # name -> value sent instead of the page's, or None for nothing

    # --- what the page shows -----------------------------------------------------------------
    def _controls(self):
        for el in self.element.iter("input", "select", "textarea", "button"):
            if el.get("name") and "disabled" not in el.attrib:
                yield el

    def _kind(self, el):
        if el.tag in ("select", "textarea", "button"):
            return el.tag
        kind = (el.get("type") or "text").lower()
        return (
            kind
            if kind
            in TEXT_LIKE
            | BUTTON_TYPES
            | NEVER_SENT
            | {"hidden"}
            | {
                "checkbox",
                "radio",
            }
            else "text"
        )

    def names(self):
        """Every name a control on the page carries (buttons included)."""
        return {el.get("name") for el in self._controls()}

    def options(self, name):
        """The values a select, radio group or checkbox group on the page offers for `name`."""
        values = []
        for el in self._controls():
            if el.get("name") != name:
                continue
            kind = self._kind(el)
            if kind == "select":
                values.extend(_option_value(option) for option in el.iter("option"))
            elif kind in ("radio", "checkbox"):
                values.append(el.get("value", "on"))
        return values

    def value(self, name):
        """What the browser would send for `name` now (the first value, or None)."""
        for key, value in self.values():
            if key == name:
                return value
        return None

    # --- what a person does --------------------------------------------------------------------
    def fill(self, **values):
        """Type into fields, choose options, tick boxes. Names as the page writes them
        (`dates-0-first` can be given as `dates_0_first`). A checkbox takes True/False; a group
        of checkboxes sharing a name takes a list of the values to tick."""
        for key, value in values.items():
            name = self._page_name(key)
            kinds = {self._kind(el) for el in self._controls() if el.get("name") == name}
            if "hidden" in kinds:
                raise AssertionError(f"{name!r} is a hidden input: a person cannot type into it")
            if kinds & (BUTTON_TYPES | {"button"}):
                raise AssertionError(f"{name!r} is a button: press it with submit(button=...)")
            if kinds <= {"select", "radio"}:
                offered = self.options(name)
                if value is not None and str(value) not in offered:
                    raise AssertionError(f"{name!r} offers {offered}, not {value!r}")
                self._typed[name] = None if value is None else str(value)
            elif kinds == {"checkbox"}:
                offered = self.options(name)
                if value is True:
                    ticks = set(offered[:1])
                elif value in (False, None):
                    ticks = set()
                else:
                    ticks = {
                        str(v) for v in (value if isinstance(value, list | tuple) else [value])
                    }
                    if not ticks <= set(offered):
                        raise AssertionError(f"{name!r} offers the boxes {offered}, not {ticks}")
                self._typed[name] = ticks
            else:
                self._typed[name] = "" if value is None else str(value)
        return self

    def tamper(self, name, value):
        """Send what no page offers: `value` instead of whatever the page would send for
        `name` (a forged token, a field another variant of the form has), or nothing when
        `value` is None. For tests of what an attacker or a stale page sends."""
        self._tampered[name] = value
        return self

    def values(self, button=None):
        """The (name, value) pairs the browser sends, in page order."""
        pairs = []
        seen_radio = set()
        for el in self._controls():
            name, kind = el.get("name"), self._kind(el)
            typed = self._typed.get(name, _UNSET)
            if kind in BUTTON_TYPES or kind == "button":
                if button is not None and el is button:
                    pairs.append((name, el.get("value", "")))
                continue
            if kind in NEVER_SENT:
                continue
            if kind == "radio":
                if name in seen_radio:
                    continue
                chosen = typed if typed is not _UNSET else _checked_radio(self._controls(), name)
                seen_radio.add(name)
                if chosen is not None:
                    pairs.append((name, chosen))
            elif kind == "checkbox":
                value = el.get("value", "on")
                ticked = value in typed if typed is not _UNSET else "checked" in el.attrib
                if ticked:
                    pairs.append((name, value))
            elif kind == "select":
                if typed is not _UNSET and typed is not None:
                    pairs.append((name, typed))
                else:
                    chosen = _selected_option(el)
                    if chosen is not None:
                        pairs.append((name, chosen))
            elif kind == "textarea":
                shown = _strip_first_newline(el.text or "")
                pairs.append((name, _crlf(typed if typed is not _UNSET else shown)))
            else:
                pairs.append((name, typed if typed is not _UNSET else el.get("value", "")))
        pairs = [(name, value) for name, value in pairs if name not in self._tampered]
        return pairs + [
            (name, value) for name, value in self._tampered.items() if value is not None
        ]

    def submit(self, button=None, to=None, **kwargs):
        """Press a submit button (by its visible text or value; None presses the form's default
        button, the first, as Enter in a field does) and send the form to its action, or to
        `to` (where an htmx attribute posts the form). Extra kwargs go to the test client."""
        pressed = self._button(button)
        pairs = self.values(button=pressed)
        # A button's formaction sends the form elsewhere, as a browser does.
        action = self.action
        if pressed is not None and pressed.get("formaction"):
            action = urljoin(self.page_url, pressed.get("formaction"))
        if self.method == "get" and to is None:
            return self.client.get(f"{urlsplit(action).path}?{urlencode(pairs)}", **kwargs)
        data = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        target = to or urlsplit(action).path + _query(action)
        return self.client.post(target, data=data, **kwargs)

    def htmx(self):
        """(method, url) htmx sends the form with (its data-hx-post/-get, or hx-post/-get), or
        None for a form htmx leaves to the browser."""
        for method in ("post", "get"):
            for prefix in ("data-hx-", "hx-"):
                url = self.element.get(prefix + method)
                if url is not None:
                    return method, urljoin(self.page_url, url or self.page_url)
        return None

    def submit_as_htmx(self, button=None, **kwargs):
        """Send the form as htmx does (JavaScript on): the same values, to its hx-post or
        hx-get, with htmx's request headers. Fails for a form htmx does not send."""
        found = self.htmx()
        assert found, f"the form to {self.action} has no hx-post or hx-get"
        method, url = found
        headers = {"HX-Request": "true", "HX-Request-Type": "partial", **kwargs.pop("headers", {})}
        pairs = self.values(button=self._button(button))
        if method == "get":
            query = urlencode(pairs)
            return self.client.get(f"{urlsplit(url).path}?{query}", headers=headers, **kwargs)
        data = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        return self.client.post(
            urlsplit(url).path + _query(url), data=data, headers=headers, **kwargs
        )

    # --- helpers -------------------------------------------------------------------------------
    def _page_name(self, key):
        names = self.names()
        if key in names:
            return key
        dashed = key.replace("_", "-")
        for candidate in names:
            if candidate.replace("_", "-") == dashed:
                return candidate
        raise AssertionError(
            f"the form at {self.page_url} shows no field {key!r}; it has {sorted(names)}"
        )

    def _button(self, button):
        buttons = [
            el
            for el in self.element.iter("button", "input")
            if "disabled" not in el.attrib
            and (
                (el.tag == "button" and (el.get("type") or "submit").lower() == "submit")
                or (el.tag == "input" and (el.get("type") or "").lower() in BUTTON_TYPES)
            )
        ]
        if button is None:
            return buttons[0] if buttons else None
        for el in buttons:
            text = " ".join(el.text_content().split()) if el.tag == "button" else el.get("value")
            if button in (text, el.get("value")):
                return el
        raise AssertionError(f"no button {button!r} in the form at {self.page_url}")


class _Unset:
    pass


_UNSET = _Unset()


def _option_value(option):
    value = option.get("value")
    return value if value is not None else " ".join((option.text or "").split())


def _selected_option(select):
    options = list(select.iter("option"))
    for option in options:
        if "selected" in option.attrib and "disabled" not in option.attrib:
            return _option_value(option)
    if "multiple" in select.attrib or not options:
        return None
    enabled = [o for o in options if "disabled" not in o.attrib]
    return _option_value(enabled[0]) if enabled else None


def _checked_radio(controls, name):
    for el in controls:
        if el.get("name") == name and el.get("type") == "radio" and "checked" in el.attrib:
            return el.get("value", "on")
    return None


def _crlf(text):
    # A browser sends a textarea's line breaks as CRLF, whatever was typed or shown.
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def _strip_first_newline(text):
    # A browser drops the newline that follows <textarea>, which WTForms writes.
    for newline in ("\r\n", "\n"):
        if text.startswith(newline):
            return text[len(newline) :]
    return text


def _query(url):
    query = urlsplit(url).query
    return f"?{query}" if query else ""


def forms_on(client, url, **kwargs):
    """Every form of the page at `url`, as BrowserForms (GET through the same client)."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return forms_in(client, url, response.get_data(as_text=True))


def forms_in(client, url, html):
    """The forms of an HTML page already fetched (the page a refused POST rendered, say)."""
    tree = lxml.html.fromstring(html)
    return [BrowserForm(client, url, element) for element in tree.iter("form")]


def browser_form(client, url, action=None, button=None, sending=None, **kwargs):
    """The one form on the page at `url` that posts to the path `action` and/or
    has a button with the visible text `button` and/or would send the values `sending`
    (a dict, e.g. the hidden seat of one of several offer forms); the only form when none
    is given."""
    return pick(forms_on(client, url, **kwargs), url, action=action, button=button, sending=sending)


def pick(forms, url, action=None, button=None, sending=None):
    found = []
    for form in forms:
        if action is not None and urlsplit(form.action).path != action:
            continue
        if sending and any(form.value(name) != str(v) for name, v in sending.items()):
            continue
        if button is not None:
            try:
                form._button(button)
            except AssertionError:
                continue
        found.append(form)
    if len(found) != 1:
        described = [urlsplit(f.action).path for f in forms]
        raise FormNotFound(
            f"{len(found)} forms on {url} match action={action!r} button={button!r} "
            f"sending={sending!r}: {described}"
        )
    return found[0]
