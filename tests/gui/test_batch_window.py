"""The Run all window against fake Ollamas: a batch of rows x models fills its grid as items
end, pauses, cancels and resumes with nothing run twice, spreads over two hosts (one of
them killed mid-batch), resumes a batch its program died running, and opens a cell's run."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from journal.core.batches import BatchEvents, BatchRunner, get_batch
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.input_sets import RowInput, add_rows
from journal.core.models import CheckStatus, Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.runner import RunRecorder, RunSpec
from journal.core.settings import SettingsFile
from journal.core.storage import Journal
from journal.core.templates import render_run
from journal.gui.batch_window import BatchWindow
from journal.gui.context import AppContext
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs

ALPHA, BETA = "alpha:1b", "beta:1b"
TEMPLATE = "Capital of {{word}}"
WORDS = ["paris", "rome", "oslo"]


def _count(text: str, count: int) -> str:
    """A count as the window words it: Qt's plural forms (the English ones come with the
    app's English translation)."""
    return QCoreApplication.translate("batch_window", text, None, count)


def _alpha(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    word = str(messages[-1]["content"]).split()[-1]
    return f"The capital is {word.upper()}."


def _models() -> list[FakeModel]:
    return [
        FakeModel(ALPHA, digest="a" * 64, reply=_alpha),
        FakeModel(BETA, digest="b" * 64, reply=lambda m, o: "I do not know."),
    ]


@pytest.fixture
def hosts() -> Iterator[tuple[FakeOllama, FakeOllama]]:
    first, second = FakeOllama(_models()).start(), FakeOllama(_models()).start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


@pytest.fixture(autouse=True)
def _closing_stops_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closed at teardown while its batch runs stops it without asking (a modal
    question would hang the teardown); the test of the question answers for itself."""
    monkeypatch.setattr(BatchWindow, "ask_stop", classmethod(lambda cls, parent: True))


def _experiment(journal: Journal, url: str, words: list[str]) -> int:
    """An experiment with a `contains:capital` expectation, a row per word and one run of
    the template (a batch runs the latest prompt)."""
    with journal.write() as session:
        experiment = create_experiment(session, title="capitals")
        assert experiment.id is not None
        add_expectation(session, experiment.id, parse_expectation("contains:capital"))
        add_rows(session, experiment.id, [RowInput({"word": word}) for word in words])
        experiment_id = experiment.id
    rendered = render_run(TEMPLATE, "", {"word": words[0]})
    spec = RunSpec(
        experiment_id,
        ALPHA,
        prompt=rendered.prompt,
        template=rendered.template.to_json() if rendered.template else None,
    )
    RunRecorder(journal, OllamaService(url)).execute(spec)
    return experiment_id


def _window(qtbot: QtBot, journal: Journal, url: str, experiment_id: int) -> BatchWindow:
    window = BatchWindow(
        AppContext.for_journal(journal, OllamaService(url)), experiment_id, current_model=ALPHA
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.models_loaded, timeout=10_000):
        window.show()
    return window


def _cells(window: BatchWindow) -> list[list[str]]:
    model = window.grid_model
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def _all_done_runs(journal: Journal) -> Counter[tuple[str, str]]:
    """Finished runs per (model, word), the experiment's first run aside."""
    with journal.read() as session:
        rows = session.execute(
            text(
                "SELECT model, json_extract(template, '$.values.word') FROM run "
                "WHERE status = 'done' AND id > 1"
            )
        )
        return Counter((row[0], row[1]) for row in rows)


def _start(qtbot: QtBot, window: BatchWindow, models: list[str]) -> None:
    window.set_models(models)
    with qtbot.waitSignal(window.batch_started, timeout=10_000):
        window.start_button.click()


def test_a_batch_of_three_rows_on_two_models_fills_the_grid_as_items_end(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, first.url, WORDS)
    window = _window(qtbot, journal, first.url, experiment_id)
    assert window.prompt_view.toPlainText() == TEMPLATE
    assert window.chosen_models() == [ALPHA]  # the model chosen in the main window
    assert [host.address for host in window.chosen_hosts()] == [first.url]
    window.set_models([ALPHA, BETA])
    rows, models, runs = (_count("%n row(s)", 3), _count("%n model(s)", 2), _count("%n run(s)", 6))
    assert window.count_label.text() == f"{rows} × {models} = {runs}"  # 3 rows × 2 models = 6 runs

    first.chunk_delay = 0.03  # slow enough to see the grid part-way
    _start(qtbot, window, [ALPHA, BETA])
    qtbot.waitUntil(lambda: window.is_running() and "✓" in _cells(window)[0], timeout=10_000)
    assert "·" in _cells(window)[2]  # later items not run yet
    assert window.pause_button.isEnabled() and not window.start_button.isEnabled()
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        pass
    assert _cells(window) == [["✓", "✗"]] * 3
    grid = window.grid_model
    assert [grid.headerData(n, Qt.Orientation.Vertical) for n in range(3)] == [
        "word=paris",
        "word=rome",
        "word=oslo",
    ]
    assert grid.headerData(1, Qt.Orientation.Horizontal) == f"{BETA}@{'b' * 12}"
    tooltip = grid.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("fails\n#1: ") and "capital" in tooltip
    assert "opens run" in tooltip
    assert window.summary_label.text() == f"{ALPHA} 3/3 · {BETA} 0/3"
    assert window.progress_bar.text() == "6 of 6"
    assert window.message_label.text() == f"Finished: {_count('%n run(s)', 6)}."
    assert window.batches_box.currentText().startswith("#1 · done · 6/6 · ")
    assert not window.resume_button.isEnabled()


def test_pause_lets_the_answers_end_and_resume_runs_only_the_rest(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, first.url, WORDS)
    window = _window(qtbot, journal, first.url, experiment_id)
    first.chunk_delay = 0.03
    _start(qtbot, window, [ALPHA, BETA])
    qtbot.waitUntil(lambda: "✓" in _cells(window)[0], timeout=10_000)
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        window.pause_button.click()
        assert not window.pause_button.isEnabled()
        assert window.message_label.text().startswith("Pausing")
    assert window.message_label.text().startswith("Paused after ")
    assert "· paused ·" in window.batches_box.currentText()
    left = sum(row.count("·") for row in _cells(window))
    assert left > 0 and window.resume_button.isEnabled()

    first.chunk_delay = 0
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        window.resume_button.click()
    assert _cells(window) == [["✓", "✗"]] * 3
    assert _all_done_runs(journal) == Counter(
        {(model, word): 1 for model in (ALPHA, BETA) for word in WORDS}
    )


def test_cancel_stops_the_streams_and_the_batch_can_be_resumed(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, first.url, WORDS)
    window = _window(qtbot, journal, first.url, experiment_id)
    first.chunk_delay = 0.2
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        _start(qtbot, window, [ALPHA])
        window.cancel_button.click()
    assert window.message_label.text().startswith("Cancelled after ")
    assert "· cancelled ·" in window.batches_box.currentText()
    assert window.resume_button.isEnabled() and window.start_button.isEnabled()

    first.chunk_delay = 0
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        window.resume()
    assert _cells(window) == [["✓"]] * 3
    assert _all_done_runs(journal) == Counter({(ALPHA, word): 1 for word in WORDS})


def test_a_batch_whose_program_died_shows_resume_and_resuming_completes_it(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, first.url, WORDS)
    drain = threading.Event()

    def stop_after_two(position: int, total: int, run: Run) -> None:
        if position == 2:
            drain.set()

    with BatchRunner(journal, OllamaService(first.url)) as runner:
        batch_id = runner.create(experiment_id, [ALPHA, BETA])
        runner.run(batch_id, drain=drain, events=BatchEvents(finished=stop_after_two))
    dead = f"{socket.gethostname()}:{2**22 + 1}"  # above any pid_max: no such process
    with journal.write() as session:  # as the program left it when it was killed
        session.execute(
            text("UPDATE batch SET status = 'running', owner = :owner WHERE id = :id"),
            {"owner": dead, "id": batch_id},
        )

    window = _window(qtbot, journal, first.url, experiment_id)
    assert window.current_batch_id() == batch_id  # the newest is shown at once
    assert window.batches_box.currentText().startswith(f"#{batch_id} · interrupted · 2/6 · ")
    assert window.resume_button.isEnabled()
    assert _cells(window)[0] == ["✓", "·"]
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        window.resume_button.click()
    assert _cells(window) == [["✓", "✗"]] * 3
    assert window.message_label.text() == f"Finished: {_count('%n run(s)', 4)}."
    assert _all_done_runs(journal) == Counter(
        {(model, word): 1 for model in (ALPHA, BETA) for word in WORDS}
    )
    with journal.read() as session:
        assert get_batch(session, batch_id).status is CheckStatus.DONE


def test_a_batch_spreads_over_the_settings_hosts_and_says_when_one_stops(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, second = hosts
    SettingsFile().update({"ollama.hosts": [first.url, f"{second.url} limit=2"]})
    words = [f"w{n}" for n in range(10)]
    experiment_id = _experiment(journal, first.url, words)
    window = _window(qtbot, journal, first.url, experiment_id)
    shown = [window.hosts_list.item(row).text() for row in range(window.hosts_list.count())]
    assert shown == [first.url, f"{second.url} limit=2"]
    first.chunk_delay = 0.01
    second.chunk_delay = 0.05  # mid-answer when it dies
    stopped: list[bool] = []

    def kill_second() -> None:
        done = window.progress_bar.value()
        if done >= 3 and not stopped:
            stopped.append(True)
            threading.Thread(target=second.stop).start()

    window.batch_read.connect(kill_second)
    with qtbot.waitSignal(window.batch_finished, timeout=30_000):
        _start(qtbot, window, [ALPHA])
    notice = window.notice_label.text()
    assert notice.startswith(f"{second.url} stopped answering; its items go to the other hosts.")
    assert not window.notice_label.isHidden()
    assert _cells(window) == [["✓"]] * 10
    assert _all_done_runs(journal) == Counter({(ALPHA, word): 1 for word in words})


def test_closing_a_running_batch_asks_and_cancels_it(
    qtbot: QtBot,
    journal: Journal,
    hosts: tuple[FakeOllama, FakeOllama],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, first.url, WORDS)
    window = _window(qtbot, journal, first.url, experiment_id)
    first.chunk_delay = 0.2
    _start(qtbot, window, [ALPHA])
    asked: list[bool] = []
    answer = [False]

    def ask(cls: type[BatchWindow], parent: object) -> bool:
        asked.append(True)
        return answer[0]

    monkeypatch.setattr(BatchWindow, "ask_stop", classmethod(ask))
    window.close()
    assert asked and window.isVisible() and window.is_running()  # "No": it goes on
    answer[0] = True
    window.close()
    assert not window.isVisible()
    batch_id = window.current_batch_id()
    assert batch_id is not None

    def cancelled() -> bool:
        with journal.read() as session:
            return get_batch(session, batch_id).status is CheckStatus.CANCELLED

    qtbot.waitUntil(cancelled, timeout=10_000)


# -- from the main window -------------------------------------------------------------


@pytest.fixture
def main_window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, hosts: tuple[FakeOllama, FakeOllama]
) -> Iterator[MainWindow]:
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=hosts[0].url, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    yield window
    stop_runs(qtbot, window)


def _batch_windows(window: MainWindow) -> list[BatchWindow]:
    return [child for child in window.findChildren(BatchWindow) if child.isVisible()]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_run_all_opens_one_window_per_experiment_and_a_cell_opens_its_run(
    qtbot: QtBot, main_window: MainWindow, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    journal = main_window.context.journal
    assert journal is not None
    assert not main_window.batch_action.isEnabled()  # no experiment open yet
    experiment_id = _experiment(journal, first.url, WORDS)
    main_window.browser.refresh()
    qtbot.waitUntil(lambda: main_window.list_panel.select_experiment(experiment_id))
    qtbot.waitUntil(main_window.batch_action.isEnabled)
    main_window.prompt_panel.model_picker.set_current_model(ALPHA)

    QTest.keyClick(
        main_window,
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: len(_batch_windows(main_window)) == 1)
    window = _batch_windows(main_window)[0]
    main_window.batch_action.trigger()  # the same experiment: the same window
    assert _batch_windows(main_window) == [window]

    qtbot.waitUntil(lambda: window.models_list.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(window.batch_finished, timeout=20_000):
        _start(qtbot, window, [ALPHA, BETA])
    # The open experiment's history shows the batch's runs (this window wrote them).
    qtbot.waitUntil(lambda: main_window.history_model.rowCount() == 1 + 2 * len(WORDS))
    cell = window.grid_model.index(1, 1)
    run_id = window.grid_model.run_id_at(cell)
    assert run_id is not None
    window.grid_view.setCurrentIndex(cell)
    window.grid_view.setFocus()
    QTest.keyClick(window.grid_view, Qt.Key.Key_Return)  # opens the run, starts nothing
    qtbot.waitUntil(lambda: main_window.display.current_run_id() == run_id, timeout=5000)
    assert not window.is_running()
    assert window.batches_box.count() == 1


def test_only_the_ticked_hosts_take_items(
    qtbot: QtBot, journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, second = hosts
    SettingsFile().update({"ollama.hosts": [first.url, second.url]})
    experiment_id = _experiment(journal, first.url, WORDS)
    window = _window(qtbot, journal, first.url, experiment_id)
    window.set_hosts([second.url])
    asked_first = len(first.requests_for("/api/chat"))  # the experiment's own first run
    with qtbot.waitSignal(window.batch_finished, timeout=30_000):
        _start(qtbot, window, [ALPHA])
    assert len(first.requests_for("/api/chat")) == asked_first
    assert len(second.requests_for("/api/chat")) == len(WORDS)
    window.set_hosts([])
    assert not window.start_button.isEnabled()  # nowhere to run
