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


def _time_to_line(command: list[str], prefix: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith(prefix):
                return float(line.split()[1]) - started
        raise RuntimeError(f"{command} never printed {prefix!r}")
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def _measure(app: list[str], env: dict[str, str], rounds: int) -> tuple[float, float, float]:
    """Medians of (bare shown, journal shown, journal's first page listed), in seconds."""
    bare, shown, loaded = [], [], []
    for _ in range(rounds):
        bare.append(_time_to_line([sys.executable, "-c", BARE], "shown", env))
        shown.append(_time_to_line(app, "shown", env))
        loaded.append(_time_to_line(app, "loaded", env))
    return percentile(bare, 0.5), percentile(shown, 0.5), percentile(loaded, 0.5)


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
    _time_to_line(app, "loaded", base)  # the one start that writes the bytecode cache
    bare, shown, loaded = _measure(app, base, rounds)
    emit("gui_bare_pyside6_window_shown", bare * 1000, "ms")
    emit("gui_journal_window_shown", shown * 1000, "ms")
    emit("gui_journal_first_page_listed", loaded * 1000, "ms")
    emit("gui_window_shown_vs_bare", shown / bare, "ratio")
