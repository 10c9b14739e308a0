"""Grading in the window, against the fake Ollama: every run graded when it ends, marks with
reasons, the history column, the suggested verdict, re-grading, the Settings pickers, and a
window that closes at once while a judge is slow."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    grade_history,
    list_expectations,
    update_expectation,
)
from journal.core.host_gate import gate_for
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run
from journal.core.settings import SettingsFile
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.run_history import RunHistoryModel
from journal.gui.settings_dialog import SettingsDialog
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs

# Counted text ("1 run", "3 runs") as the app's English translation gives it.

ANSWER = "Paris is the capital of France."


class SlowJudge:
    """A judge model that answers only when the test lets it (`release`)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.reply = {"pass": True, "score": 0.9, "reason": "names the capital"}

    def __call__(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        self.go.wait(30)
        return json.dumps(self.reply)

    def release(self, **reply: Any) -> None:
        self.reply.update(reply)
        self.go.set()


@pytest.fixture
def judge() -> Iterator[SlowJudge]:
    slow = SlowJudge()
    yield slow
    slow.go.set()  # never leave the fake's handler waiting


@pytest.fixture
def server(fake_ollama: FakeOllama, judge: SlowJudge) -> FakeOllama:
    fake_ollama.add_model(FakeModel("geo:1b", reply=lambda *_: ANSWER))
    fake_ollama.add_model(FakeModel("judge:1b", reply=judge))
    return fake_ollama


@pytest.fixture
def settings(tmp_path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


Opener = Callable[..., MainWindow]


@pytest.fixture
def open_window(
    qtbot: QtBot, db_path: Path, settings: SettingsStore, server: FakeOllama
) -> Iterator[Opener]:
    windows: list[MainWindow] = []

    def factory(*expectations: str) -> MainWindow:
        with Journal.open(db_path) as journal, journal.write() as session:
            experiment = create_experiment(session, title="Capitals")
            assert experiment.id is not None
            for line in expectations:
                add_expectation(session, experiment.id, parse_expectation(line))
        window = MainWindow(db=str(db_path), host=server.url, settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.start()
        picker = window.prompt_panel.model_picker
        qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
        qtbot.waitUntil(lambda: window.editor.experiment_id() is not None, timeout=10_000)
        picker.set_current_model("geo:1b")
        window.prompt_panel.set_prompt("What is the capital of France?")
        windows.append(window)
        return window

    yield factory
    for window in windows:
        stop_runs(qtbot, window)
        window.close()


def _run(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _marks(window: MainWindow) -> list[str]:
    marks = window.display.grade_strip.marks
    return [marks.item(row).text() for row in range(marks.count())]


def _tip(window: MainWindow, row: int) -> str:
    return window.display.grade_strip.marks.item(row).toolTip()


def _cell(window: MainWindow, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
    model = window.history_model
    return model.data(model.index(0, RunHistoryModel.GRADES), role)


def _saved_verdict(window: MainWindow) -> Verdict | None:
    run_id = window.display.current_run_id()
    assert window.context.journal is not None and run_id is not None
    with window.context.journal.read() as session:
        return get_run(session, run_id).verdict


def test_a_run_is_graded_when_it_ends_with_marks_reasons_and_a_suggestion(
    qtbot: QtBot, open_window: Opener
) -> None:
    window = open_window("contains:Paris", "contains:Berlin")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _marks(window) == ["✓ contains:Paris", "✗ contains:Berlin"])
    strip = window.display.grade_strip
    assert strip.isVisible()
    assert "contains 'Paris'" in _tip(window, 0)
    assert "missing 'Berlin'" in _tip(window, 1)
    assert strip.summary_label.text().startswith("✗ 1 of 2 pass")
    strip.marks.setCurrentRow(1)  # a click shows the reason in full
    assert "missing 'Berlin'" in strip.details_label.text()
    qtbot.waitUntil(lambda: _cell(window) == "✗ 1/2")
    assert "missing 'Berlin'" in _cell(window, Qt.ItemDataRole.ToolTipRole)
    # The grades suggest a verdict; one shortcut makes it the person's.
    outcome = window.outcome
    assert outcome.suggestion() is Verdict.PARTLY
    assert outcome.accept_button.isVisible()
    assert "partly" in outcome.accept_button.text()
    assert outcome.verdict() is None
    QTest.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert outcome.verdict() is Verdict.PARTLY
    qtbot.waitUntil(lambda: _saved_verdict(window) is Verdict.PARTLY)
    assert not outcome.accept_button.isVisible()


def test_a_judge_shows_grading_then_its_result_and_the_persons_verdict_stays(
    qtbot: QtBot, open_window: Opener, judge: SlowJudge
) -> None:
    SettingsFile().update({"models.judge": "judge:1b"})
    window = open_window("contains:Paris", "judge:names the capital of France")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _marks(window)[:1] == ["✓ contains:Paris"])
    assert _marks(window)[1].startswith("… judge:")
    assert "grading…" in window.display.grade_strip.summary_label.text()
    assert window.grading.status_text() == "grading 1 run…"
    assert window.stop_grading_action.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # worked
    qtbot.waitUntil(lambda: _saved_verdict(window) is Verdict.WORKED)
    judge.release(**{"pass": False, "score": 0.1, "reason": "it names Lyon"})
    qtbot.waitUntil(lambda: _marks(window)[1].startswith("✗ judge:"), timeout=15_000)
    assert "judge judge:1b: it names Lyon" in _tip(window, 1)
    qtbot.waitUntil(lambda: window.grading.status_text() == "")
    assert _cell(window) == "✗ 1/2"
    # Grading suggested "partly"; the person said "worked", and that stays.
    assert window.outcome.verdict() is Verdict.WORKED
    assert window.outcome.suggestion() is None
    assert _saved_verdict(window) is Verdict.WORKED


def test_a_judge_without_a_model_needs_a_look_saying_to_choose_one(
    qtbot: QtBot, open_window: Opener
) -> None:
    window = open_window("judge:names the capital")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _marks(window)[:1] == ["⚠ judge:names the capital"])
    assert "choose one in Settings" in _tip(window, 0)
    qtbot.waitUntil(lambda: _cell(window) == "?")


def test_a_stopped_run_is_not_graded_and_needs_a_look(
    qtbot: QtBot, open_window: Opener, server: FakeOllama
) -> None:
    server.stall_after = 2
    window = open_window("contains:Paris")
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # The window's run holds the host's gate (taken just after the run is recorded).
    qtbot.waitUntil(lambda: gate_for(window.context.host).runs == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1)
    assert _cell(window) is None  # still streaming: no grades yet, not "needs a look"
    with qtbot.waitSignal(window.runs.finished, timeout=10_000):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.display.grade_strip.isVisible())
    summary = window.display.grade_strip.summary_label.text()
    assert summary == "? Needs a look: the run cancelled: not graded"
    assert _marks(window) == ["– contains:Paris"]
    assert _cell(window) == "?"
    assert window.outcome.suggestion() is None


def test_regrading_after_an_edit_shows_the_new_result_and_keeps_history(
    qtbot: QtBot, open_window: Opener
) -> None:
    window = open_window("contains:Berlin")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _marks(window) == ["✗ contains:Berlin"])
    journal = window.context.journal
    experiment_id = window.editor.experiment_id()
    assert journal is not None and experiment_id is not None
    with journal.write() as session:
        (saved,) = list_expectations(session, experiment_id)
        update_expectation(session, saved.id, parse_expectation("contains:France"))
    window.display.reload()  # the old grade is about the old text: marked as such
    assert _marks(window) == ["✗ contains:France (old)"]
    assert "older version (contains:Berlin)" in _tip(window, 0)
    window.history_view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _marks(window) == ["✓ contains:France"], timeout=10_000)
    qtbot.waitUntil(lambda: _cell(window) == "✓ 1/1")  # once the queue says it is done
    run_id = window.display.current_run_id()
    assert run_id is not None
    with journal.read() as session:
        history = [grade.expectation_text for grade in grade_history(session, run_id)]
    assert history == ["contains:Berlin", "contains:France"]
    # The whole experiment, too.
    QTest.keyClick(
        window,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: len(_history(journal, run_id)) == 3, timeout=10_000)


