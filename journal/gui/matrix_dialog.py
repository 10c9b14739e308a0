"""The experiment x model matrix: which experiments work on which weights, at a glance."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import ExperimentFilter, PassRate, Verdict
from journal.core.errors import JournalError
from journal.gui.table_style import VERDICT_COLOURS, read_only_flags
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from journal.core.matrix import Matrix, MatrixCell, MatrixColumn, MatrixRow
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

AnyIndex = QModelIndex | QPersistentModelIndex

# (before_id, limit) -> one page of the matrix.
MatrixFetcher = Callable[[int | None, int], "Matrix"]

RUN_ID_ROLE = Qt.ItemDataRole.UserRole

VERDICT_TEXT = cast(
    dict[Verdict, str],
    {
        Verdict.WORKED: QT_TRANSLATE_NOOP("matrix_dialog", "worked"),
        Verdict.PARTLY: QT_TRANSLATE_NOOP("matrix_dialog", "partly"),
        Verdict.FAILED: QT_TRANSLATE_NOOP("matrix_dialog", "failed"),
    },
)
UNRATED = "·"


class MatrixModel(QAbstractTableModel):
    """Experiments (rows, newest first, paged) by model@digest (columns).

    Columns are the whole filtered journal's (`matrix_columns`) when given, so they stay put
    while paging; otherwise a page's new columns are appended as it arrives.
    """

    load_failed = Signal(object)  # the JournalError raised by the fetcher

    def __init__(
        self,
        fetch_page: MatrixFetcher,
        columns: list[MatrixColumn] | None = None,
        page_size: int = 100,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._page_size = max(1, page_size)
        self._columns: list[MatrixColumn] = list(columns or [])
        self._rows: list[MatrixRow] = []
        self._show_rates = False
        self._next_before: int | None = None
        self._exhausted = False
        self._busy = False
        self._load(reset=True)

    # -- reading -------------------------------------------------------------------------

    def columns(self) -> list[MatrixColumn]:
        return list(self._columns)

    def run_id_at(self, row: int, column: int) -> int | None:
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._columns)):
            return None
        cell = self._rows[row].cells.get(self._columns[column])
        return cell.run_id if cell else None

    def show_rates(self) -> bool:
        return self._show_rates

    def set_show_rates(self, show: bool) -> None:
        """Cells show their runs' pass rate (True) or the latest verdict (False)."""
        if show == self._show_rates:
            return
        self._show_rates = show
        if self._rows and self._columns:
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- paging --------------------------------------------------------------------------

    def _load(self, reset: bool = False) -> None:
        self._busy = True
        try:
            try:
                page = self._fetch_page(None if reset else self._next_before, self._page_size)
            except JournalError as error:
                self._exhausted = True
                self.load_failed.emit(error)
                return
            new_columns = [c for c in page.columns if c not in set(self._columns)]
            if new_columns:
                first = len(self._columns)
                self.beginInsertColumns(QModelIndex(), first, first + len(new_columns) - 1)
                self._columns.extend(new_columns)
                self.endInsertColumns()
            if page.rows:
                start = len(self._rows)
                self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
                self._rows.extend(page.rows)
                self.endInsertRows()
            self._next_before = page.next_before_id
            self._exhausted = page.next_before_id is None
        finally:
            self._busy = False

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._exhausted and not self._busy

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self._exhausted or self._busy:
            return
        self._load()

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return translate("matrix_dialog", "{model}\ndigest {digest}").format(
                    model=column.model, digest=column.digest
                )
            return None
        if not 0 <= section < len(self._rows):
            return None
        row = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(row.title.split()) or translate("matrix_dialog", "(untitled)")
        if role == Qt.ItemDataRole.ToolTipRole:
            return translate("matrix_dialog", "Experiment {id}: {title}").format(
                id=row.experiment_id, title=row.title
            )
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._columns)):
            return None
        cell = self._rows[row].cells.get(self._columns[column])
        if cell is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return translate("matrix_dialog", "No run on these weights")
            return None
        rate = cell.pass_rate if self._show_rates else None
        if rate is not None:
            return self._rate_data(cell, rate, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                translate("matrix_dialog", VERDICT_TEXT[cell.verdict]) if cell.verdict else UNRATED
            )
        if role == RUN_ID_ROLE:
            return cell.run_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and cell.verdict:
            return VERDICT_COLOURS[cell.verdict]
        if role == Qt.ItemDataRole.ForegroundRole:
            if cell.verdict:
                return QColor(Qt.GlobalColor.white)
            return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            judged = (
                translate("matrix_dialog", VERDICT_TEXT[cell.verdict])
                if cell.verdict
                else translate("matrix_dialog", "not rated")
            )
            runs = cell.runs  # a plain name: lupdate skips a count given as an attribute
            return translate(
                "matrix_dialog", "{verdict} (run {id}; %n run(s))\nDouble-click to open", None, runs
            ).format(verdict=judged, id=cell.run_id)
        return None

    @staticmethod
    def _rate_data(cell: MatrixCell, rate: PassRate, role: int) -> Any:
        """A cell showing its pass rate: `2/3 pass`, green when all pass, red when none
        does, amber between; `—` (plain) with nothing to grade by."""
        graded = bool(rate.expectations and rate.runs)
        if role == Qt.ItemDataRole.DisplayRole:
            return rate.short + (" ~" if rate.sometimes else "")
        if role == RUN_ID_ROLE:
            return cell.run_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and graded:
            return VERDICT_COLOURS[_rate_colour(rate)]
        if role == Qt.ItemDataRole.ForegroundRole:
            if graded:
                return QColor(Qt.GlobalColor.white)
            return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            return translate("matrix_dialog", "{rate}\nDouble-click to open run {id}").format(
                rate=rate.description, id=cell.run_id
            )
        return None


