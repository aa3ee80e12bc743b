"""Packages depend one way (DESIGN.md, "The grown app": Layers).

import-linter checks the layers contract in pyproject.toml (a package imports only from the layers below it; siblings
separated by `|` not from each other). An AST walk of every import, also those inside functions, fails on a cycle
between packages. The contract has no exceptions (`ignore_imports`): the shared mail and calendar layers know no
domain.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sto_events"


def contract(root: Path = ROOT) -> dict:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == "layers")


def layer_names(layers: list[str]) -> list[set[str]]:
    return [{name.strip() for name in layer.replace(":", "|").split("|")} for layer in layers]


def children(root: Path = ROOT) -> set[str]:
    """Every package and module directly inside sto_events."""
    base = root / PACKAGE
    packages = {p.name for p in base.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in base.glob("*.py") if p.stem != "__init__"}
    return packages | modules


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    command = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(command), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import node, skipping `if TYPE_CHECKING:` blocks (no dependency at run time)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def module_imports(root: Path = ROOT) -> set[tuple[str, str]]:
    """(importer, imported) module pairs inside sto_events, from the source; `from . import x` names module x."""
    pairs = set()
    for path in (root / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        package = module.split(".") if is_package else module.split(".")[:-1]
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = package[: len(package) - node.level + 1] if node.level else []
                stem = ".".join(base + ([node.module] if node.module else []))
                targets = [stem] if node.module else [f"{stem}.{alias.name}" for alias in node.names]
            pairs.update((module, target) for target in targets if target.split(".")[0] == PACKAGE)
    return pairs


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def package_graph(pairs: set[tuple[str, str]], ignored: set[str]) -> dict[str, set[str]]:
    """Package → packages it imports, leaving out the contract's known exceptions."""
    graph: dict[str, set[str]] = {}
    for importer, imported in pairs:
        if any(f"{importer} -> {imported}".startswith(rule) or f"{importer} -> {imported}" == rule
               for rule in ignored):
            continue
        a, b = _top(importer), _top(imported)
        if a and b and a != b:
            graph.setdefault(a, set()).add(b)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_layers_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_package_imports_another_in_a_cycle():
    ignored = set(contract().get("ignore_imports", []))
    graph = package_graph(module_imports(), ignored)
    assert graph["registrations"] >= {"meetings", "core"}  # the walk sees the imports it should
    assert cycles(graph) == []


def test_every_package_is_placed_in_exactly_one_layer():
    placed = [name for layer in layer_names(contract()["layers"]) for name in layer]
    assert len(placed) == len(set(placed)), "a package is listed in two layers"
    assert set(placed) == children(), "place every package of sto_events in a layer of pyproject.toml"


def test_meetings_knows_nothing_of_registrations():
    importers = {importer for importer, imported in module_imports() if imported.startswith("sto_events.registrations")}
    assert not {m for m in importers if m.startswith("sto_events.meetings")}


def test_there_are_no_exceptions_and_the_shared_layers_import_no_domain():
    assert contract().get("ignore_imports", []) == []
    shared = ("sto_events.notifications", "sto_events.audit", "sto_events.places", "sto_events.core")
    domains = ("accounts", "organisations", "regions", "meetings", "registrations")
    upward = {(importer, imported) for importer, imported in module_imports()
              if importer.startswith(shared) and imported.startswith(tuple(f"sto_events.{d}" for d in domains))}
    assert upward == set()


@pytest.fixture
def upward_copy(tmp_path):
    """A copy of the package with one deliberately upward import: meetings reading registrations."""
    shutil.copytree(ROOT / PACKAGE, tmp_path / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / PACKAGE / "meetings" / "upward.py").write_text(
        "def waiting(session, meeting_id):\n"
        "    from ..registrations.services import promote_waitlist\n\n"
        "    return promote_waitlist(session, meeting_id)\n"
    )
    return tmp_path


def test_an_upward_import_breaks_the_contract_and_makes_a_cycle(upward_copy):
    result = lint_imports(upward_copy)
    assert result.returncode != 0
    assert "sto_events.meetings is not allowed to import sto_events.registrations" in result.stdout
    assert "sto_events.meetings.upward -> sto_events.registrations.services" in result.stdout

    graph = package_graph(module_imports(upward_copy), set(contract(upward_copy).get("ignore_imports", [])))
    assert any({"meetings", "registrations"} <= set(component) for component in cycles(graph))


def test_a_new_package_must_be_placed(upward_copy):
    (upward_copy / PACKAGE / "offers").mkdir()
    (upward_copy / PACKAGE / "offers" / "__init__.py").write_text('"""Not placed in a layer yet."""\n')
    assert "offers" in children(upward_copy) - {n for layer in layer_names(contract(upward_copy)["layers"])
                                                for n in layer}
    result = lint_imports(upward_copy)
    assert result.returncode != 0
    assert "sto_events.offers" in result.stdout
