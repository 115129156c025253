"""Who may import whom: the writer and the readers share a common core, not each other.

- dashboard/core (models, config, db, scoring, inputs, readmodel) imports nothing else of ours
  and no Streamlit or plotting library;
- loaders (the writer) imports only the core from dashboard (its `__main__` entry point is the
  product's command, dashboard/cli.py);
- the readers never import loaders, except the two places that compose both sides: the `rtop`
  command (dashboard/cli.py) and the app's writes (dashboard/ui/writes.py);
- only dashboard/ui knows Streamlit; pages hold no SQL and call no loader;
- the open-data routes (dashboard/api) and the server's middleware (dashboard/serving) know
  no Streamlit and no loader; only the server (dashboard/ui/server.py) puts them on the app;
  the routes write nothing (no insert, update or delete, no transaction: the one write, a
  read token's use, is the core's, dashboard/core/tokens.py); the middleware imports nothing
  heavy (the server starts before pandas or the database layer is imported);
- no module-level import cycles inside dashboard.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPOSERS = {"dashboard/cli.py", "dashboard/ui/writes.py", "dashboard/ui/preview.py"}


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Every module a file imports (``from a.b import c`` gives a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_core_stands_alone() -> None:
    files = modules("dashboard/core")
    assert {p.name for p in files} >= {"models.py", "scoring.py", "readmodel.py", "inputs.py"}
    for path in files:
        for name in imports(path):
            root = name.split(".")[0]
            assert root not in {"loaders", "streamlit", "plotly", "pydeck"}, (rel(path), name)
            if root == "dashboard":
                assert name.startswith("dashboard.core"), (rel(path), name)


def test_the_writer_uses_only_the_core() -> None:
    checked = 0
    for path in modules("loaders"):
        if rel(path) == "loaders/__main__.py":
            continue
        for name in imports(path):
            if name.split(".")[0] == "dashboard":
                assert name.startswith("dashboard.core"), (rel(path), name)
                checked += 1
            assert not name.startswith("streamlit"), (rel(path), name)
    assert checked > 10  # the loaders do use the core (models, db, scoring, read model)


def test_readers_do_not_import_the_writer() -> None:
    composers = set()
    for path in modules("dashboard"):
        uses_loaders = any(n.split(".")[0] == "loaders" for n in imports(path))
        if uses_loaders:
            composers.add(rel(path))
    assert composers == COMPOSERS


def test_only_the_ui_layer_knows_streamlit() -> None:
    knows = {
        rel(p)
        for folder in ("dashboard", "loaders")
        for p in modules(folder)
        if any(n.split(".")[0] == "streamlit" for n in imports(p))
    }
    assert knows and all(k.startswith("dashboard/ui/") for k in knows), knows


def test_pages_are_layout_only() -> None:
    for path in modules("pages"):
        for name in imports(path):
            root = name.split(".")[0]
            assert root not in {"sqlalchemy", "sqlmodel", "loaders"}, (rel(path), name)
            assert not name.startswith(("dashboard.queries", "dashboard.core.inputs")), (
                rel(path),
                name,
            )


def test_no_import_cycles_in_dashboard() -> None:
    files = {
        rel(p)[:-3].replace("/", ".").removesuffix(".__init__"): p for p in modules("dashboard")
    }
    graph = {
        mod: {
            dep
            for dep in imports(path, top_level_only=True)
            if dep in files and dep != mod and not mod.startswith(dep + ".")
        }
        for mod, path in files.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, dep]))
            if dep not in state:
                visit(dep, [*trail, node])
        state[node] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [])


def test_the_routes_and_the_middleware_stand_apart() -> None:
    api, serving = modules("dashboard/api"), modules("dashboard/serving")
    assert api and serving
    for path in [*api, *serving]:
        for name in imports(path):
            root = name.split(".")[0]
            assert root not in {"streamlit", "loaders"}, (rel(path), name)
            assert not name.startswith("dashboard.ui"), (rel(path), name)
    for path in serving:
        for name in imports(path):
            assert name.split(".")[0] not in {"pandas", "sqlalchemy", "sqlmodel", "dashboard"} or (
                name.startswith("dashboard.serving")
            ), (rel(path), name)
    users = {
        rel(p)
        for p in [*modules("dashboard"), *modules("pages")]
        if any(n == "dashboard.api" or n.startswith("dashboard.api.") for n in imports(p))
        and not rel(p).startswith("dashboard/api/")
    }
    assert users == {"dashboard/ui/server.py"}


def test_the_routes_write_nothing() -> None:
    for path in modules("dashboard/api"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sql"):
                names = {a.name for a in node.names}
                assert not names & {"insert", "update", "delete"}, (rel(path), names)
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"begin", "commit", "flush", "begin_nested"}, (
                    rel(path),
                    node.attr,
                    node.lineno,
                )
