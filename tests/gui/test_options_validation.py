"""The window's settings accept exactly what `journal run -o` accepts, with the same words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QDialog, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from journal.core.ollama_service import OllamaService
from journal.gui.options_panel import OptionsPanel
from journal.gui.settings_dialog import SettingsDialog
from journal.gui.settings_store import SettingsStore
from tests.journal_process import run_cli

CLI_HINT = " Add --allow-unknown-option to send it anyway."
WINDOW_HINT = " Tick “Allow unknown options” to send it anyway."


def _cli_verdict(
    capsys: pytest.CaptureFixture[str], db: Path, assignment: str, *, forced: bool = False
) -> str | None:
    """None when `journal run` takes the option (it then fails to reach Ollama), else its
    one-line refusal without the command line's own hint."""
    flags = ["--allow-unknown-option"] if forced else []
    code, _, err = run_cli(
        capsys, "--db", str(db), "run", "-m", "m", "-p", "x", *flags, "-o", assignment
    )
    assert code == 1 and "Traceback" not in err, err
    if "journal: error: Cannot reach Ollama" in err:
        return None  # taken: the run was recorded and failed to reach Ollama
    assert err.startswith("journal: error: ") and err.count("\n") == 1, err
    return err[len("journal: error: ") : -1].removesuffix(CLI_HINT)


def _window_verdict(qtbot: QtBot, key: str, text: str, *, forced: bool = False) -> str | None:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    allow = panel.editor("allow_unknown")
    assert isinstance(allow, QCheckBox)
    allow.setChecked(forced)
    if key == "extra":
        extra = panel.editor("extra")
        assert isinstance(extra, QPlainTextEdit)
        extra.setPlainText(text)
    else:
        edit = panel.editor(key)
        assert isinstance(edit, QLineEdit)
        QTest.keyClicks(edit, text)
    errors = panel.errors()
    if not errors:
        return None
    (message,) = errors
    assert message in panel.editor(key).toolTip()  # shown at the field too
    return message.removeprefix("Extra options, line 1: ").removesuffix(WINDOW_HINT)


CASES = [
    ("temperature", "1e999"),
    ("temperature", "-0.1"),
    ("temperature", "0"),
    ("temperature", "2.5"),
    ("top_p", "1.5"),
    ("top_p", "1"),
    ("top_k", "4.5"),
    ("top_k", "-1"),
    ("top_k", "40.0"),
    ("seed", "9223372036854775808"),
    ("seed", "-1"),
    ("seed", "abc"),
    ("num_ctx", "0"),
    ("num_ctx", "8192"),
    ("num_predict", "-3"),
    ("num_predict", "-2"),
    ("keep_alive", "soon"),
    ("keep_alive", "1h30m"),
    ("keep_alive", "90"),
    ("keep_alive", "-1"),
    ("keep_alive", "1e3"),
    ("keep_alive", "3000000h"),
    ("extra", "temprature=0.2"),
    ("extra", "mirostat=2"),
    ("extra", "num_batch=0"),
    ("extra", "min_p=0.05"),
    ("extra", "use_mmap=maybe"),
    ("extra", "typical_p=2"),
    ("extra", "foo=1e999"),
]


@pytest.mark.parametrize(("key", "text"), CASES)
def test_the_window_and_the_command_line_agree(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], db_path: Path, key: str, text: str
) -> None:
    assignment = text if key == "extra" else f"{key}={text}"
    assert _window_verdict(qtbot, key, text) == _cli_verdict(capsys, db_path, assignment)


@pytest.mark.parametrize(
    "line",
    ["mirostat=2", "foo=1e999", "foo=" + "[" * 200 + "]" * 200, 'foo={"a": [1, 2]}', "a b=1"],
)
def test_they_agree_on_forced_unknown_options_too(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], db_path: Path, line: str
) -> None:
    window = _window_verdict(qtbot, "extra", line, forced=True)
    assert window == _cli_verdict(capsys, db_path, line, forced=True)


def test_a_typo_is_refused_until_unknown_options_are_allowed(qtbot: QtBot) -> None:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    extra = panel.editor("extra")
    assert isinstance(extra, QPlainTextEdit)
    extra.setPlainText("min_p=0.05\ntemprature=0.2")
    assert panel.errors() == [
        "Extra options, line 2: Unknown option temprature: did you mean temperature?" + WINDOW_HINT
    ]
    assert "temprature" not in panel.options()
    allow = panel.editor("allow_unknown")
    assert isinstance(allow, QCheckBox)
    with qtbot.waitSignal(panel.changed):
        allow.setChecked(True)
    assert panel.is_valid()
    assert panel.options() == {"min_p": 0.05, "temprature": 0.2}


def test_a_loaded_run_keeps_its_own_unknown_keys_but_new_ones_are_checked(
    qtbot: QtBot,
) -> None:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_values({"mirostat": 2, "temperature": 0.2}, keep_alive="5m", think=None)
    assert panel.is_valid() and not panel.allows_unknown()
    assert panel.options() == {"mirostat": 2, "temperature": 0.2}
    extra = panel.editor("extra")
    assert isinstance(extra, QPlainTextEdit)
    extra.setPlainText("mirostat=1\nmirostat_eta=0.1")
    assert panel.errors() == [
        "Extra options, line 2: Unknown option mirostat_eta: "
        "Ollama does not know it and would silently ignore it." + WINDOW_HINT
    ]
    panel.clear()  # a fresh start: nothing is recorded any more
    extra.setPlainText("mirostat=1")
    assert not panel.is_valid()


def _dialog(qtbot: QtBot, store: SettingsStore, db_path: Path) -> SettingsDialog:
    dialog = SettingsDialog(store, str(db_path), lambda host: OllamaService(host).version())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_default_options_go_through_the_same_validator(qtbot: QtBot, tmp_path: Path) -> None:
    store = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = _dialog(qtbot, store, tmp_path / "j.sqlite")
    dialog.options_edit.setPlainText("seed=42\ntemprature=0.2")
    assert dialog.options_error_label.text() == (
        "Line 2: Unknown option temprature: did you mean temperature?" + WINDOW_HINT
    )
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and store.default_options() == {}
    dialog.options_edit.setPlainText("seed=42\ntop_p=1.5")
    assert dialog.options_error_label.text() == (
        "Line 2: Option top_p must be between 0 and 1, not 1.5."
    )
    dialog.options_edit.setPlainText("seed=42\nmirostat=2")
    dialog.allow_unknown_check.setChecked(True)
    assert not dialog.options_error_label.isVisible()
    dialog.accept()
    assert store.default_options() == {"seed": 42, "mirostat": 2}

    reopened = _dialog(qtbot, store, tmp_path / "j.sqlite")
    assert not reopened.allow_unknown_check.isChecked()
    assert reopened.validate()  # saved before: not a new typo
    reopened.options_edit.setPlainText("seed=42\nmirostat=2\nnum_ctxx=8")
    assert "did you mean num_ctx?" in reopened.options_error_label.text()
