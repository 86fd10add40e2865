"""The import contract: the package never imports streamlit; the layers import only downwards
(registry ← data ← questions ← views ← output ← cli); no import cycles, type-only imports included.
Read from the source with ast, so an import inside a function or a TYPE_CHECKING block counts."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "torchvision_stats"
# Each layer imports only layers of a lower rank (and itself). The measuring engine sits beside
# output: the same rank, so neither may import the other. The package's own __init__ is the
# bottom: it may import nothing of the layers.
RANK = {
    "__init__": -1,
    "registry": 0,
    "data": 1,
    "questions": 2,
    "views": 3,
    "output": 4,
    "measure": 4,
    "cli": 5,
    "__main__": 6,
}
# What the package must never import: the Streamlit app and its glue, and what only tests use.
OUTSIDE = ("streamlit", "app", "app_pages", "dashboard", "tests", "benchmarks", "scripts")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a relative `from .x import y` names, seen from `importer`."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module the file imports, relative imports resolved, with `from a import b` counted as
    a.b when a.b is a module."""
    found = set()
    importer = module_name(path, root) if path.is_relative_to(root) else path.stem
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, importer, path.name == "__init__.py")
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def package_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {module_name(path, root): path for path in root.rglob("*.py")}
    return {
        name: {m for m in imports_of(path, root) if m in modules and m != name}
        for name, path in modules.items()
    }


def layer(module: str) -> str:
    """The layer a module of the package belongs to; the package's __init__ is a layer of its own."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def layer_violations(root: Path = PACKAGE) -> list[str]:
    """'a → b' for every import of a module of another layer whose rank is not lower, and for a
    module in no known layer."""
    found = []
    for module, imported_modules in package_graph(root).items():
        if layer(module) not in RANK:
            found.append(f"{module} is in no layer")
            continue
        # `from a import b` imports a and a.b: report the most specific name alone.
        specific = {m for m in imported_modules if not any(o.startswith(m + ".") for o in imported_modules)}
        for imported in specific:
            if layer(imported) == layer(module):
                continue
            if layer(imported) not in RANK or RANK[layer(imported)] >= RANK[layer(module)]:
                found.append(f"{module} → {imported}")
    return found


def test_the_top_level_holds_only_the_registry_the_cli_and_the_layers():
    top = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith((".", "__pycache__")))
    assert top == [
        "__init__.py",
        "__main__.py",
        "cli.py",
        "data",
        "measure",
        "output",
        "questions",
        "registry.py",
        "views",
    ]


def test_the_package_never_imports_streamlit_the_app_or_the_tests():
    offenders = [
        f"{module_name(path)} → {m}"
        for path in PACKAGE.rglob("*.py")
        for m in imports_of(path)
        if m.split(".")[0] in OUTSIDE
    ]
    assert offenders == []


def test_layers_import_only_downwards():
    assert layer_violations() == []


def test_the_layer_check_catches_an_upward_a_relative_and_a_sideways_import(tmp_path):
    """Planted in a copy of the package: each kind of wrong import is reported."""
    root = tmp_path / "torchvision_stats"
    for path in PACKAGE.rglob("*.py"):
        target = root / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert layer_violations(root) == []
    (root / "data" / "planted_upward.py").write_text("from torchvision_stats.output import charts\n")
    (root / "data" / "planted_relative.py").write_text("from ..questions import analysis\n")
    (root / "output" / "planted_sideways.py").write_text("from ..measure import runner\n")
    (root / "__init__.py").write_text("from .data import cache\n")
    assert sorted(layer_violations(root)) == [
        "torchvision_stats → torchvision_stats.data.cache",
        "torchvision_stats.data.planted_relative → torchvision_stats.questions.analysis",
        "torchvision_stats.data.planted_upward → torchvision_stats.output.charts",
        "torchvision_stats.output.planted_sideways → torchvision_stats.measure.runner",
    ]


def test_the_package_check_catches_an_import_of_the_app(tmp_path):
    planted = tmp_path / "probe.py"
    planted.write_text("from dashboard import measurement_sets\nimport app_pages.explore\n")
    assert {m.split(".")[0] for m in imports_of(planted)} & set(OUTSIDE) == {"dashboard", "app_pages"}


def test_no_import_cycles():
    graph = package_graph()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                cycles.append(" → ".join([*path[path.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_contract_sees_an_upward_and_a_type_only_import(tmp_path):
    """The reader counts imports hidden behind TYPE_CHECKING and inside functions."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from torchvision_stats.views.explore import ExploreView\n"
        "def f():\n    import streamlit\n"
    )
    assert {"torchvision_stats.views.explore", "streamlit"} <= imports_of(source)


def test_the_app_never_imports_torch_or_the_measuring_engine():
    """The server asks whether torch is there and starts runs as child processes: it may import the
    engine's torch-free modules (environment, job, runner, settings), and importing them loads no torch."""
    ui = [
        PACKAGE.parent / "app.py",
        *(PACKAGE.parent / "app_pages").glob("*.py"),
        *(PACKAGE.parent / "dashboard").glob("*.py"),
    ]
    found = {m for path in ui for m in imports_of(path)}
    assert not {m for m in found if m.split(".")[0] in ("torch", "torchvision")}
    engine = {m for m in found if m in package_graph() and m.startswith("torchvision_stats.measure.")}
    allowed = {
        f"torchvision_stats.measure.{name}" for name in ("environment", "job", "runner", "settings", "timing")
    }
    assert engine <= allowed
    script = (
        "import sys, torchvision_stats.measure.environment as e, torchvision_stats.measure.job, "
        "torchvision_stats.measure.runner, torchvision_stats.measure.settings; e.torch_available(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision')))"
    )
    asked = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert asked.stdout.strip() == "[]"