def _history(journal: Journal, run_id: int) -> list[str]:
    with journal.read() as session:
        return [grade.expectation_text for grade in grade_history(session, run_id)]


def test_settings_save_the_judge_and_embedding_models_and_read_them_back(
    qtbot: QtBot, settings: SettingsStore, server: FakeOllama
) -> None:
    SettingsFile().update({"models.embedding": "old-embed:1b"})
    service = OllamaService(server.url)
    dialog = SettingsDialog(
        settings, "journal.sqlite", lambda host: "", list_models=service.list_models
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.judge_picker.models()) > 0, timeout=10_000)
    assert dialog.judge_picker.current_model() is None
    assert dialog.judge_picker.combo.currentText().startswith("None")
    assert dialog.embedding_picker.current_model() == "old-embed:1b"
    dialog.judge_picker.set_current_model("judge:1b")
    dialog.embedding_picker.set_current_model(None)  # "none" is a choice
    dialog.accept()
    saved = SettingsFile().load()
    assert (saved.judge_model, saved.embedding_model) == ("judge:1b", "")
    again = SettingsDialog(
        settings, "journal.sqlite", lambda host: "", list_models=service.list_models
    )
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: len(again.judge_picker.models()) > 0, timeout=10_000)
    assert again.judge_picker.current_model() == "judge:1b"
    assert again.embedding_picker.current_model() is None
    assert settings.judge_model() == "judge:1b"


