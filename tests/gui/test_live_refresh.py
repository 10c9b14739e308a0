"""The window shows what another program writes to its journal, within about a second,
keeping the selection and unsaved edits; its own writes are not taken for news."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.queries import create_experiment, update_experiment
from journal.core.storage import Journal
from journal.gui.experiment_list_model import Column
from journal.gui.live_refresh import EDITS_KEPT
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs
from tests.past_runs import record_run

WAIT_MS = 3000  # "within about a second", with room for a loaded machine


def _experiment(journal: Journal, title: str) -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        return experiment.id


@pytest.fixture
def seeded(db_path: Path) -> list[int]:
    """Two experiments, newest last: the window lists [second, first]."""
    with Journal.open(db_path) as journal:
        return [_experiment(journal, "first"), _experiment(journal, "second")]


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama, seeded: list[int]
) -> Iterator[MainWindow]:
    opened = _window(qtbot, db_path, tmp_path, fake_ollama)
    yield opened
    stop_runs(qtbot, opened)


def _window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake: FakeOllama, rows: int = 2
) -> MainWindow:
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    opened = MainWindow(db=str(db_path), host=fake.url, settings=settings)
    qtbot.addWidget(opened)
    opened.show()
    opened.start()
    qtbot.waitUntil(lambda: opened.list_panel.model().rowCount() == rows, timeout=10_000)
    picker = opened.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    return opened


def _open(qtbot: QtBot, window: MainWindow, experiment_id: int) -> None:
    assert window.list_panel.select_experiment(experiment_id)
    qtbot.waitUntil(lambda: window.editor.experiment_id() == experiment_id)


def _titles(window: MainWindow) -> list[str]:
    model = window.list_panel.model()
    return [model.index(row, Column.TITLE).data() for row in range(model.rowCount())]


def _runs_cell(window: MainWindow, experiment_id: int) -> Any:
    model = window.list_panel.model()
    row = model.row_of(experiment_id)
    return None if row is None else model.index(row, Column.RUNS).data()


def test_a_run_recorded_elsewhere_shows_in_the_list_and_history_selection_kept(
    qtbot: QtBot, window: MainWindow, db_path: Path, fake_ollama: FakeOllama, seeded: list[int]
) -> None:
    first, _second = seeded
    _open(qtbot, window, first)
    with Journal.open(db_path) as other:  # as the CLI would: its own Journal, its own commits
        run = record_run(other, fake_ollama.url, first, "Name a river")
        newest = _experiment(other, "made by the CLI")
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _titles(window)[0] == "made by the CLI", timeout=WAIT_MS)
    assert window.history_model.run(0).id == run.id
    assert _runs_cell(window, first) == 1
    assert _titles(window) == ["made by the CLI", "second", "first"]
    assert window.list_panel.current_experiment_id() == first  # still selected and open
    assert window.editor.experiment_id() == first
    assert window.list_panel.model().row_of(newest) == 0

    with Journal.open(db_path) as other, other.write() as session:  # a deleted one leaves
        from journal.core.queries import delete_experiment

        delete_experiment(session, newest)
    qtbot.waitUntil(lambda: _titles(window) == ["second", "first"], timeout=WAIT_MS)
    assert window.list_panel.current_experiment_id() == first


def test_a_run_by_the_cli_process_shows_up(
    qtbot: QtBot,
    window: MainWindow,
    db_path: Path,
    fake_ollama: FakeOllama,
    seeded: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from journal.cli import main

    first, _ = seeded
    _open(qtbot, window, first)
    args = ["--db", str(db_path), "--host", fake_ollama.url, "run", "-m", "llama3:8b"]
    assert main([*args, "-p", "Hello", "--experiment", str(first)]) == 0
    capsys.readouterr()
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=WAIT_MS)
    assert window.list_panel.current_experiment_id() == first


def test_a_list_scrolled_down_keeps_its_place_and_selection(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama, seeded: list[int]
) -> None:
    with Journal.open(db_path) as journal:
        ids = [_experiment(journal, f"task {n}") for n in range(60)]
    window = _window(qtbot, db_path, tmp_path, fake_ollama, rows=62)
    view = window.list_panel.view()
    chosen = ids[20]  # about two-thirds down the list
    _open(qtbot, window, chosen)
    view.scrollTo(window.list_panel.model().index(window.list_panel.model().row_of(chosen) or 0, 0))
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
    top = view.indexAt(view.viewport().rect().topLeft()).data()
    with Journal.open(db_path) as other:
        _experiment(other, "made elsewhere")
    qtbot.waitUntil(lambda: _titles(window)[0] == "made elsewhere", timeout=WAIT_MS)
    assert view.indexAt(view.viewport().rect().topLeft()).data() == top
    assert window.list_panel.current_experiment_id() == chosen
    assert window.editor.experiment_id() == chosen


def test_an_unsaved_title_edit_survives_a_refresh(
    qtbot: QtBot,
    db_path: Path,
    tmp_path: Path,
    fake_ollama: FakeOllama,
    seeded: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Typing is saved once it pauses; here it stays unsaved for the whole test.
    monkeypatch.setattr("journal.gui.experiment_editor.SAVE_DELAY_MS", 600_000)
    window = _window(qtbot, db_path, tmp_path, fake_ollama)
    first, _ = seeded
    _open(qtbot, window, first)
    window.editor.title.setFocus()
    window.editor.title.end(False)
    QTest.keyClicks(window.editor.title, " draft")
    with Journal.open(db_path) as other, other.write() as session:
        update_experiment(session, first, title="renamed elsewhere", hypothesis="theirs")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == EDITS_KEPT, timeout=WAIT_MS)
    assert window.editor.title.text() == "first draft"
    assert window.editor.hypothesis.toPlainText() == ""  # the edits are kept as a whole
    assert window.list_panel.current_experiment_id() == first


def test_fields_without_unsaved_edits_follow_the_change(
    qtbot: QtBot, window: MainWindow, db_path: Path, seeded: list[int]
) -> None:
    first, _ = seeded
    _open(qtbot, window, first)
    with Journal.open(db_path) as other, other.write() as session:
        update_experiment(session, first, title="renamed elsewhere", hypothesis="theirs")
    qtbot.waitUntil(lambda: window.editor.title.text() == "renamed elsewhere", timeout=WAIT_MS)
    assert window.editor.hypothesis.toPlainText() == "theirs"
    qtbot.waitUntil(lambda: "renamed elsewhere" in _titles(window), timeout=WAIT_MS)


def test_the_windows_own_writes_are_not_news(
    qtbot: QtBot,
    db_path: Path,
    tmp_path: Path,
    fake_ollama: FakeOllama,
    seeded: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the test asks: a look taken in the instant between one of the window's own
    # COMMITs and the watcher's second look counts as news on purpose (see change_watch).
    monkeypatch.setattr("journal.gui.live_refresh.POLL_MS", 3_600_000)
    window = _window(qtbot, db_path, tmp_path, fake_ollama)
    refreshes: list[None] = []
    window.live.refreshed.connect(lambda: refreshes.append(None))
    first, _ = seeded
    _open(qtbot, window, first)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    window.prompt_panel.set_prompt("Name a river")
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.editor.title, " edited")
    window.browser.flush()
    assert window.context.wait_for_writes()
    assert window.history_model.rowCount() == 1
    assert not window.live.poll()  # however often the timer asked meanwhile
    assert refreshes == []

    with Journal.open(db_path) as other:  # and another program's write still is
        _experiment(other, "elsewhere")
    assert window.live.poll()
    qtbot.waitUntil(lambda: len(refreshes) == 1, timeout=WAIT_MS)
    assert _titles(window)[0] == "elsewhere"
    stop_runs(qtbot, window)


def test_a_migration_check_refreshes_the_open_history(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama, seeded: list[int]
) -> None:
    """The check writes through this window's journal: not news, yet its replays show."""
    from journal.gui.check_window import CheckWindow

    fake_ollama.add_model(FakeModel("qwen3:0.6b", reply=lambda m, o: "Amazon", family="qwen3"))
    first, _ = seeded
    with Journal.open(db_path) as journal:
        record_run(journal, fake_ollama.url, first, verdict=Verdict.WORKED)
    window = _window(qtbot, db_path, tmp_path, fake_ollama)
    _open(qtbot, window, first)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=WAIT_MS)
    window.list_panel.clear_filters()
    window.check_action.trigger()
    (check,) = window.findChildren(CheckWindow)
    qtbot.waitUntil(lambda: len(check.target_picker.models()) >= 2, timeout=WAIT_MS)
    check.set_source(ExperimentFilter(verdict=Verdict.WORKED))
    check.target_picker.set_current_model("qwen3:0.6b")
    with qtbot.waitSignal(check.check_finished, timeout=10_000):
        check.start_button.click()
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 2, timeout=WAIT_MS)
    assert window.history_model.run(0).model == "qwen3:0.6b"
    assert window.editor.experiment_id() == first
    check.close()
