"""The house rules, read from the source: imports run down the stages, no cycle, no module over 400
lines, SQL only in the store. Fast tier: nothing here loads a model."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "verify"

# Each stage may import its own modules and those of the stages before it, never one after it.
STAGES = (
    ("verify.errors", "verify.times", "verify.progress", "verify.output"),
    ("verify.records",),
    ("verify.sources", "verify.schema"),
    ("verify.store",),
    ("verify.models",),
    ("verify.claims",),
    ("verify.ingest",),
    ("verify.compare",),
    ("verify.report",),
    ("verify.views",),
    ("verify.desk",),
    ("verify.cli", "verify.__main__"),
)
MAX_LINES = 400
SQL_RE = re.compile(r"^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|WITH)\b", re.IGNORECASE)
STORE_CALLS = {"execute", "executemany", "executescript"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str) -> set[str]:
    """The verify modules a module imports, anywhere in it (a late import is still a dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base == "verify" and all(alias.name == "__version__" for alias in node.names):
                continue
            if base.startswith("verify"):
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("verify"))
    return found


def stage_of(name: str) -> int:
    for rank, members in enumerate(STAGES):
        if any(name == m or name.startswith(m + ".") for m in members):
            return rank
    raise AssertionError(f"{name} belongs to no stage: add it to STAGES")


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {m for m in imported(path, name) if m in known and m not in (name, "verify")}
        for name, path in known.items()
    }


def test_every_module_belongs_to_a_stage():
    for name in modules():
        if name != "verify":
            stage_of(name)


def test_imports_run_down_the_stages():
    upward = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name != "verify"
        for target in targets
        if stage_of(target) > stage_of(name)
    ]
    assert upward == []


def test_no_import_cycle():
    edges = {name: {t for t in targets if t != "verify"} for name, targets in graph().items() if name != "verify"}
    for name, targets in edges.items():  # a package's __init__ imports its own modules: not a cycle
        edges[name] = {t for t in targets if not name.startswith(t + ".") and not t.startswith(name + ".")}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(target) :], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_no_module_is_over_the_line_limit():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def sql_outside_the_store(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_RE.match(node.value):
            if re.search(r"\b(?:FROM|INTO|TABLE|SET|VALUES|user_version|integrity_check)\b", node.value):
                found.append(f"{path.name}:{node.lineno} {node.value[:40]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in STORE_CALLS | {"conn", "db"}:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
    return found


def test_sql_lives_in_the_store():
    store = PACKAGE / "store"
    outside = [
        hit for name, path in modules().items() if store not in path.parents for hit in sql_outside_the_store(path)
    ]
    assert outside == []


def test_the_scan_finds_sql_where_it_is():
    assert sql_outside_the_store(PACKAGE / "store" / "db.py")


def test_migrations_are_named_steps_applied_in_order(tmp_path):
    """The schema's history is a list of named steps; a new store stands at the last of them."""
    from verify.store.db import open_store
    from verify.store.migrations import MIGRATIONS, SCHEMA_VERSION

    names = [name for name, _ in MIGRATIONS]
    assert len(set(names)) == len(names) == SCHEMA_VERSION and all(names)
    assert all(isinstance(step, str) or callable(step) for _, step in MIGRATIONS)
    store = open_store(tmp_path / "new.db")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()
