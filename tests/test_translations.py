"""Danish is the source language; every string shown must also exist in English."""

from tests.babel_strings import catalogue, extracted


def test_every_danish_string_has_an_english_translation():
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted()}
    catalog = catalogue()
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = sorted(wanted - translated)
    assert missing == [], "run `make messages` and translate these in messages.po"
