"""Migration checks in the window: replay what worked on a new model; the replays arrive
graded and sorted (passes, fails, needs a look, still grading), passes are accepted in one
action, and keyboard triage walks only what is left for the person to judge."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from journal.core.cancel import CancelToken
from journal.core.check_triage import Group
from journal.core.domain import ExperimentFilter, Verdict
from journal.core.errors import JournalError
from journal.core.formatting import short_digest
from journal.gui.answer_view import SafeTextBrowser
from journal.gui.check_items_model import GROUPS, HEADERS, WHY_COLUMN, CheckItemsModel, read_check
from journal.gui.check_runner import CheckRunner, Progress
from journal.gui.check_texts import nothing_left_line, progress_line, selection_text, summary_line
from journal.gui.dialog_helpers import diff_html, plain_html
from journal.gui.grade_marks import GradeStrip
from journal.gui.i18n import error_text
from journal.gui.model_picker import ModelPicker
from journal.gui.saved_checks import SavedChecksList

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.migration_check import CheckItemView, CheckRunResult, CheckView
    from journal.core.models import Run
    from journal.gui.context import AppContext
    from journal.gui.grade_marks import RunGrades

translate = QCoreApplication.translate

TRIAGE_KEYS = {
    Qt.Key.Key_W: Verdict.WORKED,
    Qt.Key.Key_P: Verdict.PARTLY,
    Qt.Key.Key_F: Verdict.FAILED,
    Qt.Key.Key_0: None,
}
ACCEPT_SHORTCUT = "Ctrl+Shift+A"
PROGRESS_INTERVAL_MS = 100  # progress repaints at most this often, however fast replays end
PROMPT_LINES = 3  # the selected item's prompt box, at most; a longer prompt scrolls


class CheckWindow(QDialog):
    """Create, run, resume and triage migration checks."""

    check_started = Signal(int)  # a check id, as its replays begin
    check_finished = Signal(int)  # a check id, when a pass ends (done or cancelled)
    check_failed = Signal(str)  # the error shown when creating or running failed
    item_triaged = Signal(int)  # the position of an item whose verdict was saved
    passes_accepted = Signal(int)  # how many passing replays were just marked worked
    check_read = Signal()  # the open check was read again (its groups and summary)
    models_loaded = Signal()
    checks_listed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("check_window", "Migration check"))
        self.resize(1040, 760)
        self._context = context
        self._filters: ExperimentFilter | None = ExperimentFilter()
        self._run_ids: list[int] | None = None
        self._check_id: int | None = None
        self._view: CheckView | None = None
        self._cancel: CancelToken | None = None
        self._running = False
        self._awaiting_grades = False  # the pass said grades were coming; say when all are in
        self._runner = CheckRunner(context, self)

        top = self._init_top()
        buttons = self._init_buttons()
        progress = self._init_progress()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._init_items())
        splitter.addWidget(self._init_answers())
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)  # the prompt and answers as tall as the items
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.grading_label)
        layout.addLayout(progress)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)
        self._init_connections()

        self._describe_source()
        self._refresh_checks()
        self._update_buttons()
        self.target_picker.refresh()

    # -- layout ----------------------------------------------------------------------------

    def _init_top(self) -> QHBoxLayout:
        """The saved checks on the left; what a new check replays on which model beside."""
        self.checks_list = SavedChecksList()
        saved = QVBoxLayout()
        saved.addWidget(
            QLabel(translate("check_window", "<b>Saved checks</b> (click one to open it)"))
        )
        saved.addWidget(self.checks_list)
        top = QHBoxLayout()
        top.addLayout(saved, 1)
        top.addLayout(self._init_form(), 1)
        return top

    def _init_form(self) -> QFormLayout:
        """What a new check replays on which model."""
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(
            translate("check_window", "(named after the selection and the model)")
        )
        service = self._context.service
        assert service is not None
        # the prompt panel's picker: each model with its family, size and quantisation
        self.target_picker = ModelPicker(service.list_models)
        self.target_picker.setToolTip(translate("check_window", "The model to replay the runs on"))
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        # A turn of a conversation replays with the recorded history; a check may instead
        # send every turn again on the target, each after the new answers.
        self.regenerate_box = QCheckBox(
            translate("check_window", "Re&generate every turn of conversations")
        )
        self.regenerate_box.setToolTip(
            translate(
                "check_window",
                "For a run that is a turn of a conversation, send every turn again on the "
                "target, each after its new answers; unticked, only that turn is replayed, "
                "after the recorded ones",
            )
        )
        form = QFormLayout()
        form.addRow(translate("check_window", "<b>New check</b>"), QLabel())
        form.addRow(translate("check_window", "Name:"), self.name_edit)
        form.addRow(translate("check_window", "Target model:"), self.target_picker)
        form.addRow(translate("check_window", "Runs to replay:"), self.source_label)
        form.addRow("", self.regenerate_box)
        return form

    def _init_buttons(self) -> QHBoxLayout:
        self.start_button = QPushButton(translate("check_window", "Start check"))
        self.start_button.setDefault(True)
        self.start_button.setToolTip(
            translate("check_window", "Replay the runs on the target model and grade each one")
        )
        self.resume_button = QPushButton(translate("check_window", "Resume"))
        self.resume_button.setToolTip(
            translate(
                "check_window",
                "Replay what is left of the open check and give the grades it is missing",
            )
        )
        self.cancel_button = QPushButton(translate("check_window", "Cancel"))
        self.cancel_button.setToolTip(
            translate("check_window", "Stop after the current answer; the check can be resumed")
        )
        self.accept_button = QPushButton(translate("check_window", "Accept all passes"))
        self.accept_button.setShortcut(QKeySequence(ACCEPT_SHORTCUT))
        self.accept_button.setToolTip(
            translate(
                "check_window",
                "Mark every passing replay you have not judged as worked ({keys}); "
                "verdicts you gave stay",
            ).format(keys=ACCEPT_SHORTCUT)
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.cancel_button)
        return buttons

    def _init_progress(self) -> QHBoxLayout:
        """The summary line, grades still coming, the progress of a pass and its news."""
        self.summary_label = QLabel(translate("check_window", "No check open."))
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)
        self.grading_label = QLabel()
        self.grading_label.hide()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.progress_label)
        return progress

    def _init_items(self) -> QWidget:
        """The check's items in their groups, judged from the keyboard (see eventFilter)."""
        self.items_model = CheckItemsModel(self)
        self.items_view = view = QTreeView()
        view.setModel(self.items_model)
        view.setAccessibleName(translate("check_window", "Items of the check, by group"))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setUniformRowHeights(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = view.header()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for column in range(len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        for column, width in ((0, 64), (1, 250), (2, 120), (3, 110), (4, 100)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(WHY_COLUMN, QHeaderView.ResizeMode.Stretch)
        view.installEventFilter(self)
        hint = QLabel(
            translate(
                "check_window",
                "Judge the selected replay: W worked · P partly · F failed · 0 clear · "
                "N next left to look at · Shift+N back",
            )
        )
        hint.setEnabled(False)
        hint.setWordWrap(True)
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(view)
        box_layout.addWidget(hint)
        return box

    def _init_answers(self) -> QWidget:
        """The selected item's original answer, the new one diffed against it, and the new
        answer's grades (a mark and the reason per expectation)."""
        self.prompt_view = QPlainTextEdit()
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setAccessibleName(translate("check_window", "Prompt of the selected item"))
        self.prompt_view.setPlaceholderText(
            translate("check_window", "Select an item to see what it asked.")
        )
        self.prompt_view.setMaximumHeight(
            self.prompt_view.fontMetrics().lineSpacing() * PROMPT_LINES + 12
        )
        self.original_view = SafeTextBrowser()
        self.new_view = SafeTextBrowser()
        self.grade_strip = GradeStrip()
        answers = QWidget()
        outer = QVBoxLayout(answers)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(QLabel(translate("check_window", "<b>Prompt</b> (of the original run)")))
        outer.addWidget(self.prompt_view)
        answer_layout = QHBoxLayout()
        outer.addLayout(answer_layout, 1)
        for caption, view in (
            (translate("check_window", "Original answer"), self.original_view),
            (translate("check_window", "New answer, against the original"), self.new_view),
        ):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{caption}</b>"))
            box.addWidget(view, 1)
            if view is self.new_view:
                box.addWidget(self.grade_strip)
            answer_layout.addLayout(box)
        return answers

    def _init_connections(self) -> None:
        self.checks_list.check_opened.connect(self.open_check)
        self.target_picker.models_loaded.connect(self._on_target_picker_models_loaded)
        self.target_picker.load_failed.connect(self._on_target_picker_load_failed)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.accept_button.clicked.connect(self._on_accept_button_clicked)
        self.items_view.selectionModel().selectionChanged.connect(
            self._on_items_view_selection_changed
        )
        self._runner.graded.connect(self._on_runner_graded)
        self._runner.grading_failed.connect(self._say)
        self.setTabOrder(self.checks_list, self.name_edit)
        self.setTabOrder(self.name_edit, self.target_picker.combo)
        self.setTabOrder(self.target_picker.combo, self.target_picker.refresh_button)
        self.setTabOrder(self.target_picker.refresh_button, self.regenerate_box)
        self.setTabOrder(self.regenerate_box, self.accept_button)
        self.setTabOrder(self.accept_button, self.start_button)
        self.setTabOrder(self.start_button, self.resume_button)
        self.setTabOrder(self.resume_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.items_view)

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
        """Show a saved check, its items in their groups and its summary; the first item
        left to look at is selected (as soon as there is one, while the check runs)."""
        self._check_id = check_id
        self._reload()
        if not self.checks_list.select_check(check_id):
            self._refresh_checks()
        items = self.items_model.items()
        waiting = self._view is not None and self._view.summary.pending > 0
        if self._selected() is None and items and not waiting:
            self.select_position(items[0].position)  # nothing left: the first item

    def current_check_id(self) -> int | None:
        return self._check_id

    def summary_text(self) -> str:
        return self.summary_label.text()

    def grading_text(self) -> str:
        """ "3 grades still coming", "3 grades missing: …", or "" when none."""
        return self.grading_label.text() if not self.grading_label.isHidden() else ""

    def message_text(self) -> str:
        return self.message_label.text()

    def is_running(self) -> bool:
        return self._running

    def select_position(self, position: int) -> None:
        """Select the item at `position` in the check (what a click on its row does)."""
        index = self.items_model.index_of(position)
        if index.isValid():
            self.items_view.setCurrentIndex(index)
            self.items_view.scrollTo(index)

    def selected_position(self) -> int | None:
        item = self._selected()
        return item.position if item is not None else None

    # -- reading ---------------------------------------------------------------------------

    def _describe_source(self) -> None:
        self.source_label.setText(selection_text(self._run_ids, self._filters))

    def _refresh_checks(self) -> None:
        from journal.core.migration_check import list_checks

        checks = self._context.read(lambda s: list_checks(s, limit=200))
        if checks is None:
            return
        self.checks_list.show_checks(checks, self._check_id)
        self.checks_listed.emit()

    def _reload(self) -> None:
        """Re-read the open check: short indexed reads, fine on the GUI thread."""
        if self._check_id is None:
            return
        check_id, grading = self._check_id, self._runner.grading_runs
        found = self._context.read(lambda s: read_check(s, check_id, grading))
        if found is None:
            return
        self._view = view = found.view
        selected = self.selected_position()
        if self.items_model.set_items(found.items, found.details):
            self._lay_out_groups()
            if selected is not None:
                self.select_position(selected)
        left = self._left()
        if self._selected() is None and left:
            self.select_position(left[0].position)  # the first one to look at, as it arrives
        self.summary_label.setText(summary_line(view.summary))
        self.progress_label.setText(progress_line(view.summary, self._running))
        from journal.core.migration_check import regenerates

        how = (
            translate("check_window", "every turn regenerated")
            if regenerates(view.source_filter)
            else translate("check_window", "last turn replayed")
        )
        self.summary_label.setToolTip(
            translate(
                "check_window",
                "Check {id}: {name}\n{status}, target {model} @ {digest}\nConversations: {how}",
            ).format(
                id=view.id,
                name=view.name,
                status=view.status.value,
                model=view.target_model,
                digest=short_digest(view.target_digest),
                how=how,
            )
        )
        self._show_grading(found.items)
        self._show_selected()
        self._update_buttons()
        self.check_read.emit()

    def _lay_out_groups(self) -> None:
        """After the items moved: every group open, the empty ones hidden, headers spanned."""
        root = QModelIndex()
        for row, group in enumerate(GROUPS):
            self.items_view.setFirstColumnSpanned(row, root, True)
            self.items_view.setRowHidden(row, root, self.items_model.count(group) == 0)
        self.items_view.expandAll()

    def _show_grading(self, items: list[CheckItemView]) -> None:
        """Grades still coming, or missing (grading stopped when a window closed)."""
        from journal.core.migration_check import grades_coming, grades_missing

        coming, missing = grades_coming(items), grades_missing(items)
        if coming:
            text = translate("check_window", "%n grade(s) still coming", None, coming)
        elif missing and not self._running:
            text = translate(
                "check_window",
                "%n grade(s) missing (grading stopped): Resume grades them",
                None,
                missing,
            )
        else:
            text = ""
        self.grading_label.setText(text)
        self.grading_label.setVisible(bool(text))

    def _selected(self) -> CheckItemView | None:
        return self.items_model.item(self.items_view.currentIndex())

    def _left(self) -> list[CheckItemView]:
        from journal.core.migration_check import left_of

        return left_of(self.items_model.items())

    def _show_selected(self) -> None:
        item = self._selected()
        if item is None or self._check_id is None:
            self.prompt_view.clear()
            self.original_view.clear()
            self.new_view.clear()
            self.grade_strip.show_grades(None)
            return
        from journal.core.migration_check import item_runs
        from journal.core.word_diff import word_diff
        from journal.gui.grade_marks import read_run_grades

        check_id, position = self._check_id, item.position
        pending = item.new_run_id in self._runner.grading_runs

        def read(session: Session) -> tuple[Run, str | None, RunGrades | None]:
            source, new = item_runs(session, check_id, position)
            if new is None or new.id is None:
                return source, None, None
            grades = read_run_grades(session, new.id, pending=pending)
            return source, _answer(new), grades

        found = self._context.read(read)
        if found is None:
            return
        source, new_text, grades = found
        old_text = _answer(source)
        self.prompt_view.setPlainText(source.prompt)
        system = source.system_prompt
        self.prompt_view.setToolTip(
            translate("check_window", "System prompt: {system}").format(system=system)
            if system
            else translate("check_window", "No system prompt")
        )
        self.original_view.setHtml(plain_html(old_text))
        if new_text is None:
            self.new_view.setHtml(plain_html(translate("check_window", "(not replayed yet)")))
        else:
            self.new_view.setHtml(diff_html(word_diff(old_text, new_text), self.palette()))
        self.grade_strip.show_grades(grades)

    def _say(self, text: str) -> None:
        """The check's own progress; problems go through the context."""
        self.message_label.setText(text)

    def _update_buttons(self) -> None:
        idle = not self._running
        self.start_button.setEnabled(idle)
        self.resume_button.setEnabled(idle and self._view is not None and self._view.resumable)
        self.cancel_button.setEnabled(self._running)
        self.name_edit.setEnabled(idle)
        self.target_picker.setEnabled(idle)
        self.checks_list.setEnabled(idle)
        self.accept_button.setEnabled(
            any(
                item.group is Group.PASS and item.new_verdict is None
                for item in self.items_model.items()
            )
        )

    # -- running ---------------------------------------------------------------------------

    def _run_check(self, check_id: int, resume: bool) -> None:
        """Run (or resume) the check in the background, its progress shown as it goes."""
        assert self._cancel is not None
        self.check_started.emit(check_id)
        self._runner.run(
            check_id,
            resume=resume,
            cancel=self._cancel,
            on_progress=self._on_check_progress,
            on_done=self._on_run_done,
            on_error=self._on_run_failed,
            interval_ms=PROGRESS_INTERVAL_MS,
        )

    @Slot()
    def _on_start_button_clicked(self) -> None:
        target = self.target_picker.current_model() or ""
        if not target:
            self._say(translate("check_window", "Choose the model to check against."))
            return
        self._begin(translate("check_window", "Saving the check…"))
        self._runner.create(
            target,
            self._filters,
            self._run_ids,
            self.name_edit.text(),
            self.regenerate_box.isChecked(),
            self._on_check_created,
            self._on_run_failed,
        )

    def _on_check_created(self, check_id: int) -> None:
        self.open_check(check_id)
        self._run_check(check_id, resume=False)

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        if self._check_id is None:
            return
        self._begin(translate("check_window", "Resuming…"))
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
            self._say(translate("check_window", "Cancelling…"))

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _begin(self, message: str) -> None:
        self._cancel = CancelToken()
        self._awaiting_grades = False
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
        coming = self.grading_text()
        ran = result.ran
        if result.cancelled:
            text = translate(
                "check_window",
                "Cancelled after %n replay(s); resume to run the rest.",
                None,
                ran,
            )
        elif coming:
            self._awaiting_grades = True
            text = translate(
                "check_window",
                "Replays finished (%n replay(s)); grading goes on.",
                None,
                ran,
            )
        else:
            text = translate("check_window", "Finished: %n replay(s).", None, ran)
        self._say(f"{text} {notes}".strip())
        self.check_finished.emit(result.check_id)

    def _on_run_failed(self, error: JournalError) -> None:
        self._end()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._say(translate("check_window", "The check stopped."))
        self._context.report(error, about=translate("check_window", "The check stopped."))
        self.check_failed.emit(error_text(error))

    def _on_check_progress(self, items: list[Progress]) -> None:
        position, total, source, new = items[-1]  # only the latest counts
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(position)
        self.progress_label.setToolTip(
            translate("check_window", "Latest: item {position}, run {source} -> run {new}").format(
                position=position, source=source, new=new
            )
        )
        if self._running:
            self._reload()

    @Slot()
    def _on_runner_graded(self) -> None:
        """Grades landed (relayed and throttled): the groups and counts move."""
        self._reload()
        if self._awaiting_grades and not self._running and not self.grading_text():
            self._awaiting_grades = False
            self._say(translate("check_window", "Finished: every grade is in."))

    # -- models ----------------------------------------------------------------------------

    @Slot(list)
    def _on_target_picker_models_loaded(self, _models: list[Any]) -> None:
        self.models_loaded.emit()

    @Slot(str)
    def _on_target_picker_load_failed(self, message: str) -> None:
        self._context.say(
            translate("check_window", "Could not list the models. {message}").format(
                message=message
            ),
            8000,
        )
        self.models_loaded.emit()

    # -- triage ----------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_items_view_selection_changed(self, *_: Any) -> None:
        self._show_selected()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.items_view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if key in TRIAGE_KEYS and not modifiers:
                self.triage_selected(TRIAGE_KEYS[key])
                return True
            if key == Qt.Key.Key_N and modifiers in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            ):
                self.go_to_left(backwards=bool(modifiers))
                return True
        return super().eventFilter(watched, event)

    def go_to_left(self, *, backwards: bool = False, skip: int | None = None) -> bool:
        """Select the next item left to look at after the selected one (the one before
        with `backwards`), round to the start; `skip`: a position just judged. False, and
        the window says so, when nothing is left."""
        left = [item.position for item in self._left() if item.position != skip]
        if not left:
            if skip is None:
                self._say_nothing_left()
            return False
        here = self.selected_position() or 0
        if backwards:
            earlier = [position for position in left if position < here]
            self.select_position(earlier[-1] if earlier else left[-1])
        else:
            later = [position for position in left if position > here]
            self.select_position(later[0] if later else left[0])
        return True

    def _say_nothing_left(self) -> None:
        self._say(nothing_left_line(self.items_model.items()))

    def triage_selected(self, verdict: Verdict | None) -> None:
        """Judge the selected item's replay, then go to the next item left to look at."""
        item = self._selected()
        if item is None or self._check_id is None:
            return
        if item.new_run_id is None:
            self._say(
                translate(
                    "check_window", "Item {position} has not been replayed yet: nothing to judge."
                ).format(position=item.position)
            )
            return
        check_id, position = self._check_id, item.position

        def change(session: Session) -> int:
            from journal.core.migration_check import triage

            triage(session, check_id, position, verdict)
            return position

        self._context.write(
            change, functools.partial(self._on_triaged, check_id), self._on_triage_failed
        )
        if verdict is not None:
            self.go_to_left(skip=position)

    def _on_triaged(self, check_id: int, position: int) -> None:
        if check_id == self._check_id:
            self._reload()
            if not self._left():
                self._say_nothing_left()
        self.item_triaged.emit(position)

    def _on_triage_failed(self, error: JournalError) -> None:
        self._context.report(error, about=translate("check_window", "The verdict was not saved."))

    def accept_passes(self) -> None:
        """Mark every passing replay without a verdict as worked (the core's rule: a
        verdict already given is never changed), and say how many."""
        if self._check_id is None:
            return
        check_id = self._check_id

        def change(session: Session) -> int:
            from journal.core.migration_check import accept_passes

            return len(accept_passes(session, check_id))

        self._context.write(
            change, functools.partial(self._on_passes_accepted, check_id), self._on_triage_failed
        )

    @Slot()
    def _on_accept_button_clicked(self) -> None:
        self.accept_passes()

    def _on_passes_accepted(self, check_id: int, count: int) -> None:
        if check_id == self._check_id:
            self._reload()
        if count:
            self._say(
                translate("check_window", "Marked %n passing replay(s) as worked.", None, count)
            )
        else:
            self._say(
                translate(
                    "check_window",
                    "No passing replay is left without your verdict: nothing to accept.",
                )
            )
        self.passes_accepted.emit(count)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.cancel()  # the replay stops at once; the check stays resumable
        self._runner.close()  # grading stops; resuming gives the missing grades
        super().closeEvent(event)


def _answer(run: Run) -> str:
    if run.response or not run.error:
        return run.response
    return f"[{run.error}]"
