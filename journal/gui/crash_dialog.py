"""Bugs reach the person as a dialog with the traceback and a log file, not a silent exit."""

from __future__ import annotations

import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

HEADLINE = QT_TRANSLATE_NOOP("crash_dialog", "Something went wrong inside LLM Journal.")


def _where_logged(log_path: Path | None, log_problem: str) -> str:
    """Where the details were written, or why they were not (rich text)."""
    if log_path is not None and not log_problem:
        return translate(
            "crash_dialog", "The details were also written to:<br><code>{path}</code>"
        ).format(path=_escape(str(log_path)))
    if log_path is not None:
        return translate(
            "crash_dialog",
            "The details could not be written to <code>{path}</code> "
            "({problem}); copy them from here.",
        ).format(path=_escape(str(log_path)), problem=_escape(log_problem))
    return translate(
        "crash_dialog", "Copy the details from here; they were not written to a log file."
    )


class CrashDialog(QDialog):
    """Shows one unexpected error (and any that follow while it is open)."""

    _open: ClassVar[set[CrashDialog]] = set()  # keeps parentless dialogs alive while shown

    def __init__(
        self,
        text: str,
        log_path: Path | None = None,
        log_problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("crash_dialog", "LLM Journal – unexpected error"))
        self.setMinimumWidth(520)
        top = self._init_message(log_path, log_problem)
        self._init_details(text)
        self.buttons = self._init_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(4)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(self.buttons)
        self._init_connections()

    # -- layout ----------------------------------------------------------------------------

    def _init_message(self, log_path: Path | None, log_problem: str) -> QHBoxLayout:
        """An icon beside what happened, that the journal is safe, and where the log is."""
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        headline = QLabel(translate("crash_dialog", HEADLINE))
        font = headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        headline.setFont(font)
        reassurance = QLabel(
            translate(
                "crash_dialog",
                "Your journal is saved: every run is written as it happens. You can keep "
                "working; if something looks wrong, restart the application. Please report "
                "the details below.",
            )
        )
        reassurance.setWordWrap(True)
        self.log_label = QLabel(_where_logged(log_path, log_problem))
        self.log_label.setWordWrap(True)
        self.log_label.setTextFormat(Qt.TextFormat.RichText)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        text_column = QVBoxLayout()
        text_column.addWidget(headline)
        text_column.addWidget(reassurance)
        text_column.addWidget(self.log_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addSpacing(8)
        top.addLayout(text_column, 1)
        return top

    def _init_details(self, text: str) -> None:
        """The traceback, folded away behind a Details button."""
        self.details_button = QToolButton()
        self.details_button.setText(translate("crash_dialog", "Details"))
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setAutoRaise(True)
        self.details_view = QPlainTextEdit(text.rstrip("\n"))
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details_view.setMinimumHeight(200)
        self.details_view.hide()

    def _init_buttons(self) -> QDialogButtonBox:
        self.copy_button = QPushButton(translate("crash_dialog", "&Copy details"))
        self.copy_button.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        close_button.setDefault(True)
        return buttons

    def _init_connections(self) -> None:
        self.details_button.toggled.connect(self._on_details_button_toggled)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.buttons.rejected.connect(self.reject)

    # -- public ----------------------------------------------------------------------------

    def details(self) -> str:
        return self.details_view.toPlainText()

    def add_details(self, text: str) -> None:
        """Another error arrived while this one is shown: add it instead of a second window."""
        self.details_view.appendPlainText("\n" + text.rstrip("\n"))

    @classmethod
    def show_for(
        cls, text: str, log_path: Path | None = None, log_problem: str = ""
    ) -> CrashDialog:
        """Show `text` (a traceback). Must run on the GUI thread; tests replace it."""
        for dialog in cls._open:
            if dialog.isVisible():
                dialog.add_details(text)
                return dialog
        dialog = cls(text, log_path, log_problem)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        cls._open.add(dialog)
        dialog.finished.connect(dialog._on_finished)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    @Slot(bool)
    def _on_details_button_toggled(self, shown: bool) -> None:
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.details_view.setVisible(shown)
        self.adjustSize()

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details())

    @Slot(int)
    def _on_finished(self, _result: int) -> None:
        type(self)._open.discard(self)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _CrashReporter(QObject):
    """Lives on the GUI thread (and for the whole run); hooks on any thread queue their
    reports and emit `reported`, which reaches the slot directly on the GUI thread and
    through the event loop from any other."""

    reported = Signal()

    def __init__(self, log_path: Path | Callable[[], Path]) -> None:
        super().__init__()
        self._log_path = log_path
        self._showing = False
        self._lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._pending: deque[tuple[str, str]] = deque()  # (traceback text, log problem)
        self.reported.connect(self._on_reports_pending)

    @property
    def log_path(self) -> Path:
        """Worked out at the first report: finding the log folder costs start-up time."""
        if callable(self._log_path):
            self._log_path = self._log_path()
        return self._log_path

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, trace)
            return
        self.report(kind, value, trace, threading.current_thread().name)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return  # what threading does by default: a thread may end itself that way
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        name = args.thread.name if args.thread is not None else "unknown thread"
        self.report(args.exc_type, value, args.exc_traceback, name)

    def report(
        self,
        kind: type[BaseException],
        value: BaseException,
        trace: TracebackType | None,
        thread_name: str,
    ) -> None:
        try:
            text = "".join(traceback.format_exception(kind, value, trace))
            if thread_name != "MainThread":
                text = f"In thread {thread_name}:\n{text}"
            if sys.__stderr__ is not None:
                sys.__stderr__.write(text)
            problem = self._write_log(text)
            if QCoreApplication.instance() is None:
                return  # no window to show it in; stderr and the log have it
            with self._lock:
                self._pending.append((text, problem))
            self.reported.emit()
        except Exception:  # the hook must never raise: that would hide the first error
            sys.__excepthook__(kind, value, trace)

    def _write_log(self, text: str) -> str:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        entry = f"=== {stamp} {_versions()} ===\n{text.rstrip()}\n\n"
        try:
            with self._log_lock:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with self.log_path.open("a", encoding="utf-8") as log:
                    log.write(entry)
        except OSError as error:
            return error.strerror or str(error)
        return ""

    @Slot()
    def _on_reports_pending(self) -> None:
        if self._showing:
            return  # the dialog itself failed: the error is logged, don't loop
        self._showing = True
        try:
            while True:
                with self._lock:
                    if not self._pending:
                        break
                    text, problem = self._pending.popleft()
                CrashDialog.show_for(text, self.log_path, problem)
        except Exception:
            failure = traceback.format_exc()
            if sys.__stderr__ is not None:
                sys.__stderr__.write(f"The crash dialog failed too:\n{failure}")
            self._write_log(f"The crash dialog failed too:\n{failure}")
        finally:
            self._showing = False


def _versions() -> str:
    import importlib.metadata
    import platform

    try:
        app = importlib.metadata.version("llm-journal")
    except importlib.metadata.PackageNotFoundError:
        app = "unknown"
    from PySide6.QtCore import qVersion

    return f"LLM Journal {app}, Python {platform.python_version()}, Qt {qVersion()}"


def install_crash_handler(log_path: Path | Callable[[], Path]) -> QObject:
    """Route uncaught exceptions from every thread to `log_path` (or where the callable says,
    once something goes wrong) and a CrashDialog; returns the reporter, which the
    application owns (it replaces any reporter installed before).

    Call on the GUI thread, after the QApplication exists.
    """
    app = QApplication.instance()
    reporter = _CrashReporter(log_path)
    if app is not None:
        if reporter.thread() != app.thread():
            raise RuntimeError("install_crash_handler must be called on the GUI thread")
        for earlier in app.findChildren(_CrashReporter):
            earlier.setParent(None)  # the hooks below stop reaching it; Python frees it
        reporter.setParent(app)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    return reporter
