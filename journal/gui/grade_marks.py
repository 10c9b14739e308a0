"""A run's grades as a person reads them: one mark per expectation (a symbol and a colour,
so it reads without colour), the reason on hover and in full on click, what they add up to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import RunStatus, Verdict
from journal.core.grading import GradeStatus, OutcomeStatus, RunOutcome, ungraded_because
from journal.core.messages import Message
from journal.gui.i18n import message_text
from journal.gui.table_style import VERDICT_COLOURS
from journal.gui.translating import QT_TRANSLATE_NOOP, decimal

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.grades import Grade, SavedExpectation

translate = QCoreApplication.translate

SYMBOLS = {
    GradeStatus.PASS: "✓",
    GradeStatus.FAIL: "✗",
    GradeStatus.UNSURE: "?",
    GradeStatus.ERROR: "⚠",
}
WORDS = cast(
    dict[GradeStatus, str],
    {
        GradeStatus.PASS: QT_TRANSLATE_NOOP("grade_marks", "passes"),
        GradeStatus.FAIL: QT_TRANSLATE_NOOP("grade_marks", "fails"),
        GradeStatus.UNSURE: QT_TRANSLATE_NOOP("grade_marks", "unsure"),
        GradeStatus.ERROR: QT_TRANSLATE_NOOP("grade_marks", "could not be graded"),
    },
)
COLOURS = {
    GradeStatus.PASS: VERDICT_COLOURS[Verdict.WORKED],
    GradeStatus.FAIL: VERDICT_COLOURS[Verdict.FAILED],
    GradeStatus.UNSURE: VERDICT_COLOURS[Verdict.PARTLY],
    GradeStatus.ERROR: VERDICT_COLOURS[Verdict.PARTLY],
}
OUTCOME_SYMBOLS = {OutcomeStatus.PASS: "✓", OutcomeStatus.FAIL: "✗", OutcomeStatus.NEEDS_LOOK: "?"}
PENDING_SYMBOL = "…"
UNGRADED_SYMBOL = "–"
MARK_ROWS = 2  # the strip shows this many rows of marks, then scrolls
MARK_CHARS = 40  # a longer label (a judge's rubric) is cut here; the tooltip has it all


@dataclass(frozen=True)
class Mark:
    """One expectation on one run: its current grade, or why there is none."""

    label: str
    status: GradeStatus | None  # None: not graded (yet)
    reason: str
    pending: bool = False  # a judge or an embedding model is still to answer
    old_text: str = ""  # the expectation was edited since: the text this grade is about

    @property
    def symbol(self) -> str:
        if self.status is not None:
            return SYMBOLS[self.status]
        return PENDING_SYMBOL if self.pending else UNGRADED_SYMBOL

    @property
    def verdict_words(self) -> str:
        if self.status is not None:
            return translate("grade_marks", WORDS[self.status])
        if self.pending:
            return translate("grade_marks", "grading…")
        return translate("grade_marks", "not graded")

    @property
    def explanation(self) -> str:
        """What the tooltip and the details area say, in full."""
        text = translate("grade_marks", "{label}: {verdict}").format(
            label=self.label, verdict=self.verdict_words
        )
        if self.reason:
            text += f" — {self.reason}"
        if self.old_text:
            text += "\n" + translate(
                "grade_marks",
                "Graded against an older version ({old}); "
                "re-grade (Ctrl+G) to grade it as it is now.",
            ).format(old=self.old_text)
        return text


@dataclass(frozen=True)
class RunGrades:
    """A run's marks, in the expectations' order, and what they add up to."""

    run_id: int
    marks: tuple[Mark, ...]
    outcome: RunOutcome
    pending: bool = False

    @property
    def cell(self) -> str:
        """The run history's column: `✓ 3/3`, `✗ 1/3`, `?` (needs a look), `…` grading."""
        outcome = self.outcome
        if self.pending and outcome.status is not OutcomeStatus.FAIL:
            return f"{PENDING_SYMBOL} {outcome.passed}/{outcome.total}"
        if outcome.total == 0:
            return ""
        if outcome.status is OutcomeStatus.NEEDS_LOOK:
            return "?"
        return f"{OUTCOME_SYMBOLS[outcome.status]} {outcome.passed}/{outcome.total}"

    @property
    def summary(self) -> str:
        """One line above the marks: `✗ 1 of 3 pass; missing 'Paris'`."""
        outcome = self.outcome
        if outcome.status is OutcomeStatus.NEEDS_LOOK:
            text = translate("grade_marks", "? Needs a look: {reason}").format(
                reason=outcome_text(outcome)
            )
        else:
            text = f"{OUTCOME_SYMBOLS[outcome.status]} {outcome_text(outcome)}"
        return text + (translate("grade_marks", " · grading…") if self.pending else "")

    @property
    def tooltip(self) -> str:
        """The history cell's tooltip: the summary and what did not pass, with reasons."""
        lines = [self.summary]
        lines += [
            f"{mark.symbol} {mark.explanation}"
            for mark in self.marks
            if mark.status is not GradeStatus.PASS
        ]
        return "\n".join(lines)


