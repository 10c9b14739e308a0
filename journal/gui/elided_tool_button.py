"""A tool button whose text gives way on the left ("…partly ✓") when its row is short of room.

A longer language, or a long suggestion, must not widen the window: the button asks for its
whole text's width but needs only the room for "…" and its last word, and its tooltip says
the whole thing. The end of the text is kept because that is where what matters sits (the
verdict and its ✓), in English as in French.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QWidget,
)


class ElidedToolButton(QToolButton):
    """Shows as much of its text as fits, from the end; `text()` stays whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Maximum)  # may shrink, never grows
        self.setSizePolicy(policy)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.sizeHint()
        metrics = self.fontMetrics()
        last_word = self.text().rsplit(" ", 1)[-1]
        # a pixel to spare: eliding rounds widths its own way (and ✓ may come from a
        # fallback font)
        shortest = metrics.size(Qt.TextFlag.TextShowMnemonic, "…" + last_word).width() + 1
        return QSize(min(hint.width(), self._frame_width() + shortest), hint.height())

    def shown_text(self) -> str:
        """The text as painted at the button's present width."""
        room = max(0, self.width() - self._frame_width())
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideLeft, room)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)

    def _frame_width(self) -> int:
        """What the button adds around its text (frame, margins, QToolButton's spaces)."""
        text_width = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, self.text()).width()
        return self.sizeHint().width() - text_width
