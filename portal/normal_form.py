"""One normal form for what names an account: every key, login and lookup of an email address
goes through `email_key`, so that two ways of writing one address are one address everywhere
(the per-account login limit counted `admin@...%01` as another account while the login itself
read it as admin's)."""

import re
import unicodedata

# What no keyboard types and no address holds: C0 and C1 controls, DEL, and the invisible
# format characters (zero-width spaces and joiners, direction marks, the byte-order mark).
_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def email_key(value):
    """`value` as the one form an address is stored, limited and looked up in: Unicode
    compatibility forms folded (NFKC: full-width letters become ASCII), unseen characters and
    all white space removed (an address holds none), lower case."""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else "")
    return "".join(_UNSEEN.sub("", text).split()).lower()
