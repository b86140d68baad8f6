"""No import cycle in `portal/`: read from the source, with the imports inside functions counted
too (an import deferred into a function is how a cycle hides). A cycle means two modules each
need the other, so neither can be read, tested or moved alone."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def _module_name(path, root):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root=PORTAL):
    """{module: {modules of the package it imports}}, for every .py file under `root`."""
    paths = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module
                for alias in node.names:
                    # `from . import x` names a submodule when there is one
                    submodule = f"{module}.{alias.name}"
                    targets.add(submodule if submodule in paths else module)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def cycles(graph):
    """Each strongly connected group of more than one module (Tarjan), as a sorted list."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_in_portal_is_part_of_an_import_cycle():
    assert cycles(import_graph()) == []


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    package = tmp_path / "portal"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "outbox.py").write_text("def preview():\n    from . import requests\n")
    (package / "services" / "requests.py").write_text("from . import outbox\n")
    assert cycles(import_graph(package)) == [["portal.services.outbox", "portal.services.requests"]]


def test_only_the_admin_views_use_the_mail_editor():
    users = {
        name for name, targets in import_graph().items() if "portal.services.mail_editor" in targets
    }
    assert users == {"portal.views.admin"}


def test_mail_is_a_leaf_that_imports_no_other_service():
    graph = import_graph()
    mail = {name for name in graph if name.startswith("portal.services.mail.")}
    for name in mail | {"portal.services.mail"}:
        services = {t for t in graph[name] if t.startswith("portal.services.")}
        assert services <= mail | {"portal.services.mail"}, name


def test_a_worker_loads_the_provider_client_and_the_spreadsheet_writer_only_when_used():
    """Authlib (with requests and joserfc) and openpyxl (with lxml) are 27 MB of a worker's
    memory (bench/run.py holds each under 150 MB): the app, created as a worker creates it,
    has none of them loaded until a sign-in at the provider or a spreadsheet needs them."""
    import subprocess
    import sys

    heavy = ["authlib", "requests", "joserfc", "openpyxl", "lxml"]
    program = (
        "import sys, portal; "
        "portal.create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 40, "
        "'ENV_NAME': 'development'}); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PORTAL.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert loaded == ""
