"""Model housekeeping in the window: sizes and loaded marks in the picker, an honest label
while Ollama is down, a failed run marking the server down at once, and the Models dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QTableWidget
from pytestqt.qtbot import QtBot

from journal.core.ollama_service import ChatRequest, OllamaService
from journal.gui.main_window import MainWindow
from journal.gui.model_picker import DETAIL_ROLE, ModelPicker
from journal.gui.models_dialog import ModelsDialog
from journal.gui.settings_store import SettingsStore
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.gui.window_teardown import stop_runs


def _load(fake: FakeOllama, model: str) -> None:
    request = ChatRequest(model, [{"role": "user", "content": "hi"}], keep_alive="10m")
    OllamaService(fake.url).chat(request, lambda _content, _thinking: None)


def _details(picker: ModelPicker) -> dict[str, str]:
    combo = picker.combo
    return {
        combo.itemText(row): str(combo.itemData(row, DETAIL_ROLE) or "")
        for row in range(combo.count())
    }


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    shown = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(shown)
    shown.show()
    shown.start()
    qtbot.waitUntil(lambda: shown.context.journal is not None, timeout=10_000)
    picker = shown.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    yield shown
    stop_runs(qtbot, shown)


def test_the_picker_shows_size_on_disk_and_marks_loaded_models(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    _load(fake_ollama, "qwen3:0.6b")
    service = OllamaService(fake_ollama.url)
    picker = ModelPicker(service.list_models)
    picker.set_loaded_lister(service.loaded_models)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.models_loaded, timeout=5000):
        picker.refresh()
    details = _details(picker)
    assert details["llama3:8b"] == "llama · 8.0B · Q4_0 · 4.7 GB"
    assert details["qwen3:0.6b"] == "qwen3 · 751.63M · Q8_0 · 523 MB · loaded"
    picker.set_current_model("qwen3:0.6b")
    assert "Loaded in memory until " in picker.combo.toolTip()
    assert "523 MB on disk" in picker.combo.toolTip()


def test_a_chosen_model_reads_ollama_unreachable_while_the_server_is_down(
    qtbot: QtBot,
) -> None:
    picker = ModelPicker(OllamaService(UNREACHABLE_HOST, connect_timeout=2).list_models)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.load_failed, timeout=5000):
        picker.refresh()
    picker.set_current_model("llama3:8b")
    assert _details(picker)["llama3:8b"] == "(Ollama unreachable)"
    assert "cannot be reached" in picker.combo.toolTip()
    picker.set_reachable(True)  # the watcher hears it again: now "missing" means missing
    assert _details(picker)["llama3:8b"] == "(not installed)"
    picker.set_reachable(False)
    assert _details(picker)["llama3:8b"] == "(Ollama unreachable)"


def test_a_run_that_cannot_reach_ollama_marks_it_down_at_once(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama
) -> None:
    status = window.context.ollama_status
    assert status.reachable is True
    seen: list[bool | None] = []
    window.runs.finished.connect(lambda _run: seen.append(status.reachable))
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    window.prompt_panel.set_prompt("hello")
    fake_ollama.stop()
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert seen == [False]  # already down when the failed run is shown, not at the next poll
    assert window.banner.isVisible()


def _models_dialog(qtbot: QtBot, fake_ollama: FakeOllama) -> ModelsDialog:
    dialog = ModelsDialog(OllamaService(fake_ollama.url))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.installed_table.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(dialog.refresh_button.isEnabled, timeout=5000)
    return dialog


def _column(table: QTableWidget, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def test_the_models_dialog_unloads_a_loaded_model(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    _load(fake_ollama, "qwen3:0.6b")
    dialog = _models_dialog(qtbot, fake_ollama)
    assert _column(dialog.loaded_table, 0) == ["qwen3:0.6b"]
    assert _column(dialog.loaded_table, 1) == ["523 MB"]
    assert _column(dialog.installed_table, 1) == ["4.7 GB", "523 MB"]
    assert _column(dialog.installed_table, 3)[0] == "—"
    assert _column(dialog.installed_table, 3)[1].startswith("until ")
    assert dialog.unload_button.toolTip() and dialog.delete_button.toolTip()
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.unload_button.click()
    qtbot.waitUntil(lambda: dialog.loaded_table.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(dialog.refresh_button.isEnabled, timeout=5000)
    assert dialog.status.text() == "Unloaded qwen3:0.6b; it stays on disk."
    assert not dialog.unload_button.isEnabled()
    assert OllamaService(fake_ollama.url).loaded_models() == []


def _confirmation(qtbot: QtBot, dialog: ModelsDialog) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox) is not None, timeout=5000)
    box = dialog.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    return box


def test_the_models_dialog_deletes_only_after_confirmation(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    dialog = _models_dialog(qtbot, fake_ollama)
    dialog.installed_table.selectRow(1)
    dialog.delete_button.click()
    box = _confirmation(qtbot, dialog)
    assert box.text() == f"Delete qwen3:0.6b (523 MB) from {fake_ollama.url}?"
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox) is None, timeout=5000)
    assert "qwen3:0.6b" in fake_ollama.models  # cancelled: nothing sent
    assert fake_ollama.requests_for("/api/delete") == []
    dialog.delete_button.click()
    box = _confirmation(qtbot, dialog)
    (delete,) = [b for b in box.buttons() if b.text() == "Delete"]
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        delete.click()
    qtbot.waitUntil(lambda: dialog.installed_table.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(dialog.refresh_button.isEnabled, timeout=5000)
    assert dialog.status.text() == "Deleted qwen3:0.6b (523 MB)."
    assert list(fake_ollama.models) == ["llama3:8b"]


def test_the_models_dialog_says_when_ollama_is_down(qtbot: QtBot) -> None:
    dialog = ModelsDialog(OllamaService(UNREACHABLE_HOST, connect_timeout=2))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.isVisible() and "Cannot reach Ollama" in dialog.error.text()
    assert not dialog.unload_button.isEnabled() and not dialog.delete_button.isEnabled()


def test_the_models_menu_opens_the_dialog_and_a_deletion_refreshes_the_picker(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama
) -> None:
    QTest.keyClick(
        window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: window.findChild(ModelsDialog) is not None, timeout=5000)
    dialog = window.findChild(ModelsDialog)
    assert isinstance(dialog, ModelsDialog)
    qtbot.waitUntil(lambda: dialog.installed_table.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(dialog.delete_button.isEnabled, timeout=5000)
    dialog.installed_table.selectRow(0)
    dialog.delete_button.click()
    box = _confirmation(qtbot, dialog)
    (delete,) = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: [m.name for m in picker.models()] == ["qwen3:0.6b"], timeout=5000)
    dialog.close()