def counts_text(outcome: RunOutcome) -> str:
    """ "2 of 3 pass (1 unsure, 1 not graded)" in the window's language, from the figures
    (the CLI's English line is RunOutcome.summary)."""
    passed, unsure, errors, ungraded = (
        outcome.passed,
        outcome.unsure,
        outcome.errors,
        outcome.ungraded,
    )
    text = translate("grade_marks", "%n of {total} pass", None, passed).format(total=outcome.total)
    others = [
        counted
        for count, counted in (
            (unsure, translate("grade_marks", "%n unsure", None, unsure)),
            (errors, translate("grade_marks", "%n error(s)", None, errors)),
            (ungraded, translate("grade_marks", "%n not graded", None, ungraded)),
        )
        if count
    ]
    if not others:
        return text
    return translate("grade_marks", "{counts} ({others})").format(
        counts=text, others=", ".join(others)
    )


def outcome_text(outcome: RunOutcome) -> str:
    """What a run's grades add up to, in the window's language: the counts, a weighted
    rule's score, then why (a stored grade's reason stays as it was written)."""
    if outcome.said is not None:  # not graded at all
        return message_text(outcome.said)
    text = counts_text(outcome)
    if outcome.threshold is not None and outcome.score is not None:
        text = translate("grade_marks", "{counts}, score {score} (needs {threshold})").format(
            counts=text,
            score=decimal(outcome.score, 2),
            threshold=QLocale().toString(outcome.threshold, "g", 6),
        )
    detail = outcome.detail
    if isinstance(detail, Message):
        detail = message_text(detail)
    if not detail:
        return text
    return translate("grade_marks", "{counts}; {reason}").format(counts=text, reason=detail)


def read_run_grades(session: Session, run_id: int, *, pending: bool = False) -> RunGrades:
    """The run's current grades as marks; `pending`: background grades are on their way."""
    from journal.core.grades import current_grades, list_expectations, run_outcome
    from journal.core.queries import get_run

    run = get_run(session, run_id)
    expectations = list_expectations(session, run.experiment_id)
    grades = current_grades(session, run_id)
    outcome = run_outcome(session, run_id)
    return _run_grades(run_id, run.status, expectations, grades, outcome, pending)


def read_experiment_grades(
    session: Session, experiment_id: int, runs: dict[int, RunStatus], pending: set[int]
) -> list[RunGrades]:
    """The grades of `runs` (id: status) of the experiment, all read at once."""
    from journal.core.grades import experiment_grades, list_expectations

    expectations = list_expectations(session, experiment_id)
    found = experiment_grades(session, experiment_id)
    return [
        _run_grades(run_id, status, expectations, *found[run_id], run_id in pending)
        for run_id, status in runs.items()
        if run_id in found
    ]


def _run_grades(
    run_id: int,
    status: RunStatus,
    expectations: list[SavedExpectation],
    grades: list[Grade],
    outcome: RunOutcome,
    pending: bool,
) -> RunGrades:
    by_expectation = {grade.expectation_id: grade for grade in grades}
    marks = []
    for saved in expectations:
        grade = by_expectation.get(saved.id)
        if grade is not None:
            old = grade.expectation_text if grade.stale else ""
            marks.append(Mark(saved.label, grade.status, grade.reason, old_text=old))
            continue
        waiting = pending and status is RunStatus.DONE
        why = "" if waiting else _why_ungraded(status)
        marks.append(Mark(saved.label, None, why, pending=waiting))
    return RunGrades(run_id, tuple(marks), outcome, pending)


