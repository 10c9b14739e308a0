"""The journal window end to end against the fake Ollama server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from journal.core.domain import RunStatus, Verdict
from journal.core.queries import experiment_detail, list_experiments
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from journal.gui.window_dialogs import WindowDialogs
from tests.fake_ollama import FakeOllama
from tests.gui.window_teardown import stop_runs

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def settings(tmp_path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def open_window(qtbot: QtBot, db_path: Path, settings: SettingsStore) -> Iterator[WindowFactory]:
    windows: list[MainWindow] = []

    def factory(host: str, *, wait_models: bool = True) -> MainWindow:
        window = MainWindow(db=str(db_path), host=host, settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
        if wait_models:
            picker = window.prompt_panel.model_picker
            qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        stop_runs(qtbot, window)


def _type_prompt(qtbot: QtBot, window: MainWindow, text: str, model: str = "llama3:8b") -> None:
    window.prompt_panel.model_picker.set_current_model(model)
    window.prompt_panel.set_prompt(text)


def _run_and_wait(qtbot: QtBot, window: MainWindow, timeout: int = 15_000) -> None:
    with qtbot.waitSignal(window.runs.finished, timeout=timeout):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_log_run_judge_and_find_it_again_after_reopening(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    fake_ollama.chunk_delay = 0.01
    window = open_window(fake_ollama.url)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() is not None)
    experiment_id = window.editor.experiment_id()
    QTest.keyClicks(window.editor.title, "Rivers of Europe")
    window.editor.hypothesis.setPlainText("It names three real rivers")
    _type_prompt(qtbot, window, "Name three rivers in Europe")
    seen: list[str] = []
    window.runs.text_received.connect(lambda content, _: seen.append(content))
    _run_and_wait(qtbot, window)
    assert len(seen) >= 1  # streamed in batches, not one signal per token
    answer = window.answer_view.answer_text()
    assert answer.strip()
    assert window.history_model.rowCount() == 1
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.outcome.why, "three real ones")
    window.close()
    assert not window.isVisible()

    with Journal.open(db_path) as journal, journal.read() as session:
        detail = experiment_detail(session, experiment_id or 0)
    assert detail.experiment.title == "Rivers of Europe"
    assert detail.experiment.hypothesis == "It names three real rivers"
    (run,) = detail.runs
    assert run.status is RunStatus.DONE
    assert run.verdict is Verdict.WORKED
    assert run.verdict_note == "three real ones"
    assert run.response.strip() == answer.strip()

    again = open_window(fake_ollama.url)
    qtbot.waitUntil(lambda: again.editor.experiment_id() == experiment_id)
    assert again.editor.title.text() == "Rivers of Europe"
    assert again.outcome.verdict() is Verdict.WORKED
    assert again.answer_view.answer_text().strip() == answer.strip()


def test_stop_keeps_the_partial_answer(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    fake_ollama.stall_after = 5
    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Tell me a long story")
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.answer_view.answer_text().split()) >= 5, timeout=10_000)
    with qtbot.waitSignal(window.runs.finished, timeout=5000):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    with Journal.open(db_path) as journal, journal.read() as session:
        rows = list_experiments(session)
        run = experiment_detail(session, rows[0].id).runs[0]
    assert run.status is RunStatus.CANCELLED
    assert run.response.strip()
    assert window.answer_view.answer_text().strip() == run.response.strip()
    assert rows[0].title == "Tell me a long story"  # a run without an experiment made one


def test_unreachable_server_shows_a_banner_and_recovers(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    server = FakeOllama()
    server.start()
    url = server.url
    server.stop()
    try:
        window = open_window(url, wait_models=False)
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
        assert url in window.banner.text() and "ollama serve" in window.banner.text()
        # browsing and editing still work while Ollama is down
        QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.editor.experiment_id() is not None)
        server.start()
        window.banner.button.click()
        qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
        assert "0.10.1" in window.ollama_label.text()
    finally:
        server.stop()


def test_unknown_model_says_how_to_get_it(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "hello", model="ghost:1b")
    _run_and_wait(qtbot, window)
    assert "ollama pull ghost:1b" in window.answer_view.status_text()


def test_closing_during_a_stream_asks_first(
    qtbot: QtBot,
    open_window: WindowFactory,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_ollama.stall_after = 3
    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "A long answer please")
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.runs.live_run_id is not None, timeout=10_000)
    answers = iter([False, True])
    monkeypatch.setattr(MainWindow, "ask_stop_running", classmethod(lambda cls, p: next(answers)))
    window.close()
    assert window.isVisible()  # said no: still streaming
    window.close()
    assert not window.isVisible()
    QApplication.processEvents()


def test_search_narrows_the_list(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    for prompt in ("about zebras", "about otters"):
        _type_prompt(qtbot, window, prompt)
        window.editor.load(None)  # a run with no experiment selected starts a new one
        _run_and_wait(qtbot, window)
    model = window.list_panel.model()
    assert model.rowCount() == 2
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.list_panel.search, "otters")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.summary(0).title == "about otters"


def test_a_file_that_is_not_a_journal_is_refused_with_a_way_out(
    qtbot: QtBot,
    db_path: Path,
    tmp_path: Path,
    settings: SettingsStore,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db_path.write_text("my notes, not a journal")
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.journal_banner.isVisible(), timeout=10_000)
    assert "not an LLM Journal file" in window.journal_banner.text()
    assert db_path.read_text() == "my notes, not a journal"
    other = tmp_path / "other.sqlite"
    from journal.gui.settings_dialog import SettingsDialog

    monkeypatch.setattr(SettingsDialog, "pick_journal_file", staticmethod(lambda *_: str(other)))
    window.journal_banner.button.click()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    assert not window.journal_banner.isVisible()
    assert window.journal_label.text() == str(other)


def test_export_and_import_open_from_the_file_menu(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    from journal.gui.export_dialog import ExportDialog
    from journal.gui.import_dialog import ImportDialog

    window = open_window(fake_ollama.url)
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(isinstance(w, ExportDialog) for w in window.findChildren(ExportDialog))
    )
    export = window.findChildren(ExportDialog)[0]
    export.close()
    QTest.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.findChildren(ImportDialog)) == 1)
    window.findChildren(ImportDialog)[0].close()


def test_replay_the_selected_run_and_say_when_the_weights_changed(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    from tests.fake_ollama import FakeModel

    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Name a colour")
    window.prompt_panel.options_panel.set_values({"seed": 7, "temperature": 0.3}, None, None)
    _run_and_wait(qtbot, window)
    original_id = window.history_model.run(0).id
    # The tag now points to other weights (someone re-pulled llama3:8b).
    fake_ollama.models["llama3:8b"] = FakeModel("llama3:8b", digest="9f" * 32)
    window.prompt_panel.set_prompt("something else entirely")  # a replay ignores the panel
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.history_model.rowCount() == 2
    replay = window.history_model.run(0)
    assert replay.replay_of_id == original_id
    assert replay.prompt == "Name a colour"
    assert replay.options == {"seed": 7, "temperature": 0.3}
    assert "changed since" in window.answer_view.status_text()
    assert "9f9f9f9f9f9f" in window.answer_view.status_text()


def test_compare_check_and_matrix_open_from_the_run_menu(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from journal.gui.check_window import CheckWindow
    from journal.gui.compare_dialog import CompareDialog
    from journal.gui.matrix_dialog import MatrixDialog

    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Name a colour")
    _run_and_wait(qtbot, window)
    first_experiment = window.editor.experiment_id()
    window.prompt_panel.model_picker.set_current_model("qwen3:0.6b")
    _run_and_wait(qtbot, window)
    selection = window.history_view.selectionModel()
    for row in (0, 1):
        selection.select(
            window.history_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.findChildren(CompareDialog)) == 1)
    compare = window.findChildren(CompareDialog)[0]
    assert [run.model for run in compare.runs] == ["llama3:8b", "qwen3:0.6b"]
    compare.close()

    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.findChildren(MatrixDialog)) == 1)
    matrix = window.findChildren(MatrixDialog)[0]
    assert matrix.model.rowCount() == 1 and matrix.model.columnCount() == 2
    oldest_run = window.history_model.run(1).id
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() not in (None, first_experiment))
    matrix.run_activated.emit(oldest_run)  # as a double-click on its cell does
    assert window.editor.experiment_id() == first_experiment
    assert window.display.shown_run_id == oldest_run
    matrix.close()

    window.check_action.trigger()
    qtbot.waitUntil(lambda: len(window.findChildren(CheckWindow)) == 1)
    window.findChildren(CheckWindow)[0].close()


def test_running_a_past_prompt_again_with_other_settings_is_a_new_run_based_on_it(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Name a colour")
    _run_and_wait(qtbot, window)
    first = window.history_model.run(0).id
    window.prompt_panel.model_picker.set_current_model("qwen3:0.6b")  # edit, then run
    _run_and_wait(qtbot, window)
    newer = window.history_model.run(0)
    assert newer.based_on_id == first and newer.replay_of_id is None  # only Replay replays
    assert window.answer_view.status_text() == f"A new run based on run {first}."
    model = window.history_model
    assert f"Based on run {first}" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert f"Run {newer.id} based on this one" in tip and "Replayed" not in tip
    window.prompt_panel.set_prompt("A different question")  # a new prompt: a run on its own
    _run_and_wait(qtbot, window)
    assert window.history_model.run(0).based_on_id is None


def test_replay_on_several_models_runs_them_one_after_another(
    qtbot: QtBot,
    open_window: WindowFactory,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journal.gui.fan_out_dialog import FanOutDialog

    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Name a colour")
    _run_and_wait(qtbot, window)
    original = window.history_model.run(0).id
    asked: list[list[str]] = []

    def ask(cls: object, parent: object, run_id: int, models: list[str]) -> list[str]:
        asked.append(models)
        return ["qwen3:0.6b", "llama3:8b"]

    monkeypatch.setattr(FanOutDialog, "ask", classmethod(ask))
    window.fan_out_action.trigger()
    qtbot.waitUntil(
        lambda: window.history_model.rowCount() == 3 and not window.runs.is_running,
        timeout=20_000,
    )
    assert asked == [["llama3:8b", "qwen3:0.6b"]]
    replays = [window.history_model.run(row) for row in (1, 0)]
    assert [run.model for run in replays] == ["qwen3:0.6b", "llama3:8b"]
    assert all(run.replay_of_id == original for run in replays)


def test_fan_out_dialog_enables_replay_once_a_model_is_ticked(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from journal.gui.fan_out_dialog import FanOutDialog

    dialog = FanOutDialog(3, ["a:1b", "b:2b"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.models.item(1).setCheckState(Qt.CheckState.Checked)
    assert ok.isEnabled()
    assert dialog.chosen() == ["b:2b"]


def test_replaying_on_a_model_that_is_gone_offers_to_pull_it(
    qtbot: QtBot,
    open_window: WindowFactory,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journal.gui.pull_dialog import PullDialog

    window = open_window(fake_ollama.url)
    _type_prompt(qtbot, window, "Name a colour")
    _run_and_wait(qtbot, window)
    fake_ollama.remove_model("llama3:8b")
    offered: list[str] = []

    def offer_pull(cls: object, parent: object, model: str) -> bool:
        offered.append(model)
        return True

    monkeypatch.setattr(MainWindow, "offer_pull", classmethod(offer_pull))
    with qtbot.waitSignal(window.runs.failed, timeout=10_000):
        window.replay_action.trigger()
    assert offered == ["llama3:8b"]
    assert "ollama pull llama3:8b" in window.answer_view.status_text()
    qtbot.waitUntil(lambda: len(window.findChildren(PullDialog)) == 1)
    assert window.findChildren(PullDialog)[0].name_edit.text() == "llama3:8b"


def test_compare_by_id_works_across_experiments(
    qtbot: QtBot,
    open_window: WindowFactory,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journal.gui.compare_dialog import CompareDialog

    window = open_window(fake_ollama.url)
    for prompt in ("about zebras", "about otters"):
        _type_prompt(qtbot, window, prompt)
        window.editor.load(None)
        _run_and_wait(qtbot, window)
    monkeypatch.setattr(WindowDialogs, "ask_run_ids", classmethod(lambda cls, p, s: "1 and 2"))
    window.compare_ids_action.trigger()
    qtbot.waitUntil(lambda: len(window.findChildren(CompareDialog)) == 1)
    compare = window.findChildren(CompareDialog)[0]
    assert [run.id for run in compare.runs] == [1, 2]


def test_the_shortcut_table_lists_every_action_with_a_shortcut(
    qtbot: QtBot, db_path: Path, settings: SettingsStore
) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QTableWidget

    window = MainWindow(db=str(db_path), host="http://127.0.0.1:9", settings=settings)
    qtbot.addWidget(window)
    window.shortcuts_action.trigger()  # F1
    table = window.findChild(QTableWidget, "shortcutsTable")
    assert table is not None
    cells = [(table.item(row, 0), table.item(row, 1)) for row in range(table.rowCount())]
    rows = {(keys.text(), does.text()) for keys, does in cells if keys and does}
    native = QKeySequence.SequenceFormat.NativeText
    expected = {
        action.shortcut().toString(native)
        for action in window.actions()
        if not action.shortcut().isEmpty()
    }
    assert {keys for keys, _ in rows} == expected
    assert len(rows) == len(expected)  # each once
    assert (QKeySequence("Ctrl+O").toString(native), "Open or create another journal") in rows
    assert (QKeySequence("Ctrl+R").toString(native), window.replay_action.whatsThis()) in rows
