"""The window's run, stop and reopen path against a real Ollama (`ollama` marker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import RunStatus
from journal.core.queries import experiment_detail, list_experiments
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore

pytestmark = pytest.mark.ollama


def _window(qtbot: QtBot, db_path: Path, host: str, tmp_path: Path) -> MainWindow:
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=host, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=20_000)
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=20_000)
    return window


def test_run_stop_and_reopen_against_real_ollama(
    qtbot: QtBot, db_path: Path, tmp_path: Path, real_ollama: str, real_model: str
) -> None:
    window = _window(qtbot, db_path, real_ollama, tmp_path)
    window.prompt_panel.model_picker.set_current_model(real_model)
    window.prompt_panel.set_prompt("Say hello in five words.")
    window.prompt_panel.options_panel.set_values({"num_predict": 16, "temperature": 0}, None, None)
    with qtbot.waitSignal(window.runs.finished, timeout=120_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    done_text = window.answer_view.response_text()
    assert done_text.strip()

    window.prompt_panel.set_prompt("Count from one to two hundred in words.")
    window.prompt_panel.options_panel.set_values({"num_predict": 400, "temperature": 0}, None, None)
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.answer_view.answer_text().split()) >= 3, timeout=120_000)
    with qtbot.waitSignal(window.runs.finished, timeout=10_000):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    window.close()

    with Journal.open(db_path) as journal, journal.read() as session:
        (row,) = list_experiments(session)
        first, stopped = experiment_detail(session, row.id).runs
    assert first.status is RunStatus.DONE and first.eval_count
    assert len(first.model_digest) == 64
    assert stopped.status is RunStatus.CANCELLED and stopped.response

    again = _window(qtbot, db_path, real_ollama, tmp_path)
    qtbot.waitUntil(lambda: again.history_model.rowCount() == 2, timeout=10_000)
    assert again.answer_view.response_text().strip() == stopped.response.strip()
    again.close()
