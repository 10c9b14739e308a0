"""`journal` with no command opens a window (the full window arrives with the GUI issue)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from journal.gui.main_window import MainWindow


def test_window_names_the_journal_and_the_host(qtbot: QtBot, db_path: Path) -> None:
    window = MainWindow(db=str(db_path), host="127.0.0.1:5555")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "LLM Journal"
    central = window.centralWidget()
    assert central is not None
    text = central.property("text")
    assert str(db_path) in text
    assert "http://127.0.0.1:5555" in text
