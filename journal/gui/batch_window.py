"""Run all: an experiment's latest prompt over its input rows on the chosen models, spread
over the Settings' hosts, every answer graded, the results grid filling in as items end.

Batches are the core's (`journal.core.batches`); this window chooses, starts, pauses,
cancels and resumes them, and shows the grid. One window per experiment: its past batches
are in the box at the top, so a batch interrupted when the program died is resumed here.
"""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.core.batches import MAX_REPEAT
from journal.core.cancel import CancelToken
from journal.core.domain import RunStatus
from journal.core.errors import JournalError
from journal.gui.batch_grid_model import BatchGridModel
from journal.gui.batch_job import BatchJob
from journal.gui.check_texts import batch_summary_line, eta_text, status_word
from journal.gui.i18n import error_text
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.batches import BatchItemView, BatchRunResult, BatchView
    from journal.core.eta import Eta
    from journal.core.host_limits import HostLimit
    from journal.core.hosts import HostReport
    from journal.gui.context import AppContext

translate = QCoreApplication.translate
# Marks a module-level text for lupdate; it is translated where it is shown.

NO_PROMPT = QT_TRANSLATE_NOOP(
    "batch_window", "(No runs yet: run the prompt once; Run all then uses it for every row.)"
)


def plan_text(rows: int, models: int, repeat: int) -> str:
    """ "20 rows × 3 models = 60 runs" ("1 prompt" when the experiment has no rows)."""
    cases = (
        translate("batch_window", "%n row(s)", None, rows)
        if rows
        else translate("batch_window", "1 prompt (no input rows)")
    )
    parts = [cases, translate("batch_window", "%n model(s)", None, models)]
    if repeat > 1:
        parts.append(translate("batch_window", "%n time(s)", None, repeat))
    total = max(rows, 1) * models * repeat  # lupdate reads a plain name as the count
    runs = translate("batch_window", "%n run(s)", None, total)
    return f"{' × '.join(parts)} = {runs}"


def _batch_label(batch: BatchView) -> str:
    """ "#3 · interrupted · 12/60 · 2026-12-01 21:26 · 20 cases x qwen3:8b" """
    summary = batch.summary
    when = batch.created_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"#{batch.id} · {status_word(batch.status)} · {summary.done}/{summary.total} · "
        f"{when} · {batch.name}"
    )


