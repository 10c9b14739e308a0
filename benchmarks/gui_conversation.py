"""A conversation of 50 turns shown in the window's run history (the threaded table): the
time from the history being asked to show the experiment to its rows painted, offscreen.

`python -m benchmarks --only conversation`. Two figures, medians over rounds that switch
between a one-run experiment and the conversation (so each round loads and paints afresh):
the history alone (`RunDisplay.load` with the runs already read, then the table painted),
in wall-clock and in the GUI thread's CPU time, and the whole switch as a click on the
experiment list makes it (`open_experiment`: the reads, the editor, the newest answer, the
history). Every fifth turn showed an image, so the history's image marks are in it.
Goal (issue 13): within one 60 Hz frame, 16.7 ms.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.gui_windows import dispose

TURNS = 50
FRAME_MS = 1000 / 60


def _journal(path: Path) -> tuple[int, int]:
    """(the 50-turn conversation's experiment, a one-run experiment)."""
    from journal.core.images import add_image, link_images, user_message
    from journal.core.models import Run, RunStatus
    from journal.core.queries import create_experiment
    from journal.core.storage import Journal
    from tests.image_bytes import png

    with Journal.open(path) as journal, journal.write() as session:
        other = create_experiment(session, title="a single run").id or 0
        session.add(
            Run(
                experiment_id=other,
                model="llama3:8b",
                messages=[user_message("hi")],
                response="hello",
            )
        )
        experiment = create_experiment(session, title="a long conversation").id or 0
        parent: int | None = None
        for turn in range(TURNS):
            shas: list[str] = []
            if turn % 5 == 0:
                image = add_image(session, png(8 + turn, 6, shade=turn), f"p{turn}.png")
                shas = [image.sha256]
            messages = [user_message(f"and then, turn {turn}?", shas)]
            run = Run(
                experiment_id=experiment,
                model="llava:7b",
                messages=messages,
                response=f"turn {turn}'s answer " * 20,
                status=RunStatus.DONE,
                options={"temperature": 0.2, "seed": turn},
                parent_id=parent,
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            link_images(session, run.id, messages)
            parent = run.id
        return experiment, other


def run(rounds: int = 15) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from journal.core.queries import runs_of
    from journal.gui.main_window import MainWindow
    from journal.gui.settings_store import SettingsStore

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "j.sqlite"
        experiment, other = _journal(db)
        settings = SettingsStore(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(db=str(db), host="http://127.0.0.1:9", settings=settings)
        window.resize(1366, 768)
        window.show()
        window.start()
        deadline = time.monotonic() + 20
        while window.context.journal is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        display, browser = window.display, window.browser
        viewport = display.history_view.viewport()
        runs = window.context.read(lambda s: runs_of(s, experiment)) or []
        others = window.context.read(lambda s: runs_of(s, other)) or []

        def painted() -> None:
            app.processEvents()
            viewport.grab()  # paints every visible row now

        history, history_cpu, whole = [], [], []
        for _ in range(rounds):
            display.load(other, others)
            painted()
            started, cpu = time.perf_counter(), time.thread_time()
            display.load(experiment, runs)
            painted()
            history.append((time.perf_counter() - started) * 1000)
            history_cpu.append((time.thread_time() - cpu) * 1000)
            browser.open_experiment(other)
            painted()
            started = time.perf_counter()
            browser.open_experiment(experiment)
            painted()
            whole.append((time.perf_counter() - started) * 1000)
        rows = display.history_model.rowCount()
        note(f"{rows} rows in the history; one 60 Hz frame is {FRAME_MS:.1f} ms")
        emit("conversation_50_turns.history_shown_min", min(history), "ms")
        # The GUI thread's CPU time too: on a shared machine the wall clock also counts
        # the other processes it waits for.
        emit("conversation_50_turns.history_shown_cpu_p50", percentile(history_cpu, 0.5), "ms")
        emit("conversation_50_turns.history_shown_p50", percentile(history, 0.5), "ms")
        emit("conversation_50_turns.history_shown_max", max(history), "ms (goal < 16.7)")
        emit("conversation_50_turns.experiment_opened_p50", percentile(whole, 0.5), "ms")
        emit("conversation_50_turns.experiment_opened_max", max(whole), "ms (goal < 16.7)")
        dispose(window)


if __name__ == "__main__":
    run()
