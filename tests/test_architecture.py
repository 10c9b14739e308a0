"""The core and the CLI never import Qt: they must run where Qt is not even installed."""

from __future__ import annotations

import subprocess
import sys

BLOCK_QT = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken"):
            raise ImportError(f"Qt imported on the Qt-free path: {name}")
        return None
sys.meta_path.insert(0, Blocker())
"""


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
