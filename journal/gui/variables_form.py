"""The values of a prompt's `{{name}}` variables, one line each, under the prompt.

Which names there are, and what a missing value means, is the core's (core.templates): the
form only asks for the values and shows the core's reason when they do not fit. A value is
kept per name while the person edits, so a `{{name}}` deleted and typed again gets its value
back.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from journal.gui.elided_label import ElidedLabel
from journal.gui.options_panel import error_color

translate = QCoreApplication.translate

ROWS_SHOWN = 4


class VariablesForm(QWidget):
    """One labelled line edit per variable, in order of first use; hidden when there is none.

    An empty field is a missing value (as a missing --var is in the CLI)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, str] = {}
        self._edits: dict[str, QLineEdit] = {}
        self._title = QLabel(translate("variables_form", "&Variables"))
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)
        self._title.setToolTip(
            translate(
                "variables_form", "The values put in for each {{name}} of the prompts (Alt+V)"
            )
        )
        # The reason beside the title, not under the fields: the panel has no height to spare.
        self._error = ElidedLabel()
        self._error.hide()
        title_row = QHBoxLayout()
        title_row.setSpacing(8)
        title_row.addWidget(self._title)
        title_row.addWidget(self._error, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(title_row)
        layout.addWidget(self._init_rows())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._apply_error_color()
        self.hide()

    def _init_rows(self) -> QScrollArea:
        """The fields scroll past a few rows: the prompt keeps its room on a small screen."""
        rows = QWidget()
        self._form = QFormLayout(rows)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setVerticalSpacing(2)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._rows = QScrollArea()
        self._rows.setWidget(rows)
        self._rows.setWidgetResizable(True)
        self._rows.setFrameShape(QFrame.Shape.NoFrame)
        self._rows.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return self._rows

    def _fit_rows(self) -> None:
        """At least two rows show (the rest scroll), at most ROWS_SHOWN without scrolling."""
        count = len(self._edits)
        row = QLineEdit().sizeHint().height() + self._form.verticalSpacing()
        self._rows.setMinimumHeight(min(count, 2) * row)
        self._rows.setMaximumHeight(min(count, ROWS_SHOWN) * row)

    def names(self) -> list[str]:
        """The variables asked for now, in order of first use."""
        return list(self._edits)

    def set_names(self, names: list[str]) -> None:
        """Ask for exactly `names`: new fields get the value kept for their name."""
        if names == list(self._edits):
            return
        while self._form.rowCount():  # take the rows out; they are laid out again in order
            row = self._form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    if isinstance(widget, QLabel):
                        widget.deleteLater()
        for name in list(self._edits):
            if name not in names:
                self._edits.pop(name).deleteLater()
        for name in names:
            edit = self._edits.get(name) or self._new_edit(name)
            self._edits[name] = edit
            label = QLabel(name)
            label.setBuddy(edit)
            self._form.addRow(label, edit)
            edit.show()
        self._edits = {name: self._edits[name] for name in names}
        if names:
            self._title.setBuddy(self._edits[names[0]])
        self._fit_rows()
        self.clear_error()
        self.setVisible(bool(names))

    def _new_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit(self._values.get(name, ""))
        edit.setAccessibleName(translate("variables_form", "Value of {name}").format(name=name))
        variable = "{{" + name + "}}"
        edit.setPlaceholderText(
            translate("variables_form", "What {variable} stands for").format(variable=variable)
        )
        edit.setToolTip(
            translate(
                "variables_form", "The text put in for {variable} when the prompt is run"
            ).format(variable=variable)
        )
        edit.textEdited.connect(lambda text: self._on_edit_text_edited(name, text))
        return edit

    def edit(self, name: str) -> QLineEdit:
        """The field for `name` (it must be asked for)."""
        return self._edits[name]

    def values(self) -> dict[str, str]:
        """The filled-in values of the names asked for; an empty field gives none."""
        fields = {name: edit.text() for name, edit in self._edits.items()}
        return {name: text for name, text in fields.items() if text}

    def set_values(self, values: dict[str, str]) -> None:
        """Put in `values` (a run's, say) for their names, now or once they are asked for."""
        self._values.update(values)
        for name, value in values.items():
            if name in self._edits:
                self._edits[name].setText(value)
        self.clear_error()

    def show_error(self, message: str) -> None:
        """Say why the values do not fit, and take the person to the first empty field."""
        self._error.setText(message)
        self._error.setToolTip(message)
        self._error.setVisible(True)
        empty = [edit for edit in self._edits.values() if not edit.text()]
        if empty:
            empty[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def error_text(self) -> str:
        """The reason shown under the fields ("" when none is)."""
        return self._error.text() if not self._error.isHidden() else ""

    def clear_error(self) -> None:
        self._error.clear()
        self._error.setToolTip("")
        self._error.hide()

    def _on_edit_text_edited(self, name: str, text: str) -> None:
        self._values[name] = text
        self.clear_error()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_error_color()
        super().changeEvent(event)

    def _apply_error_color(self) -> None:
        palette = self._error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_color(self.palette()))
        self._error.setPalette(palette)
