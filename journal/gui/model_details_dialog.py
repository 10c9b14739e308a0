"""Everything Ollama says about one model, so a run's digest and defaults can be checked."""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import JournalError
from journal.core.formatting import human_size

if TYPE_CHECKING:
    from journal.core.ollama_service import ModelInfo, ModelShow
    from journal.gui.context import AppContext
    from journal.gui.tasks import Task

translate = QCoreApplication.translate

MISSING = "—"


def _context_length(model_info: dict[str, Any]) -> int | None:
    for key, value in model_info.items():
        if key.endswith(".context_length") and isinstance(value, int):
            return value
    return None


def _local_time(text: str) -> str:
    if not text:
        return MISSING
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _selectable(text: str) -> QLabel:
    label = QLabel(text or MISSING)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _code_view(text: str, placeholder: str) -> QPlainTextEdit:
    view = QPlainTextEdit(text)
    view.setReadOnly(True)
    view.setPlaceholderText(placeholder)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


class ModelDetailsDialog(QDialog):
    """Read-only: general facts, default parameters, template, license and Modelfile."""

    def __init__(
        self, info: ModelInfo | None, show: ModelShow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.info = info
        self.setWindowTitle(
            translate("model_details_dialog", "Model {name}").format(name=show.name)
        )
        self.resize(680, 400)

        self.tabs = QTabWidget()
        self.tabs.addTab(
            self._general_tab(info, show), translate("model_details_dialog", "&General")
        )
        self.tabs.addTab(
            self._parameters_tab(show), translate("model_details_dialog", "&Parameters")
        )
        self.tabs.addTab(
            _code_view(
                show.template,
                translate("model_details_dialog", "This model has no prompt template."),
            ),
            translate("model_details_dialog", "&Template"),
        )
        if show.system:
            self.tabs.addTab(
                _code_view(show.system, ""), translate("model_details_dialog", "&System")
            )
        self.tabs.addTab(
            _code_view(
                show.license, translate("model_details_dialog", "No license text was published.")
            ),
            translate("model_details_dialog", "&License"),
        )
        self.tabs.addTab(
            _code_view(show.modelfile, ""), translate("model_details_dialog", "&Modelfile")
        )

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    # -- tabs -----------------------------------------------------------------------------

    def _general_tab(self, info: ModelInfo | None, show: ModelShow) -> QWidget:
        details = show.details

        def detail(attribute: str) -> str:
            value = getattr(info, attribute, "") if info is not None else ""
            return str(value or details.get(attribute, "") or "")

        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        name = _selectable(show.name)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        form.addRow(translate("model_details_dialog", "Name:"), name)

        self.digest_label = _selectable(info.digest if info is not None else "")
        self.digest_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_digest_button = QPushButton(translate("model_details_dialog", "Copy"))
        self.copy_digest_button.setToolTip(
            translate("model_details_dialog", "Copy the full digest")
        )
        self.copy_digest_button.setAutoDefault(False)
        self.copy_digest_button.setEnabled(info is not None and bool(info.digest))
        self.copy_digest_button.clicked.connect(self._on_copy_digest_clicked)
        digest_row = QHBoxLayout()
        digest_row.addWidget(self.digest_label, 1)
        digest_row.addWidget(self.copy_digest_button)
        form.addRow(translate("model_details_dialog", "Digest:"), digest_row)

        form.addRow(translate("model_details_dialog", "Family:"), _selectable(detail("family")))
        form.addRow(
            translate("model_details_dialog", "Parameters:"), _selectable(detail("parameter_size"))
        )
        form.addRow(
            translate("model_details_dialog", "Quantization:"),
            _selectable(detail("quantization_level")),
        )
        form.addRow(translate("model_details_dialog", "Format:"), _selectable(detail("format")))
        form.addRow(
            translate("model_details_dialog", "Size:"),
            _selectable(human_size(info.size) if info and info.size else ""),
        )
        form.addRow(
            translate("model_details_dialog", "Modified:"),
            _selectable(_local_time(info.modified_at if info else "")),
        )
        context = _context_length(show.model_info)
        form.addRow(
            translate("model_details_dialog", "Context length:"),
            _selectable(
                translate("model_details_dialog", "{count} tokens").format(count=f"{context:,}")
                if context is not None
                else ""
            ),
        )

        self.capability_labels: list[QLabel] = []
        chips = QHBoxLayout()
        chips.setSpacing(4)
        for capability in show.capabilities:
            chip = QLabel(capability)
            chip.setObjectName("capabilityChip")
            # palette() keeps the chips right in dark mode too.
            chip.setStyleSheet(
                "QLabel#capabilityChip { border: 1px solid palette(mid); border-radius: 8px;"
                " padding: 1px 8px; background: palette(alternate-base); }"
            )
            self.capability_labels.append(chip)
            chips.addWidget(chip)
        if not show.capabilities:
            chips.addWidget(_selectable(""))
        chips.addStretch(1)
        form.addRow(translate("model_details_dialog", "Capabilities:"), chips)

        if info is None:
            note = QLabel(
                translate(
                    "model_details_dialog",
                    "This model is not in the server's list of local models.",
                )
            )
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            form.addRow("", note)
        return page

    def _parameters_tab(self, show: ModelShow) -> QWidget:
        rows: list[tuple[str, str]] = []
        for key, value in sorted(show.parameter_defaults.items()):
            values = value if isinstance(value, list) else [value]
            rows.extend((key, _value_text(item)) for item in values)

        self.parameters_table = QTableWidget(len(rows), 2)
        table = self.parameters_table
        table.setHorizontalHeaderLabels(
            [
                translate("model_details_dialog", "Parameter"),
                translate("model_details_dialog", "Default"),
            ]
        )
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for row, (key, text) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(key))
            item = QTableWidgetItem(text)
            item.setFont(mono)
            table.setItem(row, 1, item)

        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(
            translate(
                "model_details_dialog",
                "Defaults baked into the model. Options set on an experiment override them; "
                "anything not listed uses Ollama's own default.",
            )
            if rows
            else translate(
                "model_details_dialog",
                "This model sets no parameters: Ollama's own defaults apply.",
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(table, 1)
        table.setVisible(bool(rows))
        return page

    @Slot()
    def _on_copy_digest_clicked(self) -> None:
        if self.info is not None:
            QGuiApplication.clipboard().setText(self.info.digest)

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def open_for(cls, parent: QWidget, context: AppContext, name: str) -> Task:
        """Ask Ollama about `name` in the background, then show the dialog; a failure is
        reported through the context."""
        service = context.service
        assert service is not None, "the window asks only while connected"

        def work() -> tuple[ModelInfo | None, ModelShow]:
            return service.find_model(name), service.show_model(name)

        # Only a weak reference: the task may be released on the pool thread, and the last
        # reference to a widget must never go there.
        parent_ref = weakref.ref(parent)

        def on_done(result: tuple[ModelInfo | None, ModelShow]) -> None:
            owner = parent_ref()
            if owner is None:
                return
            info, show = result
            dialog = cls(info, show, owner)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()

        def on_error(error: JournalError) -> None:
            context.report(
                error,
                about=translate(
                    "model_details_dialog", "Could not load the details of {name}."
                ).format(name=name),
            )

        return context.run(work, on_done, on_error)
