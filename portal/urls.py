"""URL helpers shared by views."""

import re
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# Every id column is PostgreSQL's `integer`: a larger number in a URL is no row, not an error.
MAX_ID = 2**31 - 1
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every route: at most MAX_ID, so a 20-digit id is a 404 on both databases."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int(text, *, low=1, high=MAX_ID):
    """An int from a query parameter, within [low, high]; ValueError otherwise (so that
    `request.args.get(name, default, type=...)` falls back to the default)."""
    value = int(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def safe_next(target):
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or UNPRINTABLE.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
