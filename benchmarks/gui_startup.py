"""Process start to a shown window, and to the first page's rows in the journal list (what a
person sees; journal.gui.app prints `loaded` then), on a 100,000-experiment file, vs bare
PySide6.

Measured as people run it: with Python's bytecode cache, written at the first start and read
after (PYTHONDONTWRITEBYTECODE, set in some shells and CI, would have every start compile
the journal's modules again, a cost no installed copy pays).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.figures import emit, percentile

BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 820)
window.show()
app.processEvents()
print(f"shown {time.monotonic():.6f}", flush=True)
"""


def _times_to_lines(
    command: list[str], prefixes: tuple[str, ...], env: dict[str, str]
) -> list[float]:
    """Seconds from starting `command` to each of the lines starting with `prefixes`, in
    one process (so a gap between two of them is that process's own)."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    seen: dict[str, float] = {}
    try:
        for line in process.stdout:
            prefix = line.split(" ", 1)[0]
            if prefix in prefixes:
                seen[prefix] = float(line.split()[1]) - started
            if len(seen) == len(prefixes):
                return [seen[prefix] for prefix in prefixes]
        raise RuntimeError(f"{command} printed only {sorted(seen)} of {prefixes}")
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def _measure(app: list[str], env: dict[str, str], rounds: int) -> dict[str, float]:
    """Medians over `rounds` of bare PySide6 shown, the journal shown, its first page listed
    (from process start), and the gap from shown to listed in the same process; seconds."""
    bare, shown, listed, gap = [], [], [], []
    for _ in range(rounds):
        bare += _times_to_lines([sys.executable, "-c", BARE], ("shown",), env)
        window_shown, rows_listed = _times_to_lines(app, ("shown", "loaded"), env)
        shown.append(window_shown)
        listed.append(rows_listed)
        gap.append(rows_listed - window_shown)
    return {
        name: percentile(values, 0.5)
        for name, values in (("bare", bare), ("shown", shown), ("listed", listed), ("gap", gap))
    }


def run(journal_path: Path, rounds: int) -> None:
    base = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "JOURNAL_REPORT_SHOWN": "1",
    }
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    app = [
        sys.executable,
        "-m",
        "journal",
        "--db",
        str(journal_path),
        "--host",
        "http://127.0.0.1:9",
    ]
    _times_to_lines(app, ("loaded",), base)  # the one start that writes the bytecode cache
    medians = _measure(app, base, rounds)
    emit("gui_bare_pyside6_window_shown", medians["bare"] * 1000, "ms")
    emit("gui_journal_window_shown", medians["shown"] * 1000, "ms")
    emit("gui_journal_first_page_listed", medians["listed"] * 1000, "ms")
    # Issue 16: the first page in the list within 300 ms of the window showing.
    emit("gui_first_page_after_window_shown", medians["gap"] * 1000, "ms (goal < 300)")
    emit("gui_window_shown_vs_bare", medians["shown"] / medians["bare"], "ratio")
