"""The expectations of the experiment shown, under Expected outcome: one row each, how the
results combine, and "Try on the selected run".

Edits save like the rest of the experiment editor: a row the core accepts is written once
typing pauses (and at once before another experiment is shown); a row it refuses shows the
reason in red and is not written. Adding, removing and moving are written at once. Nothing
here grades a run for keeps: editing never rewrites old grades, and trying stores nothing.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError, JournalError
from journal.core.expectations import Expectation, parse_expectation
from journal.core.grading import CombineRule, GradeResult
from journal.gui.elided_label import ElidedLabel
from journal.gui.expectation_row import ERROR_COLOUR, ExpectationRow
from journal.gui.expectation_trial import ExpectationTrial
from journal.gui.i18n import error_text
from journal.gui.throttle import Throttle
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.grades import SavedExpectation
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

SAVE_DELAY_MS = 400
ROWS_SHOWN = 2.75  # the list's height, in rows with a result: it scrolls beyond, never grows
DEFAULT_THRESHOLD = 0.7
TRY_KEYS = "Ctrl+T"
TRY_TIP = QT_TRANSLATE_NOOP(
    "expectations_editor",
    "Grade the selected run against these expectations, without saving ({keys})",
)
FROM_FORMAT_TIP = QT_TRANSLATE_NOOP(
    "expectations_editor",
    "Add what the selected run's format asks for: is-json, or json-schema with its schema "
    "(Ctrl+Alt+F)",
)


class _RowsArea(QScrollArea):
    """Asks for its full height, so a short window shrinks it with the notes around it
    rather than first."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(hint.width(), self.maximumHeight())


TRY_LABEL = QT_TRANSLATE_NOOP("expectations_editor", "&Try on run")


