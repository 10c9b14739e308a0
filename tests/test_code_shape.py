"""The code stays lean: nothing defined that nothing uses. Read from source; nothing runs."""

from __future__ import annotations

import ast
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where code may be used from; tests count (an inspection method the tests need is alive).
READ_FROM = ("journal", "tests", "scripts", "benchmarks")
# Where every function must be used somewhere: the package and the fake Ollama.
CHECKED = [ROOT / "journal", ROOT / "tests" / "fake_ollama.py"]
# Hooks a framework calls by name: Qt's camelCase overrides, http.server's do_GET,
# HTMLParser's handle_*, SQLAlchemy's process_* and pytest's autouse fixtures.
CALLED_BY_NAME = re.compile(
    r"^(__\w+__|[a-z]+[A-Z]\w*|do_[A-Z]+|handle_\w+|log_message|process_\w+|test_\w+)$"
)


def _python_files(*places: Path) -> list[Path]:
    files: list[Path] = []
    for place in places:
        files += sorted(place.rglob("*.py")) if place.is_dir() else [place]
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def _uses() -> Counter[str]:
    """Every name read anywhere: variables, attributes, imports, and words in strings
    (getattr, connections by name, setattr(f"{name}_action"))."""
    used: Counter[str] = Counter()
    for path in _python_files(*(ROOT / place for place in READ_FROM)):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                used[node.id] += 1
            elif isinstance(node, ast.Attribute):
                used[node.attr] += 1
            elif isinstance(node, ast.alias):
                used[node.name.rsplit(".", 1)[-1]] += 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.update(re.findall(r"[A-Za-z_]\w*", node.value))
    return used


def test_every_function_and_class_is_used_somewhere() -> None:
    used = _uses()
    unused = []
    for path in _python_files(*CHECKED):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if CALLED_BY_NAME.match(node.name) or used[node.name]:
                continue
            unused.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    assert unused == [], "defined but never used; remove it or use it"


def test_test_files_are_named_after_what_they_test() -> None:
    """`test_issue5_gui.py` said when it was written, not what it checks."""
    named_after_issues = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if re.search(r"issue_?\d", path.name)
    ]
    assert named_after_issues == []


# Another checkout's shared notes or this machine's workspace: a clone has neither.
OUTSIDE = re.compile(r"\.\./shared\b|/work/")
NOT_OURS = {".git", ".venv", ".hypothesis", "__pycache__", ".mypy_cache", ".ruff_cache"}
NOT_OURS |= {".pytest_cache", "build", "dist", "screenshots"}


def _repository_files() -> Iterator[Path]:
    """Every file of the checkout but what git ignores (the virtualenv, caches, builds)."""
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [f for f in folders if f not in NOT_OURS and not f.endswith(".egg-info")]
        yield from (Path(folder) / name for name in files if name not in NOT_OURS)


def test_no_file_refers_to_anything_outside_the_repository() -> None:
    found = []
    for path in sorted(_repository_files()):
        if path.resolve() == Path(__file__).resolve():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # a picture or a journal file
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


CONSTRUCTOR_LINES = 60


def test_widget_constructors_stay_short() -> None:
    """A window's __init__ reads as an outline: the layout, connections and state it needs
    are built in small `_init_*` methods, not in one long run of statements."""
    long = []
    for path in _python_files(ROOT / "journal" / "gui"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and method.name == "__init__":
                    assert method.end_lineno is not None
                    lines = method.end_lineno - method.lineno + 1
                    if lines > CONSTRUCTOR_LINES:
                        long.append(f"{path.relative_to(ROOT)}: {node.name} ({lines} lines)")
    assert long == []
