"""What every flat table in the window shares: verdict colours and read-only item flags."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from journal.core.domain import Verdict

# Mid-tone colours keep enough contrast on both light and dark bases.
VERDICT_COLOURS = {
    Verdict.WORKED: QColor(46, 160, 67),
    Verdict.PARTLY: QColor(210, 153, 34),
    Verdict.FAILED: QColor(218, 54, 51),
}

READ_ONLY_ITEM = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def read_only_flags(index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
    """`flags()` for a flat, read-only table model."""
    return READ_ONLY_ITEM if index.isValid() else Qt.ItemFlag.NoItemFlags
