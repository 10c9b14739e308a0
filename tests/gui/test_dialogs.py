"""The window's dialogs: settings, pulling, model details, help, and the crash report."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.ollama_service import OllamaService
from journal.gui.context import AppContext
from journal.gui.crash_dialog import CrashDialog, install_crash_handler
from journal.gui.help_dialogs import collect_versions, show_about, show_shortcuts
from journal.gui.model_details_dialog import ModelDetailsDialog
from journal.gui.pull_dialog import PullDialog
from journal.gui.settings_dialog import SettingsDialog
from journal.gui.settings_store import SettingsStore
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeModel, FakeOllama


@pytest.fixture
def store(tmp_path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def _labels_text(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


# -- settings store -----------------------------------------------------------------------


def test_settings_survive_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST")  # it would override the saved host
    path = str(tmp_path / "settings.ini")
    store = SettingsStore(QSettings(path, QSettings.Format.IniFormat))
    assert store.ollama_host() == "http://127.0.0.1:11434"
    assert store.ollama_hosts() == []
    assert store.default_options() == {}
    assert store.recent_journals() == []
    assert store.last_journal() is None
    assert store.window_geometry() is None
    assert store.splitter_state("main") is None
    assert store.raw_mode() is False

    store.set_ollama_host("http://gpu-box:11434")
    store.set_default_options({"temperature": 0.2, "seed": 42, "stop": ["###"], "think": True})
    for name in ["a", "b", "c", "a", *(f"j{i}" for i in range(10))]:
        store.add_recent_journal(f"/j/{name}.sqlite")
    store.add_recent_journal("/j/a.sqlite")
    store.set_last_journal("/j/a.sqlite")
    store.set_window_geometry(QByteArray(b"\x01\x02geometry"))
    store.set_window_state(QByteArray(b"state\x00"))
    store.set_splitter_state("main", QByteArray(b"split"))
    store.set_raw_mode(True)
    store.sync()

    again = SettingsStore(QSettings(path, QSettings.Format.IniFormat))
    assert again.ollama_host() == "http://gpu-box:11434"
    assert again.default_options() == {
        "temperature": 0.2,
        "seed": 42,
        "stop": ["###"],
        "think": True,
    }
    recent = again.recent_journals()
    assert len(recent) == 8
    assert recent[0] == "/j/a.sqlite"
    assert recent[1] == "/j/j9.sqlite"
    assert len(set(recent)) == len(recent)
    assert again.last_journal() == "/j/a.sqlite"
    assert again.window_geometry() == QByteArray(b"\x01\x02geometry")
    assert again.window_state() == QByteArray(b"state\x00")
    assert again.splitter_state("main") == QByteArray(b"split")
    assert again.splitter_state("other") is None
    assert again.raw_mode() is True

    again.set_ollama_host(None)
    again.set_raw_mode(False)
    assert again.ollama_hosts() == []
    assert again.ollama_host() == "http://127.0.0.1:11434"
    assert again.raw_mode() is False


# -- pulling ------------------------------------------------------------------------------


def _pull_dialog(qtbot: QtBot, fake: FakeOllama, name: str) -> PullDialog:
    dialog = PullDialog(OllamaService(fake.url).pull, name=name)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pull_shows_progress_and_success(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    fake_ollama.pullable["tiny:1b"] = FakeModel(name="tiny:1b", size=637_700_138)
    dialog = _pull_dialog(qtbot, fake_ollama, "tiny:1b")
    assert dialog.windowTitle() == "Pull a model"
    assert dialog.name_edit.text() == "tiny:1b"
    assert dialog.name_edit.placeholderText() == "e.g. llama3.2:3b"

    with qtbot.waitSignal(dialog.pulled, timeout=5000) as pulled:
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert pulled.args == ["tiny:1b"]
    bar = dialog.progress_bar
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    assert "638 MB of 638 MB" in bar.text()
    assert dialog.status_label.text() == "success"
    assert not dialog.error_label.isVisible()
    assert dialog.close_button.text() == "Close"
    assert "tiny:1b" in [m.name for m in OllamaService(fake_ollama.url).list_models()]


def test_pull_progress_is_throttled(qtbot: QtBot) -> None:
    total = 4_700_000_000

    def flood(name: str, on_progress: Callable[[str, int, int], None], cancel: CancelToken) -> None:
        for step in range(1, 5001):
            on_progress("pulling 6a0746a1ec1a", total * step // 5000, total)
        on_progress("success", 0, 0)

    dialog = PullDialog(flood, name="big:70b")
    qtbot.addWidget(dialog)
    values: list[int] = []
    dialog.progress_bar.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.pulled, timeout=5000):
        dialog.pull_button.click()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert "4.7 GB of 4.7 GB" in dialog.progress_bar.text()
    assert len(values) < 60, "5000 progress lines must not mean 5000 repaints"


def test_cancel_stops_a_slow_pull_promptly(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    fake_ollama.pullable["tiny:1b"] = FakeModel(name="tiny:1b")
    fake_ollama.pull_step_delay = 0.2
    dialog = _pull_dialog(qtbot, fake_ollama, "tiny:1b")
    dialog.pull_button.click()
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("pulling"), timeout=3000)
    assert dialog.close_button.text() == "Cancel"
    assert not dialog.pull_button.isEnabled()

    started = time.monotonic()
    with qtbot.assertNotEmitted(dialog.pulled, wait=100):
        dialog.close_button.click()
        qtbot.waitUntil(lambda: "cancelled" in dialog.status_label.text().lower(), timeout=2000)
    assert time.monotonic() - started < 1.0
    assert dialog.isVisible(), "Cancel stops the pull; the dialog stays to allow a retry"
    assert dialog.pull_button.isEnabled()
    assert dialog.close_button.text() == "Close"
    fake_ollama.wait_until_idle(timeout=2)


def test_escape_cancels_first_then_closes(qtbot: QtBot) -> None:
    def wait_for_cancel(
        name: str, on_progress: Callable[[str, int, int], None], cancel: Any
    ) -> None:
        stopped = threading.Event()
        cancel.add_callback(stopped.set)
        on_progress("pulling manifest", 0, 0)
        stopped.wait(5)
        raise StreamCancelled()

    dialog = PullDialog(wait_for_cancel, name="big:70b")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pull_button.click()
    qtbot.waitUntil(lambda: dialog.status_label.text() == "pulling manifest", timeout=2000)
    assert dialog.progress_bar.maximum() == 0, "no sizes yet: the bar is busy"
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: "cancelled" in dialog.status_label.text().lower(), timeout=2000)
    assert dialog.isVisible()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_closing_the_dialog_cancels_the_pull(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    fake_ollama.pullable["tiny:1b"] = FakeModel(name="tiny:1b")
    fake_ollama.pull_step_delay = 0.2
    dialog = _pull_dialog(qtbot, fake_ollama, "tiny:1b")
    dialog.pull_button.click()
    fake_ollama.wait_for_requests(1)
    dialog.close()
    assert not dialog.isVisible()
    fake_ollama.wait_until_idle(timeout=2)  # the server saw the client hang up


def test_pulling_an_unknown_model_shows_the_error(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    dialog = _pull_dialog(qtbot, fake_ollama, "nope:1b")
    dialog.pull_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=3000)
    assert "file does not exist" in dialog.error_label.text()
    assert dialog.error_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert dialog.pull_button.isEnabled(), "the person can fix the name and retry"

    fake_ollama.pullable["tiny:1b"] = FakeModel(name="tiny:1b")
    dialog.name_edit.setText("tiny:1b")
    with qtbot.waitSignal(dialog.pulled, timeout=5000):
        dialog.pull_button.click()
    assert not dialog.error_label.isVisible()


# -- model details ------------------------------------------------------------------------


def test_model_details_show_what_ollama_knows(
    qtbot: QtBot, fake_ollama: FakeOllama, qtmodeltester: Any
) -> None:
    service = OllamaService(fake_ollama.url)
    info = service.find_model("qwen3:0.6b")
    assert info is not None
    dialog = ModelDetailsDialog(info, service.show_model("qwen3:0.6b"))
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.digest_label.text() == info.digest and len(info.digest) == 64
    text = _labels_text(dialog)
    for expected in ["qwen3:0.6b", "qwen3", "751.63M", "Q8_0", "gguf", "523 MB", "40,960 tokens"]:
        assert expected in text
    assert [chip.text() for chip in dialog.capability_labels] == ["completion", "thinking"]

    dialog.copy_digest_button.click()
    assert QGuiApplication.clipboard().text() == info.digest

    table = dialog.parameters_table
    qtmodeltester.check(table.model())
    rows = {(_cell(table, row, 0), _cell(table, row, 1)) for row in range(table.rowCount())}
    assert ("top_k", "20") in rows
    assert ("stop", "<|im_end|>") in rows
    tab_names = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert tab_names == ["General", "Parameters", "Template", "License", "Modelfile"]


def test_model_details_open_in_the_background(qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    context = AppContext(host=fake_ollama.url)
    context.connect_ollama(fake_ollama.url)
    ModelDetailsDialog.open_for(parent, context, "qwen3:0.6b")
    qtbot.waitUntil(lambda: parent.findChild(ModelDetailsDialog) is not None, timeout=3000)
    dialog = parent.findChild(ModelDetailsDialog)
    assert dialog is not None and dialog.isVisible()
    assert "thinking" in [chip.text() for chip in dialog.capability_labels]


def test_model_details_error_is_said_through_the_context(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    context = AppContext(host=fake_ollama.url)
    context.connect_ollama(fake_ollama.url)
    with qtbot.waitSignal(context.problem_found, timeout=3000) as said:
        ModelDetailsDialog.open_for(parent, context, "nope:1b")
    message = said.args[0]
    assert message.startswith("Could not load the details of nope:1b.")
    assert "nope:1b" in message and "not available" in message
    assert parent.findChild(ModelDetailsDialog) is None


# -- settings dialog ----------------------------------------------------------------------


def _settings_dialog(
    qtbot: QtBot, store: SettingsStore, journal_path: str, host: str | None = None
) -> SettingsDialog:
    dialog = SettingsDialog(store, journal_path, lambda h: OllamaService(h).version())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_dialog_saves_host_and_options(
    qtbot: QtBot, store: SettingsStore, db_path: Path
) -> None:
    dialog = _settings_dialog(qtbot, store, str(db_path))
    assert dialog.windowTitle() == "Settings"
    assert f"OLLAMA_HOST is set ({UNREACHABLE_HOST})" in dialog.precedence_label.text()
    assert str(db_path) in dialog.journal_path_label.text()

    dialog.hosts_edit.setPlainText("gpu-box")
    dialog.options_edit.setPlainText("temperature=0.2\n\n# reproducible\nseed=42\nthink=false")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.ollama_hosts() == ["http://gpu-box:11434"]
    assert store.default_options() == {"temperature": 0.2, "seed": 42, "think": False}

    reopened = _settings_dialog(qtbot, store, str(db_path))
    assert reopened.hosts_edit.toPlainText() == "http://gpu-box:11434"
    assert reopened.options_edit.toPlainText() == "temperature=0.2\nseed=42\nthink=false"


def test_settings_dialog_rejects_a_bad_option_line(
    qtbot: QtBot, store: SettingsStore, db_path: Path
) -> None:
    dialog = _settings_dialog(qtbot, store, str(db_path))
    dialog.options_edit.setPlainText("seed=42\ntemperature=warm")
    assert dialog.options_error_label.isVisible()  # inline, as the person types
    assert "Line 2" in dialog.options_error_label.text()
    assert "temperature" in dialog.options_error_label.text()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert store.default_options() == {}

    dialog.options_edit.setPlainText("seed=42\ntemperature=0.5")
    assert not dialog.options_error_label.isVisible()
    dialog.accept()
    assert not dialog.isVisible()
    assert store.default_options() == {"seed": 42, "temperature": 0.5}


def test_test_connection_reports_version_or_error(
    qtbot: QtBot, store: SettingsStore, db_path: Path, fake_ollama: FakeOllama
) -> None:
    dialog = _settings_dialog(qtbot, store, str(db_path))
    label = dialog.host_status_label
    dialog.hosts_edit.setPlainText(fake_ollama.url)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "is answering" in label.text(), timeout=3000)
    assert "Ollama 0.10.1 is answering" in label.text()

    dialog.hosts_edit.setPlainText("http://127.0.0.1:9")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Cannot reach" in label.text(), timeout=5000)
    assert "http://127.0.0.1:9" in label.text()
    assert dialog.test_button.isEnabled()


def test_choosing_another_journal_asks_the_window(
    qtbot: QtBot, store: SettingsStore, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = str(db_path.parent / "other.sqlite")
    asked: list[str] = []
    opened: list[str] = []

    def pick(parent: QWidget | None, start_dir: str) -> str:
        asked.append(start_dir)
        return other

    monkeypatch.setattr(SettingsDialog, "pick_journal_file", staticmethod(pick))
    monkeypatch.setattr(SettingsDialog, "open_folder", staticmethod(opened.append))
    dialog = _settings_dialog(qtbot, store, str(db_path))
    with qtbot.waitSignal(dialog.journal_switch_requested) as switched:
        dialog.open_other_button.click()
    assert switched.args == [other]
    assert asked == [str(db_path.parent)]
    dialog.show_folder_button.click()
    assert opened == [str(db_path.parent)]


# -- crash handler ------------------------------------------------------------------------


@pytest.fixture
def shown_crashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # monkeypatch puts back whatever hooks pytest and pytest-qt had installed.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown: list[str] = []

    def show_for(cls: type[CrashDialog], text: str, *args: Any) -> None:
        shown.append(text)

    monkeypatch.setattr(CrashDialog, "show_for", classmethod(show_for))
    return shown


def _fail(message: str) -> None:
    raise ValueError(message)


def test_a_bug_is_logged_and_shown(qtbot: QtBot, tmp_path: Path, shown_crashes: list[str]) -> None:
    log = tmp_path / "logs" / "crash.log"
    install_crash_handler(log)
    try:
        _fail("boom")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(shown_crashes) == 1
    assert "Traceback" in shown_crashes[0] and "ValueError: boom" in shown_crashes[0]
    assert "ValueError: boom" in log.read_text()

    worker = threading.Thread(target=_fail, args=("from a thread",), name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown_crashes) == 2, timeout=2000)  # marshalled to the GUI
    assert "In thread worker" in shown_crashes[1]
    text = log.read_text()
    assert text.count("=== ") == 2 and "ValueError: from a thread" in text


def test_a_failing_crash_dialog_does_not_recurse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown_crashes: list[str]
) -> None:
    calls: list[str] = []

    def broken(cls: type[CrashDialog], text: str, *args: Any) -> None:
        calls.append(text)
        raise RuntimeError("dialog broke")

    monkeypatch.setattr(CrashDialog, "show_for", classmethod(broken))
    log = tmp_path / "crash.log"
    install_crash_handler(log)
    try:
        _fail("first")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(calls) == 1
    assert "RuntimeError: dialog broke" in log.read_text()


def test_crash_dialog_shows_the_details(qtbot: QtBot, tmp_path: Path) -> None:
    text = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom\n'
    dialog = CrashDialog(text, tmp_path / "crash.log")
    qtbot.addWidget(dialog)
    dialog.show()
    labels = _labels_text(dialog)
    assert "Something went wrong inside LLM Journal." in labels
    assert "Your journal is saved: every run is written as it happens." in labels
    assert str(tmp_path / "crash.log") in labels
    assert not dialog.details_view.isVisible()
    dialog.details_button.click()
    assert dialog.details_view.isVisible()
    assert dialog.details_view.isReadOnly()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text.rstrip("\n")


# -- help ---------------------------------------------------------------------------------


def test_shortcuts_list_keys_in_native_text(qtbot: QtBot, qtmodeltester: Any) -> None:
    dialog = show_shortcuts(None, [("Ctrl+Return", "Run the experiment"), ("F1", "Help")])
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget)
    assert table is not None
    qtmodeltester.check(table.model())
    native = QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText)
    assert _cell(table, 0, 0) == native
    assert _cell(table, 0, 1) == "Run the experiment"
    assert _cell(table, 1, 0) == "F1"


def test_about_names_the_versions(qtbot: QtBot, db_path: Path) -> None:
    versions = collect_versions("0.10.1", str(db_path))
    assert versions["SQLite"] == sqlite3.sqlite_version
    assert versions["Ollama server"] == "0.10.1"
    dialog = show_about(None, versions)
    qtbot.addWidget(dialog)
    text = _labels_text(dialog)
    for expected in ["LLM Journal", "0.10.1", sqlite3.sqlite_version, str(db_path), "PySide6"]:
        assert expected in text
    assert versions["Qt"] in text and versions["ollama (Python client)"] in text

    offline = show_about(None, collect_versions(None, str(db_path)))
    qtbot.addWidget(offline)
    assert "not connected" in _labels_text(offline)
