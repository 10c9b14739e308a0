"""The expectations editor under Expected outcome: rows loaded and saved through the core,
live validation, add / remove / move, the combine rule, and "Try on the selected run"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import RunStatus
from journal.core.expectations import Kind, parse_expectation
from journal.core.grades import (
    add_expectation,
    get_combine_rule,
    grade_history,
    list_expectations,
)
from journal.core.grading import CombineRule
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_experiment
from journal.core.settings import SettingsFile
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.expectation_row import ERROR_COLOUR
from journal.gui.expectations_editor import ExpectationsEditor
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama

ANSWER = "Paris is the capital of France."


def _expect(journal: Journal, experiment_id: int, *lines: str) -> None:
    with journal.write() as session:
        for line in lines:
            add_expectation(session, experiment_id, parse_expectation(line))


def _saved_lines(journal: Journal, experiment_id: int) -> list[str]:
    with journal.read() as session:
        return [saved.text for saved in list_expectations(session, experiment_id)]


def _run(journal: Journal, experiment_id: int, response: str = ANSWER) -> int:
    with journal.write() as session:
        run = Run(
            experiment_id=experiment_id,
            model="llama3:8b",
            status=RunStatus.DONE,
            messages=[{"role": "user", "content": "What is the capital of France?"}],
            response=response,
            done_reason="stop",
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _grades(journal: Journal, run_id: int) -> int:
    with journal.read() as session:
        return len(grade_history(session, run_id))


class Editing:
    """An experiment editor on the test's journal, like the window's."""

    def __init__(self, qtbot: QtBot, journal: Journal, service: OllamaService | None) -> None:
        self.journal = journal
        self.context = AppContext.for_journal(journal, service)
        self.editor = ExperimentEditor(self.context)
        qtbot.addWidget(self.editor)
        self.editor.resize(900, 500)
        self.editor.show()
        self.expectations: ExpectationsEditor = self.editor.expectations

    def open(self, experiment_id: int) -> None:
        with self.journal.read() as session:
            experiment = get_experiment(session, experiment_id)
        self.editor.load(experiment)

    def saved(self, experiment_id: int) -> list[str]:
        """What the journal holds once pending edits are written."""
        self.editor.flush()
        assert self.context.wait_for_writes()
        return _saved_lines(self.journal, experiment_id)


@pytest.fixture
def editing(qtbot: QtBot, journal: Journal) -> Editing:
    return Editing(qtbot, journal, None)


def _messages(expectations: ExpectationsEditor) -> list[str]:
    return [row.message_text() for row in expectations.rows()]


def test_rows_load_from_the_journal_for_the_experiment_shown(
    editing: Editing, experiment_id: int
) -> None:
    _expect(editing.journal, experiment_id, "contains:Paris", r"not-regex:^\s*$", "words<=50")
    editing.open(experiment_id)
    rows = editing.expectations.rows()
    assert [row.current_kind() for row in rows] == [Kind.CONTAINS, Kind.REGEX, Kind.WORDS]
    assert [row.value.text() for row in rows] == ["Paris", r"^\s*$", "<=50"]
    assert [row.negated.isChecked() for row in rows] == [False, True, False]
    assert editing.expectations.summary.text() == "3 expectations, all must pass"
    assert not rows[2].negated.isEnabled()  # a comparison turns around by its operator
    assert "Example: words<=50" in rows[2].kind.toolTip()


def test_a_bad_regex_shows_the_reason_and_saves_nothing_until_it_is_fixed(
    qtbot: QtBot, editing: Editing, experiment_id: int
) -> None:
    editing.open(experiment_id)
    expectations = editing.expectations
    QTest.mouseClick(expectations.add_button, Qt.MouseButton.LeftButton)  # an empty row
    (row,) = expectations.rows()
    row.kind.setCurrentIndex(row.kind.findData(Kind.REGEX))
    QTest.keyClicks(row.value, "(a+")
    assert "not a valid regex" in row.message_text()
    assert ERROR_COLOUR in row.message.styleSheet()
    assert editing.saved(experiment_id) == []

    row.value.clear()
    QTest.keyClicks(row.value, r"^\d+$")
    assert row.message_text() == ""
    QTest.keyClicks(row.name, "digits")
    assert editing.saved(experiment_id) == [r"regex:^\d+$"]
    with editing.journal.read() as session:
        (saved,) = list_expectations(session, experiment_id)
    assert saved.expectation.name == "digits"

    row.value.clear()
    QTest.keyClicks(row.value, "[")  # broken again: the journal keeps the last good one
    assert "regex" in row.message_text()
    assert editing.saved(experiment_id) == [r"regex:^\d+$"]


def test_a_missing_number_and_an_invalid_schema_are_refused_at_the_row(
    editing: Editing, experiment_id: int
) -> None:
    _expect(editing.journal, experiment_id, "words<=50", "is-json")
    editing.open(experiment_id)
    words, schema = editing.expectations.rows()
    words.value.clear()
    QTest.keyClicks(words.value, "<=")
    assert "compares with" in words.message_text()
    schema.kind.setCurrentIndex(schema.kind.findData(Kind.JSON_SCHEMA))
    QTest.keyClicks(schema.value, '{"type": 12}')
    assert "json-schema" in schema.message_text().lower()
    assert editing.saved(experiment_id) == ["words<=50", "is-json"]


def test_a_pasted_line_adds_the_right_row_and_a_bad_one_says_why(
    editing: Editing, experiment_id: int
) -> None:
    editing.open(experiment_id)
    expectations = editing.expectations
    QTest.keyClicks(expectations.add_line, "regx:^a")
    QTest.keyClick(expectations.add_line, Qt.Key.Key_Return)
    assert "did you mean regex?" in expectations.add_message.text()
    assert expectations.rows() == []

    expectations.add_line.setText(r"not-contains:As an AI\nmodel")  # as pasted
    QTest.keyClick(expectations.add_line, Qt.Key.Key_Return)
    (row,) = expectations.rows()
    assert row.current_kind() is Kind.CONTAINS
    assert row.negated.isChecked()
    assert row.value.text() == r"As an AI\nmodel"
    assert expectations.add_line.text() == ""
    assert expectations.add_message.isHidden()
    assert editing.saved(experiment_id) == [r"not-contains:As an AI\nmodel"]
    with editing.journal.read() as session:
        (saved,) = list_expectations(session, experiment_id)
    assert saved.expectation.value == "As an AI\nmodel"


def test_remove_and_move_by_keyboard_persist(editing: Editing, experiment_id: int) -> None:
    _expect(editing.journal, experiment_id, "contains:a", "contains:b", "contains:c")
    editing.open(experiment_id)
    expectations = editing.expectations
    third = expectations.rows()[2]
    third.value.setFocus()
    QTest.keyClick(third.value, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(third.value, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [row.value.text() for row in expectations.rows()] == ["c", "a", "b"]
    assert editing.saved(experiment_id) == ["contains:c", "contains:a", "contains:b"]

    middle = expectations.rows()[1]
    middle.kind.setFocus()
    QTest.keyClick(middle.kind, Qt.Key.Key_Delete)
    assert [row.value.text() for row in expectations.rows()] == ["c", "b"]
    assert editing.saved(experiment_id) == ["contains:c", "contains:b"]

    first = expectations.rows()[0]
    first.value.setFocus()
    QTest.keyClick(first.value, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert editing.saved(experiment_id) == ["contains:b"]
    assert expectations.summary.text() == "1 expectation, it must pass"


def test_a_row_added_and_moved_before_it_is_valid_is_saved_in_its_place(
    editing: Editing, experiment_id: int
) -> None:
    _expect(editing.journal, experiment_id, "contains:a")
    editing.open(experiment_id)
    expectations = editing.expectations
    QTest.mouseClick(expectations.add_button, Qt.MouseButton.LeftButton)
    new = expectations.rows()[1]
    new.value.setFocus()
    QTest.keyClick(new.value, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    QTest.keyClicks(new.value, "first")
    assert editing.saved(experiment_id) == ["contains:first", "contains:a"]


def test_the_combine_rule_persists(editing: Editing, experiment_id: int) -> None:
    _expect(editing.journal, experiment_id, "contains:a", "contains:b")
    editing.open(experiment_id)
    expectations = editing.expectations
    assert not expectations.threshold.isEnabled()
    expectations.combine.setCurrentIndex(1)
    expectations.threshold.setValue(0.6)
    assert expectations.summary.text() == "2 expectations, weighted score at least 0.6"
    editing.saved(experiment_id)
    with editing.journal.read() as session:
        assert get_combine_rule(session, experiment_id) == CombineRule(0.6)
    expectations.combine.setCurrentIndex(0)
    editing.saved(experiment_id)
    with editing.journal.read() as session:
        assert get_combine_rule(session, experiment_id) == CombineRule()


def test_switching_experiments_writes_pending_edits_and_loads_the_others_rows(
    editing: Editing, journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        other = create_experiment(session, title="other").id
    assert other is not None
    _expect(journal, experiment_id, "contains:old")
    _expect(journal, other, "equals:42")
    editing.open(experiment_id)
    (row,) = editing.expectations.rows()
    QTest.keyClicks(row.value, "er")  # "older", still waiting for the pause in typing
    editing.open(other)
    assert [r.value.text() for r in editing.expectations.rows()] == ["42"]
    assert editing.context.wait_for_writes()
    assert _saved_lines(journal, experiment_id) == ["contains:older"]
    assert _saved_lines(journal, other) == ["equals:42"]


def test_try_shows_pass_and_fail_with_the_reason_and_writes_no_grade(
    qtbot: QtBot, editing: Editing, experiment_id: int
) -> None:
    _expect(editing.journal, experiment_id, "contains:Paris", "contains:Berlin")
    run_id = _run(editing.journal, experiment_id)
    editing.open(experiment_id)
    expectations = editing.expectations
    assert not expectations.try_button.isEnabled()
    assert "Select a run" in expectations.try_button.toolTip()

    expectations.set_selected_run(run_id)
    assert expectations.try_button.isEnabled()
    assert "Ctrl+T" in expectations.try_button.toolTip()
    # A row typed but not saved yet is tried as it stands.
    QTest.keyClicks(expectations.add_line, "words<=3")
    QTest.keyClick(expectations.add_line, Qt.Key.Key_Return)
    QTest.mouseClick(expectations.try_button, Qt.MouseButton.LeftButton)
    paris, berlin, words = _messages(expectations)
    assert paris.startswith("✓ pass")
    assert berlin == "✗ fail: missing 'Berlin'"
    assert words.startswith("✗ fail") and "6 words" in words
    assert _grades(editing.journal, run_id) == 0


def test_editing_a_row_clears_its_try_result(editing: Editing, experiment_id: int) -> None:
    _expect(editing.journal, experiment_id, "contains:Berlin")
    run_id = _run(editing.journal, experiment_id)
    editing.open(experiment_id)
    expectations = editing.expectations
    expectations.set_selected_run(run_id)
    expectations.try_selected_run()
    (row,) = expectations.rows()
    assert row.message_text().startswith("✗ fail")
    row.value.setText("")
    QTest.keyClicks(row.value, "Paris")
    assert row.message_text() == ""


@pytest.fixture
def judge_server(fake_ollama: FakeOllama) -> FakeOllama:
    def verdict(messages: list[dict[str, Any]], _options: dict[str, Any]) -> str:
        passed = "Paris" in messages[-1]["content"]
        reason = "names the capital" if passed else "no capital named"
        return json.dumps({"pass": passed, "score": 0.9 if passed else 0.1, "reason": reason})

    fake_ollama.add_model(FakeModel("judge:1b", reply=verdict))
    return fake_ollama


def test_try_with_a_judge_shows_its_verdict(
    qtbot: QtBot, journal: Journal, experiment_id: int, judge_server: FakeOllama
) -> None:
    SettingsFile().update({"models.judge": "judge:1b"})
    editing = Editing(qtbot, journal, OllamaService(judge_server.url))
    _expect(journal, experiment_id, "judge:names the capital of France", "contains:France")
    run_id = _run(journal, experiment_id)
    editing.open(experiment_id)
    expectations = editing.expectations
    expectations.set_selected_run(run_id)
    QTest.mouseClick(expectations.try_button, Qt.MouseButton.LeftButton)
    judged, contains = expectations.rows()
    assert contains.message_text().startswith("✓ pass")  # deterministic: at once
    qtbot.waitUntil(lambda: judged.message_text() != "trying…", timeout=10_000)
    assert judged.message_text() == "✓ pass: judge judge:1b: names the capital"
    qtbot.waitUntil(lambda: expectations.try_button.text() == "&Try on run")
    assert _grades(journal, run_id) == 0


def test_try_without_a_judge_model_says_to_choose_one_in_settings(
    qtbot: QtBot, journal: Journal, experiment_id: int, judge_server: FakeOllama
) -> None:
    editing = Editing(qtbot, journal, OllamaService(judge_server.url))
    _expect(journal, experiment_id, "judge:names the capital")
    run_id = _run(journal, experiment_id)
    editing.open(experiment_id)
    expectations = editing.expectations
    expectations.set_selected_run(run_id)
    expectations.try_selected_run()
    (row,) = expectations.rows()
    qtbot.waitUntil(lambda: row.message_text() != "trying…", timeout=10_000)
    assert "choose a judge model in Settings" in row.message_text()


def test_a_slow_judge_can_be_cancelled(
    qtbot: QtBot, journal: Journal, experiment_id: int, judge_server: FakeOllama
) -> None:
    SettingsFile().update({"models.judge": "judge:1b"})
    judge_server.stall_after = 0  # the judge never answers
    editing = Editing(qtbot, journal, OllamaService(judge_server.url))
    _expect(journal, experiment_id, "judge:names the capital")
    run_id = _run(journal, experiment_id)
    editing.open(experiment_id)
    expectations = editing.expectations
    expectations.set_selected_run(run_id)
    expectations.try_selected_run()
    (row,) = expectations.rows()
    assert row.message_text() == "trying…"
    assert expectations.try_button.text() == "Cancel &trying"
    QTest.mouseClick(expectations.try_button, Qt.MouseButton.LeftButton)
    assert row.message_text() == "not tried: cancelled"
    assert expectations.try_button.text() == "&Try on run"
    assert _grades(journal, run_id) == 0


def test_the_window_tries_on_the_run_shown(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    with Journal.open(db_path) as journal:
        with journal.write() as session:
            experiment_id = create_experiment(session, title="capital").id
        assert experiment_id is not None
        _expect(journal, experiment_id, "contains:Paris")
        run_id = _run(journal, experiment_id)
    store = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    expectations = window.editor.expectations
    qtbot.waitUntil(lambda: expectations.try_button.isEnabled(), timeout=10_000)
    assert window.display.current_run_id() == run_id
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    (row,) = expectations.rows()
    assert row.message_text() == "✓ pass: contains 'Paris'"
    window.close()


def test_leaving_a_refused_row_says_it_was_not_saved(
    editing: Editing, journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        other = create_experiment(session, title="other").id
    assert other is not None
    editing.open(experiment_id)
    said: list[str] = []
    editing.context.said.connect(lambda text, _ms: said.append(text))
    QTest.mouseClick(editing.expectations.add_button, Qt.MouseButton.LeftButton)  # a blank row
    (row,) = editing.expectations.rows()
    row.kind.setCurrentIndex(row.kind.findData("regex"))
    QTest.keyClicks(row.value, "[a-")  # a bad regex, refused at the row
    assert row.message_text()
    editing.open(other)
    assert said == ["Not saved: 1 expectation the journal refuses, such as 'regex:[a-'."]
    assert _saved_lines(journal, experiment_id) == []


def test_a_row_reads_a_turn_and_try_grades_that_turn(
    qtbot: QtBot, editing: Editing, experiment_id: int
) -> None:
    journal = editing.journal
    with journal.write() as session:
        add_expectation(
            session, experiment_id, parse_expectation("contains:Paris", target="turn:1")
        )
    first = _run(journal, experiment_id)
    with journal.write() as session:
        follow = Run(
            experiment_id=experiment_id,
            model="llama3:8b",
            status=RunStatus.DONE,
            messages=[{"role": "user", "content": "And of Italy?"}],
            response="Rome.",
            parent_id=first,
        )
        session.add(follow)
        session.flush()
        assert follow.id is not None
        second = follow.id
    editing.open(experiment_id)
    expectations = editing.expectations
    (row,) = expectations.rows()
    assert row.target.currentText() == "answer of turn"
    assert not row.turn.isHidden() and row.turn.value() == 1
    assert "one turn of the conversation" in row.target.toolTip()
    assert "1 is its first run" in row.turn.toolTip()
    assert row.fields().index(row.turn) == row.fields().index(row.target) + 1  # tab order

    expectations.set_selected_run(second)
    QTest.mouseClick(expectations.try_button, Qt.MouseButton.LeftButton)
    assert _messages(expectations) == ["✓ pass: contains 'Paris'"]
    expectations.set_selected_run(first)
    row.turn.setValue(2)
    QTest.mouseClick(expectations.try_button, Qt.MouseButton.LeftButton)
    assert _messages(expectations) == ["! not graded: no turn 2: this conversation has 1 turn"]

    row.target.setCurrentIndex(row.target.findText("thinking of turn"))
    row.turn.setValue(3)
    editing.editor.flush()
    assert editing.context.wait_for_writes()
    with journal.read() as session:
        (saved,) = list_expectations(session, experiment_id)
    assert saved.expectation.target.value == "turn:3:thinking"

    row.target.setCurrentIndex(row.target.findText("answer"))
    assert row.turn.isHidden()
    row.target.setCurrentIndex(row.target.findText("answer of turn"))
    row.kind.setCurrentIndex(row.kind.findData(Kind.DONE_REASON))
    assert "about the run, not the answer of turn 3" in row.message_text()
    assert ERROR_COLOUR in row.message.styleSheet()
