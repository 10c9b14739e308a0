"""Start the window: show it first, then load the core (importing SQLModel costs ~300 ms)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtWidgets import QApplication


def _log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("llm-journal", appauthor=False))


def run_app(db: str | None = None, host: str | None = None) -> int:
    from journal.gui.crash_dialog import install_crash_handler
    from journal.gui.i18n import chosen_language, install_language
    from journal.gui.main_window import MainWindow
    from journal.gui.resources import app_icon
    from journal.gui.settings_store import SettingsStore

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("LLM Journal")
    app.setOrganizationName("llm-journal")
    app.setDesktopFileName("llm-journal")
    app.setWindowIcon(app_icon())
    install_crash_handler(lambda: _log_dir() / "crash.log")
    settings = SettingsStore()
    install_language(app, chosen_language(settings.language()))  # before any widget
    window = MainWindow(db=db, host=host, settings=settings)
    window.show()
    if os.environ.get("JOURNAL_REPORT_SHOWN"):
        # For the start-up benchmark (benchmarks/gui_startup.py): when shown, and when the
        # first page's rows are in the list (what a person sees), painted or not.
        app.processEvents()
        print(f"shown {time.monotonic():.6f}", flush=True)
        _report_listed(window.list_panel.model())
    QTimer.singleShot(0, window.start)
    return app.exec()


def _report_listed(model: QAbstractItemModel) -> None:
    def listed() -> None:
        if model.rowCount() > 0:
            print(f"loaded {time.monotonic():.6f}", flush=True)
            model.rowsInserted.disconnect(listed)
            model.modelReset.disconnect(listed)

    model.rowsInserted.connect(listed)
    model.modelReset.connect(listed)