def _why_ungraded(status: RunStatus) -> str:
    if status is RunStatus.DONE:
        return translate("grade_marks", "added after this run was graded: re-grade (Ctrl+G)")
    return message_text(ungraded_because(status))


class GradeStrip(QWidget):
    """The shown run's marks under its answer; hidden when it has nothing to grade by."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grades: RunGrades | None = None
        self.summary_label = QLabel()
        self.summary_label.setObjectName("gradeSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.marks = QListWidget()
        self.marks.setObjectName("gradeMarks")
        self.marks.setAccessibleName(translate("grade_marks", "Grades of this run"))
        self.marks.setToolTip("")
        self.marks.setFlow(QListView.Flow.LeftToRight)
        self.marks.setWrapping(True)
        self.marks.setResizeMode(QListView.ResizeMode.Adjust)
        self.marks.setSpacing(2)
        self.marks.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.marks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._row_height = self.marks.fontMetrics().height() + 8
        self.details_label = QLabel()
        self.details_label.setObjectName("gradeDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.marks)
        layout.addWidget(self.details_label)
        self.marks.currentRowChanged.connect(self._on_marks_current_row_changed)
        self.show_grades(None)

    def grades(self) -> RunGrades | None:
        return self._grades

    def show_grades(self, grades: RunGrades | None) -> None:
        """Show `grades` (None, or a run with no expectations: hide the strip)."""
        same_run = grades is not None and self._grades is not None
        same_run = same_run and grades.run_id == self._grades.run_id  # type: ignore[union-attr]
        chosen = self.marks.currentRow() if same_run else -1
        self._grades = grades
        self.marks.blockSignals(True)
        self.marks.clear()
        if grades is None or not grades.marks:
            self.marks.blockSignals(False)
            self.details_label.hide()
            self.hide()
            return
        self.summary_label.setText(grades.summary)
        for mark in grades.marks:
            self.marks.addItem(_mark_item(mark))
        self.marks.blockSignals(False)
        if 0 <= chosen < self.marks.count():
            self.marks.setCurrentRow(chosen)
        else:
            self.details_label.hide()
        self.show()
        self._fit_marks()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_marks()

    def _fit_marks(self) -> None:
        """As tall as the marks need (they wrap at the pane's width), up to MARK_ROWS rows."""
        marks = self.marks
        if not marks.count():
            return
        marks.doItemsLayout()
        bottom = max(marks.visualItemRect(marks.item(i)).bottom() for i in range(marks.count()))
        needed = bottom + marks.verticalScrollBar().value() + 1 + 2 * marks.spacing()
        tallest = self._row_height * MARK_ROWS + 4
        marks.setFixedHeight(max(min(needed, tallest), self._row_height) + 2 * marks.frameWidth())

    @Slot(int)
    def _on_marks_current_row_changed(self, row: int) -> None:
        if self._grades is None or not 0 <= row < len(self._grades.marks):
            self.details_label.hide()
            return
        mark = self._grades.marks[row]
        self.details_label.setText(f"{mark.symbol} {mark.explanation}")
        self.details_label.show()


def _mark_item(mark: Mark) -> QListWidgetItem:
    label = mark.label if len(mark.label) <= MARK_CHARS else mark.label[: MARK_CHARS - 1] + "…"
    old = translate("grade_marks", " (old)") if mark.old_text else ""
    item = QListWidgetItem(f"{mark.symbol} {label}{old}")
    item.setToolTip(mark.explanation)
    item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{mark.verdict_words}: {mark.label}")
    if mark.status is not None:
        item.setForeground(QBrush(COLOURS[mark.status]))
    else:
        item.setForeground(QBrush(QColor(128, 128, 128)))
    if mark.old_text:
        font = QFont(item.font())
        font.setItalic(True)
        item.setFont(font)
    return item