def test_closing_the_window_while_a_judge_is_slow_does_not_wait_for_it(
    qtbot: QtBot, open_window: Opener, server: FakeOllama
) -> None:
    SettingsFile().update({"models.judge": "judge:1b"})
    window = open_window("judge:names the capital")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: window.grading.status_text() == "grading 1 run…")
    qtbot.waitUntil(
        lambda: any(r.body["model"] == "judge:1b" for r in server.requests_for("/api/chat")),
        timeout=10_000,
    )  # the judge is asked and does not answer
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_three_expectations_typed_in_the_editor_grade_runs_on_two_models(
    qtbot: QtBot, open_window: Opener, server: FakeOllama
) -> None:
    """The issue's "done when": a person writes three expectations, runs the experiment on two
    models and sees which passed and why, in the answer view and the run history."""
    server.add_model(FakeModel("geo:2b", reply=lambda *_: "Lyon, I think."))
    window = open_window()
    editor = window.editor.expectations
    for line in ("contains:Paris", "words<=20", "not-icontains:as an ai"):
        QTest.keyClicks(editor.add_line, line)
        QTest.keyClick(editor.add_line, Qt.Key.Key_Return)
    experiment_id = window.editor.experiment_id()
    journal = window.context.journal
    assert journal is not None and experiment_id is not None

    def saved() -> list[str]:
        with journal.read() as session:
            return [item.expectation.text for item in list_expectations(session, experiment_id)]

    qtbot.waitUntil(
        lambda: saved() == ["contains:Paris", "words<=20", "not-icontains:as an ai"],
        timeout=10_000,
    )
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _cell(window) == "✓ 3/3")
    window.prompt_panel.model_picker.set_current_model("geo:2b")
    _run(qtbot, window)
    qtbot.waitUntil(lambda: _cell(window) == "✗ 2/3")  # the newest run is the first row
    assert _marks(window)[0] == "✗ contains:Paris"
    assert "missing 'Paris'" in _tip(window, 0)
    assert "missing 'Paris'" in _cell(window, Qt.ItemDataRole.ToolTipRole)
    model = window.history_model
    assert model.data(model.index(1, RunHistoryModel.GRADES)) == "✓ 3/3"
