"""Model housekeeping: what Ollama holds in memory (unload it) and on disk (delete it).

Every request runs off the GUI thread; a deletion is asked about first, naming the model and
its size, because pulling it back can take long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import JournalError
from journal.core.formatting import human_size
from journal.gui.dialog_helpers import busy_bar, error_label, hint_label
from journal.gui.i18n import error_text
from journal.gui.model_picker import model_details
from journal.gui.tasks import run_in_background

if TYPE_CHECKING:
    from journal.core.ollama_service import LoadedModel, ModelInfo, OllamaService


translate = QCoreApplication.translate


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
    if rows:
        table.selectRow(0)


class ModelsDialog(QDialog):
    """Two lists, loaded and installed, each with the one thing to do to the chosen model."""

    changed = Signal()
    """A model was unloaded or deleted: lists elsewhere should be read again."""
    failed = Signal(object)
    """The JournalError of a request that failed (the server may be down)."""

    def __init__(self, service: OllamaService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._loaded: list[LoadedModel] = []
        self._installed: list[ModelInfo] = []
        self._said = ""  # what the last unload or delete did, said once the lists are new
        self.setWindowTitle(
            translate("models_dialog", "Models on {host}").format(host=service.host)
        )
        self.resize(760, 520)
        self._init_tables()
        self._init_buttons()
        self._init_layout()
        QShortcut(QKeySequence("F5"), self, self.refresh)
        self.refresh()

    def _init_tables(self) -> None:
        self.loaded_table = _table(
            [
                translate("models_dialog", "Name"),
                translate("models_dialog", "In memory"),
                translate("models_dialog", "Processor"),
                translate("models_dialog", "Loaded"),
            ],
            translate("models_dialog", "Loaded models"),
        )
        self.installed_table = _table(
            [
                translate("models_dialog", "Name"),
                translate("models_dialog", "On disk"),
                translate("models_dialog", "Details"),
                translate("models_dialog", "Loaded"),
            ],
            translate("models_dialog", "Installed models"),
        )
        self.loaded_table.itemSelectionChanged.connect(self._update_buttons)
        self.installed_table.itemSelectionChanged.connect(self._update_buttons)
        self.status = hint_label("")
        self.error = error_label()
        self.busy = busy_bar()

    def _init_buttons(self) -> None:
        self.unload_button = QPushButton(translate("models_dialog", "&Unload"))
        self.unload_button.setToolTip(
            translate(
                "models_dialog",
                "Let Ollama drop the selected model from memory now; it stays on disk",
            )
        )
        self.unload_button.clicked.connect(self.unload_selected)
        self.delete_button = QPushButton(translate("models_dialog", "&Delete…"))
        self.delete_button.setToolTip(
            translate(
                "models_dialog",
                "Delete the selected model from the server's disk "
                "(asks first; a pull brings it back)",
            )
        )
        self.delete_button.clicked.connect(self.ask_to_delete)
        self.refresh_button = QPushButton(translate("models_dialog", "&Refresh"))
        self.refresh_button.setToolTip(
            translate("models_dialog", "List the loaded and installed models again (F5)")
        )
        self.refresh_button.clicked.connect(self.refresh)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

    def _init_layout(self) -> None:
        layout = QVBoxLayout(self)
        for title, table, button in (
            (
                translate("models_dialog", "&Loaded in memory"),
                self.loaded_table,
                self.unload_button,
            ),
            (
                translate("models_dialog", "&Installed on disk"),
                self.installed_table,
                self.delete_button,
            ),
        ):
            label = QLabel(title)
            label.setBuddy(table)
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(button)
            layout.addLayout(row)
            layout.addWidget(table, 1 if table is self.installed_table else 0)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.loaded_table.setMaximumHeight(150)

    # -- listing --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        service = self._service
        self._start(translate("models_dialog", "Listing models…"))
        run_in_background(
            lambda: (service.loaded_models(), service.list_models()),
            self._on_listed,
            self._on_failed,
            owner=self,
        )

    def _on_listed(self, listed: tuple[list[LoadedModel], list[ModelInfo]]) -> None:
        self._loaded, self._installed = listed
        until = {m.name: m.until() for m in self._loaded}
        _fill(
            self.loaded_table,
            [(m.name, human_size(m.size), m.processor, m.until()) for m in self._loaded],
        )
        _fill(
            self.installed_table,
            [
                (m.name, human_size(m.size), model_details(m), until.get(m.name, "—"))
                for m in self._installed
            ],
        )
        said, self._said = self._said, ""
        self._end(
            said or ("" if self._loaded else translate("models_dialog", "No model is loaded now."))
        )

    # -- unload and delete ----------------------------------------------------------------

    @Slot()
    def unload_selected(self) -> None:
        model = self._chosen(self.loaded_table, [m.name for m in self._loaded])
        if model is None:
            return
        service = self._service
        self._start(translate("models_dialog", "Unloading {model}…").format(model=model))
        run_in_background(
            lambda: service.unload(model),
            lambda _was: self._done(
                translate("models_dialog", "Unloaded {model}; it stays on disk.").format(
                    model=model
                )
            ),
            self._on_failed,
            owner=self,
        )

    @Slot()
    def ask_to_delete(self) -> None:
        """Ask first, naming the model and its size; the box is window-modal, not blocking."""
        row = self.installed_table.currentRow()
        if not 0 <= row < len(self._installed):
            return
        model = self._installed[row]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            translate("models_dialog", "Delete model"),
            translate("models_dialog", "Delete {model} ({size}) from {host}?").format(
                model=model.name, size=human_size(model.size), host=self._service.host
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            translate("models_dialog", "Runs in the journal stay; running it again needs a pull.")
        )
        delete = box.addButton(
            translate("models_dialog", "Delete"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda clicked: self._delete(model.name, model.size) if clicked is delete else None
        )
        box.open()

    def _delete(self, name: str, size: int) -> None:
        service = self._service
        self._start(translate("models_dialog", "Deleting {name}…").format(name=name))
        run_in_background(
            lambda: service.delete_model(name),
            lambda _none: self._done(
                translate("models_dialog", "Deleted {name} ({size}).").format(
                    name=name, size=human_size(size)
                )
            ),
            self._on_failed,
            owner=self,
        )

    # -- state ----------------------------------------------------------------------------

    def _chosen(self, table: QTableWidget, names: list[str]) -> str | None:
        row = table.currentRow()
        return names[row] if 0 <= row < len(names) else None

    def _start(self, doing: str) -> None:
        self.busy.show()
        self.error.hide()
        self.status.setText(doing)
        for button in (self.unload_button, self.delete_button, self.refresh_button):
            button.setEnabled(False)

    def _end(self, said: str) -> None:
        self.busy.hide()
        self.status.setText(said)
        self.refresh_button.setEnabled(True)
        self._update_buttons()

    def _done(self, said: str) -> None:
        self._said = said
        self.changed.emit()
        self.refresh()

    def _on_failed(self, error: JournalError) -> None:
        self._end("")
        self.error.setText(error_text(error))
        self.error.show()
        self.failed.emit(error)

    @Slot()
    def _update_buttons(self) -> None:
        idle = self.busy.isHidden()
        self.unload_button.setEnabled(idle and self.loaded_table.currentRow() >= 0)
        self.delete_button.setEnabled(idle and self.installed_table.currentRow() >= 0)
