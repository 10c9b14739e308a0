"""What the context says, shown: quiet lines in the status bar, a box for a problem that
stopped the person's work, which journal is open and whether Ollama answers (with a banner
and a way out when either is missing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from journal.gui.banner import Banner
from journal.gui.context import PROBLEM_SHOWN_MS
from journal.gui.i18n import error_text

if TYPE_CHECKING:
    from journal.core.errors import JournalError
    from journal.core.storage import Journal
    from journal.gui.context import AppContext

translate = QCoreApplication.translate


class StatusDisplay(QObject):
    """Fills the window's status bar; the window places the two banners."""

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self.ollama_banner = Banner(translate("status_display", "Retry now"))
        self.journal_banner = Banner(translate("status_display", "Open another journal…"))
        self.journal_label = QLabel(str(context.path))
        self.journal_label.setToolTip(translate("status_display", "The journal file"))
        self.ollama_label = QLabel(
            translate("status_display", "Ollama: checking {host}…").format(host=context.host)
        )
        bar = window.statusBar()
        bar.addWidget(self.journal_label, 1)
        bar.addPermanentWidget(self.ollama_label)
        context.said.connect(self._on_context_said)
        context.problem_found.connect(self._on_context_problem_found)
        context.journal_opened.connect(self._on_context_journal_opened)
        context.journal_failed.connect(self._on_context_journal_failed)
        context.ollama_status.changed.connect(self._on_ollama_status_changed)
        self.ollama_banner.action_clicked.connect(context.ollama_status.check_now)

    @Slot(str, int)
    def _on_context_said(self, text: str, msecs: int) -> None:
        self._window.statusBar().showMessage(text, msecs)

    @Slot(str)
    def _on_context_problem_found(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # not before the window shows: it costs

        self._window.statusBar().showMessage(text, PROBLEM_SHOWN_MS)
        # Not exec(): a problem may be said from inside a view's fetchMore or a paint.
        parent = QApplication.activeWindow() or self._window
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            translate("status_display", "LLM Journal"),
            text,
            parent=parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(object)
    def _on_context_journal_opened(self, journal: Journal) -> None:
        self.journal_banner.hide()
        self.journal_label.setText(str(journal.path))
        self._window.statusBar().clearMessage()

    @Slot(object)
    def _on_context_journal_failed(self, error: JournalError) -> None:
        import html

        self._window.statusBar().clearMessage()
        self.journal_banner.show_message(
            translate("status_display", "<b>The journal could not be opened.</b> {message}").format(
                message=html.escape(error_text(error))
            )
        )

    @Slot(bool, str, str)
    def _on_ollama_status_changed(self, reachable: bool, version: str, message: str) -> None:
        host = self._context.host
        if reachable:
            self.ollama_banner.hide()
            self.ollama_label.setText(
                translate("status_display", "● Ollama {version} at {host}").format(
                    version=version, host=host
                )
            )
            self.ollama_label.setToolTip(translate("status_display", "Ollama is answering"))
            return
        self.ollama_label.setText(
            translate("status_display", "○ Ollama unreachable at {host}").format(host=host)
        )
        self.ollama_label.setToolTip(message)
        self.ollama_banner.show_message(
            translate(
                "status_display",
                "<b>Ollama is not answering at {host}.</b> Start it with "
                "<code>ollama serve</code>, or set another host in Settings. "
                "The journal stays usable; checking again every few seconds.",
            ).format(host=host)
        )
