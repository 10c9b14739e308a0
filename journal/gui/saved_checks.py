"""The migration checks saved in the journal, as a short list (name, target, status, date):
a click opens one in the check window."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from journal.gui.check_texts import status_word
from journal.gui.translating import QT_TRANSLATE_NOOP, short_moment

if TYPE_CHECKING:
    from journal.core.migration_check import CheckView

translate = QCoreApplication.translate

CHECK_ID_ROLE = Qt.ItemDataRole.UserRole
HEADERS = (
    QT_TRANSLATE_NOOP("saved_checks", "Name"),
    QT_TRANSLATE_NOOP("saved_checks", "Target"),
    QT_TRANSLATE_NOOP("saved_checks", "Status"),
    QT_TRANSLATE_NOOP("saved_checks", "Date"),
)
ROWS_SHOWN = 4  # the list's height in rows; more scroll


def when(moment: datetime) -> str:
    """The check's date in local time, short."""
    return short_moment(moment, time_today=False)


class SavedChecksList(QTreeWidget):
    """Newest first; the open check is the selected row."""

    check_opened = Signal(int)  # the person clicked (or chose with the keys) this check

    def __init__(self) -> None:
        super().__init__()
        self.setColumnCount(len(HEADERS))
        self.setHeaderLabels([translate("saved_checks", header) for header in HEADERS])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName(translate("saved_checks", "Saved checks"))
        self.setToolTip(translate("saved_checks", "Saved checks: click one to open it"))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        row = self.fontMetrics().height() + 8
        self.setMaximumHeight(header.sizeHint().height() + row * ROWS_SHOWN + 2 * self.frameWidth())
        self.currentItemChanged.connect(self._on_current_item_changed)

    def show_checks(self, checks: list[CheckView], open_id: int | None) -> None:
        """List `checks`, the one open (`open_id`) selected; opens nothing."""
        self.blockSignals(True)
        try:
            self.clear()
            for check in checks:
                item = QTreeWidgetItem(
                    [
                        check.name,
                        check.target_model,
                        status_word(check.status),
                        when(check.created_at),
                    ]
                )
                item.setData(0, CHECK_ID_ROLE, check.id)
                tip = translate("saved_checks", "Check {id}: {name}").format(
                    id=check.id, name=check.name
                )
                item.setToolTip(0, f"{tip}\n{check.summary.line()}")
                item.setToolTip(2, check.summary.line())
                self.addTopLevelItem(item)
            self._select(open_id)
        finally:
            self.blockSignals(False)

    def select_check(self, check_id: int | None) -> bool:
        """Show `check_id` as the open one (without opening it again); False if not listed."""
        self.blockSignals(True)
        try:
            return self._select(check_id)
        finally:
            self.blockSignals(False)

    def check_ids(self) -> list[int]:
        return [int(item.data(0, CHECK_ID_ROLE)) for item in self._items()]

    def _items(self) -> list[QTreeWidgetItem]:
        rows = (self.topLevelItem(row) for row in range(self.topLevelItemCount()))
        return [item for item in rows if item is not None]

    def _select(self, check_id: int | None) -> bool:
        for item in self._items():
            if item.data(0, CHECK_ID_ROLE) == check_id:
                self.setCurrentItem(item)
                return True
        self.setCurrentIndex(QModelIndex())
        self.clearSelection()
        return False

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current_item_changed(self, current: QTreeWidgetItem | None, _: object) -> None:
        if current is not None:
            self.check_opened.emit(int(current.data(0, CHECK_ID_ROLE)))
