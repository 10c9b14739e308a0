"""Start the window: show it first, then load the core (importing SQLModel costs ~300 ms)."""

from __future__ import annotations

import sys


def run_app(db: str | None = None, host: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from journal.gui.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("LLM Journal")
    app.setOrganizationName("llm-journal")
    app.setDesktopFileName("llm-journal")
    window = MainWindow(db=db, host=host)
    window.show()
    return app.exec()
