"""The package layout tells the data's story, and imports only run downward through it.

Layers, lowest first: ``core`` (settings, atomic writes) <- ``models`` (embedding and NLP) <- ``taxonomy`` <-
``extractor`` (document -> profile) <- ``store`` <- ``index`` (ad/CV vectors, re-ranking) <- ``matcha`` (the
service) <- ``api`` <- ``eval``. The command line (``matcha/cli*.py``) is the outermost entry point and may import
any layer. No import cycle, not even through an import inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "models", "taxonomy", "extractor", "store", "index", "matcha", "api", "eval"]
ENTRY_POINTS = {"matcha/cli.py", "matcha/cli_matching.py"}


def _modules() -> dict[str, Path]:
    found = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(path: Path, module_level_only: bool) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    names = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
            names.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
    return names


def test_imports_run_downward_through_the_layers() -> None:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    upward = []
    for module, path in _modules().items():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ENTRY_POINTS:
            continue
        own = rank[module.split(".")[0]]
        for line, name in _imports(path, module_level_only=False):
            top = name.split(".")[0]
            if top in rank and rank[top] > own:
                upward.append(f"{rel}:{line} imports {name}")
    assert not upward, "imports that run upward:\n" + "\n".join(sorted(set(upward)))


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {module: {name for _, name in _imports(path, module_level_only=False) if name in modules}
             for module, path in modules.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_one_file_per_job_name() -> None:
    """No two modules share a file name (two ``ranking.py`` made the flow hard to follow)."""
    names: dict[str, list[str]] = {}
    for module, path in _modules().items():
        if path.name != "__init__.py":
            names.setdefault(path.name, []).append(module)
    shared = {name: mods for name, mods in names.items() if len(mods) > 1}
    assert not shared, f"file names used twice: {shared}"
