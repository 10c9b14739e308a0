"""The window's settings that the CLI shares: the Settings dialog writes what `journal
config get` reads (and shows what `journal config set` wrote), the host rule is the CLI's,
and what older versions kept in QSettings moves into the settings file once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from journal.core.ollama_service import OllamaService
from journal.core.settings import SettingsFile
from journal.gui.main_window import MainWindow
from journal.gui.settings_dialog import SettingsDialog
from journal.gui.settings_store import SettingsStore
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.journal_process import run_cli


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "settings.toml"
    monkeypatch.setenv("JOURNAL_CONFIG", str(path))
    return path


@pytest.fixture
def ini(tmp_path: Path) -> str:
    return str(tmp_path / "window.ini")


def _qsettings(ini: str) -> QSettings:
    return QSettings(ini, QSettings.Format.IniFormat)


def _dialog(qtbot: QtBot, store: SettingsStore, db_path: Path) -> SettingsDialog:
    dialog = SettingsDialog(store, str(db_path), lambda host: OllamaService(host).version())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _get(capsys: pytest.CaptureFixture[str], key: str) -> object:
    code, out, err = run_cli(capsys, "config", "get", key, "--json")
    assert code == 0, err
    return json.loads(out)


def test_what_the_dialog_saves_journal_config_reads(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], config: Path, ini: str, db_path: Path
) -> None:
    store = SettingsStore(_qsettings(ini))
    dialog = _dialog(qtbot, store, db_path)
    assert str(config) in dialog.settings_file_label.text()
    dialog.hosts_edit.setPlainText("gpu-box\n\nhttp://127.0.0.1:11434\n")
    dialog.options_edit.setPlainText("temperature=0.2\nseed=42\nkeep_alive=5m\nthink=high")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert _get(capsys, "ollama.hosts") == ["http://gpu-box:11434", "http://127.0.0.1:11434"]
    assert _get(capsys, "defaults.options") == {"temperature": 0.2, "seed": 42}
    assert _get(capsys, "defaults.keep_alive") == "5m"
    assert _get(capsys, "defaults.think") == "high"
    assert _qsettings(ini).allKeys() == []  # nothing of it in the window's own settings

    # And back: what the CLI sets, the dialog shows.
    assert run_cli(capsys, "config", "set", "defaults.options", "top_k=5")[0] == 0
    assert run_cli(capsys, "config", "unset", "defaults.keep_alive")[0] == 0
    reopened = _dialog(qtbot, store, db_path)
    assert reopened.hosts_edit.toPlainText() == "http://gpu-box:11434\nhttp://127.0.0.1:11434"
    assert reopened.options_edit.toPlainText() == "top_k=5\nthink=high"
    assert store.default_options() == {"top_k": 5, "think": "high"}


def test_a_bad_host_line_is_named_next_to_the_field(
    qtbot: QtBot, config: Path, ini: str, db_path: Path
) -> None:
    store = SettingsStore(_qsettings(ini))
    dialog = _dialog(qtbot, store, db_path)
    dialog.hosts_edit.setPlainText("gpu-box\nhttp://gpu-box:99999")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.host_status_label.text() == (
        "Line 2: 'http://gpu-box:99999' is not a usable Ollama address: "
        "the port must be a number from 1 to 65535, not '99999'."
    )
    assert not config.exists()


def test_the_dialog_says_when_ollama_host_overrides_the_list(
    qtbot: QtBot, config: Path, ini: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsStore(_qsettings(ini))
    dialog = _dialog(qtbot, store, db_path)
    assert dialog.precedence_label.text() == (
        f"OLLAMA_HOST is set ({UNREACHABLE_HOST}): it overrides the first host here until it "
        "is unset. The order: --host, then OLLAMA_HOST, then this list, then "
        "http://127.0.0.1:11434."
    )
    monkeypatch.delenv("OLLAMA_HOST")
    quiet = _dialog(qtbot, store, db_path)
    assert quiet.precedence_label.text().startswith("The first host is used. The order: --host")


def test_the_window_picks_its_host_by_the_clis_rule(
    qtbot: QtBot, config: Path, ini: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SettingsFile().update({"ollama.hosts": ["http://saved:11434", "http://spare:11434"]})

    def window_host(flag: str | None = None) -> str:
        window = MainWindow(db=str(db_path), host=flag, settings=SettingsStore(_qsettings(ini)))
        qtbot.addWidget(window)
        return window.context.host

    assert window_host("http://flag:11434") == "http://flag:11434"
    assert window_host() == UNREACHABLE_HOST  # OLLAMA_HOST beats the saved host
    monkeypatch.delenv("OLLAMA_HOST")
    assert window_host() == "http://saved:11434"


def test_a_damaged_file_is_shown_and_never_overwritten(
    qtbot: QtBot, config: Path, ini: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.parent.mkdir()
    text = '[ollama]\nhosts = ["http://saved:11434"\n'
    config.write_text(text, encoding="utf-8")
    monkeypatch.delenv("OLLAMA_HOST")
    store = SettingsStore(_qsettings(ini))
    assert store.ollama_host() == "http://127.0.0.1:11434"  # the window still starts
    assert store.default_options() == {}
    dialog = _dialog(qtbot, store, db_path)
    message = f"The settings file {config}:2 is not valid TOML: unclosed array."
    assert dialog.file_error_label.isVisible()
    assert dialog.file_error_label.text().startswith(message)
    dialog.hosts_edit.setPlainText("http://other:11434")
    dialog.accept()
    assert dialog.isVisible() and dialog.file_error_label.text().startswith(message)
    assert config.read_text(encoding="utf-8") == text


def test_old_window_settings_move_into_the_file_once(
    capsys: pytest.CaptureFixture[str], config: Path, ini: str
) -> None:
    old = _qsettings(ini)
    old.setValue("ollama/host", "http://gpu-box:11434")
    old.setValue("experiments/default_options", json.dumps({"temperature": 0.2, "think": True}))
    old.setValue("view/raw_mode", True)
    old.sync()

    store = SettingsStore(_qsettings(ini))
    assert _get(capsys, "ollama.hosts") == ["http://gpu-box:11434"]
    assert _get(capsys, "defaults.options") == {"temperature": 0.2}
    assert _get(capsys, "defaults.think") is True
    left = _qsettings(ini)
    assert sorted(left.allKeys()) == ["view/raw_mode"]  # the window's own keys stay
    assert store.raw_mode() is True

    # Once: what is changed later is not overwritten by a second start.
    assert run_cli(capsys, "config", "set", "ollama.hosts", "http://other:11434")[0] == 0
    SettingsStore(_qsettings(ini))
    assert _get(capsys, "ollama.hosts") == ["http://other:11434"]


def test_a_value_already_in_the_file_wins_and_a_damaged_file_waits(
    capsys: pytest.CaptureFixture[str], config: Path, ini: str
) -> None:
    old = _qsettings(ini)
    old.setValue("ollama/host", "http://old:11434")
    old.setValue("experiments/default_options", json.dumps({"seed": 1}))
    old.sync()
    config.parent.mkdir()
    config.write_text("[ollama\n", encoding="utf-8")
    SettingsStore(_qsettings(ini))
    assert config.read_text(encoding="utf-8") == "[ollama\n"  # not overwritten
    assert sorted(_qsettings(ini).allKeys()) == ["experiments/default_options", "ollama/host"]

    config.write_text('[ollama]\nhosts = ["http://new:11434"]\n', encoding="utf-8")
    SettingsStore(_qsettings(ini))
    assert _get(capsys, "ollama.hosts") == ["http://new:11434"]  # set on purpose: kept
    assert _get(capsys, "defaults.options") == {"seed": 1}
    assert _qsettings(ini).allKeys() == []


def test_a_new_experiment_starts_from_the_defaults_journal_config_set(
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    config: Path,
    ini: str,
    db_path: Path,
    fake_ollama: FakeOllama,
) -> None:
    argv = ["config", "set", "defaults.options", "temperature=0.3", "seed=9"]
    assert run_cli(capsys, *argv)[0] == 0
    window = MainWindow(
        db=str(db_path), host=fake_ollama.url, settings=SettingsStore(_qsettings(ini))
    )
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    window.new_experiment()
    panel = window.prompt_panel.options_panel
    qtbot.waitUntil(lambda: panel.options() == {"temperature": 0.3, "seed": 9}, timeout=10_000)


def test_ok_in_settings_keeps_the_host_given_with_host(
    qtbot: QtBot, config: Path, ini: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journal.gui.settings_dialog import SettingsDialog

    SettingsFile().update({"ollama.hosts": ["http://saved:11434"]})
    window = MainWindow(
        db=str(db_path), host="http://flag:11434", settings=SettingsStore(_qsettings(ini))
    )
    qtbot.addWidget(window)
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: 1)  # the person presses OK
    window.dialogs.open_settings()
    assert window.context.host == "http://flag:11434"


def test_host_limits_are_shown_kept_and_explained(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], config: Path, ini: str, db_path: Path
) -> None:
    SettingsFile().update({"ollama.hosts": ["http://a:11434", "http://gpu:11434 limit=2"]})
    store = SettingsStore(_qsettings(ini))
    dialog = _dialog(qtbot, store, db_path)
    assert dialog.hosts_edit.toPlainText() == "http://a:11434\nhttp://gpu:11434 limit=2"
    assert "limit=N" in dialog.hosts_edit.toolTip()
    assert "limit=2" in dialog.hosts_edit.placeholderText()
    dialog.hosts_edit.setPlainText("http://gpu:11434 limit=3\nhttp://a:11434")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert _get(capsys, "ollama.hosts") == ["http://gpu:11434 limit=3", "http://a:11434"]


def test_test_connection_asks_the_address_of_a_line_with_a_limit(
    qtbot: QtBot, config: Path, ini: str, db_path: Path, fake_ollama: FakeOllama
) -> None:
    dialog = _dialog(qtbot, SettingsStore(_qsettings(ini)), db_path)
    dialog.hosts_edit.setPlainText(f"{fake_ollama.url} limit=2")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "0.10.1" in dialog.host_status_label.text(), timeout=5000)
