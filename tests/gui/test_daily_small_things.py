"""Issue 14's small things a daily user trips on, in the main window: a verdict's reason is
one keystroke away, and the answer copies as the model wrote it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from journal.core.domain import Verdict
from journal.gui.main_window import MainWindow
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_setup import started_window

MARKDOWN_ANSWER = "**Paris** is the capital.\n\n- Seine\n- Loire"


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    fake_ollama.add_model(FakeModel("md:1b", reply=lambda m, o: MARKDOWN_ANSWER))
    with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
        yield window


def _run(qtbot: QtBot, window: MainWindow) -> None:
    window.prompt_panel.model_picker.set_current_model("md:1b")
    window.prompt_panel.set_prompt("What is the capital of France?")
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Paris" in window.answer_view.answer_text())


def test_a_verdict_shortcut_puts_the_cursor_in_the_why_field(
    qtbot: QtBot, window: MainWindow
) -> None:
    _run(qtbot, window)
    window.prompt_panel.focus_prompt()
    qtbot.waitUntil(lambda: not window.outcome.why.hasFocus())
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.outcome.verdict() is Verdict.PARTLY
    qtbot.waitUntil(window.outcome.why.hasFocus)
    QTest.keyClicks(window.outcome.why, "one river missing")
    assert window.outcome.why.text() == "one river missing"
    # a second verdict keeps the note: the cursor lands after it
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.outcome.why.hasFocus()
    QTest.keyClicks(window.outcome.why, ", and wrong")
    assert window.outcome.why.text() == "one river missing, and wrong"


def test_copy_answer_copies_the_markdown_as_written_and_says_so(
    qtbot: QtBot, window: MainWindow
) -> None:
    button = window.display.copy_button
    assert not button.isEnabled()  # nothing shown yet
    _run(qtbot, window)
    assert button.isEnabled() and button.isVisible()
    assert "Ctrl+Shift+C" in button.toolTip()
    QApplication.clipboard().clear()
    button.click()
    assert QApplication.clipboard().text() == MARKDOWN_ANSWER  # not the rendered text
    assert "**" not in window.answer_view.answer_text()
    assert "Copied" in window.statusBar().currentMessage()
    assert button.toolTip().startswith("Copied")
    # the shortcut and the Run menu entry do the same
    QApplication.clipboard().clear()
    QTest.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QApplication.clipboard().text() == MARKDOWN_ANSWER
    (run_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Run"]
    assert isinstance(run_menu, QMenu)
    (entry,) = [a for a in run_menu.actions() if a.text() == "Cop&y the answer"]
    assert entry.shortcut().toString() == "Ctrl+Shift+C"


def test_a_run_opened_from_the_matrix_comes_to_the_front(qtbot: QtBot, window: MainWindow) -> None:
    from journal.gui.matrix_dialog import MatrixDialog

    _run(qtbot, window)
    first_run, first_experiment = window.display.shown_run_id, window.editor.experiment_id()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() not in (None, first_experiment))
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.findChildren(MatrixDialog)) == 1)
    matrix = window.findChildren(MatrixDialog)[0]
    # a window beside the main one, not a dialog kept above it
    assert matrix.windowType() == Qt.WindowType.Window
    matrix.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is matrix)
    (cell,) = [
        matrix.model.index(row, column)
        for row in range(matrix.model.rowCount())
        for column in range(matrix.model.columnCount())
        if matrix.model.run_id_at(row, column) == first_run
    ]
    matrix.view.setCurrentIndex(cell)
    QTest.keyClick(matrix.view, Qt.Key.Key_Return)  # as a double-click does
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert matrix.isVisible()  # still there, behind, to open another run
    assert window.editor.experiment_id() == first_experiment
    assert window.display.shown_run_id == first_run
    assert window.history_view.selectionModel().isRowSelected(0)
    matrix.close()
