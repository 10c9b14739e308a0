"""A main window as a person gets it: shown, started, its journal open and, when the server
answers, its models listed; each test's settings in its own file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.gui.window_teardown import stop_runs


@contextmanager
def started_window(
    qtbot: QtBot, db_path: Path, host: str, settings_dir: Path
) -> Iterator[MainWindow]:
    """The window on `db_path` and `host`, its models listed; its run stopped after."""
    settings = SettingsStore(QSettings(str(settings_dir / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=host, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    try:
        yield window
    finally:
        stop_runs(qtbot, window)
