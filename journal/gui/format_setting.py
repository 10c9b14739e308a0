"""The Format setting: ask Ollama for plain text, any JSON, or JSON following a schema.

The schema is typed (or loaded from a file) and checked by the core as it is typed, the
same rule as `journal run --format`; a schema the core refuses says why and blocks Run."""

from __future__ import annotations

import json
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from journal.core.errors import InvalidInputError
from journal.core.output_format import parse_format, parse_schema
from journal.gui.i18n import error_text
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

CHOICES = cast(
    tuple[str, ...],
    (
        QT_TRANSLATE_NOOP("format_setting", "None"),
        QT_TRANSLATE_NOOP("format_setting", "JSON"),
        QT_TRANSLATE_NOOP("format_setting", "JSON schema"),
    ),
)
_SCHEMA_LINES = 5
SCHEMA_EXAMPLE = '{"type": "object", "properties": {"name": {"type": "string"}}}'


class FormatSetting(QWidget):
    """None / JSON / JSON schema, with the schema's editor under it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._error = ""
        self._choice = QComboBox()
        self._choice.addItems([translate("format_setting", choice) for choice in CHOICES])
        self._choice.setAccessibleName(translate("format_setting", "Format"))
        self._choice.setToolTip(
            translate(
                "format_setting",
                "What the answer must be: free text, any JSON, or JSON that follows a schema "
                "(Ollama's format; the run records it and a replay sends it again)",
            )
        )
        label = QLabel(translate("format_setting", "F&ormat"))
        label.setBuddy(self._choice)
        self._schema = QPlainTextEdit()
        self._schema.setAccessibleName(translate("format_setting", "JSON schema"))
        self._schema.setPlaceholderText(SCHEMA_EXAMPLE)
        self._schema.setToolTip(
            translate(
                "format_setting", "The JSON schema the answer must follow, checked as you type"
            )
        )
        self._schema.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._schema.setTabChangesFocus(True)
        spacing = self._schema.fontMetrics().lineSpacing()
        self._schema.setFixedHeight(spacing * _SCHEMA_LINES + 12)
        self._load = QPushButton(translate("format_setting", "&Load from file…"))
        self._load.setToolTip(
            translate("format_setting", "Read the JSON schema from a .json file into the editor")
        )
        self._status = QLabel()
        self._status.setWordWrap(True)
        self._status.setObjectName("formatStatus")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(4)
        layout.addWidget(label, 0, 0)
        layout.addWidget(self._choice, 0, 1)
        layout.addWidget(self._load, 0, 2)
        layout.setColumnStretch(3, 1)
        layout.addWidget(self._schema, 1, 0, 1, 4)
        layout.addWidget(self._status, 2, 0, 1, 4)
        self.setTabOrder(self._choice, self._load)
        self.setTabOrder(self._load, self._schema)
        self._choice.currentIndexChanged.connect(self._on_choice_current_index_changed)
        self._schema.textChanged.connect(self._on_schema_text_changed)
        self._load.clicked.connect(self._on_load_clicked)
        self._update()

    # -- the value ------------------------------------------------------------------------

    def value(self) -> str | dict[str, Any] | None:
        """What Run sends as `format` (None when the schema is refused: see `error`)."""
        index = self._choice.currentIndex()
        if index == 0:
            return None
        if index == 1:
            return "json"
        try:
            return parse_schema(self._schema.toPlainText())
        except InvalidInputError:
            return None

    def error(self) -> str:
        """Why the format cannot be sent, or ""."""
        return self._error

    def summary(self) -> str:
        """`format=json`, `format=schema`, or "" for none."""
        return ("", "format=json", "format=schema")[self._choice.currentIndex()]

    def set_value(self, value: Any) -> None:
        """Show a run's format (None, "json" or a schema)."""
        self.blockSignals(True)
        if isinstance(value, dict):
            self._schema.setPlainText(json.dumps(value, ensure_ascii=False, indent=2))
            self._choice.setCurrentIndex(2)
        else:
            self._choice.setCurrentIndex(1 if value == "json" else 0)
        self.blockSignals(False)
        self._update()
        self.changed.emit()

    def load_file(self, path: str) -> None:
        """Put the schema in `path` in the editor, or say why it cannot be used."""
        try:
            schema = parse_format("@" + path)
        except InvalidInputError as error:
            self._show_status(error_text(error), ok=False)
            return
        self.set_value(schema)

    @property
    def choice_box(self) -> QComboBox:
        return self._choice

    @property
    def schema_edit(self) -> QPlainTextEdit:
        return self._schema

    def status_text(self) -> str:
        return self._status.text()

    # -- reactions ------------------------------------------------------------------------

    @Slot(int)
    def _on_choice_current_index_changed(self, _index: int) -> None:
        self._update()
        self.changed.emit()

    @Slot()
    def _on_schema_text_changed(self) -> None:
        self._update()
        self.changed.emit()

    @Slot()
    def _on_load_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("format_setting", "Load a JSON schema"),
            "",
            translate("format_setting", "JSON schema (*.json);;All files (*)"),
        )
        if path:
            self.load_file(path)

    def _update(self) -> None:
        schema = self._choice.currentIndex() == 2
        self._schema.setVisible(schema)
        self._load.setVisible(schema)
        self._error = ""
        if not schema:
            self._show_status("", ok=True)
            return
        text = self._schema.toPlainText()
        if not text.strip():
            self._error = translate(
                "format_setting", "Write the JSON schema the answer must follow, or load one."
            )
            self._show_status(self._error, ok=False)
            return
        try:
            parse_schema(text)
        except InvalidInputError as error:
            self._error = error_text(error)
            self._show_status(self._error, ok=False)
            return
        self._show_status(translate("format_setting", "✓ a valid JSON schema"), ok=True)

    def _show_status(self, text: str, *, ok: bool) -> None:
        from journal.gui.options_panel import error_color

        self._status.setText(text)
        self._status.setVisible(bool(text))
        color = error_color(self.palette()).name() if not ok else "palette(window-text)"
        self._status.setStyleSheet(f"QLabel#formatStatus {{ color: {color}; }}")
