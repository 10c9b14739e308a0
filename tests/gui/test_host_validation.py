"""The settings dialog shows the core's one-line reason for an unusable Ollama address."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from journal.core.ollama_service import OllamaService
from journal.gui.settings_dialog import SettingsDialog
from journal.gui.settings_store import SettingsStore


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("http://[::1", "no closing ']'"),
        ("http://gpu-box:99999", "port must be a number from 1 to 65535"),
        ("ftp://gpu-box", "only http:// and https:// work"),
    ],
)
def test_a_bad_address_is_explained_not_raised(
    qtbot: QtBot, tmp_path: Path, typed: str, reason: str
) -> None:
    store = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(store, str(tmp_path / "j.sqlite"), lambda h: OllamaService(h).version())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.hosts_edit.setPlainText(typed)
    dialog.test_button.click()
    assert f"'{typed}' is not a usable Ollama address" in dialog.host_status_label.text()
    assert reason in dialog.host_status_label.text()
    dialog.accept()  # refused: the dialog stays open and nothing is saved
    assert dialog.isVisible() and store.ollama_hosts() == []
