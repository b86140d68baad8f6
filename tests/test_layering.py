"""How the layers may use each other, read from the source: views never end or flush a
transaction (the request edge commits or rolls back, services flush), and no module reaches
for another module's private (underscored) names."""

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
VIEWS = sorted((PORTAL / "views").glob("*.py"))
MODULES = sorted(PORTAL.rglob("*.py"))
TRANSACTION_ENDS = {"commit", "rollback", "flush"}


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def transaction_calls(source):
    """(line, name) for every call of .commit(), .rollback() or .flush() in `source`."""
    return [
        (node.lineno, node.func.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in TRANSACTION_ENDS
    ]


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_never_commits_rolls_back_or_flushes(path):
    found = transaction_calls(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name}: the request edge (portal/__init__.py) does that: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "db.session.commit()",
        "db.session.rollback()",
        "db.session.flush()",
        "try:\n    offers.accept_offer(offer)\nexcept OfferError:\n    db.session.rollback()\n",
    ],
)
def test_the_check_finds_a_commit_a_rollback_and_a_flush(source):
    assert transaction_calls(source)


def private_uses(path):
    """(line, name) for every underscored name `path` imports from another portal module, or
    reads as an attribute of a portal module it imported."""
    found, modules = [], set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and (node.level or node.module.startswith("portal")):
            for alias in node.names:
                if alias.name.startswith("_") and alias.name != "__version__":
                    found.append((node.lineno, alias.name))
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(
                alias.asname or alias.name
                for alias in node.names
                if alias.name.startswith("portal")
            )
    for node in ast.walk(_tree(path)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PORTAL)))
def test_no_module_uses_another_modules_private_names(path):
    assert private_uses(path) == [], f"make them public where they are defined: {path}"