class BatchWindow(QDialog):
    """Start, pause, cancel and resume an experiment's batches; see their results grid."""

    run_activated = Signal(int)  # the run of a double-clicked cell: the main window shows it
    batch_started = Signal(int)  # a batch id, as a pass begins
    batch_finished = Signal(int)  # a batch id, when a pass ends (done, paused or cancelled)
    batch_failed = Signal(str)  # the error shown when creating or running failed
    batch_read = Signal()  # the open batch was read again (its grid and summary)
    models_loaded = Signal()

    def __init__(
        self,
        context: AppContext,
        experiment_id: int,
        current_model: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.resize(960, 660)
        self._context = context
        self._experiment_id = experiment_id
        self._current_model = current_model
        self._hosts = context.host_limits()
        self._job = BatchJob(context, self._hosts, self)
        self._batch_id: int | None = None
        self._view: BatchView | None = None
        self._left = 0  # items of the open batch without a finished run
        self._cancel: CancelToken | None = None
        self._drain: threading.Event | None = None
        self._eta: Eta | None = None
        self._running = False
        self._has_prompt = False
        self._down: set[str] = set()  # hosts that stopped answering in this pass

        layout = QVBoxLayout(self)
        layout.addLayout(self._init_setup())
        layout.addLayout(self._init_buttons())
        layout.addLayout(self._init_progress())
        layout.addWidget(self.notice_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self._init_grid(), 1)
        layout.addWidget(self.summary_label)
        self._init_connections()

        self._read_setup()
        self._refresh_batches()
        if self.batches_box.count():
            self.open_batch(self.batches_box.itemData(0))  # the newest: resumable at once
        self._update_buttons()
        self._list_models()

    # -- layout ----------------------------------------------------------------------------

    def _init_setup(self) -> QHBoxLayout:
        """Left: past batches, the prompt, repeats, hosts and the count; right: models."""
        self.batches_box = QComboBox()
        self.batches_box.setPlaceholderText(translate("batch_window", "No batches yet"))
        self.batches_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.batches_box.setMinimumContentsLength(30)
        self.batches_box.setToolTip(
            translate(
                "batch_window", "Show a past batch of this experiment; resume it if it stopped"
            )
        )
        self.prompt_view = QPlainTextEdit()
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setAccessibleName(
            translate("batch_window", "The prompt every row fills in")
        )
        self.prompt_view.setFixedHeight(self.prompt_view.fontMetrics().lineSpacing() * 4 + 12)
        self.repeat_box = QSpinBox()
        self.repeat_box.setRange(1, MAX_REPEAT)
        self.repeat_box.setToolTip(
            translate("batch_window", "Run each row this many times on each model")
        )
        self.hosts_list = QListWidget()
        self.hosts_list.setAccessibleName(
            translate("batch_window", "Ollama hosts to spread the batch over")
        )
        self.hosts_list.setToolTip(
            translate(
                "batch_window",
                "Tick the Ollama hosts to spread the runs over (from the Settings; limit=N: "
                "N answers at once there). An item goes only to a host with its model's weights.",
            )
        )
        for host in self._hosts:
            item = QListWidgetItem(host.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.hosts_list.addItem(item)
        rows = min(max(len(self._hosts), 1), 3)
        self.hosts_list.setFixedHeight(self.hosts_list.sizeHintForRow(0) * rows + 6)
        self.count_label = QLabel()
        form = QFormLayout()
        form.addRow(translate("batch_window", "&Batches:"), self.batches_box)
        form.addRow(translate("batch_window", "Prompt:"), self.prompt_view)
        form.addRow(translate("batch_window", "&Repeat:"), self.repeat_box)
        hosts_label = QLabel(translate("batch_window", "H&osts:"))
        hosts_label.setBuddy(self.hosts_list)
        form.addRow(hosts_label, self.hosts_list)
        form.addRow(translate("batch_window", "Runs:"), self.count_label)

        self.models_list = QListWidget()
        self.models_list.setAccessibleName(translate("batch_window", "Models to run on"))
        self.models_list.setToolTip(
            translate("batch_window", "Tick the models to run every row on (Space ticks)")
        )
        models_label = QLabel(translate("batch_window", "&Models:"))
        models_label.setBuddy(self.models_list)
        models = QVBoxLayout()
        models.addWidget(models_label)
        models.addWidget(self.models_list, 1)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)  # the rows keep their height however tall the models list is
        setup = QHBoxLayout()
        setup.addLayout(left, 3)
        setup.addLayout(models, 2)
        return setup

    def _init_buttons(self) -> QHBoxLayout:
        self.start_button = QPushButton(translate("batch_window", "&Start"))
        self.start_button.setDefault(True)
        self.start_button.setToolTip(
            translate(
                "batch_window",
                "Save a new batch and run the prompt for every row on each ticked model",
            )
        )
        self.pause_button = QPushButton(translate("batch_window", "&Pause"))
        self.pause_button.setToolTip(
            translate("batch_window", "Let the answers under way finish and start no more")
        )
        self.resume_button = QPushButton(translate("batch_window", "R&esume"))
        self.resume_button.setToolTip(
            translate(
                "batch_window",
                "Run what the batch has left and give the grades it is missing; nothing runs twice",
            )
        )
        self.cancel_button = QPushButton(translate("batch_window", "&Cancel"))
        self.cancel_button.setToolTip(
            translate("batch_window", "Stop the answers under way now; the batch can be resumed")
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.pause_button, self.resume_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addWidget(self.cancel_button)
        self.start_button.setAutoDefault(True)
        return buttons

    def _init_progress(self) -> QHBoxLayout:
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat(translate("batch_window", "%v of %m"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.eta_label = QLabel()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.eta_label)
        return progress

    def _init_grid(self) -> QWidget:
        self.grid_model = BatchGridModel(self)
        self.grid_view = view = QTableView()
        view.setModel(self.grid_model)
        view.setAccessibleName(translate("batch_window", "Results: input rows by model"))
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(90)
        view.verticalHeader().setMaximumWidth(360)
        self.summary_label = QLabel(translate("batch_window", "No batch open."))
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)
        return view

    def _init_connections(self) -> None:
        self.batches_box.activated.connect(self._on_batches_box_activated)
        self.repeat_box.valueChanged.connect(self._on_setup_changed)
        self.models_list.itemChanged.connect(self._on_setup_changed)
        self.hosts_list.itemChanged.connect(self._on_hosts_list_item_changed)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.pause_button.clicked.connect(self._on_pause_button_clicked)
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.grid_view.activated.connect(self._on_grid_view_activated)
        self.grid_view.installEventFilter(self)  # Enter opens a run, never starts a batch
        self._job.news.connect(self._on_job_news)
        self._job.items_finished.connect(self._on_job_items_finished)
        self._job.host_down.connect(self._on_job_host_down)
        self._job.grading_failed.connect(self._say)
        order = [
            self.batches_box,
            self.repeat_box,
            self.hosts_list,
            self.models_list,
            self.start_button,
            self.pause_button,
            self.resume_button,
            self.cancel_button,
            self.grid_view,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    # -- public ----------------------------------------------------------------------------

    def experiment_id(self) -> int:
        return self._experiment_id

    def open_batch(self, batch_id: int) -> None:
        """Show a saved batch: its grid, summary and progress."""
        self._batch_id = batch_id
        self.notice_label.hide()
        self._reload()
        row = self.batches_box.findData(batch_id)
        if row < 0:
            self._refresh_batches()
            row = self.batches_box.findData(batch_id)
        self.batches_box.setCurrentIndex(row)

    def current_batch_id(self) -> int | None:
        return self._batch_id

    def is_running(self) -> bool:
        return self._running

    def set_models(self, names: list[str]) -> None:
        """Tick exactly these models (what clicking their boxes does)."""
        for row in range(self.models_list.count()):
            item = self.models_list.item(row)
            checked = item.text() in names
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_hosts(self) -> list[HostLimit]:
        """The ticked hosts, in the Settings' order."""
        return [
            host
            for row, host in enumerate(self._hosts)
            if self.hosts_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_hosts(self, addresses: list[str]) -> None:
        """Tick exactly these hosts (what clicking their boxes does)."""
        for row, host in enumerate(self._hosts):
            checked = host.address in addresses
            state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            self.hosts_list.item(row).setCheckState(state)

    def chosen_models(self) -> list[str]:
        return [
            item.text()
            for item in map(self.models_list.item, range(self.models_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def start(self) -> None:
        """Create and run a batch from the choices (what the Start button does)."""
        self._on_start_button_clicked()

    def pause(self) -> None:
        """The answers under way finish, no new ones start; the batch is then `paused`."""
        if self._drain is not None and not self._drain.is_set():
            self._drain.set()
            self._say(
                translate(
                    "batch_window", "Pausing: the answers under way finish, no new ones start…"
                )
            )
            self._update_buttons()

    def resume(self) -> None:
        """Run what the open batch has left (what the Resume button does)."""
        self._on_resume_button_clicked()

    def cancel(self) -> None:
        """Stop the answers under way now; the batch can be resumed."""
        if self._cancel is not None:
            self._cancel.cancel()
            self._say(translate("batch_window", "Cancelling…"))

    # -- reading ---------------------------------------------------------------------------

    def _read_setup(self) -> None:
        """The experiment's title, its latest prompt and how many rows it has."""
        from journal.core.batches import default_template
        from journal.core.queries import get_experiment

        experiment_id = self._experiment_id

        def read(session: Session) -> tuple[str, tuple[str, str] | None]:
            title = get_experiment(session, experiment_id).title
            return title, default_template(session, experiment_id)

        found = self._context.read(read)
        if found is None:
            return
        title, template = found
        untitled = translate("batch_window", "experiment {id}").format(id=experiment_id)
        self.setWindowTitle(
            translate("batch_window", "Run all rows · {title}").format(title=title or untitled)
        )
        self._has_prompt = template is not None
        if template is None:
            self.prompt_view.setPlainText(translate("batch_window", NO_PROMPT))
            self.prompt_view.setToolTip("")
        else:
            prompt, system = template
            self.prompt_view.setPlainText(prompt)
            self.prompt_view.setToolTip(
                translate("batch_window", "System prompt: {system}").format(system=system)
                if system.strip()
                else translate("batch_window", "No system prompt")
            )
        self._update_count()

    def _update_count(self) -> None:
        from journal.core.input_sets import list_rows

        experiment_id = self._experiment_id
        rows = self._context.read(lambda s: len(list_rows(s, experiment_id)), quiet=True)
        self.count_label.setText(
            plan_text(rows or 0, len(self.chosen_models()), self.repeat_box.value())
        )

    def _refresh_batches(self) -> None:
        from journal.core.batches import list_batches

        experiment_id = self._experiment_id
        batches = self._context.read(lambda s: list_batches(s, experiment_id=experiment_id))
        if batches is None:
            return
        self.batches_box.blockSignals(True)
        self.batches_box.clear()
        for batch in batches:
            self.batches_box.addItem(_batch_label(batch), batch.id)
        self.batches_box.setCurrentIndex(self.batches_box.findData(self._batch_id))
        self.batches_box.blockSignals(False)

    def _reload(self) -> None:
        """Re-read the open batch: short indexed reads, fine on the GUI thread."""
        from journal.core.batches import batch_items, get_batch, results_grid

        if self._batch_id is None:
            return
        batch_id, grading = self._batch_id, self._job.grading_runs

        def read(session: Session) -> tuple[BatchView, list[BatchItemView]]:
            view = get_batch(session, batch_id, grading=grading)
            return view, batch_items(session, batch_id, grading=grading)

        found = self._context.read(read)
        if found is None:
            return
        self._view, items = found
        self._left = sum(1 for item in items if item.status is not RunStatus.DONE)
        self.grid_model.set_grid(results_grid(self._view, items))
        summary = self._view.summary
        row = self.batches_box.findData(batch_id)
        if row >= 0:  # its status and count move as it runs
            self.batches_box.setItemText(row, _batch_label(self._view))
        self.summary_label.setText(batch_summary_line(summary))
        self.summary_label.setToolTip(
            translate("batch_window", "Batch {id}: {name} ({status})").format(
                id=self._view.id, name=self._view.name, status=status_word(self._view.status)
            )
        )
        self.progress_bar.setRange(0, max(summary.total, 1))
        self.progress_bar.setValue(summary.done)
        self._update_buttons()
        self.batch_read.emit()

    def _list_models(self) -> None:
        """Every model the hosts have, asked of all of them at once in the background."""
        from journal.core.hosts import probe_hosts

        addresses = [host.address for host in self._hosts]
        self.models_list.addItem(translate("batch_window", "Loading models…"))
        self.models_list.setEnabled(False)
        self._context.run(
            lambda: probe_hosts(addresses), self._on_hosts_probed, self._on_probe_failed, owner=self
        )

    def _on_hosts_probed(self, reports: list[HostReport]) -> None:
        from journal.core.hosts import HostState

        names = sorted({model.name for report in reports for model in report.models})
        self.models_list.blockSignals(True)
        self.models_list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = name == self._current_model
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.models_list.addItem(item)
        self.models_list.blockSignals(False)
        self.models_list.setEnabled(not self._running)
        down = {report.address for report in reports if report.state is not HostState.UP}
        self.hosts_list.blockSignals(True)
        for row, host in enumerate(self._hosts):
            item = self.hosts_list.item(row)
            silent = translate("batch_window", "{host} (not answering)").format(host=host.text)
            item.setText(silent if host.address in down else host.text)
            if host.address in down:
                item.setCheckState(Qt.CheckState.Unchecked)
        self.hosts_list.blockSignals(False)
        self._job.set_hosts(self.chosen_hosts())
        if not names:
            self._say(
                translate(
                    "batch_window",
                    "No host lists any model: start Ollama or pull a model, then reopen this.",
                )
            )
        self._update_count()
        self.models_loaded.emit()

    def _on_probe_failed(self, error: JournalError) -> None:
        self.models_list.clear()
        self._context.report(
            error, quiet=True, about=translate("batch_window", "Could not list the models.")
        )
        self.models_loaded.emit()

    # -- state -----------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        """The batch's own progress; problems go through the context."""
        self.message_label.setText(text)

    def _update_buttons(self) -> None:
        idle = not self._running
        draining = self._drain is not None and self._drain.is_set()
        self.start_button.setEnabled(idle and self._has_prompt and bool(self.chosen_hosts()))
        self.pause_button.setEnabled(self._running and not draining)
        self.cancel_button.setEnabled(self._running)
        self.resume_button.setEnabled(idle and self._view is not None and self._view.resumable)
        for widget in (self.batches_box, self.repeat_box, self.hosts_list):
            widget.setEnabled(idle)
        self.models_list.setEnabled(idle and self.models_list.count() > 0)

    def _begin(self, message: str) -> None:
        self._cancel = CancelToken()
        self._drain = threading.Event()
        self._running = True
        self._down.clear()
        self.notice_label.hide()
        self.eta_label.setText("")
        self._say(message)
        self._update_buttons()

    def _end(self) -> None:
        self._running = False
        self._cancel = None
        self._drain = None
        self._eta = None
        self.eta_label.setText("")
        self._refresh_batches()
        self._reload()

    # -- running ---------------------------------------------------------------------------

    def _run(self, batch_id: int, *, resume: bool) -> None:
        from journal.core.eta import Eta

        assert self._cancel is not None and self._drain is not None
        self._eta = Eta(self._left)
        self.batch_started.emit(batch_id)
        self._job.run(
            batch_id,
            resume=resume,
            cancel=self._cancel,
            drain=self._drain,
            on_done=self._on_run_done,
            on_error=self._on_run_failed,
        )

    @Slot()
    def _on_start_button_clicked(self) -> None:
        models = self.chosen_models()
        if not models:
            self._say(translate("batch_window", "Tick at least one model to run on."))
            return
        self._begin(translate("batch_window", "Saving the batch…"))
        self._job.create(
            self._experiment_id,
            models,
            self.repeat_box.value(),
            self._on_batch_created,
            self._on_run_failed,
        )

    def _on_batch_created(self, batch_id: int) -> None:
        self.open_batch(batch_id)
        items = self._left
        self._say(translate("batch_window", "Running %n item(s)…", None, items))
        self._run(batch_id, resume=False)

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        if self._batch_id is None or self._running:
            return
        self._begin(translate("batch_window", "Resuming…"))
        self._run(self._batch_id, resume=True)

    @Slot()
    def _on_pause_button_clicked(self) -> None:
        self.pause()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_run_done(self, result: BatchRunResult) -> None:
        self._end()
        runs, items = result.ran, self._left
        ran = translate("batch_window", "%n run(s)", None, runs)
        left = translate("batch_window", "%n item(s) left", None, items)
        status = result.status.value
        if status == "cancelled":
            text = translate("batch_window", "Cancelled after {ran}; {left}: Resume runs them.")
        elif status == "paused":
            text = translate("batch_window", "Paused after {ran}; {left}: Resume runs them.")
        elif self._job.grading_runs:
            text = translate("batch_window", "Finished: {ran}; grading goes on.")
        else:
            text = translate("batch_window", "Finished: {ran}.")
        text = text.format(ran=ran, left=left)
        self._say(text)
        # Hosts that went down were said as it happened; the other notes (a host with other
        # weights, skipped) come now.
        notes = [note for note in result.warnings if not note.startswith(tuple(self._down))]
        if notes:
            shown = self.notice_label.text() if not self.notice_label.isHidden() else ""
            self._notice(" ".join([shown, *notes]).strip())
        self.batch_finished.emit(result.batch_id)

    def _on_run_failed(self, error: JournalError) -> None:
        self._end()
        self._say(
            translate(
                "batch_window", "The batch stopped; Resume runs what is left once a host answers."
            )
        )
        self._context.report(error, about=translate("batch_window", "The batch stopped."))
        self.batch_failed.emit(error_text(error))

    @Slot()
    def _on_job_news(self) -> None:
        if self._batch_id is not None:
            self._reload()

    @Slot(int)
    def _on_job_items_finished(self, count: int) -> None:
        eta = self._eta
        if eta is not None:
            eta.finished(count)
            self.eta_label.setText(eta_text(eta))

    @Slot(str, str)
    def _on_hosts_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._job.set_hosts(self.chosen_hosts())
        self._update_buttons()

    def _on_job_host_down(self, address: str, _reason: str) -> None:
        self._down.add(address)
        self._notice(
            translate(
                "batch_window", "{address} stopped answering; its items go to the other hosts."
            ).format(address=address)
        )

    def _notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.show()

    @Slot(int)
    def _on_batches_box_activated(self, row: int) -> None:
        batch_id = self.batches_box.itemData(row)
        if isinstance(batch_id, int) and not self._running:
            self.open_batch(batch_id)

    def _on_setup_changed(self, *_: Any) -> None:
        self._update_count()

    @Slot(QModelIndex)
    def _on_grid_view_activated(self, index: QModelIndex) -> None:
        run_id = self.grid_model.run_id_at(index)
        if run_id is not None:
            self.run_activated.emit(run_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter on a cell opens its run and stops there: the view lets the key go on to
        the dialog, whose default button would start another batch."""
        if watched is self.grid_view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_grid_view_activated(self.grid_view.currentIndex())
                return True
        return super().eventFilter(watched, event)

    # -- closing ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate and not self._running:
            self._read_setup()  # a run or a row added meanwhile changes what Start runs
        return super().event(event)

    def reject(self) -> None:
        """Esc closes the window as its close button does (asking first while running)."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._running and not self.ask_stop(self):
            event.ignore()
            return
        self.cancel()  # the streams stop at once; the batch stays resumable
        self._job.close()  # grading stops; resuming gives the missing grades
        event.accept()

    @classmethod
    def ask_stop(cls, parent: QWidget) -> bool:
        """Whether to stop the running batch and close (tests answer for the person)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            parent,
            translate("batch_window", "A batch is running"),
            translate(
                "batch_window",
                "The batch is still running. Stop it and close?\n\n"
                "Finished answers are kept; Run all → Resume runs the rest.",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
