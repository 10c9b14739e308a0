"""`{{name}}` variables in the window: the form under the prompt, and runs rendered, sent and
recorded through the core as `journal run --var` does, against the fake Ollama server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from journal.core.queries import get_run
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeOllama
from tests.gui.window_teardown import stop_runs

TEMPLATE = "say {{word}} in {{lang}}"


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    picker.set_current_model("llama3:8b")
    yield window
    stop_runs(qtbot, window)


def _type(window: MainWindow, text: str) -> None:
    window.prompt_panel.prompt_edit.setFocus()
    QTest.keyClicks(window.prompt_panel.prompt_edit, text)


def _fill(window: MainWindow, **values: str) -> None:
    form = window.prompt_panel.variables_form
    for name, value in values.items():
        form.edit(name).clear()
        QTest.keyClicks(form.edit(name), value)


def _run_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _sent(fake_ollama: FakeOllama) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    return messages


def _stored(db_path: Path, run_id: int) -> Any:
    with Journal.open(db_path) as journal, journal.read() as session:
        return get_run(session, run_id)


def test_typing_variables_shows_one_field_each_in_order_and_keeps_values(
    window: MainWindow,
) -> None:
    form = window.prompt_panel.variables_form
    assert form.isHidden()
    _type(window, "say {{word}}")
    assert form.isVisible()
    assert form.names() == ["word"]
    _fill(window, word="kiwi")
    _type(window, " in {{lang}} and {{word}} again")
    assert form.names() == ["word", "lang"]
    window.prompt_panel.set_prompt("no variables now")
    assert form.isHidden()
    window.prompt_panel.set_prompt("{{lang}} {{word}}")  # typed back: its value comes back
    assert form.names() == ["lang", "word"]
    assert form.edit("word").text() == "kiwi"
    window.prompt_panel.system_edit.setPlainText("Answer as {{persona}}.")
    assert form.names() == ["lang", "word", "persona"]


def test_running_sends_the_rendered_prompt_and_records_the_template(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path
) -> None:
    _type(window, TEMPLATE)
    form = window.prompt_panel.variables_form
    assert [form.edit(name).accessibleName() for name in form.names()] == [
        "Value of word",
        "Value of lang",
    ]
    _fill(window, word="kiwi", lang="French")
    _run_and_wait(qtbot, window)
    assert _sent(fake_ollama)[-1] == {"role": "user", "content": "say kiwi in French"}
    run = _stored(db_path, window.history_model.run(0).id)
    assert run.prompt == "say kiwi in French"
    assert run.template == {
        "prompt": TEMPLATE,
        "system": "",
        "values": {"word": "kiwi", "lang": "French"},
    }
    tip = window.history_model.data(window.history_model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "word=kiwi, lang=French" in tip
    # The panel still holds the template, not the text it gave.
    assert window.prompt_panel.prompt() == TEMPLATE


def test_a_missing_value_sends_nothing_and_says_why_at_the_form(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama
) -> None:
    _type(window, TEMPLATE)
    _fill(window, word="kiwi")
    form = window.prompt_panel.variables_form
    assert window.prompt_panel.run_button.isEnabled()
    QTest.mouseClick(window.prompt_panel.run_button, Qt.MouseButton.LeftButton)
    assert "No value for the variable {{lang}}" in form.error_text()
    assert form.edit("lang").hasFocus()
    assert not window.runs.is_running
    assert fake_ollama.requests_for("/api/chat") == []
    assert window.history_model.rowCount() == 0
    QTest.keyClicks(form.edit("lang"), "French")  # typing a value takes the reason away
    assert form.error_text() == ""


def test_an_escape_without_variables_sends_the_braces(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path
) -> None:
    _type(window, "{{{{x}}")
    assert window.prompt_panel.variables_form.isHidden()
    _run_and_wait(qtbot, window)
    assert _sent(fake_ollama)[-1]["content"] == "{{x}}"
    run = _stored(db_path, window.history_model.run(0).id)
    assert run.template == {"prompt": "{{{{x}}", "system": "", "values": {}}


def test_plain_text_is_sent_and_stored_as_typed(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path
) -> None:
    _type(window, 'Give JSON like {"a": {"b": 1}} and {{ .Prompt }}')
    assert window.prompt_panel.variables_form.isHidden()
    _run_and_wait(qtbot, window)
    sent = 'Give JSON like {"a": {"b": 1}} and {{ .Prompt }}'
    assert _sent(fake_ollama)[-1]["content"] == sent
    assert _stored(db_path, window.history_model.run(0).id).template is None


def test_opening_an_experiment_restores_its_latest_runs_values(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.prompt_panel.system_edit.setPlainText("You speak {{lang}}.")
    _type(window, TEMPLATE)
    _fill(window, word="kiwi", lang="French")
    _run_and_wait(qtbot, window)
    experiment_id = window.editor.experiment_id()
    _fill(window, word="plum")  # edited, not run
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() != experiment_id)
    assert window.prompt_panel.variables_form.isHidden()
    window.browser.open_experiment(experiment_id or 0)
    form = window.prompt_panel.variables_form
    assert window.prompt_panel.prompt() == TEMPLATE
    assert window.prompt_panel.system_prompt() == "You speak {{lang}}."
    assert form.names() == ["word", "lang"]
    assert form.edit("word").text() == "kiwi"
    assert form.edit("lang").text() == "French"


def test_a_replay_sends_the_recorded_messages_and_keeps_the_template(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama, db_path: Path
) -> None:
    _type(window, TEMPLATE)
    _fill(window, word="kiwi", lang="French")
    _run_and_wait(qtbot, window)
    original = window.history_model.run(0)
    _fill(window, word="plum")  # a replay ignores the panel
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert _sent(fake_ollama)[-1]["content"] == "say kiwi in French"
    replay = _stored(db_path, window.history_model.run(0).id)
    assert replay.replay_of_id == original.id
    assert replay.template == original.template


def test_tab_goes_from_field_to_field_then_on_to_the_settings(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.prompt_panel
    panel.set_prompt(TEMPLATE)
    form = panel.variables_form
    window.activateWindow()
    form.edit("word").setFocus()
    qtbot.waitUntil(form.edit("word").hasFocus)
    QTest.keyClick(form.edit("word"), Qt.Key.Key_Tab)
    assert form.edit("lang").hasFocus()
    QTest.keyClick(form.edit("lang"), Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and not form.isAncestorOf(focused)
    assert not panel.prompt_edit.hasFocus()
