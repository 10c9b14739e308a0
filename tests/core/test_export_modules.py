"""Modules share helpers through public names only: no module of the journal reaches into
another's private ones (the export and import modules, first, through export_text,
export_records and notebook_format)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).parents[2] / "journal" / "core"
MODULES = sorted(
    [
        *CORE.glob("export_*.py"),
        *CORE.glob("import_*.py"),
        CORE / "notebook_format.py",
        CORE / "front_matter.py",
    ]
)


def _private_uses(path: Path) -> list[str]:
    """`from journal... import _x` and `module._x` for a journal module imported here."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("journal"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name.startswith("journal"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_export_module_uses_anothers_private_names() -> None:
    assert len(MODULES) >= 8
    uses = {path.name: _private_uses(path) for path in MODULES}
    assert {name: found for name, found in uses.items() if found} == {}


def test_no_module_of_the_journal_uses_anothers_private_names() -> None:
    """The core, the CLI and the window alike (the answer view's rich text helpers, which
    the export preview shares, are rich_text's public names)."""
    package = CORE.parent
    paths = sorted(package.rglob("*.py"))
    assert len(paths) > 100
    uses = {str(path.relative_to(package)): _private_uses(path) for path in paths}
    assert {name: found for name, found in uses.items() if found} == {}
