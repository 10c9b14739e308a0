"""The Format setting in the window: a schema checked as it is typed, sent with the run and
recorded; the answer shown as indented JSON with what it is against the format; and the
expectation added from a run's format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.expectations import Kind
from journal.core.grades import list_expectations
from journal.core.queries import get_run
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    fake_ollama.add_model(FakeModel(name="sloppy:1b", reply=lambda *_: '{"age": 3'))
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    picker.set_current_model("llama3:8b")
    window.prompt_panel.set_prompt("Who wrote the first program?")
    window.prompt_panel.set_settings_expanded(True)
    yield window
    stop_runs(qtbot, window)


def _run_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _sent_format(fake_ollama: FakeOllama) -> Any:
    return fake_ollama.requests_for("/api/chat")[-1].body.get("format")


def _stored(db_path: Path, run_id: int) -> Any:
    with Journal.open(db_path) as journal, journal.read() as session:
        return get_run(session, run_id)


def test_a_schema_is_checked_as_typed_and_blocks_run_until_it_is_valid(
    window: MainWindow,
) -> None:
    setting = window.prompt_panel.format_setting
    assert setting.schema_edit.isHidden()
    setting.choice_box.setCurrentText("JSON schema")
    assert setting.schema_edit.isVisible()
    QTest.keyClicks(setting.schema_edit, '{"type": "object",')
    assert "The schema is not JSON (Expecting property name" in setting.status_text()
    assert not window.prompt_panel.run_button.isEnabled()
    assert "Fix the settings first" in window.prompt_panel.run_button.toolTip()
    setting.schema_edit.setPlainText('{"type": "thing"}')
    assert "Not a valid JSON schema: $.type" in setting.status_text()
    setting.schema_edit.setPlainText(json.dumps(PERSON))
    assert setting.status_text() == "✓ a valid JSON schema"
    assert window.prompt_panel.run_button.isEnabled()


def test_a_schema_set_in_the_window_is_sent_recorded_and_its_answer_shown_as_json(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path, tmp_path: Path
) -> None:
    schema_file = tmp_path / "person.json"
    schema_file.write_text(json.dumps(PERSON), encoding="utf-8")
    setting = window.prompt_panel.format_setting
    setting.choice_box.setCurrentText("JSON schema")
    setting.load_file(str(schema_file))
    assert json.loads(setting.schema_edit.toPlainText()) == PERSON
    window.prompt_panel.set_settings_expanded(False)
    assert "format=schema" in window.prompt_panel.settings_summary()
    _run_and_wait(qtbot, window)
    assert _sent_format(fake_ollama) == PERSON
    run = _stored(db_path, window.history_model.run(0).id)
    assert run.format == PERSON
    view = window.display.answer_view
    qtbot.waitUntil(lambda: view.format_status_text() != "", timeout=10_000)
    assert view.format_status_text() == "✓ valid JSON, matches the schema"
    assert view.answer_text() == json.dumps(json.loads(run.response), indent=2)
    view.set_raw_mode(True)
    assert view.answer_text() == run.response  # Raw: the exact text


def test_an_answer_that_is_not_json_says_where_it_broke(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama
) -> None:
    window.prompt_panel.model_picker.set_current_model("sloppy:1b")
    window.prompt_panel.format_setting.choice_box.setCurrentText("JSON")
    _run_and_wait(qtbot, window)
    assert _sent_format(fake_ollama) == "json"
    view = window.display.answer_view
    qtbot.waitUntil(lambda: view.format_status_text() != "", timeout=10_000)
    assert view.format_status_text() == "✗ not JSON: Expecting ',' delimiter at line 1, column 10"
    assert view.answer_text() == '{"age": 3'


def test_choosing_a_run_brings_its_format_back_and_adds_the_expectation_from_it(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path
) -> None:
    setting = window.prompt_panel.format_setting
    setting.choice_box.setCurrentText("JSON schema")
    setting.schema_edit.setPlainText(json.dumps(PERSON))
    _run_and_wait(qtbot, window)
    setting.choice_box.setCurrentText("None")
    _run_and_wait(qtbot, window)
    assert _sent_format(fake_ollama) is None
    with_schema = 1 if window.history_model.run(0).format is None else 0
    window.display.history_view.setCurrentIndex(window.history_model.index(with_schema, 0))
    qtbot.waitUntil(lambda: setting.choice_box.currentText() == "JSON schema")
    assert json.loads(setting.schema_edit.toPlainText()) == PERSON
    editor = window.editor.expectations
    assert editor.from_format_button.toolTip().startswith("Add what the selected run's format")
    editor.from_format_button.click()
    assert [row.expectation().kind for row in editor.rows()] == [Kind.JSON_SCHEMA]  # type: ignore[union-attr]
    experiment_id = window.history_model.run(with_schema).experiment_id

    def saved() -> list[Any]:
        with Journal.open(db_path) as journal, journal.read() as session:
            return list_expectations(session, experiment_id)

    qtbot.waitUntil(lambda: len(saved()) == 1, timeout=10_000)
    assert saved()[0].expectation.kind is Kind.JSON_SCHEMA
    action = window.expectation_from_format_action  # Run menu, Ctrl+Alt+F
    assert action.shortcut().toString() == "Ctrl+Alt+F"
    action.trigger()
    assert "Already expected: json-schema:" in editor.add_message.text()
    assert len(editor.rows()) == 1
