"""The import contract: the package never imports streamlit; the layers import only downwards
(registry ← data ← questions ← output ← cli); no import cycles, type-only imports included.
Read from the source with ast, so an import inside a function or a TYPE_CHECKING block counts."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "torchvision_stats"
# The measuring engine sits beside output: it reads the data layer and the questions, and nothing
# below it reads it.
RANK = {"registry": 0, "data": 1, "questions": 2, "output": 3, "measure": 3, "cli": 4, "__main__": 4}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module the file imports, with `from a import b` counted as a.b when a.b is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def package_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()
    }


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


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
    ]


def test_the_package_never_imports_streamlit():
    offenders = [
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if any(m == "streamlit" or m.startswith("streamlit.") for m in imports_of(path))
    ]
    assert offenders == []


def test_layers_import_only_downwards():
    upward = [
        f"{module} → {imported}"
        for module, imported_modules in package_graph().items()
        for imported in imported_modules
        if layer(module) and layer(imported) and RANK[layer(imported)] > RANK[layer(module)]
    ]
    assert upward == []


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
        "if TYPE_CHECKING:\n    from torchvision_stats.output.view_state import ExploreView\n"
        "def f():\n    import streamlit\n"
    )
    assert {"torchvision_stats.output.view_state", "streamlit"} <= imports_of(source)


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
    allowed = {f"torchvision_stats.measure.{name}" for name in ("environment", "job", "runner", "settings")}
    assert engine <= allowed
    script = (
        "import sys, torchvision_stats.measure.environment as e, torchvision_stats.measure.job, "
        "torchvision_stats.measure.runner, torchvision_stats.measure.settings; e.torch_available(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision')))"
    )
    asked = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert asked.stdout.strip() == "[]"
