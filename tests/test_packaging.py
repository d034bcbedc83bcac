"""What the code imports is declared in pyproject.toml, and every message of the catalogue is used (issue 15).

- Each third-party module imported by the product (bot/, handlers/, services/, storage/, knowledge/,
  vocabulary/) comes from a distribution of [project.dependencies], or of the `postgres` extra (the optional
  backend, imported only when DATABASE_URL names PostgreSQL). bench/ may add the `bench` extra, tests/ the
  `test` extra. An import counts wherever it is written (inside a function too).
- Each declared dependency is imported by the product, except the ones listed below with the reason.
- Each name of vocabulary/messages.py is read by the product (an attribute `msg.NAME`, a `from … import NAME`
  or a plain name), so that no message stays in the catalogue after the code that showed it is gone.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "handlers", "services", "storage", "knowledge", "vocabulary")
FIRST_PARTY = {*PRODUCT, "tests", "bench"}
#: Declared on purpose although the product never imports them.
NOT_IMPORTED = {
    # httpcore (under httpx) looks for sniffio on every request and scans sys.path when it is missing.
    "sniffio": "speed of httpx",
}


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them: 'PyYAML' → 'pyyaml', 'rank_bm25' → 'rank-bm25'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalized(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip()).group(0))


@cache
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared(*extras: str) -> set[str]:
    names = {requirement_name(r) for r in project()["dependencies"]}
    for extra in extras:
        names |= {requirement_name(r) for r in project()["optional-dependencies"][extra]}
    return names


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Top-level names of the absolute imports of one file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(*folders: str) -> dict[str, set[str]]:
    """distribution → files importing it, for the third-party imports of `folders`."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in python_files(*folders):
        for module in imported_modules(path):
            if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
                continue
            # an installed module names its distribution; one that is not installed here (a bench extra)
            # is taken to be named like its distribution
            for dist in owners.get(module, [module]):
                found.setdefault(normalized(dist), set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("folders", "extras"),
    [(PRODUCT, ("postgres",)), (("bench",), ("postgres", "bench")), (("tests",), ("postgres", "test"))],
    ids=["product", "bench", "tests"],
)
def test_every_third_party_import_is_declared(folders, extras):
    allowed = declared(*extras)
    missing = {dist: sorted(files) for dist, files in third_party(*folders).items() if dist not in allowed}
    assert not missing, f"imported but not declared in pyproject.toml ({', '.join(extras)}): {missing}"


def test_every_dependency_is_imported_by_the_product():
    used = set(third_party(*PRODUCT))
    unused = declared() - used - set(NOT_IMPORTED)
    assert not unused, f"declared in [project.dependencies] but never imported: {sorted(unused)}"
    assert set(NOT_IMPORTED) <= declared()


def test_extras():
    """`postgres` for the backend, `bench` for the BM25 baseline, `test` for the checks; nothing more."""
    extras = project()["optional-dependencies"]
    assert set(extras) == {"postgres", "bench", "test"}
    assert "rank-bm25" in declared("bench") and "rank-bm25" not in declared("test", "postgres")
    assert set(third_party(*PRODUCT)["asyncpg"]) == {"storage/postgres.py"}


def test_the_checks_see_imports_inside_functions(tmp_path):
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    import asyncpg.pool\n    from yaml import safe_load\n", encoding="utf-8")
    assert imported_modules(source) == {"asyncpg", "yaml"}


def catalogue_names() -> set[str]:
    tree = ast.parse((ROOT / "vocabulary" / "messages.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def names_read(*folders: str) -> set[str]:
    read: set[str] = set()
    catalogue = ROOT / "vocabulary" / "messages.py"
    for path in python_files(*folders):
        if path == catalogue:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Attribute):
                read.add(node.attr)
            elif isinstance(node, ast.Name):
                read.add(node.id)
            elif isinstance(node, ast.ImportFrom):
                read |= {alias.name for alias in node.names}
    return read


def catalogue_lookups(*folders: str) -> list[str]:
    """`getattr(msg, …)` / `vars(messages)`: a catalogue name built at run time, which names_read cannot
    see."""
    found = []
    for path in python_files(*folders):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "vars")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in ("msg", "messages")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_message_of_the_catalogue_is_used():
    assert not catalogue_lookups(*PRODUCT), "a name built at run time: extend names_read to see it"
    unused = catalogue_names() - names_read(*PRODUCT)
    assert not unused, f"messages no product code reads (remove them): {sorted(unused)}"
    assert catalogue_lookups("tests")  # the lookup finder works (tests/test_case_form.py uses getattr)
