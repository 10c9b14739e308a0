"""A check's items as the window shows them: sorted into groups (passes, fails, needs a
look, still grading, not run yet), each group a header with its count, each item with the
one line that says why it is there and, on hover, every grade that did not pass.

The groups are the core's (journal.core.check_triage); this module only lays them out. The
five group rows are always there (the window hides the empty ones), so an update that moves
no item between groups changes data in place and keeps the selection; one that does move
items resets the model, and the window selects the same item again by its position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from journal.core.check_triage import Group
from journal.core.domain import RunStatus, Verdict
from journal.core.grading import GradeStatus
from journal.core.migration_check import Outcome
from journal.gui.check_texts import triage_text
from journal.gui.table_style import VERDICT_COLOURS, read_only_flags
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.migration_check import CheckItemView, CheckView

translate = QCoreApplication.translate

AnyIndex = QModelIndex | QPersistentModelIndex

GROUPS = (Group.PASS, Group.FAIL, Group.NEEDS_LOOK, Group.GRADING, Group.PENDING)
GROUP_TITLES = {
    Group.PASS: QT_TRANSLATE_NOOP("check_items_model", "Passes"),
    Group.FAIL: QT_TRANSLATE_NOOP("check_items_model", "Fails"),
    Group.NEEDS_LOOK: QT_TRANSLATE_NOOP("check_items_model", "Needs a look"),
    Group.GRADING: QT_TRANSLATE_NOOP("check_items_model", "Still grading"),
    Group.PENDING: QT_TRANSLATE_NOOP("check_items_model", "Not run yet"),
}
HEADERS = (
    "#",
    QT_TRANSLATE_NOOP("check_items_model", "Experiment"),
    QT_TRANSLATE_NOOP("check_items_model", "Original model"),
    QT_TRANSLATE_NOOP("check_items_model", "Original verdict"),
    QT_TRANSLATE_NOOP("check_items_model", "Your verdict"),
    QT_TRANSLATE_NOOP("check_items_model", "Why"),
)
WHY_COLUMN = 5
VERDICT_WORDS = {
    Verdict.WORKED: QT_TRANSLATE_NOOP("check_items_model", "worked"),
    Verdict.PARTLY: QT_TRANSLATE_NOOP("check_items_model", "partly"),
    Verdict.FAILED: QT_TRANSLATE_NOOP("check_items_model", "failed"),
}
OUTCOME_WORDS = {
    Outcome.STILL_WORKS: QT_TRANSLATE_NOOP("check_items_model", "still works"),
    Outcome.REGRESSED: QT_TRANSLATE_NOOP("check_items_model", "regressed"),
    Outcome.IMPROVED: QT_TRANSLATE_NOOP("check_items_model", "improved"),
    Outcome.DOES_NOT_WORK: QT_TRANSLATE_NOOP("check_items_model", "does not work"),
    Outcome.UNTRIAGED: QT_TRANSLATE_NOOP("check_items_model", "untriaged"),
    Outcome.FAILED_TO_RUN: QT_TRANSLATE_NOOP("check_items_model", "failed to run"),
    Outcome.CANCELLED: QT_TRANSLATE_NOOP("check_items_model", "cancelled"),
    Outcome.PENDING: QT_TRANSLATE_NOOP("check_items_model", "pending"),
}
_GROUP_ROW = 0  # the internal id of a group row; an item's is its group's row + 1


@dataclass(frozen=True)
class CheckRead:
    """One read of a check: its summary, its items, and each looked-at item's grades that
    did not pass (by position), for the hover."""

    view: CheckView
    items: list[CheckItemView]
    details: dict[int, str]


def read_check(session: Session, check_id: int, grading: frozenset[int]) -> CheckRead:
    """The check as it stands; `grading`: replays whose grades are still coming."""
    from journal.core.migration_check import check_items, get_check
    from journal.gui.grade_marks import read_run_grades

    items = check_items(session, check_id, grading=grading)
    details = {}
    for item in items:
        looked_at = item.group in (Group.FAIL, Group.NEEDS_LOOK, Group.GRADING)
        if looked_at and item.new_run_id and item.new_status is RunStatus.DONE:
            grades = read_run_grades(session, item.new_run_id, pending=item.new_run_id in grading)
            details[item.position] = "\n".join(
                f"{mark.symbol} {mark.explanation}"
                for mark in grades.marks
                if mark.status is not GradeStatus.PASS
            )
    return CheckRead(get_check(session, check_id, grading=grading), items, details)


class CheckItemsModel(QAbstractItemModel):
    """Group rows at the top level, the check's items (in check order) under them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: dict[Group, list[CheckItemView]] = {group: [] for group in GROUPS}
        self._details: dict[int, str] = {}

    def set_items(self, items: Sequence[CheckItemView], details: dict[int, str]) -> bool:
        """Show these items; True when some moved between groups (the model was reset)."""
        groups: dict[Group, list[CheckItemView]] = {group: [] for group in GROUPS}
        for item in items:
            groups[item.group].append(item)
        self._details = dict(details)
        moved = any(
            [item.position for item in groups[group]]
            != [item.position for item in self._groups[group]]
            for group in GROUPS
        )
        if moved:
            self.beginResetModel()
            self._groups = groups
            self.endResetModel()
            return True
        self._groups = groups
        last = len(HEADERS) - 1
        self.dataChanged.emit(self.index(0, 0), self.index(len(GROUPS) - 1, last))
        for row, group in enumerate(GROUPS):
            count = len(groups[group])
            if count:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(count - 1, last, parent))
        return False

    # -- reading it ----------------------------------------------------------------------

    def item(self, index: AnyIndex) -> CheckItemView | None:
        """The item at `index`; None for a group row or an invalid index."""
        if not index.isValid() or index.internalId() == _GROUP_ROW:
            return None
        members = self._groups[GROUPS[index.internalId() - 1]]
        return members[index.row()] if 0 <= index.row() < len(members) else None

    def items(self) -> list[CheckItemView]:
        """Every item, in the check's order."""
        return sorted(
            (item for group in GROUPS for item in self._groups[group]),
            key=lambda item: item.position,
        )

    def index_of(self, position: int, column: int = 0) -> QModelIndex:
        """The row of the item at `position` in the check (invalid when there is none)."""
        for row, group in enumerate(GROUPS):
            for child, item in enumerate(self._groups[group]):
                if item.position == position:
                    return self.index(child, column, self.index(row, 0))
        return QModelIndex()

    def count(self, group: Group) -> int:
        return len(self._groups[group])

    # -- Qt's model --------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, id=_GROUP_ROW)
        return self.createIndex(row, column, id=parent.row() + 1)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _GROUP_ROW:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, id=_GROUP_ROW)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(GROUPS)
        if parent.internalId() == _GROUP_ROW and parent.column() == 0:
            return len(self._groups[GROUPS[parent.row()]])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return len(HEADERS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if index.isValid() and index.internalId() == _GROUP_ROW:
            return Qt.ItemFlag.ItemIsEnabled
        return read_only_flags(index)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return translate("check_items_model", HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _GROUP_ROW:
            return self._group_data(GROUPS[index.row()], index.column(), role)
        item = self.item(index)
        return None if item is None else self._item_data(item, index.column(), role)

    def _group_data(self, group: Group, column: int, role: int) -> Any:
        if column != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = translate("check_items_model", GROUP_TITLES[group])
            return f"{title} ({len(self._groups[group])})"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _item_data(self, item: CheckItemView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                item.position,
                " ".join(item.experiment_title.split())
                or translate("check_items_model", "(untitled)"),
                item.source_model,
                _verdict_word(item.baseline),
                _verdict_word(item.new_verdict),
                triage_text(item.triage),
            )
            return values[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            verdict = {3: item.baseline, 4: item.new_verdict}.get(column)
            return VERDICT_COLOURS[verdict] if verdict else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHY_COLUMN:
                details = self._details.get(item.position, "")
                reason = triage_text(item.triage)
                return f"{reason}\n{details}" if details else reason
            new = (
                translate("check_items_model", "run {number} ({outcome})").format(
                    number=item.new_run_id,
                    outcome=translate("check_items_model", OUTCOME_WORDS[item.outcome]),
                )
                if item.new_run_id
                else translate("check_items_model", "not replayed yet")
            )
            line = translate("check_items_model", "Run {number} -> {new}").format(
                number=item.source_run_id, new=new
            )
            return f"{line}\n{item.prompt[:300]}"
        return None


def _verdict_word(verdict: Verdict | None) -> str:
    return translate("check_items_model", VERDICT_WORDS[verdict]) if verdict else "·"
