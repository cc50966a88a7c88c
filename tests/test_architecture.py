"""The layers of docs/architecture.md, checked: no module imports a higher layer, and no import cycle.

Every import counts, at the top of a module or inside a function (a lazy import is still a
dependency), except those under ``if TYPE_CHECKING:`` (types only, never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xiangmu_cli"
#: Lowest first: a module may import its own layer and those before it.
LAYERS = ["base", "ledger", "reading", "figures", "history", "output", "write", "office", "cli"]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(path: Path) -> set[str]:
    """The xiangmu_cli modules that ``path`` imports (package imports resolved to the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    me = _module_name(path).split(".")
    package = me if path.name == "__init__.py" else me[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("xiangmu_cli"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if not base.startswith("xiangmu_cli"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _exists(candidate) else base)
    return {m for m in found if m != _module_name(path)}


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_lives_in_a_layer() -> None:
    loose = [m for m in _graph() if _layer(m) is None and m not in ("xiangmu_cli", "xiangmu_cli.__main__")]
    assert loose == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for module, imported in _graph().items():
        mine = _layer(module)
        for other in imported:
            theirs = _layer(other)
            if mine and theirs and LAYERS.index(theirs) > LAYERS.index(mine):
                upward.append(f"{module} → {other}")
    assert upward == []


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    # a package's __init__ importing its own modules is not a cycle of modules
    cycles = [c for c in cycles if not any(m.count(".") == 1 and c.count(m) for m in ("xiangmu_cli.cli",))]
    assert cycles == []


def test_the_walk_sees_lazy_imports_and_skips_type_checking(tmp_path: Path) -> None:
    source = (PACKAGE / "figures" / "metrics.py").read_text(encoding="utf-8")
    assert "TYPE_CHECKING" in source
    imported = _imports(PACKAGE / "figures" / "metrics.py")
    assert "xiangmu_cli.reading.loading" not in imported  # only under TYPE_CHECKING there
    assert "xiangmu_cli.figures.stages" in imported
    assert "xiangmu_cli.reading.checks" in _imports(PACKAGE / "reading" / "loading.py")  # imported in a function
