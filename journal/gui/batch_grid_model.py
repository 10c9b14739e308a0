"""A batch's results grid as a Qt table: input rows by model@digest, each cell a mark
(✓ ✗ ? … ·) coloured as verdicts are, its reasons on hover, its run a double-click away."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from journal.core.check_triage import Group
from journal.core.domain import Verdict
from journal.gui.check_texts import triage_text
from journal.gui.table_style import VERDICT_COLOURS, read_only_flags
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from journal.core.batches import GridCell, ResultsGrid

translate = QCoreApplication.translate

AnyIndex = QModelIndex | QPersistentModelIndex

GROUP_COLOURS = {
    Group.PASS: VERDICT_COLOURS[Verdict.WORKED],
    Group.FAIL: VERDICT_COLOURS[Verdict.FAILED],
    Group.NEEDS_LOOK: VERDICT_COLOURS[Verdict.PARTLY],
}
GROUP_WORDS = {
    Group.PASS: QT_TRANSLATE_NOOP("batch_grid_model", "passes"),
    Group.FAIL: QT_TRANSLATE_NOOP("batch_grid_model", "fails"),
    Group.NEEDS_LOOK: QT_TRANSLATE_NOOP("batch_grid_model", "needs a look"),
    Group.GRADING: QT_TRANSLATE_NOOP("batch_grid_model", "grades still coming"),
    Group.PENDING: QT_TRANSLATE_NOOP("batch_grid_model", "not run yet"),
}


class BatchGridModel(QAbstractTableModel):
    """The grid as the core made it (`results_grid`); set again as items end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid: ResultsGrid | None = None
        self._mark_font = QFont(QGuiApplication.font())
        self._mark_font.setBold(True)  # a mark reads at a glance, colour or not
        self._mark_font.setPointSizeF(self._mark_font.pointSizeF() * 1.2)

    def set_grid(self, grid: ResultsGrid | None) -> None:
        """Show `grid`: the cells change in place while its shape stays (a running batch),
        else the table starts over (another batch)."""
        old = self._grid
        same_shape = (
            old is not None
            and grid is not None
            and old.rows == grid.rows
            and old.columns == grid.columns
        )
        if not same_shape:
            self.beginResetModel()
            self._grid = grid
            self.endResetModel()
            return
        self._grid = grid
        if self.rowCount() and self.columnCount():
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def cell(self, row: int, column: int) -> GridCell | None:
        grid = self._grid
        if grid is None or not (0 <= row < len(grid.rows) and 0 <= column < len(grid.columns)):
            return None
        return grid.cells[row][column]

    def run_id_at(self, index: QModelIndex) -> int | None:
        cell = self.cell(index.row(), index.column()) if index.isValid() else None
        return cell.run_id if cell is not None else None

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._grid is None else len(self._grid.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._grid is None else len(self._grid.columns)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        grid = self._grid
        if grid is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        labels = grid.columns if orientation == Qt.Orientation.Horizontal else grid.rows
        return labels[section] if 0 <= section < len(labels) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index.row(), index.column()) if index.isValid() else None
        if cell is None:
            return None
        group = cell.group
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.FontRole:
            return self._mark_font
        if role == Qt.ItemDataRole.BackgroundRole:
            return GROUP_COLOURS.get(group)
        if role == Qt.ItemDataRole.ForegroundRole:
            if group in GROUP_COLOURS:
                return QColor(Qt.GlobalColor.white)
            return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        return None

    @staticmethod
    def _tooltip(cell: GridCell) -> str:
        reasons = [
            "#{repeat}: {reason}".format(
                repeat=item.repeat,
                reason=triage_text(item.triage)
                or translate("batch_grid_model", GROUP_WORDS[item.group]),
            )
            for item in cell.items
        ]
        lines = [translate("batch_grid_model", GROUP_WORDS[cell.group]), "\n".join(reasons)]
        if cell.run_id is not None:
            opens = translate("batch_grid_model", "Double-click or Enter opens run {number}")
            lines.append(opens.format(number=cell.run_id))
        return "\n".join(line for line in lines if line)
