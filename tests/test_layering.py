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


def blueprint_modules():
    """The view modules that define a blueprint (`bp = Blueprint(...)`), by module name."""
    return {
        path.stem
        for path in VIEWS
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "bp" for t in node.targets)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "Blueprint"
    }


def blueprint_imports(path, blueprints):
    """(line, module) for every blueprint module of portal/views that `path` imports."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            found += [(node.lineno, name) for name in names if name in blueprints]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal.views"):
            module = node.module.removeprefix("portal.views").lstrip(".")
            names = [module] if module else [a.name for a in node.names]
            found += [(node.lineno, name) for name in names if name in blueprints]
    return found


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_never_imports_another_blueprints_module(path):
    """What two audiences share lives in a small module without a blueprint (views/changes.py,
    views/answers.py) or in a service: a blueprint module is read, moved and tested alone."""
    blueprints = blueprint_modules() - {path.stem}
    assert blueprint_imports(path, blueprints) == [], f"{path.name} imports a blueprint module"


def test_the_blueprint_check_finds_each_way_of_importing_one(tmp_path):
    for source in (
        "from .offers import after_decline\n",
        "from . import offers\n",
        "from portal.views.offers import after_decline\n",
        "from portal.views import offers\n",
    ):
        path = tmp_path / "some_view.py"
        path.write_text(source)
        assert blueprint_imports(path, {"offers"}) == [(1, "offers")], source
