"""The prompt panel as a person uses it: pick a model, type a prompt, set options, press Run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.gui.model_picker import DETAIL_ROLE, ModelPicker
from journal.gui.options_panel import OptionsPanel, format_stop, parse_stop
from journal.gui.prompt_panel import PromptPanel

if TYPE_CHECKING:
    from journal.core.ollama_service import OllamaService
    from tests.fake_ollama import FakeOllama

UNREACHABLE = "http://127.0.0.1:9"


def _service(host: str) -> OllamaService:
    from journal.core.ollama_service import OllamaService

    return OllamaService(host, connect_timeout=2)


def _loaded_picker(qtbot: QtBot, host: str) -> ModelPicker:
    picker = ModelPicker(_service(host).list_models)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.models_loaded, timeout=5000):
        picker.refresh()
    return picker


def _rows(picker: ModelPicker) -> list[tuple[str, str]]:
    combo = picker.combo
    return [
        (combo.itemText(row), str(combo.itemData(row, DETAIL_ROLE) or ""))
        for row in range(combo.count())
    ]


def _line(options: OptionsPanel, key: str) -> QLineEdit:
    edit = options.editor(key)
    assert isinstance(edit, QLineEdit)
    return edit


def _panel(qtbot: QtBot, fake_ollama: FakeOllama) -> PromptPanel:
    service = _service(fake_ollama.url)
    panel = PromptPanel()
    qtbot.addWidget(panel)
    panel.model_picker.set_lister(service.list_models)
    panel.set_show_model(service.show_model)
    with qtbot.waitSignal(panel.model_picker.models_loaded, timeout=5000):
        panel.model_picker.refresh()
    return panel


# -- the model picker ---------------------------------------------------------------------


def test_picker_lists_the_models_with_family_size_and_quantization(
    qtbot: QtBot, qtmodeltester: ModelTester, fake_ollama: FakeOllama
) -> None:
    picker = _loaded_picker(qtbot, fake_ollama.url)
    check: Callable[[QAbstractItemModel], None] = qtmodeltester.check  # untyped in pytest-qt
    check(picker.combo.model())
    assert _rows(picker) == [
        ("llama3:8b", "llama · 8.0B · Q4_0 · 4.7 GB"),
        ("qwen3:0.6b", "qwen3 · 751.63M · Q8_0 · 523 MB"),
    ]
    assert picker.current_model() == "llama3:8b"
    assert [m.name for m in picker.models()] == ["llama3:8b", "qwen3:0.6b"]
    info = picker.model_info("qwen3:0.6b")
    assert info is not None
    assert info.short_digest in str(picker.combo.itemData(1, Qt.ItemDataRole.ToolTipRole))


def test_refresh_keeps_the_chosen_model(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    picker = _loaded_picker(qtbot, fake_ollama.url)
    with qtbot.waitSignal(picker.model_changed) as changed:
        picker.combo.setCurrentIndex(1)
    assert changed.args == ["qwen3:0.6b"]
    with (
        qtbot.assertNotEmitted(picker.model_changed),
        qtbot.waitSignal(picker.models_loaded, timeout=5000),
    ):
        picker.refresh()
        assert picker.is_loading()
        assert picker.current_model() == "qwen3:0.6b"  # still chosen while loading
    assert picker.current_model() == "qwen3:0.6b"
    assert picker.refresh_button.isEnabled()


def test_a_model_the_server_lacks_is_marked_not_installed(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    picker = _loaded_picker(qtbot, fake_ollama.url)
    with qtbot.waitSignal(picker.model_changed) as changed:
        picker.set_current_model("mistral:7b")
    assert changed.args == ["mistral:7b"]
    assert ("mistral:7b", "(not installed)") in _rows(picker)
    assert picker.current_model() == "mistral:7b"
    assert not picker.is_installed("mistral:7b")
    # Choosing an installed one by its short name works as Ollama reads it.
    from tests.fake_ollama import FakeModel

    fake_ollama.add_model(FakeModel(name="llama3:latest"))
    with qtbot.waitSignal(picker.models_loaded, timeout=5000):
        picker.refresh()
    assert ("mistral:7b", "(not installed)") in _rows(picker)  # still the choice
    picker.set_current_model("llama3")
    assert picker.current_model() == "llama3:latest"


def test_unreachable_server_says_so(qtbot: QtBot) -> None:
    picker = ModelPicker(_service(UNREACHABLE).list_models)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.load_failed, timeout=5000) as failed:
        picker.refresh()
    message = failed.args[0].message
    assert "Cannot reach Ollama at http://127.0.0.1:9" in message
    assert picker.combo.currentText() == "Ollama unreachable"
    assert message in picker.combo.toolTip()
    assert picker.current_model() is None
    assert not picker.combo.model().flags(picker.combo.model().index(0, 0)) & (
        Qt.ItemFlag.ItemIsEnabled
    )


def test_a_server_without_models_says_how_to_get_one(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    fake_ollama.models.clear()
    picker = _loaded_picker(qtbot, fake_ollama.url)
    assert picker.combo.currentText() == "No models installed"
    assert "ollama pull" in picker.combo.toolTip()
    assert picker.current_model() is None


# -- the options --------------------------------------------------------------------------


def test_options_are_typed_and_unset_fields_are_absent(qtbot: QtBot) -> None:
    options = OptionsPanel()
    qtbot.addWidget(options)
    assert options.options() == {}
    assert options.request_fields() == {}
    QTest.keyClicks(_line(options, "temperature"), "0.2")
    QTest.keyClicks(_line(options, "seed"), "42")
    QTest.keyClicks(_line(options, "num_ctx"), "8192")
    QTest.keyClicks(_line(options, "stop"), r"###, User:, \n\n")
    QTest.keyClicks(_line(options, "keep_alive"), "5m")
    think = options.editor("think")
    assert isinstance(think, QComboBox)
    think.setCurrentText("High")
    extra = options.editor("extra")
    assert isinstance(extra, QPlainTextEdit)
    extra.setPlainText("# tuned\nrepeat_penalty=1.1\nnum_batch=256\n")
    assert options.options() == {
        "temperature": 0.2,
        "seed": 42,
        "num_ctx": 8192,
        "stop": ["###", "User:", "\n\n"],
        "repeat_penalty": 1.1,
        "num_batch": 256,
    }
    assert options.request_fields() == {"keep_alive": "5m", "think": "high"}
    assert options.is_valid()
    with qtbot.waitSignal(options.changed):
        options.clear()
    assert options.options() == {}
    assert options.request_fields() == {}


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("seed", "abc", "seed needs a whole number, not 'abc'"),
        ("temperature", "warm", "temperature needs a number"),
        ("top_p", "nan", "finite"),
        ("keep_alive", "soon", "keep_alive takes a duration"),
        ("stop", r"a\q", "unknown escape"),
        ("extra", "temperature=0.3", "temperature has its own field"),
        ("extra", "num_batch=lots", "line 1: Option num_batch needs a whole number"),
    ],
)
def test_invalid_entries_are_reported(qtbot: QtBot, key: str, text: str, message: str) -> None:
    options = OptionsPanel()
    qtbot.addWidget(options)
    editor = options.editor(key)
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(text)
    else:
        assert isinstance(editor, QLineEdit)
        QTest.keyClicks(editor, text)
    assert not options.is_valid()
    assert len(options.errors()) == 1
    assert message in options.errors()[0]
    assert message in editor.toolTip()
    assert key not in options.options()


def test_invalid_seed_blocks_running(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    panel = _panel(qtbot, fake_ollama)
    panel.set_prompt("Hello")
    assert panel.can_run() == (True, "")
    QTest.keyClicks(_line(panel.options_panel, "seed"), "abc")
    ok, reason = panel.can_run()
    assert not ok
    assert "seed needs a whole number" in reason
    assert not panel.run_button.isEnabled()
    assert reason == panel.run_button.toolTip()
    _line(panel.options_panel, "seed").clear()
    assert panel.can_run() == (True, "")


def test_picking_a_model_shows_its_defaults_as_placeholders(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    panel = _panel(qtbot, fake_ollama)
    options = panel.options_panel
    temperature = _line(options, "temperature")
    qtbot.waitUntil(lambda: temperature.placeholderText() == "0.7 (model default)")
    assert _line(options, "stop").placeholderText() == "<|eot_id|> (model default)"
    assert _line(options, "seed").placeholderText() == "default"

    panel.model_picker.set_current_model("qwen3:0.6b")
    qtbot.waitUntil(lambda: temperature.placeholderText() == "0.6 (model default)")
    assert _line(options, "top_k").placeholderText() == "20 (model default)"
    assert "repeat_penalty=1" in options.editor("extra").toolTip()
    assert options.options() == {}  # placeholders are not values


def test_a_model_without_thinking_resets_think_and_says_why(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    panel = _panel(qtbot, fake_ollama)
    panel.model_picker.set_current_model("qwen3:0.6b")
    think = panel.options_panel.editor("think")
    assert isinstance(think, QComboBox)
    qtbot.waitUntil(lambda: panel.current_model_show() is not None)
    think.setCurrentText("On")
    assert panel.options_panel.request_fields() == {"think": True}
    panel.model_picker.set_current_model("llama3:8b")
    qtbot.waitUntil(lambda: "does not support thinking" in think.toolTip())
    assert think.currentText() == "Default"
    assert think.isEnabled()  # not blocked: the person may still choose


def test_set_values_round_trips(qtbot: QtBot) -> None:
    options = OptionsPanel()
    qtbot.addWidget(options)
    values: dict[str, Any] = {
        "temperature": 0.25,
        "seed": 7,
        "top_k": 40,
        "num_predict": -1,
        "stop": ["a, b", "\n", " lead"],
        "repeat_penalty": 1.1,
        "tag": "007",
        "flag": True,
    }
    with qtbot.waitSignal(options.changed):
        options.set_values(values, keep_alive="-1", think="medium")
    assert options.options() == values
    assert options.request_fields() == {"keep_alive": "-1", "think": "medium"}
    options.set_values({"seed": 1}, keep_alive=None, think=False)
    assert options.options() == {"seed": 1}
    assert options.request_fields() == {"think": False}


@pytest.mark.parametrize(
    "stops", [["###"], ["User:", "\n\n"], ["a,b", "back\\slash", "\t"], [" padded "]]
)
def test_stop_text_round_trips(stops: list[str]) -> None:
    assert parse_stop(format_stop(stops)) == stops


# -- the panel ----------------------------------------------------------------------------


def test_run_is_offered_only_when_a_run_can_start(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    panel = _panel(qtbot, fake_ollama)
    assert panel.can_run() == (False, "Write a prompt to run.")
    assert not panel.run_button.isEnabled()
    assert panel.run_button.toolTip() == "Write a prompt to run."
    with qtbot.assertNotEmitted(panel.run_requested):
        QTest.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert not panel.request_run()

    QTest.keyClicks(panel.prompt_edit, "Why is the sky blue?")
    assert panel.run_button.isEnabled()
    with qtbot.waitSignal(panel.run_requested):
        QTest.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)

    panel.set_running(True)
    assert not panel.run_button.isEnabled()
    assert panel.stop_button.isEnabled()
    assert not panel.prompt_edit.isReadOnly()
    with qtbot.waitSignal(panel.stop_requested):
        QTest.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    panel.set_running(False)
    assert panel.run_button.isEnabled()
    assert not panel.stop_button.isEnabled()

    panel.model_picker.set_current_model(None)
    assert panel.can_run() == (False, "Choose a model to run.")


def test_texts_round_trip_and_edits_are_announced(qtbot: QtBot) -> None:
    panel = PromptPanel()
    qtbot.addWidget(panel)
    assert panel.run_button.text() == "Run  Ctrl+Enter"
    assert panel.stop_button.text() == "Stop  Esc"
    with qtbot.waitSignal(panel.prompt_edited):
        QTest.keyClicks(panel.system_edit, "Be brief.")
    assert panel.system_prompt() == "Be brief."
    with qtbot.waitSignal(panel.prompt_edited):
        panel.set_prompt("Hi")
    assert panel.prompt() == "Hi"


def test_a_megabyte_prompt_goes_in_and_out(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    panel = _panel(qtbot, fake_ollama)
    big = ("The quick brown fox jumps over the lazy dog. " * 20 + "\n") * 1140
    assert len(big) > 1_000_000
    panel.set_prompt(big)
    assert panel.prompt() == big
    assert panel.can_run() == (True, "")


def test_settings_fold_away_with_a_summary(qtbot: QtBot) -> None:
    panel = PromptPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.options_panel.isVisible()
    panel.options_panel.set_values({"temperature": 0.2}, keep_alive=None, think=None)
    assert "temperature=0.2" in panel.settings_summary()
    panel.set_settings_expanded(True)
    assert panel.options_panel.isVisible()
