"""The import graph keeps the layers: web -> search -> indexer.store / indexer.models <- indexer.ingest, no cycles.

Every import counts, also those inside functions (a lazy import is still a dependency)."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "search", "web")
# Which layers a module of each layer may import (a layer may always import itself).
ALLOWED = {
    "indexer.store": {"indexer.store"},
    "indexer.models": {"indexer.store", "indexer.models"},
    "indexer.ingest": {"indexer.store", "indexer.models", "indexer.ingest"},
    "indexer": {"indexer.store", "indexer.models", "indexer.ingest", "indexer"},  # indexer/cli.py, __main__.py
    "search": {"indexer.store", "indexer.models", "search"},
    "web": {"indexer.store", "indexer.models", "indexer.ingest", "indexer", "search", "web"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "indexer" and len(parts) > 1 and parts[1] in ("store", "models", "ingest"):
        return ".".join(parts[:2])
    return parts[0]


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    modules = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def test_the_graph_sees_the_packages():
    graph = import_graph()
    assert {"search.engine", "indexer.store.layout", "indexer.ingest.build", "web.app"} <= set(graph)
    assert "indexer.store.layout" in graph["search.engine"]


def test_no_import_cycles():
    try:
        tuple(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_every_import_follows_the_layers():
    wrong = sorted(f"{module} imports {target}"
                   for module, targets in import_graph().items() for target in targets
                   if _layer(target) not in ALLOWED[_layer(module)])
    assert wrong == []


def test_the_layer_rules_catch_a_search_module_importing_ingest():
    """The check itself can fail: a search module importing ingest is refused."""
    assert _layer("indexer.ingest.build") not in ALLOWED[_layer("search.engine")]
    assert _layer("search.keyword") not in ALLOWED[_layer("indexer.store.impacts")]
