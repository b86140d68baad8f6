"""The strings the code and templates give Babel, extracted afresh: what the translation tests
hold the catalogue (and the pages) to."""

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


@functools.cache
def extracted():
    """The messages `pybabel extract` finds, as babel Message objects (cached per run)."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        subprocess.run(
            [
                str(Path(sys.executable).parent / "pybabel"),
                "extract",
                "--no-location",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                # Not the default ".* ._": templates/_macros holds strings too.
                "--ignore-dirs",
                ".* __pycache__",
                "-o",
                str(pot),
                ".",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        with pot.open("rb") as f:
            return [m for m in read_po(f) if m.id]


def catalogue():
    """The English catalogue as it is on disk."""
    with CATALOG.open("rb") as f:
        return read_po(f, locale="en")
