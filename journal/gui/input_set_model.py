"""An experiment's input rows as a table: one row per case, one column per variable, and an
`expect` column (one expectation per line) once any row has expectations or one is asked for.

The model checks an edited cell with the core (`row_from_cells`) and hands the checked row
on (`row_edited`); it never writes. A cell the core refuses keeps its old text
(`edit_refused` says why), so nothing half-checked is shown as if saved.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from journal.core.errors import InvalidInputError
from journal.core.input_rows import EXPECT_COLUMN, row_from_cells
from journal.gui.i18n import error_text

if TYPE_CHECKING:
    from journal.core.input_sets import RowInput, SavedRow

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex
LINE_BREAK_SHOWN = " ⏎ "


class InputSetModel(QAbstractTableModel):
    """The rows of one input set, editable cell by cell."""

    row_edited = Signal(object, object)  # the SavedRow before the edit, the checked RowInput
    edit_refused = Signal(str)  # why the core refused an edited cell

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SavedRow] = []
        self._variables: list[str] = []
        self._expect_shown = False

    # -- what is shown ------------------------------------------------------------------

    def set_rows(self, rows: list[SavedRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._variables = list(rows[0].values) if rows else []
        self._expect_shown = any(row.expectations for row in rows)
        self.endResetModel()

    def show_expect_column(self) -> None:
        """Show the expect column though no row has expectations yet (to add some)."""
        if not self._expect_shown:
            place = len(self._variables)
            self.beginInsertColumns(QModelIndex(), place, place)
            self._expect_shown = True
            self.endInsertColumns()

    def replace_row(self, row: SavedRow) -> None:
        """Show `row` (as saved, or as it was before a write failed) in its place."""
        for place, shown in enumerate(self._rows):
            if shown.id == row.id:
                self._rows[place] = row
                self.dataChanged.emit(
                    self.index(place, 0), self.index(place, self.columnCount() - 1)
                )
                return

    def rows(self) -> list[SavedRow]:
        return list(self._rows)

    def variables(self) -> list[str]:
        return list(self._variables)

    def columns(self) -> list[str]:
        """The column names in order: the variables, then `expect` when shown."""
        return [*self._variables, *([EXPECT_COLUMN] if self._expect_shown else [])]

    def is_variable_column(self, column: int) -> bool:
        return 0 <= column < len(self._variables)

    # -- Qt -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            text = self._cell(self._rows[index.row()], index.column())
            if role == Qt.ItemDataRole.ToolTipRole:
                return text or None
            if role == Qt.ItemDataRole.DisplayRole:  # one line a row: the rows stay even
                return LINE_BREAK_SHOWN.join(text.splitlines())
            return text
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(self._rows[section].position)
            return None
        columns = self.columns()
        if not 0 <= section < len(columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return columns[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.is_variable_column(section):
                return translate(
                    "input_set_model", "The value of {variable}; double-click to rename"
                ).format(variable="{{" + columns[section] + "}}")
            return translate(
                "input_set_model", "This row's expectations, one per line (like contains:Paris)"
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def setData(  # noqa: N802 - Qt override
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        before = self._rows[index.row()]
        text = str(value)
        if text == self._cell(before, index.column()):
            return False
        cells = {name: before.values.get(name, "") for name in self._variables}
        cells[EXPECT_COLUMN] = "\n".join(before.expectations)
        cells[self.columns()[index.column()]] = text
        try:
            checked = row_from_cells(cells)
        except InvalidInputError as error:
            self.edit_refused.emit(error_text(error))
            return False
        self._show_checked(index.row(), checked)
        self.row_edited.emit(before, checked)
        return True

    # -- internals ----------------------------------------------------------------------

    def _cell(self, row: SavedRow, column: int) -> str:
        if self.is_variable_column(column):
            return row.values.get(self._variables[column], "")
        return "\n".join(row.expectations)

    def _show_checked(self, place: int, checked: RowInput) -> None:
        shown = dataclasses.replace(
            self._rows[place], values=dict(checked.values), expectations=checked.expectations
        )
        self.replace_row(shown)