class ExpectationsEditor(QWidget):
    """Reads and writes the shown experiment's expectations through the context."""

    def __init__(self, context: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._experiment_id: int | None = None
        self._run_id: int | None = None
        self._rows: list[ExpectationRow] = []
        self._rule = CombineRule()
        self._saved_rule = CombineRule()
        self._trying: dict[int, ExpectationRow] = {}
        self._save_later = Throttle(self._save_pending, SAVE_DELAY_MS, debounce=True, parent=self)
        self._trial = ExpectationTrial(context, self)
        self._init_header()
        self._init_rows()
        self._init_footer()
        self._init_layout()
        self._init_actions()
        self._init_connections()
        self.load(None)

    def _init_header(self) -> None:
        self.toggle = QToolButton()
        self.toggle.setText(translate("expectations_editor", "&Expectations"))
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.summary = ElidedLabel()
        self.summary.setEnabled(False)  # muted
        self.try_button = QPushButton(translate("expectations_editor", TRY_LABEL))
        self.try_button.setToolTip(
            translate(
                "expectations_editor",
                "Grade these expectations on the run shown in the history, without saving anything",
            )
        )

    def _init_rows(self) -> None:
        self._rows_box = QWidget()
        self._rows_layout = QVBoxLayout(self._rows_box)
        self._rows_layout.setContentsMargins(0, 0, 4, 0)
        self._rows_layout.setSpacing(2)
        self._none = QLabel(
            translate(
                "expectations_editor",
                "No expectations yet: type one above (like contains:Paris) or Add.",
            )
        )
        self._none.setEnabled(False)
        self._none.setWordWrap(True)  # a longer language wraps rather than being cut
        self._rows_layout.addWidget(self._none)
        self._rows_layout.addStretch(1)
        self.rows_area = _RowsArea()
        self.rows_area.setWidget(self._rows_box)
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.rows_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        sample = ExpectationRow()
        sample.show_message("✓")
        row = sample.sizeHint().height() + self._rows_layout.spacing()
        sample.deleteLater()
        # As tall as ROWS_SHOWN rows whatever their number, so nothing moves as rows come
        # and go; on a short screen the experiment's notes scroll rather than squeeze it.
        self.rows_area.setFixedHeight(int(row * ROWS_SHOWN))
        self.rows_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.rows_area.setAccessibleName(translate("expectations_editor", "Expectations"))

    def _init_footer(self) -> None:
        self.add_line = QLineEdit()
        self.add_line.setPlaceholderText(
            translate(
                "expectations_editor", "Add: contains:Paris, not-icontains:as an AI, words<=50…"
            )
        )
        self.add_line.setToolTip(
            translate("expectations_editor", "Type or paste an expectation's line and press Enter")
        )
        self.add_line.setAccessibleName(translate("expectations_editor", "New expectation"))
        self.add_button = QPushButton(translate("expectations_editor", "&Add"))
        self.add_button.setToolTip(
            translate(
                "expectations_editor",
                "Add the line typed on the left, or an empty row to fill in when there is none",
            )
        )
        self.from_format_button = QPushButton(translate("expectations_editor", "From format"))
        self.from_format_button.setToolTip(translate("expectations_editor", FROM_FORMAT_TIP))
        self.add_message = QLabel()
        self.add_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.add_message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.add_message.setVisible(False)
        self.combine = QComboBox()
        self.combine.addItem(translate("expectations_editor", "all must pass"), False)
        self.combine.addItem(translate("expectations_editor", "weighted score ≥"), True)
        self.combine.setToolTip(
            translate("expectations_editor", "How the results add up to a run's outcome")
        )
        self.combine.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combine.setAccessibleName(translate("expectations_editor", "How results combine"))
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.05, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.setToolTip(
            translate("expectations_editor", "The weighted score a run needs (0 to 1)")
        )
        self.threshold.setAccessibleName(translate("expectations_editor", "Score needed"))

    def _init_layout(self) -> None:
        """The line to add one (the summary in its place when folded), the rows, then how
        they add up: two short lines rather than one long one, so the editor fits half a
        1920-wide screen."""
        self.controls = QWidget()
        controls = QHBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.add_line, 1)
        controls.addWidget(self.add_button)
        controls.addWidget(self.from_format_button)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.toggle)
        header.addWidget(self.summary, 1)
        header.addWidget(self.controls, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.combine)
        footer.addWidget(self.threshold)
        footer.addStretch(1)
        footer.addWidget(self.try_button)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(2)
        body.addWidget(self.rows_area)
        body.addWidget(self.add_message)
        body.addLayout(footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.body)
        # Height to spare goes to the rows first (up to ROWS_SHOWN), then to the notes.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def _init_actions(self) -> None:
        """Keys that work with the focus anywhere in the list of rows."""
        self.move_up_action = self._row_action(
            translate("expectations_editor", "Move up"), ("Alt+Up",), -1
        )
        self.move_down_action = self._row_action(
            translate("expectations_editor", "Move down"), ("Alt+Down",), 1
        )
        self.remove_action = self._row_action(
            translate("expectations_editor", "Remove"), ("Alt+Delete", "Delete"), 0
        )

    def _row_action(self, text: str, keys: tuple[str, ...], step: int) -> QAction:
        action = QAction(text, self.rows_area)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if step:
            action.triggered.connect(lambda: self.move_focused(step))
        else:
            action.triggered.connect(self.remove_focused)
        self.rows_area.addAction(action)
        return action

    def _init_connections(self) -> None:
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self.try_button.clicked.connect(self.try_selected_run)
        self.add_line.returnPressed.connect(self.add_from_line)
        self.add_line.textEdited.connect(self._on_add_line_edited)
        self.add_button.clicked.connect(self.add_from_line)
        self.from_format_button.clicked.connect(self.add_from_format)
        self.combine.currentIndexChanged.connect(self._on_rule_edited)
        self.threshold.valueChanged.connect(self._on_rule_edited)
        self._trial.graded.connect(self._on_trial_graded)
        self._trial.finished.connect(self._on_trial_finished)
        self._on_toggle_toggled(self.toggle.isChecked())

    # -- what is shown --------------------------------------------------------------------

    def load(self, experiment_id: int | None) -> None:
        """Show the expectations of `experiment_id` (None: nothing); pending edits of the
        one shown before are written first."""
        self.flush()
        self._say_refused()
        self._stop_trying()

        def read(session: Session) -> tuple[list[SavedExpectation], CombineRule]:
            from journal.core.grades import get_combine_rule, list_expectations

            assert experiment_id is not None
            return list_expectations(session, experiment_id), get_combine_rule(
                session, experiment_id
            )

        found = None
        if experiment_id is not None and self._context is not None:
            found = self._context.read(read)
        self._experiment_id = experiment_id if found is not None else None
        saved, rule = found or ([], CombineRule())
        for row in self._rows:
            row.deleteLater()
        self._rows = []
        for item in saved:
            self._insert_row(ExpectationRow(item.expectation, item.id))
        self._show_rule(rule)
        self.add_line.clear()
        self._show_add_message("")
        self.setEnabled(self._experiment_id is not None)
        self._refresh()

    def _say_refused(self) -> None:
        """Rows the core refuses are never written: say so when they are left, rather than
        let typed text vanish without a word (a saved row keeps its saved version)."""
        refused = [
            row
            for row in self._rows
            if row.expectation() is None and (row.saved_id is not None or row.value.text().strip())
        ]
        if refused and self._context is not None:
            first, count = refused[0], len(refused)
            text = f"{first.current_kind().value}:{first.value.text()}"
            said = (
                translate(
                    "expectations_editor",
                    "Not saved: %n expectation(s) the journal refuses, such as {text} "
                    "(the saved version is kept).",
                    None,
                    count,
                )
                if first.saved_id is not None
                else translate(
                    "expectations_editor",
                    "Not saved: %n expectation(s) the journal refuses, such as {text}.",
                    None,
                    count,
                )
            )
            self._context.say(said.format(text=repr(text)), 15_000)

    def set_selected_run(self, run_id: int | None) -> None:
        """The run shown in the answer view, the one "Try" grades (None: no run)."""
        self._run_id = run_id
        self._refresh_try()

    def flush(self) -> None:
        """Write pending edits now (before another experiment is shown, or closing)."""
        self._save_later.flush()

    def rows(self) -> list[ExpectationRow]:
        return list(self._rows)

    def rule(self) -> CombineRule:
        return self._rule

    # -- adding, removing, moving ---------------------------------------------------------

    @Slot()
    def add_from_line(self) -> None:
        """Add the line typed (checked by the core), or an empty row when there is none."""
        if self._experiment_id is None:
            return
        line = self.add_line.text().strip()
        if not line:
            row = self._insert_row(ExpectationRow())
            self.toggle.setChecked(True)
            row.value.setFocus(Qt.FocusReason.OtherFocusReason)
            self._refresh()
            return
        try:
            expectation = parse_expectation(line)
        except InvalidInputError as error:
            self._show_add_message(error_text(error))
            return
        self.add_line.clear()
        self._show_add_message("")
        row = self._insert_row(ExpectationRow(expectation))
        self._refresh()
        self._add(row, expectation)

    @Slot()
    def remove_focused(self) -> None:
        row = self._focused_row()
        if row is not None:
            self.remove_row(row)

    def remove_row(self, row: ExpectationRow) -> None:
        index = self._rows.index(row)
        self._rows.remove(row)
        row.removed = True
        row.hide()
        row.deleteLater()
        if row.saved_id is not None:
            from journal.core.grades import remove_expectation

            saved_id = row.saved_id
            self._write(lambda s: remove_expectation(s, saved_id))
        if self._rows:  # the focus stays in the list, on the row that took its place
            self._rows[min(index, len(self._rows) - 1)].kind.setFocus()
        self._refresh()

    def move_focused(self, step: int) -> None:
        row = self._focused_row()
        if row is None:
            return
        index = self._rows.index(row)
        place = index + step
        if not 0 <= place < len(self._rows):
            return
        self._rows.insert(place, self._rows.pop(index))
        self._rows_layout.removeWidget(row)
        self._rows_layout.insertWidget(place + 1, row)  # after the "none" label
        self._fix_tab_order()
        self.rows_area.ensureWidgetVisible(row)
        self._sync_order()

    # -- trying -------------------------------------------------------------------------

    @Slot()
    def add_from_format(self) -> None:
        """Add the expectation the selected run's format stands for (`expectation_for`), so
        every run is graded on whether its answer is what it asked for."""
        from journal.core.output_format import expectation_for
        from journal.core.queries import get_run

        if self._experiment_id is None or self._context is None:
            return
        run_id = self._run_id
        run = self._context.read(lambda s: get_run(s, run_id)) if run_id is not None else None
        expectation = expectation_for(run.format) if run is not None else None
        if expectation is None:
            self._show_add_message(
                translate(
                    "expectations_editor",
                    "The selected run asked for no format: choose JSON or a schema under "
                    "Settings, run it, then add from its format.",
                )
            )
            return
        self.toggle.setChecked(True)
        if any(_same(row, expectation) for row in self._rows):
            already = translate("expectations_editor", "Already expected: {expectation}")
            self._show_add_message(already.format(expectation=expectation.text))
            return
        self._show_add_message("")
        row = self._insert_row(ExpectationRow(expectation))
        self._refresh()
        self._add(row, expectation)

    @Slot()
    def try_selected_run(self) -> None:
        """Grade the selected run against the rows as they are now, saving nothing; a
        second press while Ollama is asked cancels."""
        if self._trial.busy:
            self._stop_trying(translate("expectations_editor", "cancelled"))
            return
        conversation = self._conversation_to_try()
        if conversation is None:
            return
        self.toggle.setChecked(True)
        items: list[tuple[int, Expectation]] = []
        self._trying = {}
        for key, row in enumerate(self._rows):
            expectation = row.validate()
            if expectation is not None:
                items.append((key, expectation))
                self._trying[key] = row
                row.show_trying()
        self._trial.start(conversation, items)
        self._refresh_try()

    def _conversation_to_try(self) -> list[Any] | None:
        """The selected run, after the earlier turns of its conversation (a target may
        name one)."""
        from journal.core.grades import conversation_of
        from journal.core.queries import get_run

        why = self._why_not_try()
        if why or self._context is None or self._run_id is None:
            if self._context is not None:
                self._context.say(why, 6000)
            return None
        run_id = self._run_id
        conversation = self._context.read(lambda s: conversation_of(s, get_run(s, run_id)))
        if conversation is not None and conversation[-1].status.is_live:
            still = translate(
                "expectations_editor", "Run {number} is still running: try once it has finished."
            )
            self._context.say(still.format(number=run_id), 6000)
            return None
        return conversation

    def _why_not_try(self) -> str:
        if self._experiment_id is None:
            return translate("expectations_editor", "Open an experiment to try its expectations.")
        if self._run_id is None:
            return translate(
                "expectations_editor", "Select a run in the history to try the expectations on it."
            )
        if not self._rows:
            return translate(
                "expectations_editor", "Add an expectation to try it on the selected run."
            )
        return ""

    @Slot(int, object)
    def _on_trial_graded(self, key: int, result: GradeResult) -> None:
        row = self._trying.get(key)
        if row is not None and row in self._rows:
            row.show_result(result)

    @Slot()
    def _on_trial_finished(self) -> None:
        self._trying = {}
        self._refresh_try()

    def _stop_trying(self, why: str = "") -> None:
        busy = self._trial.busy
        self._trial.cancel()
        for row in self._trying.values():
            if row in self._rows and busy and row.is_trying():
                not_tried = translate("expectations_editor", "not tried: {why}")
                row.show_message(not_tried.format(why=why) if why else "")
        self._trying = {}
        self._refresh_try()

    # -- saving ---------------------------------------------------------------------------

    def _insert_row(self, row: ExpectationRow, index: int | None = None) -> ExpectationRow:
        place = len(self._rows) if index is None else index
        self._rows.insert(place, row)
        self._rows_layout.insertWidget(place + 1, row)
        row.changed.connect(lambda: self._on_row_changed(row))
        row.remove_requested.connect(lambda: self.remove_row(row))
        self._fix_tab_order()
        self.rows_area.ensureWidgetVisible(row)
        return row

    def _on_row_changed(self, row: ExpectationRow) -> None:
        if row in self._trying.values():
            self._trying = {k: r for k, r in self._trying.items() if r is not row}
        self._save_later()
        self._refresh()

    def _save_pending(self) -> None:
        """Write each row the core accepts and the journal does not have yet."""
        from journal.core.grades import update_expectation

        for row in self._rows:
            expectation = row.expectation()
            if expectation is None or row.adding or expectation == row.sent:
                continue
            if row.saved_id is None:
                self._add(row, expectation)
                continue
            saved_id = row.saved_id
            row.sent = expectation
            self._write(
                lambda s, e=expectation, i=saved_id: update_expectation(s, i, e),
                lambda saved, r=row: self._on_row_saved(r, saved),
                row,
            )
        if self._rule != self._saved_rule and self._experiment_id is not None:
            from journal.core.grades import set_combine_rule

            rule, experiment_id = self._rule, self._experiment_id
            self._saved_rule = rule
            self._write(lambda s: set_combine_rule(s, experiment_id, rule))

    def _add(self, row: ExpectationRow, expectation: Expectation) -> None:
        from journal.core.grades import add_expectation

        experiment_id = self._experiment_id
        assert experiment_id is not None
        before = self._rows[: self._rows.index(row)]
        position = 1 + sum(1 for other in before if other.saved_id is not None or other.adding)
        row.adding, row.sent = True, expectation
        self._write(
            lambda s: add_expectation(s, experiment_id, expectation, position=position),
            lambda saved: self._on_row_added(row, saved),
            row,
        )

    def _on_row_added(self, row: ExpectationRow, saved: SavedExpectation) -> None:
        row.adding = False
        row.saved_id, row.saved = saved.id, saved.expectation
        if row.removed:  # removed while its add was on the way
            from journal.core.grades import remove_expectation

            self._write(lambda s: remove_expectation(s, saved.id))
            return
        if row in self._rows:
            self._sync_order()
            if row.expectation() != row.sent:
                self._save_later()

    def _on_row_saved(self, row: ExpectationRow, saved: SavedExpectation) -> None:
        row.saved = saved.expectation

    def _on_write_failed(self, row: ExpectationRow | None, error: JournalError) -> None:
        if row is None or row not in self._rows:
            if self._context is not None:
                self._context.report(error)
            return
        row.adding = False
        row.sent = row.saved
        row.show_message(error_text(error), ERROR_COLOUR)

    def _sync_order(self) -> None:
        """Write the order shown, once every row shown is in the journal."""
        from journal.core.grades import reorder_expectations

        if self._experiment_id is None or any(row.adding for row in self._rows):
            return
        experiment_id = self._experiment_id
        ids = [row.saved_id for row in self._rows if row.saved_id is not None]
        self._write(lambda s: reorder_expectations(s, experiment_id, ids))

    def _write(
        self,
        change: Any,
        on_done: Any = None,
        row: ExpectationRow | None = None,
    ) -> None:
        if self._context is not None:
            self._context.write(
                change, on_done, lambda error: self._on_write_failed(row, error), owner=self
            )

    # -- the rule and the summary ---------------------------------------------------------

    def _show_rule(self, rule: CombineRule) -> None:
        self._rule = self._saved_rule = rule
        for widget in (self.combine, self.threshold):
            widget.blockSignals(True)
        self.combine.setCurrentIndex(1 if rule.weighted else 0)
        self.threshold.setValue(rule.threshold or DEFAULT_THRESHOLD)
        for widget in (self.combine, self.threshold):
            widget.blockSignals(False)

    @Slot()
    def _on_rule_edited(self) -> None:
        weighted = bool(self.combine.currentData())
        self._rule = CombineRule.weighted_at(self.threshold.value()) if weighted else CombineRule()
        self._save_later()
        self._refresh()

    def _refresh(self) -> None:
        self._none.setVisible(not self._rows)
        self.threshold.setEnabled(self._rule.weighted)
        summary = _combine_summary(len(self._rows), self._rule)
        self.summary.setText(summary)
        toggle_tip = translate("expectations_editor", "{summary}. Show or hide them (Alt+E)")
        self.toggle.setToolTip(toggle_tip.format(summary=summary))
        self._refresh_try()

    def _refresh_try(self) -> None:
        busy = self._trial.busy
        why = "" if busy else self._why_not_try()
        self.try_button.setText(
            translate("expectations_editor", "Cancel &trying")
            if busy
            else translate("expectations_editor", TRY_LABEL)
        )
        self.try_button.setEnabled(not why)
        try_tip = translate("expectations_editor", TRY_TIP).format(keys=TRY_KEYS)
        self.try_button.setToolTip(
            translate("expectations_editor", "Stop asking the judge or embedding model")
            if busy
            else why or try_tip
        )

    def _show_add_message(self, text: str) -> None:
        self.add_message.setText(text)
        self.add_message.setToolTip(text)
        self.add_message.setVisible(bool(text))

    @Slot()
    def _on_add_line_edited(self) -> None:
        self._show_add_message("")

    @Slot(bool)
    def _on_toggle_toggled(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self.controls.setVisible(shown)
        self.summary.setVisible(not shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.toggle.setArrowType(arrow)

    # -- focus ----------------------------------------------------------------------------

    def _focused_row(self) -> ExpectationRow | None:
        focus = QApplication.focusWidget()
        return next((row for row in self._rows if focus and row.isAncestorOf(focus)), None)

    def _fix_tab_order(self) -> None:
        fields = [field for row in self._rows for field in row.fields()]
        chain = [self.add_line, self.add_button, self.from_format_button, *fields]
        chain += [self.combine, self.threshold, self.try_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)


def _same(row: ExpectationRow, expectation: Expectation) -> bool:
    """The row checks what `expectation` checks (its name and weight aside)."""
    mine = row.expectation()
    return mine is not None and (mine.kind, mine.value, mine.negated, mine.target) == (
        expectation.kind,
        expectation.value,
        expectation.negated,
        expectation.target,
    )


def _combine_summary(count: int, rule: CombineRule) -> str:
    """One line for a collapsed list: "3 expectations, all must pass"."""
    if count == 0:
        return translate("expectations_editor", "No expectations: runs are not graded")
    if rule.threshold is None:
        return translate("expectations_editor", "%n expectation(s), all must pass", None, count)
    return translate(
        "expectations_editor", "%n expectation(s), weighted score at least {threshold}", None, count
    ).format(threshold=f"{rule.threshold:g}")
