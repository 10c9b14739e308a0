"""Preferences that outlive a session: the Ollama host, default options, which journal file."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError, JournalError
from journal.core.options import UnknownOptionError, parse_assignments
from journal.core.paths import resolve_ollama_host
from journal.gui.options_panel import ALLOW_UNKNOWN_HINT
from journal.gui.pull_dialog import fit_height, mark_as_error
from journal.gui.settings_store import SettingsStore
from journal.gui.tasks import Task, run_in_background

OPTIONS_PLACEHOLDER = "temperature=0.2\nseed=42\nnum_ctx=8192"


def parse_option_lines(
    text: str, *, allow_unknown: bool = False, recorded: Collection[str] = ()
) -> dict[str, Any]:
    """`KEY=VALUE` lines (blank lines and `#` comments skipped) -> options and request fields.

    Checked as `journal run -o` checks them: unknown keys are refused unless allowed or
    `recorded` (saved before). Raises InvalidInputError naming the line at fault.
    """
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            parse_assignments([stripped], allow_unknown=allow_unknown, recorded=recorded)
        except UnknownOptionError as error:
            message = error.with_hint(ALLOW_UNKNOWN_HINT).message
            raise InvalidInputError(f"Line {number}: {message}") from None
        except InvalidInputError as error:
            raise InvalidInputError(f"Line {number}: {error.message}") from None
        lines.append(stripped)
    options, request = parse_assignments(lines, allow_unknown=allow_unknown, recorded=recorded)
    return {**options, **request}


def format_option_lines(options: dict[str, Any]) -> str:
    """The inverse of parse_option_lines, so saved options show the way they were typed."""
    import json

    lines = []
    for key, value in options.items():
        if isinstance(value, str):
            text = value
        elif isinstance(value, float):
            text = f"{value:g}" if "e" not in f"{value:g}" else repr(value)
        else:
            text = json.dumps(value)
        lines.append(f"{key}={text}")
    return "\n".join(lines)


def _host_problem(text: str) -> str | None:
    if not text:
        return None
    try:
        host = resolve_ollama_host(text)
    except InvalidInputError as exc:
        return exc.message
    url = QUrl(host)
    if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
        return f"'{text}' is not a usable Ollama address; it looks like http://127.0.0.1:11434."
    return None


class SettingsDialog(QDialog):
    """Saves to the store on OK; asks the window to switch journals, never switches itself."""

    journal_switch_requested = Signal(str)

    def __init__(
        self,
        store: SettingsStore,
        journal_path: str,
        check_host: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._journal_path = journal_path
        self._check_host = check_host
        self._check_task: Task | None = None
        self._checking_host = ""
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        # -- Ollama
        self.host_edit = QLineEdit(store.ollama_host() or "")
        self.host_edit.setPlaceholderText(self._default_host_text())
        self.host_edit.setClearButtonEnabled(True)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setAutoDefault(False)
        host_label = QLabel("&Host:")
        host_label.setBuddy(self.host_edit)
        host_row = QHBoxLayout()
        host_row.addWidget(host_label)
        host_row.addWidget(self.host_edit, 1)
        host_row.addWidget(self.test_button)
        self.host_status_label = QLabel()
        self.host_status_label.setWordWrap(True)
        self.host_status_label.hide()
        ollama_box = QGroupBox("Ollama")
        ollama_layout = QVBoxLayout(ollama_box)
        ollama_layout.addLayout(host_row)
        ollama_layout.addWidget(self.host_status_label)

        # -- defaults for new experiments
        saved = store.default_options()
        self._saved_keys = frozenset(saved)  # saved before: accepted even when unknown
        self.options_edit = QPlainTextEdit(format_option_lines(saved))
        self.options_edit.setPlaceholderText(OPTIONS_PLACEHOLDER)
        self.options_edit.setFont(mono)
        self.options_edit.setTabChangesFocus(True)
        line_height = self.options_edit.fontMetrics().lineSpacing()
        self.options_edit.setFixedHeight(line_height * 5 + 12)
        options_hint = QLabel(
            "One <b>KEY=VALUE</b> per line, as with <code>journal run -o</code>;"
            " # starts a comment."
        )
        options_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.allow_unknown_check = QCheckBox("Allow unknown options")
        self.allow_unknown_check.setToolTip(
            "Save option names Ollama does not know. Ollama ignores them silently, so a typo "
            "would be recorded as if it had been used."
        )
        self.options_error_label = QLabel()
        mark_as_error(self.options_error_label)
        self.options_error_label.hide()
        options_box = QGroupBox("Default options for new experiments")
        options_layout = QVBoxLayout(options_box)
        options_layout.addWidget(self.options_edit)
        options_layout.addWidget(options_hint)
        options_layout.addWidget(self.allow_unknown_check)
        options_layout.addWidget(self.options_error_label)

        # -- journal file
        self.journal_path_label = QLabel(journal_path)
        self.journal_path_label.setWordWrap(True)
        self.journal_path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.show_folder_button = QPushButton("Show in &folder")
        self.show_folder_button.setAutoDefault(False)
        self.open_other_button = QPushButton("&Open another journal…")
        self.open_other_button.setAutoDefault(False)
        journal_buttons = QHBoxLayout()
        journal_buttons.addWidget(self.show_folder_button)
        journal_buttons.addWidget(self.open_other_button)
        journal_buttons.addStretch(1)
        journal_box = QGroupBox("Journal file")
        journal_layout = QVBoxLayout(journal_box)
        journal_layout.addWidget(self.journal_path_label)
        journal_layout.addLayout(journal_buttons)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )

        layout = QVBoxLayout(self)
        layout.addWidget(ollama_box)
        layout.addWidget(options_box)
        layout.addWidget(journal_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.test_button.clicked.connect(self._on_test_clicked)
        self.host_edit.textEdited.connect(self._on_host_edit_text_edited)
        self.options_edit.textChanged.connect(self._on_options_edit_text_changed)
        self.allow_unknown_check.toggled.connect(self._on_allow_unknown_check_toggled)
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        self.open_other_button.clicked.connect(self._on_open_other_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @staticmethod
    def _default_host_text() -> str:
        source = "from OLLAMA_HOST" if os.environ.get("OLLAMA_HOST") else "default"
        return f"{resolve_ollama_host(None)} ({source})"

    # -- hooks tests replace --------------------------------------------------------------

    @staticmethod
    def pick_journal_file(parent: QWidget | None, start_dir: str) -> str | None:
        """Ask for a journal file, new or existing; None if the person cancelled."""
        path, _ = QFileDialog.getSaveFileName(
            parent,
            "Open or create a journal",
            start_dir,
            "Journals (*.sqlite);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return None
        return path if Path(path).suffix else path + ".sqlite"

    @staticmethod
    def open_folder(folder: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    # -- public ---------------------------------------------------------------------------

    def set_journal_path(self, path: str) -> None:
        """The window calls this once it has switched to another journal."""
        self._journal_path = path
        self.journal_path_label.setText(path)

    def validate(self) -> bool:
        """Show what is wrong inline; True when everything can be saved."""
        host_problem = _host_problem(self.host_edit.text().strip())
        if host_problem:
            self._show_host_status(host_problem, error=True)
        options_ok = self._validate_options()
        if host_problem:
            self.host_edit.setFocus()
        elif not options_ok:
            self.options_edit.setFocus()
        return host_problem is None and options_ok

    def accept(self) -> None:
        if not self.validate():
            return  # stay open: the messages say what to fix
        host = self.host_edit.text().strip()
        self._store.set_ollama_host(resolve_ollama_host(host) if host else None)
        self._store.set_default_options(self._parse_options())
        self._store.sync()
        super().accept()

    def done(self, result: int) -> None:
        if self._check_task is not None:
            self._check_task.cancel()
            self._check_task = None
        super().done(result)

    # -- helpers --------------------------------------------------------------------------

    def _parse_options(self) -> dict[str, Any]:
        return parse_option_lines(
            self.options_edit.toPlainText(),
            allow_unknown=self.allow_unknown_check.isChecked(),
            recorded=self._saved_keys,
        )

    def _validate_options(self) -> bool:
        try:
            self._parse_options()
        except InvalidInputError as error:
            self.options_error_label.setText(error.message)
            self.options_error_label.show()
            QTimer.singleShot(0, self._fit_height)
            return False
        self.options_error_label.hide()
        return True

    def _show_host_status(self, text: str, *, error: bool) -> None:
        label = self.host_status_label
        if error:
            mark_as_error(label)
        else:
            label.setPalette(QPalette())  # back to the inherited palette
            font = label.font()
            font.setBold(False)
            label.setFont(font)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setText(text)
        label.show()
        QTimer.singleShot(0, self._fit_height)  # once the label has its new size

    @Slot()
    def _fit_height(self) -> None:
        fit_height(self)

    # -- slots ----------------------------------------------------------------------------

    @Slot()
    def _on_test_clicked(self) -> None:
        text = self.host_edit.text().strip()
        problem = _host_problem(text)
        if problem:
            self._show_host_status(problem, error=True)
            return
        host = resolve_ollama_host(text or None)
        check = self._check_host
        if self._check_task is not None:
            self._check_task.cancel()
        self._show_host_status(f"Connecting to {host}…", error=False)
        self.test_button.setEnabled(False)
        self._checking_host = host

        self._check_task = run_in_background(
            lambda: check(host),
            self._on_check_succeeded,
            self._on_check_failed,
        )

    def _on_check_succeeded(self, version: str) -> None:
        self._check_task = None
        self.test_button.setEnabled(True)
        self._show_host_status(
            f"Ollama {version} is answering at {self._checking_host}.", error=False
        )

    def _on_check_failed(self, error: JournalError) -> None:
        self._check_task = None
        self.test_button.setEnabled(True)
        self._show_host_status(error.message, error=True)

    @Slot(str)
    def _on_host_edit_text_edited(self, _text: str) -> None:
        # A result about another address would mislead.
        if self._check_task is not None:
            self._check_task.cancel()
            self._check_task = None
            self.test_button.setEnabled(True)
        self.host_status_label.hide()

    @Slot()
    def _on_options_edit_text_changed(self) -> None:
        self._validate_options()

    @Slot(bool)
    def _on_allow_unknown_check_toggled(self, _checked: bool) -> None:
        self._validate_options()

    @Slot()
    def _on_show_folder_clicked(self) -> None:
        self.open_folder(str(Path(self._journal_path).parent))

    @Slot()
    def _on_open_other_clicked(self) -> None:
        start_dir = str(Path(self._journal_path).parent)
        path = self.pick_journal_file(self, start_dir)
        if path and Path(path) != Path(self._journal_path):
            self.journal_switch_requested.emit(path)
