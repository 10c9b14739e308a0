"""The layers stay apart: the core and the CLI never import Qt, the core never imports the
window or the CLI, the window never imports the CLI, and the CLI reaches the window only
through `journal.gui.app` (which starts it)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "journal"

BLOCK_QT = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken"):
            raise ImportError(f"Qt imported on the Qt-free path: {name}")
        return None
sys.meta_path.insert(0, Blocker())
"""


# -- the import checker (reads source, runs nothing) ------------------------------------


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) for every import in the file, relative ones resolved; `from
    journal import cli` counts as importing `journal.cli`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _layer(name: str) -> str | None:
    if name == "journal.core" or name.startswith("journal.core."):
        return "core"
    if name == "journal.gui" or name.startswith("journal.gui."):
        return "gui"
    top = name.split(".")[:2]
    if len(top) == 2 and top[0] == "journal" and (top[1] == "cli" or top[1].startswith("cli_")):
        return "cli"
    if name == "journal.__main__":
        return "cli"
    return None


def _refusal(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported`, or None when it may."""
    source, target = _layer(importer), _layer(imported)
    if source == "core" and target in ("gui", "cli"):
        return f"the core must not import the {'window' if target == 'gui' else 'CLI'}"
    if source == "gui" and target == "cli":
        return "the window must not import the CLI"
    through_app = imported in ("journal.gui", "journal.gui.app") or imported.startswith(
        "journal.gui.app."
    )
    if source == "cli" and target == "gui" and not through_app:
        return "the CLI reaches the window only through journal.gui.app"
    return None


def layering_violations(root: Path) -> list[str]:
    """`file:line: importer imports imported (why)` for every import that breaks a layer."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in _imported(tree, module, path.name == "__init__.py"):
            why = _refusal(module, name)
            if why:
                problems.append(f"{path.relative_to(root.parent)}:{line}: {name} ({why})")
    return sorted(set(problems))


def test_the_layers_import_only_what_they_may() -> None:
    assert layering_violations(PACKAGE) == []


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "journal"
    for name, text in {"__init__.py": "", "core/__init__.py": "", "gui/__init__.py": ""}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_the_checker_finds_a_planted_core_to_gui_import(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "core/fine.py": "from journal.core import errors\nimport json\n",
            "core/bad.py": "import os\n\n\ndef f():\n    from journal.gui.tasks import Task\n",
        },
    )
    assert layering_violations(root) == [
        "journal/core/bad.py:5: journal.gui.tasks (the core must not import the window)",
        "journal/core/bad.py:5: journal.gui.tasks.Task (the core must not import the window)",
    ]


def test_the_checker_finds_every_kind_of_crossing(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "core/relative.py": "from ..gui import app\n",
            "core/cli_user.py": "from journal import cli\n",
            "gui/widget.py": "from journal.cli_support import print_table\n",
            "cli.py": "from journal.gui.app import run_app\nimport journal.gui.main_window\n",
            "cli_extra.py": "from journal.core.errors import JournalError\n",
        },
    )
    problems = layering_violations(root)
    assert any(p.startswith("journal/core/relative.py:1: journal.gui") for p in problems)
    assert "journal/core/cli_user.py:1: journal.cli (the core must not import the CLI)" in problems
    assert any(p.startswith("journal/gui/widget.py:1: journal.cli_support") for p in problems)
    assert (
        problems.count(
            "journal/cli.py:2: journal.gui.main_window "
            "(the CLI reaches the window only through journal.gui.app)"
        )
        == 1
    )
    assert not any(p.startswith(("journal/cli.py:1", "journal/cli_extra.py")) for p in problems)


# -- Qt stays out of the core and the CLI (imports them for real) -----------------------


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_QT + code], capture_output=True, text=True, timeout=60
    )


def test_core_modules_import_without_qt() -> None:
    code = """
import pkgutil, importlib, journal.core
for module in pkgutil.walk_packages(journal.core.__path__, "journal.core."):
    importlib.import_module(module.name)
import journal.cli
print("ok")
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_cli_commands_run_without_qt(tmp_path: object) -> None:
    code = f"""
from journal.core.storage import Journal
Journal.open(r"{tmp_path}/j.sqlite").close()  # `list` only reads: it creates no journal
from journal.cli import main
raise SystemExit(main(["--db", r"{tmp_path}/j.sqlite", "list"]))
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr


def test_help_does_not_load_the_database_layer() -> None:
    code = """
import sys
from journal.cli import build_parser
build_parser().format_help()
assert "sqlmodel" not in sys.modules and "ollama" not in sys.modules, sorted(sys.modules)
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr


def test_the_window_shows_before_the_database_layer_loads(tmp_path: Path) -> None:
    """Importing SQLModel costs ~0.3-0.5 s: the window shows first, then loads it (app.py)."""
    code = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from journal.gui.main_window import MainWindow
window = MainWindow(db=r"{tmp_path}/j.sqlite", host="http://127.0.0.1:9")
window.show()
app.processEvents()
loaded = [name for name in ("sqlmodel", "sqlalchemy", "ollama") if name in sys.modules]
assert not loaded, loaded
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_insights_charts_load_only_when_their_window_opens(tmp_path: Path) -> None:
    """Qt Quick and Qt Graphs (the Insights charts) cost start-up time nobody asked for:
    the window, shown and started, has not imported them nor the Insights modules."""
    code = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from journal.gui.main_window import MainWindow
window = MainWindow(db=r"{tmp_path}/j.sqlite", host="http://127.0.0.1:9")
window.show()
app.processEvents()
charts = ("journal.gui.insights", "PySide6.QtQuick", "PySide6.QtGraphs", "PySide6.QtQml")
loaded = [name for name in sys.modules if name.startswith(charts)]
assert not loaded, loaded
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
