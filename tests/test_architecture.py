"""The layering of DESIGN.md is checked, not only written down."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports") or str(
        Path(sys.executable).with_name("lint-imports")
    )
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or "0 broken" in result.stdout.lower()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_figures_and_metrics_are_pure() -> None:
    modules = [*(ROOT / "dashboard" / "figures").glob("*.py")]
    modules += [*(ROOT / "dashboard" / "metrics").glob("*.py")]
    assert len(modules) >= 4
    for path in modules:
        imported = _imports(path)
        assert not imported & {"dash", "flask", "sqlalchemy", "data"}, (path.name, imported)


SHARED_CALLBACK_MODULES = {"__init__", "common", "shell", "subject", "rule_cards", "source_status"}


def _independence_contracts() -> list[set[str]]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return [set(c["modules"]) for c in contracts if c["type"] == "independence"]


def test_every_page_is_in_the_independence_contract() -> None:
    """A new page's callbacks must not import another page's: the contract lists every page
    module (those with a ``register``), so a page added without it fails here."""
    pages = {
        f"callbacks.{path.stem}"
        for path in (ROOT / "callbacks").glob("*.py")
        if path.stem not in SHARED_CALLBACK_MODULES
        and "def register(" in path.read_text(encoding="utf-8")
    }
    assert len(pages) >= 12
    (listed,) = [c for c in _independence_contracts() if "callbacks.kommune" in c]
    assert pages == listed, (sorted(pages - listed), sorted(listed - pages))


def test_subject_pages_are_independent_of_each_other() -> None:
    """The subject pages' declarations (callbacks/subjects/) do not import each other (what two
    of them share lives in callbacks.subject): one contract covers every declaration, so a new
    one needs no entry of its own."""
    assert ["callbacks.subjects.*"] in [sorted(c) for c in _independence_contracts()]
    declared = [p for p in (ROOT / "callbacks" / "subjects").glob("*.py") if p.stem != "__init__"]
    assert len(declared) >= 5
