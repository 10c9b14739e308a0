"""GUI event-loop latency while a fast 5,000-chunk stream renders in the journal window."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.figures import emit, percentile
from benchmarks.gui_windows import dispose
from benchmarks.streaming import _server_process


def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from journal.gui.main_window import MainWindow
    from journal.gui.settings_store import SettingsStore

    app = QApplication.instance() or QApplication([])
    with _server_process() as url, tempfile.TemporaryDirectory() as folder:
        settings = SettingsStore(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(db=str(Path(folder) / "j.sqlite"), host=url, settings=settings)
        window.show()
        window.start()
        deadline = time.monotonic() + 20
        picker = window.prompt_panel.model_picker
        while (
            window.context.journal is None or not picker.models()
        ) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        picker.set_current_model("llama3:8b")
        window.prompt_panel.set_prompt("go")

        lateness: list[float] = []
        expected = [0.0]
        timer = QTimer()
        timer.setInterval(10)

        def tick() -> None:
            now = time.perf_counter()
            if expected[0]:
                lateness.append(max(0.0, now - expected[0]) * 1000)
            expected[0] = now + 0.010

        timer.timeout.connect(tick)
        finished: list[object] = []
        window.runs.finished.connect(finished.append)
        timer.start()
        started = time.perf_counter()
        window.run_prompt()
        while not finished and time.perf_counter() - started < 60:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        elapsed = time.perf_counter() - started
        answer_words = len(window.answer_view.answer_text().split())
        dispose(window)
    emit("gui_stream_5000_chunks_total", elapsed * 1000, "ms")
    emit("gui_stream_words_shown", answer_words, "count")
    emit("gui_event_loop_lateness_p99", percentile(lateness, 0.99), "ms")
    emit("gui_event_loop_lateness_max", max(lateness), "ms")
