"""A push button that shows its keyboard hint ("Run  Ctrl+Enter") only when there is room.

A longer language must not widen the window: the button asks for room for the whole text
but settles for its short one ("Exécuter"); its tooltip says the key either way.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton


class ShortcutButton(QPushButton):
    """Shows `full` when its width allows, else `short`; asks for `full`'s width, needs
    only `short`'s."""

    def __init__(self, full: str, short: str) -> None:
        super().__init__(full)
        self._full = full
        self._short = short
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)  # may shrink to the short text
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._size_for(self._full)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._size_for(self._short)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._choose_text()

    def _choose_text(self) -> None:
        fits = self.width() >= self._size_for(self._full).width()
        wanted = self._full if fits else self._short
        if self.text() != wanted:
            self.setText(wanted)

    def _size_for(self, text: str) -> QSize:
        """The size QPushButton asks for with `text` (its own sizeHint, for any text)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = text
        width = height = 0
        if not self.icon().isNull():
            width = self.iconSize().width() + 4
            height = self.iconSize().height()
        text_size = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, text)
        width += text_size.width()
        height = max(height, text_size.height())
        contents = QSize(width, height)
        option.rect.setSize(contents)
        return self.style().sizeFromContents(
            QStyle.ContentsType.CT_PushButton, option, contents, self
        )
