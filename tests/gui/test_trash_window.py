"""Deleting, undoing, duplicating and archiving in the window, and the trash dialog (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from journal.core.domain import RunStatus
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.input_sets import add_rows, check_row
from journal.core.models import Run, utcnow
from journal.core.ownership import current_owner
from journal.core.queries import create_experiment, runs_of
from journal.core.storage import Journal
from journal.core.trash import trash_experiments, trash_runs
from journal.gui.experiment_list_model import Column
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from journal.gui.trash_dialog import TrashDialog

# Counted text ("1 run", "3 runs") as the app's English translation gives it.

Opener = Callable[[], MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot, db_path: Path, tmp_path: Path) -> Opener:
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))

    def factory() -> MainWindow:
        window = MainWindow(db=str(db_path), settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.editor.experiment_id() is not None, timeout=10_000)
        return window

    return factory


def _experiment(db: Path, title: str, runs: int = 0, prompt: str = "Name three rivers") -> int:
    with Journal.open(db) as journal, journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        parent = None
        for number in range(runs):
            run = Run(
                experiment_id=experiment.id,
                model="llama3:8b",
                messages=[{"role": "user", "content": prompt}],
                status=RunStatus.DONE,
                response=f"answer {number}",
                parent_id=parent if number == runs - 1 and runs > 2 else None,
            )
            session.add(run)
            session.flush()
            parent = run.id
        return experiment.id


def _rows(window: MainWindow) -> list[int]:
    model = window.list_panel.model()
    return [model.summary(row).id for row in range(model.rowCount())]


def _message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_delete_key_trashes_the_experiment_and_ctrl_z_brings_it_back(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    lakes = _experiment(db_path, "Lakes")
    rivers = _experiment(db_path, "Rivers", runs=3)
    window = open_window()
    assert window.editor.experiment_id() == rivers
    assert not window.undo_action.isEnabled()
    view = window.list_panel.view()
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: rivers not in _rows(window))
    assert _message(window) == "Moved 'Rivers' and its 3 runs to the trash. Ctrl+Z brings it back."
    assert window.list_panel.current_experiment_id() == lakes  # the next row is open
    qtbot.waitUntil(lambda: window.list_panel.count_text() == "1 experiment")
    qtbot.waitUntil(lambda: window.editor.title.text() == "Lakes")
    assert window.undo_action.isEnabled()

    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.list_panel.current_experiment_id() == rivers)
    assert _rows(window) == [rivers, lakes]
    assert window.editor.title.text() == "Rivers"
    assert window.history_model.rowCount() == 3
    assert "Brought back 'Rivers'" in _message(window)
    assert not window.undo_action.isEnabled()


def test_delete_key_in_the_history_trashes_runs_with_their_later_turns(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    rivers = _experiment(db_path, "Rivers", runs=3)  # the third follows the second
    window = open_window()
    history = window.history_view
    runs = [window.history_model.run(row) for row in range(3)]
    parent = next(run.parent_id for run in runs if run.parent_id is not None)
    window.display.select_run(parent)
    history.setFocus()
    QTest.keyClick(history, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1)
    assert _message(window) == (
        f"Moved run {parent} and 1 later turn that followed to the trash. Ctrl+Z brings them back."
    )
    model = window.list_panel.model()
    assert model.summary(model.row_of(rivers) or 0).run_count == 1

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 3)
    assert window.display.current_run_id() == parent
    assert model.summary(model.row_of(rivers) or 0).run_count == 3


def test_duplicate_opens_a_copy_with_the_prompt_expectations_and_inputs(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    rivers = _experiment(db_path, "Rivers", runs=1, prompt="Name a river in {{country}}")
    with Journal.open(db_path) as journal, journal.write() as session:
        add_expectation(session, rivers, parse_expectation("contains:Seine"))
        add_expectation(session, rivers, parse_expectation("contains:river"))
        add_rows(
            session, rivers, [check_row({"country": "France"}), check_row({"country": "Peru"})]
        )
    window = open_window()
    window.prompt_panel.set_prompt("something else")
    QTest.keyClick(
        window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: window.editor.experiment_id() not in (None, rivers))
    copy = window.editor.experiment_id()
    assert window.list_panel.current_experiment_id() == copy
    assert window.editor.title.text() == "Rivers (copy)"
    assert window.prompt_panel.prompt() == "Name a river in {{country}}"
    qtbot.waitUntil(lambda: len(window.editor.expectations.rows()) == 2)
    qtbot.waitUntil(lambda: window.editor.inputs.model.rowCount() == 2)
    assert "Duplicated 'Rivers' with 2 expectations and 2 input rows" in _message(window)


def test_archive_hides_it_and_the_archived_filter_shows_it_muted(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    lakes = _experiment(db_path, "Lakes")
    rivers = _experiment(db_path, "Rivers")
    window = open_window()
    window.archive_action.trigger()
    qtbot.waitUntil(lambda: _rows(window) == [lakes])
    assert "Archived 'Rivers'" in _message(window)
    button = window.list_panel.findChild(QToolButton, "archived-filter")
    assert button is not None and button.toolTip()
    button.click()
    qtbot.waitUntil(lambda: _rows(window) == [rivers, lakes])
    model = window.list_panel.model()
    title = model.index(0, Column.TITLE)
    assert "(archived)" in title.data(Qt.ItemDataRole.ToolTipRole)
    muted = QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
    assert title.data(Qt.ItemDataRole.ForegroundRole) == muted
    assert model.index(1, Column.TITLE).data(Qt.ItemDataRole.ForegroundRole) is None
    button.click()
    qtbot.waitUntil(lambda: _rows(window) == [lakes])
    window.list_panel.search.setText("Rivers")  # a search finds archived ones too
    qtbot.waitUntil(lambda: _rows(window) == [rivers])
    # Unarchiving brings it back to the default list.
    window.list_panel.select_experiment(rivers)
    window.archive_action.trigger()
    window.list_panel.clear_filters()
    qtbot.waitUntil(lambda: _rows(window) == [rivers, lakes])
    assert "(archived)" not in model.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)


def _item(dialog: TrashDialog, row: int) -> QTreeWidgetItem:
    item = dialog.tree.topLevelItem(row)
    assert item is not None
    return item


def test_trash_dialog_restores_and_empties(
    qtbot: QtBot, open_window: Opener, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lakes = _experiment(db_path, "Lakes", runs=2)
    rivers = _experiment(db_path, "Rivers", runs=2)
    with Journal.open(db_path) as journal, journal.write() as session:
        trash_experiments(session, [lakes])
        run_id = runs_of(session, rivers)[0].id
        assert run_id is not None
        trash_runs(session, [run_id])
    window = open_window()
    assert _rows(window) == [rivers]
    window.trash_action.trigger()
    dialog = window.findChild(TrashDialog, "trashDialog")
    assert dialog is not None and dialog.isVisible()
    texts = [_item(dialog, row).text(1) for row in range(dialog.tree.topLevelItemCount())]
    assert sorted(texts) == sorted(
        ["Experiment 'Lakes' and its 2 runs", f"Run {run_id} on llama3:8b of 'Rivers'"]
    )
    assert not dialog.restore_button.isEnabled()
    lakes_row = texts.index("Experiment 'Lakes' and its 2 runs")
    _item(dialog, lakes_row).setSelected(True)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1)
    assert dialog.message.text() == f"Restored experiment {lakes} and its 2 runs from the trash."
    qtbot.waitUntil(lambda: _rows(window) == [rivers, lakes])

    asked: list[tuple[int, int]] = []

    def confirm(_cls: object, _parent: object, experiments: int, runs: int) -> bool:
        asked.append((experiments, runs))
        return True

    monkeypatch.setattr(TrashDialog, "confirm_empty", classmethod(confirm))
    dialog.empty_button.click()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 0)
    assert asked == [(0, 1)]
    assert dialog.message.text().startswith("Deleted 0 experiments and 1 run for good")
    assert not dialog.empty_button.isEnabled()


def test_ctrl_z_in_the_title_undoes_typing_not_the_delete(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    lakes = _experiment(db_path, "Lakes")
    rivers = _experiment(db_path, "Rivers")
    window = open_window()
    view = window.list_panel.view()
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _rows(window) == [lakes])
    qtbot.waitUntil(lambda: window.editor.title.text() == "Lakes")
    title = window.editor.title
    title.setFocus()
    title.end(False)
    QTest.keyClicks(title, " deep")
    assert title.text() == "Lakes deep"
    QTest.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert title.text() == "Lakes"
    assert _rows(window) == [lakes]  # the delete stands
    assert window.undo_action.isEnabled()
    # The Delete key while typing deletes text, not the experiment.
    QTest.keyClick(title, Qt.Key.Key_Home)
    QTest.keyClick(title, Qt.Key.Key_Delete)
    assert title.text() == "akes"
    assert _rows(window) == [lakes]
    assert rivers not in _rows(window)


def test_a_running_run_refuses_the_delete_in_one_line(
    qtbot: QtBot, open_window: Opener, db_path: Path
) -> None:
    rivers = _experiment(db_path, "Rivers", runs=1)
    with Journal.open(db_path) as journal, journal.write() as session:
        run = runs_of(session, rivers)[0]
        run.status = RunStatus.STREAMING
        run.owner = current_owner()  # this process: alive, so the run is not interrupted
        run.heartbeat_at = utcnow()
        session.add(run)
        run_id = run.id
    window = open_window()
    view = window.list_panel.view()
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "still running" in _message(window))
    assert _message(window) == f"Run {run_id} is still running; cancel it first."
    assert _rows(window) == [rivers]
    assert not window.undo_action.isEnabled()
