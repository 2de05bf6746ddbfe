"""The layers keep their promises, checked over every module by globbing, not a list.

- The pure layers (``parse/``, ``schedule/``, plus ``model`` and ``errors``) import no
  database, CLI, exporter or file code and never read the clock: they stay fast and
  testable with time passed in.
- ``import flashcards`` is light: the store and exporters load on first use.
- The store's modules (migrations and backups included) form no import cycle, and
  none of them imports the CLI.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "flashcards"
PURE_FILES = sorted(
    [
        *PACKAGE.glob("parse/*.py"),
        *PACKAGE.glob("schedule/*.py"),
        *PACKAGE.glob("drill/*.py"),
        PACKAGE / "model.py",
        PACKAGE / "errors.py",
    ]
)
PURE_PREFIXES = (
    "flashcards.parse",
    "flashcards.schedule",
    "flashcards.drill",
    "flashcards.model",
    "flashcards.errors",
)
IO_MODULES = {
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "subprocess",
    "socket",
    "sqlite3",
    "time",
    "importlib",
    "sqlalchemy",
    "sqlmodel",
    "typer",
    "genanki",
    "exporters",
}
THIRD_PARTY = {"__future__", "yaml", "rapidfuzz", "fsrs"}
"""The libraries the pure layers may use: text in, values out."""
CLOCK_CALLS = {"now", "today", "utcnow", "monotonic", "perf_counter", "open", "read_text"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p) for p in PACKAGE.glob("**/*.py")}


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside functions.

    ``from package import submodule`` counts as importing the submodule only: Python
    loads the package first whatever the code says, so that edge proves nothing.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    here = module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = ".".join(here[: len(here) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return found


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: module_name(p))
def test_pure_modules_import_only_the_pure_layers(path: Path) -> None:
    for name in imports_of(path):
        top = name.split(".")[0]
        if top == "flashcards":
            assert name.startswith(PURE_PREFIXES), f"{module_name(path)} imports {name}"
        else:
            assert top not in IO_MODULES, f"{module_name(path)} imports {name}"
            assert top in sys.stdlib_module_names or top in THIRD_PARTY, name


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: module_name(p))
def test_pure_modules_never_read_the_clock_or_open_files(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in CLOCK_CALLS, f"{module_name(path)}:{node.lineno} calls {name}()"


def test_the_glob_covers_the_session_and_the_queue() -> None:
    names = {module_name(p) for p in PURE_FILES}
    assert {"flashcards.schedule.session", "flashcards.schedule.queue"} <= names
    assert {"flashcards.parse.chapter", "flashcards.schedule.answer"} <= names


def test_core_modules_import_nothing_heavy_at_run_time() -> None:
    core = [module_name(p) for p in PURE_FILES]
    forbidden = ["sqlmodel", "sqlalchemy", "typer", "genanki", "exporters", "sqlite3"]
    code = (
        "import sys\n"
        f"for name in {core!r}: __import__(name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {forbidden!r}]\n"
        "bad += [m for m in sys.modules if m.startswith(('flashcards.store', 'flashcards.cli',"
        " 'flashcards.files'))]\n"
        "print(sorted(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_import_flashcards_is_light() -> None:
    code = (
        "import sys, flashcards\n"
        "heavy = ('typer', 'sqlalchemy', 'sqlmodel', 'genanki', 'exporters', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _store_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.glob("store/**/*.py"))
    names = {module_name(p) for p in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        edges = set()
        for name in imports_of(path):
            if name in names and name != module_name(path):
                edges.add(name)
        graph[module_name(path)] = edges
    return graph


def test_the_store_has_no_import_cycle() -> None:
    graph = _store_graph()
    assert {"flashcards.store.migrations", "flashcards.store.backup.take"} <= set(graph)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = " -> ".join([*path[path.index(node) :], node])
            raise AssertionError(f"import cycle: {cycle}")
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_the_store_imports_no_cli_and_only_the_migrations_module_upgrades() -> None:
    for path in sorted(PACKAGE.glob("store/**/*.py")):
        imported = imports_of(path)
        assert not any(n.startswith("flashcards.cli") for n in imported), module_name(path)
        if module_name(path) in ("flashcards.store.connection", "flashcards.store.database"):
            assert not any(n.startswith("flashcards.store.backup") for n in imported)
            assert "flashcards.store.migrations" not in imported


def test_only_the_cli_imports_the_cli_and_exporters_stay_adapters() -> None:
    for path in sorted(PACKAGE.glob("**/*.py")):
        name = module_name(path)
        if name.startswith("flashcards.cli") or name == "flashcards.__main__":
            continue
        assert not any(n.startswith("flashcards.cli") for n in imports_of(path)), name
    for path in sorted((PACKAGE.parent / "exporters").glob("*.py")):
        imported = imports_of(path)
        assert not any(n.startswith(("flashcards.cli", "flashcards.store")) for n in imported), path
