#!/usr/bin/env python3
"""Check the import layering of the Python package and of the viewer (ARCHITECTURE.md draws it).

Each module may import only from its own layer or the layers below it, no set of modules may import
each other in a circle (a late import inside a function counts: it only hides the circle), and no
Python module imports a name that another module keeps private (`_name`).

    python tools/check_layers.py          # exit 1 and one line per violation, or "layers ok"

Standard library only, so that it runs before anything is installed.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "deephys"
VIEWER = ROOT / "viewer" / "src"

# Python: deephys.<first name> -> layer, bottom first. A module may import its own layer and those below.
PYTHON_LAYERS: list[tuple[str, set[str]]] = [
    ("generated code and errors", {"_generated", "_version", "errors"}),
    ("model", {"model"}),
    ("format core", {"format"}),
    ("analysis", {"analysis"}),
    ("tools on files", {"merge", "slim", "sample", "convert", "server", "interrupts", "findings", "compare"}),
    ("export core, reports", {"export", "bundle"}),
    ("framework captures, notebook", {"_torch", "_flax", "notebook"}),
    ("framework exporters", {"torch", "flax"}),
    ("demo", {"demo"}),
    ("command line", {"cli"}),
    ("package root", {"__init__"}),
]
# Within one layer, these groups do not import each other (each knows only what is below the layer).
PYTHON_SEPARATE = [{"_torch", "_flax", "notebook"}, {"torch", "flax"}, {"export", "bundle"}]

# Viewer: src/<folder> -> layer, bottom first.
VIEWER_LAYERS: list[tuple[str, set[str]]] = [
    ("shared helpers", {"shared"}),
    ("generated code", {"generated"}),
    ("format", {"format"}),
    ("analysis", {"analysis"}),
    ("worker", {"worker"}),
    ("embedded reports", {"embed"}),
    ("app", {"app"}),
]

TS_IMPORT = re.compile(
    r"""(?:^|\n)\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]"""
    r"""|\bimport\(\s*['"]([^'"]+)['"]\s*\)"""
)


# ---- Python -------------------------------------------------------------------------------


def python_modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        if "_generated" in path.parts and path.name != "__init__.py":
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        else:
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def python_imports(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The deephys modules `name` imports (any import statement, at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            # `from . import dtypes` names a module; `from .reader import Run` names the module itself.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("deephys") and target != name:
                found.add(target)
    return found


def private_imports(name: str, path: Path, modules: Mapping[str, Path]) -> list[str]:
    """`from deephys.x import _name` of a private name that is not a module: a name private to another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(name, path.name == "__init__.py", node.level, node.module)
            if not base.startswith("deephys"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and f"{base}.{alias.name}" not in modules:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {alias.name}, private to {base}")
    return found


def python_layer(module: str) -> tuple[int, str]:
    parts = module.split(".")
    first = parts[1] if len(parts) > 1 else "__init__"
    for rank, (_, names) in enumerate(PYTHON_LAYERS):
        if first in names:
            return rank, first
    raise SystemExit(f"tools/check_layers.py: {module} is in no layer: add deephys.{first} to PYTHON_LAYERS")


def check_python() -> tuple[list[str], dict[str, set[str]]]:
    modules = python_modules()
    graph = {name: python_imports(name, path, modules) for name, path in modules.items()}
    problems = [problem for name, path in modules.items() for problem in private_imports(name, path, modules)]
    for importer, targets in sorted(graph.items()):
        rank, group = python_layer(importer)
        for target in sorted(targets):
            target_rank, target_group = python_layer(target)
            separate = any({group, target_group} <= together for together in PYTHON_SEPARATE)
            if target_rank > rank or (target_rank == rank and group != target_group and separate):
                problems.append(
                    f"{modules[importer].relative_to(ROOT)}: {importer} ({PYTHON_LAYERS[rank][0]}) imports "
                    f"{target} ({PYTHON_LAYERS[target_rank][0]}), which is not below it"
                )
    return problems, graph


# ---- TypeScript ---------------------------------------------------------------------------


def viewer_modules() -> dict[str, Path]:
    return {
        str(path.relative_to(VIEWER).with_suffix("")): path
        for path in sorted(VIEWER.rglob("*"))
        if path.suffix in (".ts", ".tsx") and not path.name.endswith((".test.ts", ".test.tsx", ".d.ts"))
    }


def ts_imports(path: Path, modules: Mapping[str, Path]) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found = set()
    for match in TS_IMPORT.finditer(text):
        spec = next(group for group in match.groups() if group)
        if not spec.startswith("."):
            continue
        spec = spec.split("?", 1)[0]
        target = (path.parent / spec).resolve()
        for candidate in (target, target.with_suffix(""), target / "index"):
            try:
                key = str(candidate.relative_to(VIEWER.resolve()))
            except ValueError:
                key = "../" + str(candidate)  # outside src: a test helper, say
            key = re.sub(r"\.(ts|tsx|js)$", "", key)
            if key in modules or key.startswith("../"):
                found.add(key)
                break
    return found


def viewer_layer(module: str) -> int | None:
    folder = module.split("/", 1)[0]
    for rank, (_, names) in enumerate(VIEWER_LAYERS):
        if folder in names:
            return rank
    return None


def check_viewer() -> tuple[list[str], dict[str, set[str]]]:
    modules = viewer_modules()
    graph = {name: ts_imports(path, modules) for name, path in modules.items()}
    problems = []
    for importer, targets in sorted(graph.items()):
        rank = viewer_layer(importer)
        if rank is None:
            if "/" in importer:
                problems.append(f"viewer/src/{importer}: in no layer: add its folder to VIEWER_LAYERS")
            continue
        for target in sorted(targets):
            if target.startswith("../"):
                problems.append(f"viewer/src/{importer}: imports {target[3:]}, outside viewer/src")
                continue
            target_rank = viewer_layer(target)
            if target_rank is not None and target_rank > rank:
                problems.append(
                    f"viewer/src/{importer} ({VIEWER_LAYERS[rank][0]}) imports {target} "
                    f"({VIEWER_LAYERS[target_rank][0]}), which is not below it"
                )
    return problems, graph


# ---- circles ------------------------------------------------------------------------------


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _without_package_roots(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ re-exports its modules, and those may import their siblings through it
    (`from . import dtypes`): edges into a package root from inside it are not circles of their own."""
    return {
        name: {target for target in targets if not name.startswith(target + ".")} for name, targets in graph.items()
    }


def main() -> int:
    python_problems, python_graph = check_python()
    viewer_problems, viewer_graph = check_viewer()
    problems = python_problems + viewer_problems
    for component in cycles(_without_package_roots(python_graph)):
        problems.append(f"python: import circle: {' -> '.join(component)}")
    for component in cycles(viewer_graph):
        problems.append(f"viewer: import circle: {' -> '.join(component)}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layering problem(s); the layers are drawn in ARCHITECTURE.md", file=sys.stderr)
        return 1
    print(f"layers ok: {len(python_graph)} Python modules, {len(viewer_graph)} viewer modules, no import circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
