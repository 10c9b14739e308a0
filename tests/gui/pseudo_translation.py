"""Find visible text that escaped translation: install a `WrappingTranslator` (through
`pseudo_translation()`), build a widget, and `unmarked_texts(widget)` lists every text a
person would see that did not go through QCoreApplication.translate (Qt's own standard
buttons included).

    with pseudo_translation():
        dialog = SettingsDialog(...)
        assert unmarked_texts(dialog) == []

Every translated text comes back wrapped in "⟦…⟧" (Qt fills in a %n count as usual).
A text counts as marked when, once the wrapped parts are taken out, no letters are left:
so "⟦Run {number}⟧" formatted, "⟦Saved⟧ 3 ⟦runs⟧" and "42" pass, "Saved" does not.
User data and model names are not translated: pass them as `allowed` (texts taken out
wherever they appear, as a model name inside a marked sentence), and keep that list short
and explicit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)

from journal.gui.i18n import LANGUAGE_NAMES

OPEN, CLOSE = "⟦", "⟧"
_WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
_LETTER = re.compile(r"[^\W\d_]")
# Always allowed: what is shown untranslated on purpose, everywhere.
ALWAYS_ALLOWED = frozenset(LANGUAGE_NAMES.values())  # each language named in itself


class WrappingTranslator(QTranslator):
    """Translates every text into itself between `opening` and `closing`: a text shown
    without them never went through the translator."""

    def __init__(self, opening: str = OPEN, closing: str = CLOSE) -> None:
        super().__init__()
        self.opening, self.closing = opening, closing

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        return f"{self.opening}{source_text}{self.closing}" if source_text else ""

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override: never empty, never skipped
        return False


@contextmanager
def pseudo_translation(opening: str = OPEN, closing: str = CLOSE) -> Iterator[None]:
    """Every text built inside the block comes out wrapped (see the module's docstring)."""
    translator = WrappingTranslator(opening, closing)
    QCoreApplication.installTranslator(translator)
    try:
        yield
    finally:
        QCoreApplication.removeTranslator(translator)


def is_marked(text: str) -> bool:
    """True when every letter of `text` sits inside a wrapped (translated) part."""
    plain = _ENTITY.sub(" ", _TAG.sub(" ", text))
    while True:
        shorter = _WRAPPED.sub(" ", plain)
        if shorter == plain:
            break
        plain = shorter
    return not _LETTER.search(plain)


def _widget_texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for what `widget` shows itself."""
    kind = type(widget).__name__
    if widget.isWindow():
        yield f"{kind} window title", widget.windowTitle()
    yield f"{kind} tooltip", widget.toolTip()
    yield f"{kind} status tip", widget.statusTip()
    if isinstance(widget, QLabel):
        yield "QLabel", widget.text()
    elif isinstance(widget, QAbstractButton):
        yield kind, widget.text()
    elif isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        yield f"{kind} placeholder", widget.placeholderText()
    elif isinstance(widget, QGroupBox):
        yield "QGroupBox title", widget.title()
    elif isinstance(widget, QComboBox):
        for index in range(widget.count()):
            yield "QComboBox item", widget.itemText(index)
    elif isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            yield "tab", widget.tabText(index)
            yield "tab tooltip", widget.tabToolTip(index)
    elif isinstance(widget, QTableView | QTreeView) and widget.model() is not None:
        model = widget.model()  # column headers; row headers are numbers or hidden
        for section in range(model.columnCount(QModelIndex())):
            value = model.headerData(
                section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            yield "header", value if isinstance(value, str) else ""
    if isinstance(widget, QMenu):
        yield "QMenu title", widget.title()
    for action in widget.actions():
        yield "action", action.text()
        yield "action tooltip", action.toolTip()
        yield "action status tip", action.statusTip()


def unmarked_texts(root: QWidget, allowed: Iterable[str] = ()) -> list[str]:
    """Every text shown by `root` and the widgets under it (labels, buttons and their
    tooltips, placeholders, group titles, combo items, tabs, item-view headers, menus and
    actions, window titles) that has letters outside a translated part, as "where: text".
    `allowed`: texts shown as they are (user data, model names), taken out wherever they
    appear, longest first."""
    keep = sorted(ALWAYS_ALLOWED | frozenset(allowed), key=len, reverse=True)
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        for where, text in _widget_texts(widget):
            rest = text.replace("&", "")
            for data in keep:
                rest = rest.replace(data, " ")
            if rest.strip() and not is_marked(rest):
                found.append(f"{where}: {text}")
    return found
