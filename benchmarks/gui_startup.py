"""Process start to a shown window: the journal on a 100,000-experiment file vs bare PySide6."""

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


def run(journal_path: Path, rounds: int) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "JOURNAL_REPORT_SHOWN": "1",
    }
    app = [
        sys.executable,
        "-m",
        "journal",
        "--db",
        str(journal_path),
        "--host",
        "http://127.0.0.1:9",
    ]
    bare, shown, loaded = [], [], []
    for _ in range(rounds):
        bare.append(_time_to_line([sys.executable, "-c", BARE], "shown", env))
        shown.append(_time_to_line(app, "shown", env))
        loaded.append(_time_to_line(app, "loaded", env))
    emit("gui_bare_pyside6_window_shown", percentile(bare, 0.5) * 1000, "ms")
    emit("gui_journal_window_shown", percentile(shown, 0.5) * 1000, "ms")
    emit("gui_journal_first_page_listed", percentile(loaded, 0.5) * 1000, "ms")
    emit("gui_window_shown_vs_bare", percentile(shown, 0.5) / percentile(bare, 0.5), "ratio")
