"""Closing a test's window when a run may still be going."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from journal.gui.main_window import MainWindow


def stop_runs(qtbot: QtBot, window: MainWindow, *, abandon_saving: bool = False) -> None:
    """Stop the window's run and wait until the window itself knows it ended.

    The run's thread ends first; the window learns it from the event loop. Closing it before
    then makes it ask whether to stop the run, and that modal question hangs the teardown.
    """
    if not window.runs.is_running:
        return
    window.runs.stop()
    if abandon_saving:
        window.runs.abandon_saving()
    window.runs.wait(5000)
    qtbot.waitUntil(lambda: not window.runs.is_running, timeout=10_000)
