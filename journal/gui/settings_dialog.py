"""Preferences that outlive a session: the Ollama hosts and default options (the settings
file `journal config` reads too) and which journal file to use."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError, JournalError
from journal.core.host_limits import parse_host_limit
from journal.core.paths import DEFAULT_OLLAMA_HOST, OLLAMA_HOST_ENV
from journal.core.settings import (
    choose_host,
    format_option_lines,
    parse_host_lines,
    parse_option_lines,
)
from journal.gui.dialog_helpers import error_label, fit_height, mark_as_error
from journal.gui.i18n import LANGUAGE_NAMES, SYSTEM, error_text
from journal.gui.model_picker import ModelPicker
from journal.gui.options_panel import ALLOW_UNKNOWN_HINT
from journal.gui.settings_store import SettingsStore
from journal.gui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from journal.core.ollama_service import ModelInfo

translate = QCoreApplication.translate

OPTIONS_PLACEHOLDER = "temperature=0.2\nseed=42\nnum_ctx=8192"  # option names: not translated


def hosts_placeholder() -> str:
    return translate(
        "settings_dialog",
        "{default}\nhttp://gpu-box:11434 limit=2\n"
        "(one address per line; the first is used; batches and checks use them all)",
    ).format(default=DEFAULT_OLLAMA_HOST)


def hosts_tip() -> str:
    return translate(
        "settings_dialog",
        "One address per line, e.g. http://gpu-box:11434. Add limit=N to give a host N "
        "answers at once (http://gpu-box:11434 limit=2). The window runs on the first; "
        "batches and migration checks spread over them all.",
    )


def precedence_text() -> str:
    """Which address the window uses, in the order the CLI uses too."""
    order = translate(
        "settings_dialog", "--host, then OLLAMA_HOST, then this list, then {default}"
    ).format(default=DEFAULT_OLLAMA_HOST)
    if os.environ.get(OLLAMA_HOST_ENV):
        try:
            host = choose_host(None, saved_hosts=[]).host
        except InvalidInputError:
            host = os.environ[OLLAMA_HOST_ENV]
        return translate(
            "settings_dialog",
            "OLLAMA_HOST is set ({host}): it overrides the first host here until it is "
            "unset. The order: {order}.",
        ).format(host=host, order=order)
    return translate("settings_dialog", "The first host is used. The order: {order}.").format(
        order=order
    )


class SettingsDialog(QDialog):
    """Saves to the store on OK; asks the window to switch journals, never switches itself."""

    journal_switch_requested = Signal(str)

    def __init__(
        self,
        store: SettingsStore,
        journal_path: str,
        check_host: Callable[[str], str],
        parent: QWidget | None = None,
        *,
        list_models: Callable[[], list[ModelInfo]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._journal_path = journal_path
        self._check_host = check_host
        self._check_task: Task | None = None
        self._checking_host = ""
        self.setWindowTitle(translate("settings_dialog", "Settings"))
        self.setMinimumWidth(560)
        saved = store.shared()
        self._saved_keys = frozenset(saved.options)  # saved before: accepted even when unknown

        layout = QVBoxLayout(self)
        hosts = "\n".join(host.text for host in saved.host_limits)  # limits kept
        layout.addWidget(self._init_ollama_box(hosts))
        layout.addWidget(self._init_options_box({**saved.options, **saved.request}))
        layout.addWidget(
            self._init_grading_box(list_models, saved.judge_model, saved.embedding_model)
        )
        layout.addWidget(self._init_journal_box(journal_path))
        layout.addWidget(self._init_language_box(store.language()))
        layout.addWidget(self._init_file_label())
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout.addWidget(self.buttons)
        self._init_connections()

    # -- layout ---------------------------------------------------------------------------

    def _mono_edit(self, text: str, placeholder: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        edit.setTabChangesFocus(True)  # Tab leaves the field: keyboard-friendly
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        return edit

    @staticmethod
    def _muted(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    def _init_ollama_box(self, hosts: str) -> QGroupBox:
        self.hosts_edit = self._mono_edit(hosts, hosts_placeholder(), 4)  # the hint wraps
        self.hosts_edit.setToolTip(hosts_tip())
        hosts_label = QLabel(translate("settings_dialog", "&Hosts:"))
        hosts_label.setBuddy(self.hosts_edit)
        self.test_button = QPushButton(translate("settings_dialog", "&Test connection"))
        self.test_button.setAutoDefault(False)
        self.test_button.setToolTip(
            translate("settings_dialog", "Ask the address on the cursor's line (or the first one)")
        )
        row = QHBoxLayout()
        row.addWidget(hosts_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.hosts_edit, 1)
        row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        self.host_status_label = QLabel()
        self.host_status_label.setWordWrap(True)
        self.host_status_label.hide()
        self.precedence_label = self._muted(precedence_text())
        if os.environ.get(OLLAMA_HOST_ENV):  # the list is not what is used: say it plainly
            self.precedence_label.setForegroundRole(QPalette.ColorRole.WindowText)
        box = QGroupBox(translate("settings_dialog", "Ollama"))
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.host_status_label)
        box_layout.addWidget(self.precedence_label)
        return box

    def _init_options_box(self, defaults: dict[str, Any]) -> QGroupBox:
        self.options_edit = self._mono_edit(format_option_lines(defaults), OPTIONS_PLACEHOLDER, 5)
        self.allow_unknown_check = QCheckBox(translate("settings_dialog", "Allow unknown options"))
        self.allow_unknown_check.setToolTip(
            translate(
                "settings_dialog",
                "Save option names Ollama does not know. Ollama ignores them silently, so a "
                "typo would be recorded as if it had been used.",
            )
        )
        self.options_error_label = error_label()
        box = QGroupBox(
            translate("settings_dialog", "Default options for new experiments and journal run")
        )
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.options_edit)
        box_layout.addWidget(
            self._muted(
                translate(
                    "settings_dialog",
                    "One <b>KEY=VALUE</b> per line, as with <code>journal run -o</code>;"
                    " # starts a comment.",
                )
            )
        )
        box_layout.addWidget(self.allow_unknown_check)
        box_layout.addWidget(self.options_error_label)
        return box

    def _init_grading_box(
        self,
        list_models: Callable[[], list[ModelInfo]] | None,
        judge: str,
        embedding: str,
    ) -> QGroupBox:
        """The local models that grade `judge:` and `similar:` expectations; "none" is a
        choice (those expectations then need a look)."""
        self.judge_picker = ModelPicker(
            list_models,
            none_text=translate("settings_dialog", "None (judge: expectations need a look)"),
        )
        self.judge_picker.setAccessibleName(translate("settings_dialog", "Judge model"))
        self.judge_picker.combo.setToolTip(
            translate("settings_dialog", "The model that grades judge: expectations")
        )
        self.embedding_picker = ModelPicker(
            list_models,
            none_text=translate("settings_dialog", "None (similar: expectations need a look)"),
        )
        self.embedding_picker.setAccessibleName(translate("settings_dialog", "Embedding model"))
        self.embedding_picker.combo.setToolTip(
            translate("settings_dialog", "The model whose embeddings grade similar: expectations")
        )
        box = QGroupBox(translate("settings_dialog", "Grading"))
        grid = QGridLayout(box)
        for row, (text, picker, chosen) in enumerate(
            (
                (translate("settings_dialog", "&Judge model:"), self.judge_picker, judge),
                (
                    translate("settings_dialog", "E&mbedding model:"),
                    self.embedding_picker,
                    embedding,
                ),
            )
        ):
            label = QLabel(text)
            label.setBuddy(picker.combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(picker, row, 1)
            picker.set_current_model(chosen or None)
            picker.refresh()
        grid.addWidget(
            self._muted(
                translate(
                    "settings_dialog",
                    "A judge grades an answer against a rubric in plain words; an embedding "
                    "model compares it with a reference text. The command line uses them too; "
                    'there <span style="white-space: nowrap">--judge</span> and '
                    '<span style="white-space: nowrap">--embed-model</span> override them.',
                )
            ),
            2,
            0,
            1,
            2,
        )
        grid.setColumnStretch(1, 1)
        return box

    def _init_journal_box(self, journal_path: str) -> QGroupBox:
        self.journal_path_label = QLabel(journal_path)
        self.journal_path_label.setWordWrap(True)
        self.journal_path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.show_folder_button = QPushButton(translate("settings_dialog", "Show in &folder"))
        self.show_folder_button.setAutoDefault(False)
        self.open_other_button = QPushButton(translate("settings_dialog", "&Open another journal…"))
        self.open_other_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_folder_button)
        buttons.addWidget(self.open_other_button)
        buttons.addStretch(1)
        box = QGroupBox(translate("settings_dialog", "Journal file"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.journal_path_label)
        box_layout.addLayout(buttons)
        return box

    def _init_language_box(self, language: str) -> QGroupBox:
        """System / English / Français; the window is built in one language, so a change
        applies at the next start (the note says so)."""
        self.language_combo = QComboBox()
        self.language_combo.addItem(translate("settings_dialog", "System"), SYSTEM)
        for code, name in LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(language)))
        self.language_combo.setToolTip(
            translate("settings_dialog", "The language of the window; System follows the computer")
        )
        label = QLabel(translate("settings_dialog", "&Language:"))
        label.setBuddy(self.language_combo)
        note = self._muted(
            translate("settings_dialog", "A new language applies at the next start.")
        )
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.language_combo)
        row.addWidget(note, 1)
        box = QGroupBox(translate("settings_dialog", "Language"))
        box.setLayout(row)
        return box

    def _init_file_label(self) -> QWidget:
        """Where hosts and options are saved, and why they cannot be, while that is so."""
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.settings_file_label = self._muted(
            translate(
                "settings_dialog",
                "Hosts, options and grading models are saved in {path}, "
                "which <code>journal config</code> reads and writes too.",
            ).format(path=self._store.config.path)
        )
        self.settings_file_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.file_error_label = QLabel()
        mark_as_error(self.file_error_label)
        problem = self._store.problem()
        self.file_error_label.setText(problem)
        self.file_error_label.setVisible(bool(problem))
        holder_layout.addWidget(self.settings_file_label)
        holder_layout.addWidget(self.file_error_label)
        return holder

    def _init_connections(self) -> None:
        self.test_button.clicked.connect(self._on_test_clicked)
        self.hosts_edit.textChanged.connect(self._on_hosts_edit_text_changed)
        self.options_edit.textChanged.connect(self._on_options_edit_text_changed)
        self.allow_unknown_check.toggled.connect(self._on_allow_unknown_check_toggled)
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        self.open_other_button.clicked.connect(self._on_open_other_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # -- hooks tests replace --------------------------------------------------------------

    @staticmethod
    def pick_journal_file(parent: QWidget | None, start_dir: str) -> str | None:
        """Ask for a journal file, new or existing; None if the person cancelled."""
        path, _ = QFileDialog.getSaveFileName(
            parent,
            translate("settings_dialog", "Open or create a journal"),
            start_dir,
            translate("settings_dialog", "Journals (*.sqlite);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return None
        return path if Path(path).suffix else path + ".sqlite"

    @staticmethod
    def open_folder(folder: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    # -- public ---------------------------------------------------------------------------

    def validate(self) -> bool:
        """Show what is wrong inline; True when everything can be saved."""
        hosts_ok = self._validate_hosts()
        options_ok = self._validate_options()
        if not hosts_ok:
            self.hosts_edit.setFocus()
        elif not options_ok:
            self.options_edit.setFocus()
        return hosts_ok and options_ok

    def accept(self) -> None:
        if not self.validate():
            return  # stay open: the messages say what to fix
        try:
            self._store.save_shared(
                self._parse_hosts(),
                self._parse_options(),
                judge_model=self.judge_picker.current_model() or "",
                embedding_model=self.embedding_picker.current_model() or "",
            )
        except JournalError as error:  # a settings file that is damaged or cannot be written
            self.file_error_label.setText(error_text(error))
            self.file_error_label.show()
            QTimer.singleShot(0, self._fit_height)
            return
        self._store.set_language(str(self.language_combo.currentData()))
        self._store.sync()
        super().accept()

    def done(self, result: int) -> None:
        if self._check_task is not None:
            self._check_task.cancel()
            self._check_task = None
        super().done(result)

    # -- helpers --------------------------------------------------------------------------

    def _parse_hosts(self) -> list[str]:
        return parse_host_lines(self.hosts_edit.toPlainText())

    def _parse_options(self) -> dict[str, Any]:
        return parse_option_lines(
            self.options_edit.toPlainText(),
            allow_unknown=self.allow_unknown_check.isChecked(),
            recorded=self._saved_keys,
            unknown_hint=ALLOW_UNKNOWN_HINT,
        )

    def _validate_hosts(self) -> bool:
        try:
            self._parse_hosts()
        except InvalidInputError as error:
            self._show_host_status(error_text(error), error=True)
            return False
        return True

    def _validate_options(self) -> bool:
        try:
            self._parse_options()
        except InvalidInputError as error:
            self.options_error_label.setText(error_text(error))
            self.options_error_label.show()
            QTimer.singleShot(0, self._fit_height)
            return False
        self.options_error_label.hide()
        return True

    def _host_to_test(self) -> str:
        """The address on the cursor's line, else the first listed, else what the window
        would use without a list. InvalidInputError when the line cannot be an address."""
        line = self.hosts_edit.textCursor().block().text().strip()
        if line and not line.startswith("#"):
            return parse_host_limit(line, source="").address  # its limit=N aside
        listed = self._parse_hosts()
        if listed:
            return parse_host_limit(listed[0], source="").address
        return choose_host(None, saved_hosts=[]).host

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
        try:
            host = self._host_to_test()
        except InvalidInputError as error:
            self._show_host_status(error_text(error), error=True)
            return
        check = self._check_host
        if self._check_task is not None:
            self._check_task.cancel()
        self._show_host_status(
            translate("settings_dialog", "Connecting to {host}…").format(host=host), error=False
        )
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
            translate("settings_dialog", "Ollama {version} is answering at {host}.").format(
                version=version, host=self._checking_host
            ),
            error=False,
        )

    def _on_check_failed(self, error: JournalError) -> None:
        self._check_task = None
        self.test_button.setEnabled(True)
        self._show_host_status(error_text(error), error=True)

    @Slot()
    def _on_hosts_edit_text_changed(self) -> None:
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