def _rate_colour(rate: PassRate) -> Verdict:
    if rate.passed == rate.runs:
        return Verdict.WORKED
    return Verdict.FAILED if rate.passed == 0 else Verdict.PARTLY


class MatrixDialog(QDialog):
    """The matrix for the list's current filter; double-click a cell to open its run."""

    run_activated = Signal(int)  # the run a double-clicked cell names

    def __init__(
        self, context: AppContext, filters: ExperimentFilter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # A window of its own, not a dialog held above the main window: the run a cell
        # opens comes to the front instead of showing behind the matrix.
        self.setWindowFlags(Qt.WindowType.Window)
        self.setWindowTitle(translate("matrix_dialog", "Experiments × models"))
        self.resize(860, 520)
        self._context = context
        self._filters = filters
        self._init_model()
        self._init_view()
        self._init_layout()

    def _init_model(self) -> None:
        journal = self._context.journal
        assert journal is not None
        filters = self._filters

        from journal.core.matrix import experiment_matrix, matrix_columns

        def fetch(before_id: int | None, limit: int) -> Matrix:
            with journal.read() as session:
                return experiment_matrix(
                    session, filters, limit=limit, before_id=before_id, pass_rates=True
                )

        try:
            with journal.read() as session:
                columns = matrix_columns(session, filters)
        except JournalError:
            columns = []  # the page's own columns still show; its failure is said once
        self.model = MatrixModel(fetch, columns, parent=self)
        self.model.load_failed.connect(self._on_model_load_failed)

    def _init_view(self) -> None:
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self.rates_box = QCheckBox(translate("matrix_dialog", "Show &pass rates"))
        self.rates_box.setToolTip(
            translate(
                "matrix_dialog",
                "Show how many of each cell's runs pass the experiment's expectations "
                "instead of the latest verdict (Alt+P)",
            )
        )
        self.rates_box.toggled.connect(self._on_rates_box_toggled)
        self._say_what_cells_show()

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setMinimumSectionSize(90)
        self.view.verticalHeader().setMaximumWidth(320)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # `activated` is a double-click (or Enter) on every platform's default style.
        self.view.activated.connect(self._on_view_activated)

        self._empty = QLabel(
            translate("matrix_dialog", "No experiment matches, or none has runs yet.")
        )
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setVisible(self.model.rowCount() == 0)

    def _init_layout(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter on a cell opens its run; it must not also press Close (Esc closes)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self._hint)
        layout.addWidget(self.rates_box)
        layout.addWidget(self.view, 1)
        layout.addWidget(self._empty)
        layout.addWidget(buttons)
        self.setTabOrder(self.rates_box, self.view)

    def _say_what_cells_show(self) -> None:
        if self.model.show_rates():
            text = translate(
                "matrix_dialog",
                "How many runs on each model's weights pass the experiment's expectations "
                "(— = nothing to grade by; ~ = worked only some of the time). "
                "Double-click a cell to open its run.",
            )
        else:
            text = translate(
                "matrix_dialog",
                "Latest verdict of each experiment on each model's weights "
                "({unrated} = ran, not rated). Double-click a cell to open its run.",
            ).format(unrated=UNRATED)
        self._hint.setText(text)

    @Slot(bool)
    def _on_rates_box_toggled(self, checked: bool) -> None:
        self.model.set_show_rates(checked)
        self._say_what_cells_show()

    @Slot(object)
    def _on_model_load_failed(self, error: JournalError) -> None:
        self._context.report(error)

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        run_id = self.model.run_id_at(index.row(), index.column())
        if run_id is not None:
            self.run_activated.emit(run_id)
