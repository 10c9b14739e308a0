"""Import a Markdown export (a file or a folder) into the open journal, in the background."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import JournalError
from journal.gui.dialog_helpers import busy_bar, error_label, fit_height, hint_label
from journal.gui.i18n import error_text
from journal.gui.transfer_texts import import_summary

if TYPE_CHECKING:
    from journal.core.import_markdown import ImportResult
    from journal.gui.context import AppContext
    from journal.gui.tasks import Task


translate = QCoreApplication.translate


class ImportDialog(QDialog):
    """Pick an export (a file or a folder) and import it in the background: all or nothing."""

    imported = Signal(object)  # ImportResult
    import_failed = Signal(str)  # the message shown, e.g. "notes.md:17: ..."

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._task: Task | None = None
        self.setWindowTitle(translate("import_dialog", "Import a Markdown export"))
        self.setMinimumWidth(600)

        intro = hint_label(
            translate(
                "import_dialog",
                "Import an export made by LLM Journal: one .md file, or an export folder. "
                "Experiments and runs already in this journal are recognised and skipped; a "
                "damaged file is refused as a whole.",
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            translate("import_dialog", "an exported .md file or export folder")
        )
        self.path_edit.setClearButtonEnabled(True)
        self.file_button = QPushButton(translate("import_dialog", "File…"))
        self.folder_button = QPushButton(translate("import_dialog", "Folder…"))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.file_button)
        row.addWidget(self.folder_button)

        self.busy_bar = busy_bar()
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = error_label()

        self.import_button = QPushButton(translate("import_dialog", "&Import"))
        self.import_button.setDefault(True)
        self.close_button = QPushButton(translate("import_dialog", "Close"))
        self.close_button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.result_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.file_button.clicked.connect(self._on_file_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.close_button.clicked.connect(self.reject)
        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)
        self._update_buttons()

    @staticmethod
    def pick_source(parent: QWidget | None, folder: bool, start: str) -> str | None:
        """An export file, or an export folder when `folder`; None if cancelled."""
        if folder:
            chosen = QFileDialog.getExistingDirectory(
                parent, translate("import_dialog", "Import an export folder"), start
            )
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                parent,
                translate("import_dialog", "Import an exported file"),
                start,
                translate("import_dialog", "Markdown (*.md);;All files (*)"),
            )
        return chosen or None

    def is_importing(self) -> bool:
        return self._task is not None

    def start_import(self) -> None:
        """What the Import button does."""
        text = self.path_edit.text().strip()
        if not text or self.is_importing():
            return
        path, journal = Path(text).expanduser(), self._context.journal
        assert journal is not None, "the window opens the dialog on an open journal"
        self.error_label.hide()
        self.result_label.setText(translate("import_dialog", "Importing {path}…").format(path=path))

        def work() -> ImportResult:
            from journal.core.import_markdown import import_markdown

            return import_markdown(journal, path)

        self._task = self._context.run(
            work, self._on_import_done, self._on_import_failed, owner=self
        )
        self._update_buttons()

    def _pick(self, folder: bool) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        chosen = self.pick_source(self, folder, start)
        if chosen:
            self.path_edit.setText(chosen)

    def _update_buttons(self) -> None:
        busy = self.is_importing()
        self.busy_bar.setVisible(busy)
        self.import_button.setEnabled(not busy and bool(self.path_edit.text().strip()))
        for widget in (self.file_button, self.folder_button, self.path_edit):
            widget.setEnabled(not busy)

    @Slot()
    def _on_file_clicked(self) -> None:
        self._pick(folder=False)

    @Slot()
    def _on_folder_clicked(self) -> None:
        self._pick(folder=True)

    @Slot()
    def _on_import_clicked(self) -> None:
        self.start_import()

    @Slot(str)
    def _on_path_edit_text_changed(self, _text: str) -> None:
        self._update_buttons()

    @Slot(object)
    def _on_import_done(self, result: Any) -> None:
        self._task = None
        self._update_buttons()
        shown = [
            translate("import_dialog", "Imported: {summary}").format(summary=import_summary(result))
        ]
        shown += [
            translate(
                "import_dialog",
                "Readable text edited in {where}: the edits were not imported "
                "(the metadata is what is read).",
            ).format(where=where)
            for where in result.edited_text
        ]
        self.result_label.setText("\n".join(shown))
        QTimer.singleShot(0, self._on_fit_timer_timeout)
        self.close_button.setDefault(True)
        self.imported.emit(result)

    @Slot(object)
    def _on_import_failed(self, error: JournalError) -> None:
        self._task = None
        self._update_buttons()
        self.result_label.setText(translate("import_dialog", "Nothing was imported."))
        self.error_label.setText(error_text(error))
        self.error_label.show()
        QTimer.singleShot(0, self._on_fit_timer_timeout)  # once the label knows its height
        self.import_failed.emit(error_text(error))

    @Slot()
    def _on_fit_timer_timeout(self) -> None:
        fit_height(self)


def import_journal_file(parent: QWidget | None, context: AppContext) -> ImportDialog:
    """Open the import dialog (not modal) and return it; connect to its `imported` signal."""
    dialog = ImportDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
