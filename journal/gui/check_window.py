"""Migration checks in the window: replay what worked on a new model, then triage by keyboard."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from journal.core.cancel import CancelToken
from journal.core.domain import ExperimentFilter, Verdict
from journal.core.errors import JournalError
from journal.core.formatting import short_digest
from journal.gui.answer_view import SafeTextBrowser
from journal.gui.dialog_helpers import diff_html, plain_html
from journal.gui.table_style import VERDICT_COLOURS, read_only_flags

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.migration_check import CheckItemView, CheckRunResult, CheckView
    from journal.core.models import Run
    from journal.gui.context import AppContext
    from journal.gui.tasks import Report

AnyIndex = QModelIndex | QPersistentModelIndex

HEADERS = ("#", "Experiment", "Original model", "Original verdict", "New verdict", "Outcome")
TRIAGE_KEYS = {
    Qt.Key.Key_W: Verdict.WORKED,
    Qt.Key.Key_P: Verdict.PARTLY,
    Qt.Key.Key_F: Verdict.FAILED,
    Qt.Key.Key_0: None,
}
PROGRESS_INTERVAL_MS = 100  # progress repaints at most this often, however fast replays end


class CheckItemsModel(QAbstractTableModel):
    """The items of one check: original run against its replay."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[CheckItemView] = []

    def set_items(self, items: Sequence[CheckItemView]) -> None:
        """Replace the rows; the same number of rows updates in place (keeps the selection)."""
        items = list(items)
        if len(items) == len(self._items) and items:
            self._items = items
            last = self.index(len(items) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def item(self, row: int) -> CheckItemView | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        item = self.item(index.row())
        if item is None or not 0 <= index.column() < len(HEADERS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                item.position,
                " ".join(item.experiment_title.split()) or "(untitled)",
                item.source_model,
                item.baseline.value if item.baseline else "·",
                item.new_verdict.value if item.new_verdict else "·",
                item.outcome.value,
            )
            return values[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            verdict = {3: item.baseline, 4: item.new_verdict}.get(column)
            return VERDICT_COLOURS[verdict] if verdict else None
        if role == Qt.ItemDataRole.ToolTipRole:
            new = f"run {item.new_run_id}" if item.new_run_id else "not replayed yet"
            return f"Run {item.source_run_id} -> {new}\n{item.prompt[:300]}"
        return None


class CheckWindow(QDialog):
    """Create, run, resume and triage migration checks."""

    check_started = Signal(int)  # a check id, as its replays begin
    check_finished = Signal(int)  # a check id, when a pass ends (done or cancelled)
    check_failed = Signal(str)  # the error shown when creating or running failed
    item_triaged = Signal(int)  # the position of an item whose verdict was saved
    models_loaded = Signal()
    checks_listed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Migration check")
        self.resize(980, 720)
        self._context = context
        self._filters: ExperimentFilter | None = ExperimentFilter()
        self._run_ids: list[int] | None = None
        self._check_id: int | None = None
        self._view: CheckView | None = None
        self._cancel: CancelToken | None = None
        self._running = False
        self._pool = QThreadPool(self)  # one check at a time, apart from the writer
        self._pool.setMaxThreadCount(1)

        form = self._init_form()
        buttons = self._init_buttons()
        progress = self._init_progress()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._init_table())
        splitter.addWidget(self._init_answers())
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary_label)
        layout.addLayout(progress)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)
        self._init_connections()

        self._describe_source()
        self._refresh_checks()
        self._update_buttons()
        service = context.service
        assert service is not None
        context.run(service.list_models, self._on_models_listed, self._on_models_failed, owner=self)

    # -- layout ----------------------------------------------------------------------------

    def _init_form(self) -> QFormLayout:
        """The saved checks, and what a new check replays on which model."""
        self.checks_box = QComboBox()
        self.checks_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.checks_box.setPlaceholderText("No saved checks")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("(named after the selection and the model)")
        self.target_box = QComboBox()
        self.target_box.setEditable(True)
        self.target_box.setMinimumContentsLength(22)
        self._set_target_placeholder("Loading models…")
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Saved checks:", self.checks_box)
        form.addRow("Name:", self.name_edit)
        form.addRow("Target model:", self.target_box)
        form.addRow("Runs to replay:", self.source_label)
        return form

    def _init_buttons(self) -> QHBoxLayout:
        self.start_button = QPushButton("Start check")
        self.start_button.setDefault(True)
        self.resume_button = QPushButton("Resume")
        self.cancel_button = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.cancel_button)
        return buttons

    def _init_progress(self) -> QHBoxLayout:
        """The summary line, the progress of a pass and what it last said."""
        self.summary_label = QLabel("No check open.")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.progress_label)
        return progress

    def _init_table(self) -> QWidget:
        """The check's items, judged from the keyboard (see eventFilter)."""
        self.items_model = CheckItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.items_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        hint = QLabel("Judge the selected replay: W worked · P partly · F failed · 0 clear")
        hint.setEnabled(False)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table)
        table_layout.addWidget(hint)
        return table_box

    def _init_answers(self) -> QWidget:
        """The selected item's original answer, and the new one diffed against it."""
        self.original_view = SafeTextBrowser()
        self.new_view = SafeTextBrowser()
        answers = QWidget()
        answer_layout = QHBoxLayout(answers)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        for caption, view in (
            ("Original answer", self.original_view),
            ("New answer, against the original", self.new_view),
        ):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{caption}</b>"))
            box.addWidget(view)
            answer_layout.addLayout(box)
        return answers

    def _init_connections(self) -> None:
        self.checks_box.activated.connect(self._on_checks_box_activated)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    # -- public ----------------------------------------------------------------------------

    def set_source(self, filters: ExperimentFilter) -> None:
        """Check the latest run of each experiment the filter matches."""
        self._filters, self._run_ids = filters, None
        self._describe_source()

    def set_runs(self, run_ids: list[int]) -> None:
        """Check exactly these runs."""
        self._filters, self._run_ids = None, list(run_ids)
        self._describe_source()

    def open_check(self, check_id: int) -> None:
        """Show a saved check, its items and summary."""
        self._check_id = check_id
        self._reload()
        row = self.checks_box.findData(check_id)
        if row < 0:
            self._refresh_checks()
            row = self.checks_box.findData(check_id)
        self.checks_box.setCurrentIndex(row)
        if self.items_model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def current_check_id(self) -> int | None:
        return self._check_id

    def summary_text(self) -> str:
        return self.summary_label.text()

    def is_running(self) -> bool:
        return self._running

    # -- reading ---------------------------------------------------------------------------

    def _describe_source(self) -> None:
        from journal.core.migration_check import describe_selection, filter_record

        if self._run_ids is not None:
            record: dict[str, Any] = {"run_ids": self._run_ids}
        else:
            record = filter_record(self._filters or ExperimentFilter())
        text = describe_selection(record)
        if self._run_ids is None:
            text = f"the latest run of each experiment matching: {text}"
        self.source_label.setText(text)

    def _refresh_checks(self) -> None:
        from journal.core.migration_check import list_checks

        checks = self._context.read(lambda s: list_checks(s, limit=200))
        if checks is None:
            return
        self.checks_box.blockSignals(True)
        self.checks_box.clear()
        for check in checks:
            self.checks_box.addItem(f"#{check.id} {check.name} ({check.status.value})", check.id)
        self.checks_box.setCurrentIndex(self.checks_box.findData(self._check_id))
        self.checks_box.blockSignals(False)
        self.checks_listed.emit()

    def _reload(self) -> None:
        """Re-read the open check: a short indexed read, fine on the GUI thread."""
        if self._check_id is None:
            return
        from journal.core.migration_check import check_items, get_check

        check_id = self._check_id

        def read(session: Session) -> tuple[CheckView, list[CheckItemView]]:
            return get_check(session, check_id), check_items(session, check_id)

        found = self._context.read(read)
        if found is None:
            return
        view, items = found
        self._view = view
        self.items_model.set_items(items)
        self.summary_label.setText(view.summary.line())
        self.summary_label.setToolTip(
            f"Check {view.id}: {view.name}\n{view.status.value}, target "
            f"{view.target_model} @ {short_digest(view.target_digest)}"
        )
        self._show_selected()
        self._update_buttons()

    def _show_selected(self) -> None:
        row = self.table.currentIndex().row()
        item = self.items_model.item(row)
        if item is None or self._check_id is None:
            self.original_view.clear()
            self.new_view.clear()
            return
        from journal.core.migration_check import item_runs
        from journal.core.word_diff import word_diff

        check_id, position = self._check_id, item.position

        def read(session: Session) -> tuple[str, str | None]:
            source, new = item_runs(session, check_id, position)
            return _answer(source), _answer(new) if new else None

        found = self._context.read(read)
        if found is None:
            return
        old_text, new_text = found
        self.original_view.setHtml(plain_html(old_text))
        if new_text is None:
            self.new_view.setHtml(plain_html("(not replayed yet)"))
        else:
            self.new_view.setHtml(diff_html(word_diff(old_text, new_text), self.palette()))

    def _say(self, text: str) -> None:
        """The check's own progress; problems go through the context."""
        self.message_label.setText(text)

    def _update_buttons(self) -> None:
        idle = not self._running
        self.start_button.setEnabled(idle)
        self.resume_button.setEnabled(idle and self._view is not None and self._view.resumable)
        self.cancel_button.setEnabled(self._running)
        self.name_edit.setEnabled(idle)
        self.target_box.setEnabled(idle)
        self.checks_box.setEnabled(idle)

    # -- running ---------------------------------------------------------------------------

    def _checker(self) -> Any:
        from journal.core.migration_check import MigrationChecker

        journal, service = self._context.journal, self._context.service
        assert journal is not None and service is not None, "opened only when both are"
        return MigrationChecker(journal, service)

    def _run_check(self, check_id: int, resume: bool) -> None:
        """Run (or resume) the check in the background, its progress shown as it goes."""
        checker, cancel = self._checker(), self._cancel
        self.check_started.emit(check_id)

        def work(report: Report) -> CheckRunResult:
            def progress(position: int, total: int, run: Run) -> None:
                report((position, total, run.replay_of_id or 0, run.id or 0))

            go = checker.resume if resume else checker.run
            return go(check_id, cancel=cancel, progress=progress)  # type: ignore[no-any-return]

        self._context.tasks.run_reporting(
            work,
            self._on_check_progress,
            self._on_run_done,
            self._on_run_failed,
            interval_ms=PROGRESS_INTERVAL_MS,
            pool=self._pool,
            owner=self,
        )

    @Slot()
    def _on_start_button_clicked(self) -> None:
        target = self.target_box.currentText().strip()
        if not target:
            self._say("Choose the model to check against.")
            return
        checker = self._checker()
        filters, run_ids, name = self._filters, self._run_ids, self.name_edit.text()
        self._begin("Saving the check…")

        def create() -> int:
            if run_ids is not None:
                return int(checker.create(target, run_ids=run_ids, name=name))
            return int(checker.create(target, filters=filters, name=name))

        self._context.tasks.run(
            create, self._on_check_created, self._on_run_failed, pool=self._pool, owner=self
        )

    def _on_check_created(self, check_id: int) -> None:
        self.open_check(check_id)
        self._run_check(check_id, resume=False)

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        if self._check_id is None:
            return
        self._begin("Resuming…")
        self._run_check(self._check_id, resume=True)

    def resume(self) -> None:
        """Resume the open check (what the Resume button does)."""
        self._on_resume_button_clicked()

    def start(self) -> None:
        """Create and run a check from the form (what the Start button does)."""
        self._on_start_button_clicked()

    def cancel(self) -> None:
        """Stop the running check after the current stream ends; it can be resumed."""
        if self._cancel is not None:
            self._cancel.cancel()
            self._say("Cancelling…")

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _begin(self, message: str) -> None:
        self._cancel = CancelToken()
        self._running = True
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText("")
        self._say(message)
        self._update_buttons()

    def _end(self) -> None:
        self._running = False
        self._cancel = None
        self._refresh_checks()
        self._reload()

    def _on_run_done(self, result: CheckRunResult) -> None:
        self._end()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        notes = " ".join(result.warnings)
        if result.cancelled:
            self._say(f"Cancelled after {result.ran} replays; resume to run the rest. {notes}")
        else:
            self._say(f"Finished: {result.ran} replays. {notes}".strip())
        self.check_finished.emit(result.check_id)

    def _on_run_failed(self, error: JournalError) -> None:
        self._end()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._say("The check stopped.")
        self._context.report(error, about="The check stopped.")
        self.check_failed.emit(error.message)

    def _on_check_progress(self, items: list[tuple[int, int, int, int]]) -> None:
        position, total, source, new = items[-1]  # only the latest counts
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(position)
        self.progress_label.setText(f"[{position}/{total}] run {source} -> run {new}")
        if self._running:
            self._reload()

    @Slot(int)
    def _on_checks_box_activated(self, row: int) -> None:
        check_id = self.checks_box.itemData(row)
        if isinstance(check_id, int):
            self.open_check(check_id)

    def _set_target_placeholder(self, text: str) -> None:
        line = self.target_box.lineEdit()
        if line is not None:
            line.setPlaceholderText(text)

    # -- models ----------------------------------------------------------------------------

    def _on_models_listed(self, models: list[Any]) -> None:
        current = self.target_box.currentText()
        self.target_box.clear()
        self.target_box.addItems(sorted(model.name for model in models))
        if current:
            self.target_box.setCurrentText(current)
        else:
            self.target_box.setCurrentIndex(-1)
        self._set_target_placeholder("Choose or type a model")
        self.models_loaded.emit()

    def _on_models_failed(self, error: JournalError) -> None:
        self._set_target_placeholder("Type a model name")
        self._context.report(error, quiet=True, about="Could not list the models.")
        self.models_loaded.emit()

    # -- triage ----------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: Any) -> None:
        self._show_selected()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key in TRIAGE_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.triage_selected(TRIAGE_KEYS[key])
                return True
        return super().eventFilter(watched, event)

    def triage_selected(self, verdict: Verdict | None) -> None:
        """Judge the selected item's replay, then select the next item."""
        row = self.table.currentIndex().row()
        item = self.items_model.item(row)
        if item is None or self._check_id is None:
            return
        if item.new_run_id is None:
            self._say(f"Item {item.position} has not been replayed yet: nothing to judge.")
            return
        check_id, position = self._check_id, item.position

        def change(session: Session) -> int:
            from journal.core.migration_check import triage

            triage(session, check_id, position, verdict)
            return position

        self._context.write(
            change, functools.partial(self._on_triaged, check_id), self._on_triage_failed
        )
        if row + 1 < self.items_model.rowCount():
            self.table.selectRow(row + 1)

    def _on_triaged(self, check_id: int, position: int) -> None:
        if check_id == self._check_id:
            self._reload()
        self.item_triaged.emit(position)

    def _on_triage_failed(self, error: JournalError) -> None:
        self._context.report(error, about="The verdict was not saved.")

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.cancel()  # the replay stops at once; the check stays resumable
        super().closeEvent(event)


def _answer(run: Run) -> str:
    if run.response or not run.error:
        return run.response
    return f"[{run.error}]"
