"""What cannot be undone is done only from the page that asks first (templates/_confirm.html).
That page's form carries `CONFIRMED`; a post without it (the old button of a cached page, a
stale tab, a forger) changes nothing and is answered with the page that asks. (A route whose
GET is itself the page that asks, and which nothing else posts to, as the requester's
withdrawal, needs no such check.)"""

from flask import request

CONFIRMED = "bekraeftet"


def confirmed():
    """Whether this request is the press of the button on the page that asks."""
    return request.method == "POST" and request.form.get(CONFIRMED) == "1"
