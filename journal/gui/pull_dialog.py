"""Pull a model from the Ollama library with live, throttled progress and a prompt Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import JournalError
from journal.core.formatting import human_size
from journal.gui.dialog_helpers import error_label, fit_height
from journal.gui.i18n import error_text
from journal.gui.tasks import Report, Task, TaskRunner

translate = QCoreApplication.translate

ProgressCallback = Callable[[str, int, int], None]
PullFunction = Callable[[str, ProgressCallback, CancelToken], None]

# Ollama sends hundreds of progress lines a second; people can read about twenty.
RENDER_INTERVAL_MS = 50


class _PullProgress:
    """What the progress lines of one pull add up to, folded on the GUI thread."""

    def __init__(self) -> None:
        self.status = ""
        self._layers: dict[str, tuple[int, int]] = {}

    def add(self, status: str, completed: int, total: int) -> None:
        if status:
            self.status = status
        if total > 0:
            # Ollama names each layer in the status ("pulling 6a0746a1ec1a"); the sum
            # over layers is the overall download, as `ollama pull` shows it.
            self._layers[status] = (min(max(completed, 0), total), total)

    def totals(self) -> tuple[int, int]:
        """(bytes done, bytes known in total)."""
        done = sum(completed for completed, _ in self._layers.values())
        return done, sum(size for _, size in self._layers.values())


class PullDialog(QDialog):
    """Asks for a model name and pulls it; stays open to show success, failure or cancel."""

    pulled = Signal(str)

    def __init__(self, pull: PullFunction, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pull = pull
        self._token: CancelToken | None = None
        self._task: Task | None = None
        self._progress: _PullProgress | None = None
        self._pulling_name = ""
        self._bytes_total = 0

        self.setWindowTitle(translate("pull_dialog", "Pull a model"))
        self.setMinimumWidth(460)
        intro = self._init_intro()
        form = self._init_form(name)
        self._init_progress()
        buttons = self._init_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._init_connections()
        self._update_buttons()

    # -- layout ---------------------------------------------------------------------------

    @staticmethod
    def _init_intro() -> QLabel:
        intro = QLabel(
            translate(
                "pull_dialog",
                "Download a model from the Ollama library. "
                "Names look like <i>family:tag</i>; browse them at "
                '<a href="https://ollama.com/library">ollama.com/library</a>.',
            )
        )
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        return intro

    def _init_form(self, name: str) -> QFormLayout:
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText(translate("pull_dialog", "e.g. llama3.2:3b"))
        self.name_edit.setClearButtonEnabled(True)
        form = QFormLayout()
        form.addRow(translate("pull_dialog", "&Model:"), self.name_edit)
        return form

    def _init_progress(self) -> None:
        """The download's progress, Ollama's last status line, and any error."""
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("")
        self.status_label = QLabel(" ")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.error_label = error_label()

    def _init_buttons(self) -> QDialogButtonBox:
        self.pull_button = QPushButton(translate("pull_dialog", "&Pull"))
        self.pull_button.setDefault(True)
        self.close_button = QPushButton(translate("pull_dialog", "Close"))
        self.close_button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.pull_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        return buttons

    def _init_connections(self) -> None:
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        self.pull_button.clicked.connect(self._on_pull_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)

    # -- state ----------------------------------------------------------------------------

    def is_pulling(self) -> bool:
        return self._token is not None

    def start(self) -> None:
        """Start pulling the name in the field (what the Pull button and Enter do)."""
        name = self.name_edit.text().strip()
        if not name or self.is_pulling():
            return
        self._pulling_name = name
        self._bytes_total = 0
        self._token = token = CancelToken()
        self._progress = _PullProgress()
        pull = self._pull

        def work(report: Report) -> bool:  # pool thread: touches no widget
            def on_line(status: str, completed: int, total: int) -> None:
                if not token.cancelled:
                    report((status, completed, total))

            try:
                pull(name, on_line, token)
            except StreamCancelled:
                return False
            return True

        self.error_label.hide()
        self.progress_bar.setRange(0, 0)  # busy until Ollama tells sizes
        self.progress_bar.setFormat("")
        self._set_status(translate("pull_dialog", "Starting…"))
        # Hundreds of lines a second arrive as one batch per repaint.
        self._task = TaskRunner.for_application().run_reporting(
            work,
            self._on_pull_progress,
            self._on_pull_done,
            self._on_pull_failed,
            interval_ms=RENDER_INTERVAL_MS,
            owner=self,
        )
        self._update_buttons()

    def cancel(self) -> None:
        """Stop a running pull; the dialog stays open and says so."""
        if self._token is not None:
            self._set_status(translate("pull_dialog", "Cancelling…"))
            self._token.cancel()

    def _finish(self) -> None:
        self._token = None
        self._task = None
        self._progress = None
        self._update_buttons()

    def _update_buttons(self) -> None:
        pulling = self.is_pulling()
        self.pull_button.setEnabled(not pulling and bool(self.name_edit.text().strip()))
        self.name_edit.setReadOnly(pulling)
        self.close_button.setText(
            translate("pull_dialog", "Cancel") if pulling else translate("pull_dialog", "Close")
        )

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text or " ")

    # -- rendering ------------------------------------------------------------------------

    def _on_pull_progress(self, lines: list[tuple[str, int, int]]) -> None:
        progress = self._progress
        if progress is None:
            return
        for line in lines:
            progress.add(*line)
        done, total = progress.totals()
        self._set_status(progress.status)
        if total > 0:
            self._bytes_total = total
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(round(1000 * done / total))
            self.progress_bar.setFormat(
                translate("pull_dialog", "{done} of {total}  (%p%)").format(
                    done=human_size(done), total=human_size(total)
                )
            )
        else:
            self.progress_bar.setRange(0, 0)

    # -- outcomes -------------------------------------------------------------------------

    def _on_pull_done(self, completed: bool) -> None:
        name = self._pulling_name
        self._finish()
        if completed:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(1000)
            size = human_size(self._bytes_total)
            self.progress_bar.setFormat(
                translate("pull_dialog", "{done} of {total}  (%p%)").format(done=size, total=size)
                if self._bytes_total
                else "%p%"
            )
            self._set_status(translate("pull_dialog", "success"))
            self.pulled.emit(name)
        else:
            self._show_stopped()
            self._set_status(
                translate("pull_dialog", "Pull cancelled. Pull again to resume where it stopped.")
            )

    def _on_pull_failed(self, error: JournalError) -> None:
        self._finish()
        self._show_stopped()
        self._set_status(translate("pull_dialog", "Pull failed."))
        message = error_text(error)
        if "manifest" in message and "does not exist" in message:
            message += "\n" + translate(
                "pull_dialog",
                "The library has no model by that name: check the spelling and the tag.",
            )
        self.error_label.setText(message)
        self.error_label.show()
        QTimer.singleShot(0, self._fit_height)

    @Slot()
    def _fit_height(self) -> None:
        fit_height(self)

    def _show_stopped(self) -> None:
        if self.progress_bar.maximum() == 0:  # never got sizes: leave an empty bar, not a busy one
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(0)

    # -- user actions ---------------------------------------------------------------------

    @Slot()
    def _on_pull_clicked(self) -> None:
        self.start()

    @Slot()
    def _on_close_clicked(self) -> None:
        if self.is_pulling():
            self.cancel()
        else:
            self.reject()

    @Slot(str)
    def _on_name_edit_text_changed(self, _text: str) -> None:
        self._update_buttons()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        # Esc first stops a running pull, a second Esc closes.
        if event.key() == Qt.Key.Key_Escape and self.is_pulling():
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        # Closing the window any way (X, Esc, Close) must not leave a download running.
        if self._token is not None:
            self._token.cancel()
            if self._task is not None:
                self._task.cancel()
            self._finish()
        super().done(result)
