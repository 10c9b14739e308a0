"""The Help menu's windows: keyboard shortcuts, and About with the versions a bug report needs."""

from __future__ import annotations

import importlib.metadata
import platform
import sqlite3
import sys
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, Qt, Slot, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

APP_NAME = "LLM Journal"
DESCRIPTION = QT_TRANSLATE_NOOP(
    "help_dialogs",
    "A lab notebook for trial-and-error work with local language models served by Ollama.",
)
NOT_CONNECTED = QT_TRANSLATE_NOOP("help_dialogs", "not connected")
# The About rows' names, translated where shown; the copied lines stay in English.
ROW_NAMES = (
    QT_TRANSLATE_NOOP("help_dialogs", "ollama (Python client)"),
    QT_TRANSLATE_NOOP("help_dialogs", "Ollama server"),
    QT_TRANSLATE_NOOP("help_dialogs", "Journal file"),
)


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def collect_versions(server_version: str | None, journal_path: str) -> dict[str, str]:
    """What About shows, in display order. Cheap: imports nothing heavy."""
    import PySide6

    return {
        APP_NAME: _package_version("llm-journal"),
        "Python": f"{platform.python_version()} ({sys.implementation.name})",
        "PySide6": PySide6.__version__,
        "Qt": qVersion(),
        "SQLite": sqlite3.sqlite_version,
        "ollama (Python client)": _package_version("ollama"),
        "Ollama server": server_version or NOT_CONNECTED,
        "Journal file": journal_path,
    }


def _existing(parent: QWidget | None, object_name: str) -> QDialog | None:
    if parent is None:
        return None
    found = parent.findChild(QDialog, object_name)
    if found is not None and found.isVisible():
        found.raise_()
        found.activateWindow()
        return found
    return None


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what it does) for every action that has a shortcut, in the order given.

    The table is made from the actions themselves, so it cannot drift from them.
    """
    rows = []
    for action in actions:
        keys = action.shortcut()
        if not keys.isEmpty():
            does = action.whatsThis() or action.text().replace("&", "")
            rows.append((keys.toString(QKeySequence.SequenceFormat.PortableText), does))
    return rows


def show_shortcuts(parent: QWidget | None, shortcuts: list[tuple[str, str]]) -> QDialog:
    """A non-modal list of (key sequence, description); shown in the platform's notation."""
    existing = _existing(parent, "shortcutsDialog")
    if existing is not None:
        return existing
    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle(translate("help_dialogs", "Keyboard shortcuts"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    table = QTableWidget(len(shortcuts), 2, dialog)
    table.setObjectName("shortcutsTable")
    table.setHorizontalHeaderLabels(
        [translate("help_dialogs", "Shortcut"), translate("help_dialogs", "Action")]
    )
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for row, (keys, description) in enumerate(shortcuts):
        native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys
        key_item = QTableWidgetItem(native)
        font = key_item.font()
        font.setBold(True)
        key_item.setFont(font)
        table.setItem(row, 0, key_item)
        table.setItem(row, 1, QTableWidgetItem(description))
    table.resizeRowsToContents()
    table.resizeColumnToContents(0)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
    table.setColumnWidth(0, table.columnWidth(0) + 24)  # air between keys and actions

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)

    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    rows_height = sum(table.rowHeight(row) for row in range(len(shortcuts)))
    dialog.resize(460, min(560, rows_height + header.sizeHint().height() + 72))
    dialog.show()
    return dialog


class _AboutDialog(QDialog):
    def __init__(self, versions: dict[str, str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(translate("help_dialogs", "About {app}").format(app=APP_NAME))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._versions = versions

        title = QLabel(APP_NAME)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        version = QLabel(
            translate("help_dialogs", "Version {version}").format(
                version=versions.get(APP_NAME, "unknown")
            )
        )
        version.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        description = QLabel(translate("help_dialogs", DESCRIPTION))
        description.setWordWrap(True)
        description.setMinimumWidth(440)  # the box is fixed-size: keep it from getting narrow

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, value in versions.items():
            if name == APP_NAME:
                continue
            field = QLabel(translate("help_dialogs", value) if value == NOT_CONNECTED else value)
            field.setTextFormat(Qt.TextFormat.PlainText)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(name == "Journal file")
            shown = translate("help_dialogs", name) if name in ROW_NAMES else name
            form.addRow(translate("help_dialogs", "{name}:").format(name=shown), field)

        copy_button = QPushButton(translate("help_dialogs", "&Copy versions"))
        copy_button.setToolTip(translate("help_dialogs", "Copy these lines, e.g. for a bug report"))
        copy_button.setAutoDefault(False)
        copy_button.clicked.connect(self._on_copy_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(version)
        layout.addSpacing(6)
        layout.addWidget(description)
        layout.addSpacing(10)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self._versions.items())

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def show_about(parent: QWidget | None, versions: dict[str, str]) -> QDialog:
    """About box; `versions` as collect_versions builds it."""
    existing = _existing(parent, "aboutDialog")
    if existing is not None:
        return existing
    dialog = _AboutDialog(versions, parent)
    dialog.show()
    return dialog
