"""Pass rates in the list and the matrix, and the Repeat field, in the window against the
fake Ollama: what a person reads in the cells, tooltips and status line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.grading_queue import grade_now
from journal.core.queries import create_experiment, runs_of
from journal.core.storage import Journal
from journal.gui.experiment_list_model import Column
from journal.gui.main_window import MainWindow
from journal.gui.matrix_dialog import MatrixDialog
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs
from tests.past_runs import add_past_run

WindowFactory = Callable[[str], MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot, db_path: Path, tmp_path: Path) -> Iterator[WindowFactory]:
    windows: list[MainWindow] = []
    ini = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def factory(host: str) -> MainWindow:
        window = MainWindow(db=str(db_path), host=host, settings=SettingsStore(ini))
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        stop_runs(qtbot, window)


def _graded_journal(db_path: Path) -> tuple[int, int]:
    """An experiment whose runs pass 1 of 2 (one request, two seeds) and one without
    expectations."""
    with Journal.open(db_path) as journal:
        with journal.write() as session:
            graded = create_experiment(session, title="Capital")
            bare = create_experiment(session, title="No expectations")
            assert graded.id is not None and bare.id is not None
            add_expectation(session, graded.id, parse_expectation("contains:Paris"))
            runs = [
                add_past_run(session, graded.id, "Capital?", options={"seed": 0}, response="Paris"),
                add_past_run(session, graded.id, "Capital?", options={"seed": 1}, response="Lyon"),
            ]
            add_past_run(session, bare.id, "Capital?", response="Paris")
        for run_id in runs:
            grade_now(journal, run_id)
        return graded.id, bare.id


def test_the_list_shows_pass_rates_and_a_dash_without_expectations(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    graded, bare = _graded_journal(db_path)
    window = open_window(fake_ollama.url)
    model = window.list_panel.model()
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    header = model.headerData(Column.PASS_RATE, Qt.Orientation.Horizontal)
    assert header == "Passes"

    def cell(experiment_id: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        row = model.row_of(experiment_id)
        assert row is not None
        return model.index(row, Column.PASS_RATE).data(role)

    assert cell(graded) == "1/2"  # under "Passes"
    tooltip = str(cell(graded, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("1 of 2 runs on llama3:8b pass (1 failed)")
    assert "Latest failure: 0 of 1 pass; missing 'Paris'" in tooltip
    assert "Worked only some of the time" in tooltip
    assert isinstance(cell(graded, Qt.ItemDataRole.DecorationRole), QIcon)  # the mark
    assert cell(bare) == "—"
    assert cell(bare, Qt.ItemDataRole.ToolTipRole) == (
        "No expectations: nothing to grade the runs by."
    )
    assert cell(bare, Qt.ItemDataRole.DecorationRole) is None


def test_the_matrix_toggles_between_verdicts_and_pass_rates(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    graded, _ = _graded_journal(db_path)
    with Journal.open(db_path) as journal, journal.write() as session:
        first = runs_of(session, graded)[0]
        first.verdict = Verdict.WORKED
        session.add(first)
    window = open_window(fake_ollama.url)
    dialog = MatrixDialog(window.context, ExperimentFilter(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    matrix = dialog.model
    row = next(
        r
        for r in range(matrix.rowCount())
        if "Capital" in str(matrix.headerData(r, Qt.Orientation.Vertical))
    )
    index = matrix.index(row, 0)
    assert index.data() == "worked"  # the latest judged verdict
    assert dialog.rates_box.toolTip()
    dialog.rates_box.click()
    assert dialog.rates_box.isChecked()
    assert index.data() == "1/2 pass ~"  # the mark: one request passed and failed
    tooltip = str(index.data(Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("1 of 2 runs on llama3:8b@")
    assert "Latest failure: 0 of 1 pass; missing 'Paris'" in tooltip
    dialog.rates_box.click()
    assert index.data() == "worked"


def _new_experiment_with(qtbot: QtBot, window: MainWindow, expectation: str) -> int:
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() is not None)
    experiment_id = window.editor.experiment_id()
    assert experiment_id is not None and window.context.journal is not None
    with window.context.journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation(expectation))
    return experiment_id


def test_repeat_three_records_seeds_s_to_s_plus_2_and_says_how_many_pass(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    answers = {0: "Paris", 1: "Paris, of course", 2: "Lyon"}
    fake_ollama.add_model(FakeModel("rep:1b", reply=lambda _m, options: answers[options["seed"]]))
    window = open_window(fake_ollama.url)
    experiment_id = _new_experiment_with(qtbot, window, "contains:Paris")
    journal = window.context.journal
    assert journal is not None
    said: list[str] = []
    window.context.said.connect(lambda text, _ms: said.append(text))
    panel = window.prompt_panel
    qtbot.waitUntil(lambda: len(panel.model_picker.models()) > 0, timeout=10_000)
    panel.model_picker.set_current_model("rep:1b")
    panel.set_prompt("Capital of France?")
    assert panel.repeat() == 1 and panel.repeat_box.toolTip()
    panel.repeat_box.setValue(3)
    with qtbot.waitSignal(window.runs.repeated, timeout=20_000) as repeated:
        QTest.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with journal.read() as session:
        runs = runs_of(session, experiment_id)
    assert [run.options.get("seed") for run in runs] == [0, 1, 2]
    assert [run.response for run in runs] == ["Paris", "Paris, of course", "Lyon"]
    assert repeated.args == [[run.id for run in runs]]
    assert any(text.startswith("Run 2 of 3 on rep:1b (seed 1)") for text in said)
    # the count in Qt's plural forms (the English ones come with the app's translation)
    repeated_3 = QCoreApplication.translate("run_controller", "Repeated %n time(s)", None, 3)
    assert said[-1] == (
        f"{repeated_3} (seeds 0 to 2): "  # Repeated 3 times
        "2 of 3 pass, 3 distinct answers: worked only some of the time."
    )
    assert window.statusBar().currentMessage() == said[-1]
    assert window.prompt_panel.run_button.isEnabled()


def test_stopping_a_repeat_stops_the_runs_still_to_come(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    fake_ollama.chunk_delay = 0.05
    window = open_window(fake_ollama.url)
    experiment_id = _new_experiment_with(qtbot, window, "words<=200")
    panel = window.prompt_panel
    qtbot.waitUntil(lambda: len(panel.model_picker.models()) > 0, timeout=10_000)
    panel.model_picker.set_current_model("llama3:8b")
    panel.set_prompt("Name three rivers")
    panel.repeat_box.setValue(5)
    said: list[str] = []
    window.context.said.connect(lambda text, _ms: said.append(text))
    QTest.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.runs.live_run_id is not None, timeout=10_000)
    with qtbot.waitSignal(window.runs.repeated, timeout=10_000):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    journal = window.context.journal
    assert journal is not None
    with journal.read() as session:
        runs = runs_of(session, experiment_id)
    assert [run.status for run in runs] == [RunStatus.CANCELLED]
    stopped = QCoreApplication.translate(
        "run_controller", "Stopped after {done} of %n run(s)", None, 5
    )
    assert said[-1].startswith(f"{stopped.format(done=1)} (seeds 0 to 4")  # 1 of 5 runs
