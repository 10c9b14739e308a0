"""Pieces every dialog builds the same way: error and hint labels, a busy bar, growing to fit
a message that just appeared, and a word diff as HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

if TYPE_CHECKING:
    from journal.core.word_diff import DiffOp

INSERTED = QColor(46, 160, 67)
DELETED = QColor(218, 54, 51)


def fit_height(widget: QWidget) -> None:
    """Grow a window to fit a message that just appeared.

    A window does not grow by itself when a word-wrapped label needs more lines, and its
    neighbours get squeezed over each other. Call it once the label has its new size
    (e.g. from a zero timer).
    """
    layout = widget.layout()
    if layout is None:
        return
    layout.activate()
    width = widget.width()
    needed = (
        layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
    )
    if needed > widget.height():
        widget.resize(width, needed)


def mark_as_error(label: QLabel) -> None:
    """Bold red text that stays readable on light and dark palettes, and can be copied."""
    palette = label.palette()
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#ff7b72" if dark else "#c62828"))
    label.setPalette(palette)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def error_label() -> QLabel:
    """A hidden label for a dialog's error message: plain text (messages quote what people
    and models wrote), marked as an error."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    mark_as_error(label)
    label.hide()
    return label


def hint_label(text: str) -> QLabel:
    """Muted, wrapped plain text under a choice (titles and filters are the person's text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def busy_bar() -> QProgressBar:
    """A thin indeterminate bar, hidden until work starts: for work that reports no
    progress, only that it is going on."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(10)
    bar.hide()
    return bar


def tint(colour: QColor, amount: float = 0.3, palette: QPalette | None = None) -> QColor:
    """`colour` mixed into the palette's base: a pale wash on light themes, a dark one on
    dark themes, with the text colour readable on both."""
    base = (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base)
    return QColor(
        round(base.red() + (colour.red() - base.red()) * amount),
        round(base.green() + (colour.green() - base.green()) * amount),
        round(base.blue() + (colour.blue() - base.blue()) * amount),
    )


def _escaped(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def diff_html(ops: Sequence[DiffOp], palette: QPalette | None = None) -> str:
    """The new answer with insertions washed green and deletions struck through in red.

    Everything is HTML-escaped: answers are model output, never markup to trust.
    """
    inserted = tint(INSERTED, 0.35, palette).name()
    deleted = tint(DELETED, 0.35, palette).name()
    parts = []
    for op in ops:
        if op.kind == "equal":
            parts.append(_escaped(op.new))
            continue
        if op.old:
            parts.append(
                f'<span style="background-color:{deleted}; text-decoration:line-through">'
                f"{_escaped(op.old)}</span>"
            )
        if op.new:
            parts.append(f'<span style="background-color:{inserted}">{_escaped(op.new)}</span>')
    return f'<div style="white-space:pre-wrap">{"".join(parts)}</div>'


def plain_html(text: str) -> str:
    """An answer shown as it is, beside a diff_html of another."""
    return f'<div style="white-space:pre-wrap">{_escaped(text)}</div>'
