""" "Try on the selected run": grade expectations on one run without saving anything.

Deterministic kinds answer at once, on the GUI thread; `judge` and `similar` ask Ollama in
the background (seconds, behind the person's own runs on the host), one after another, each
result coming back through the context's task relay as soon as it is known. Nothing is
written: `grade_one` stores nothing, and a try is never a grade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, QObject, Signal

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import JournalError
from journal.core.expectations import Expectation, Kind
from journal.core.grading import GradeResult, GradeStatus, grade_deterministic
from journal.gui.i18n import error_text
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.gui.context import AppContext
    from journal.gui.tasks import Task

translate = QCoreApplication.translate

PROGRESS_MS = 100

NO_MODEL = cast(
    dict[Kind, str],
    {
        Kind.JUDGE: QT_TRANSLATE_NOOP(
            "expectation_trial", "No judge model is set: choose a judge model in Settings."
        ),
        Kind.SIMILAR: QT_TRANSLATE_NOOP(
            "expectation_trial", "No embedding model is set: choose an embedding model in Settings."
        ),
    },
)


def _ask_ollama(
    expectation: Expectation,
    conversation: Sequence[Run],
    service: OllamaService | None,
    cancel: CancelToken,
) -> GradeResult:
    """One judge or similar grading, on a worker thread; StreamCancelled when cancelled."""
    from journal.core.grading_queue import grade_one, grading_model

    kind = expectation.kind
    try:
        model = grading_model(kind)
    except JournalError as error:  # a settings file that cannot be read
        return GradeResult(GradeStatus.ERROR, error_text(error))
    if not model:
        return GradeResult(GradeStatus.ERROR, translate("expectation_trial", NO_MODEL[kind]))
    if service is None:
        return GradeResult(
            GradeStatus.ERROR, translate("expectation_trial", "Not connected to Ollama yet.")
        )
    return grade_one(
        expectation,
        conversation[-1],
        service,
        judge_model=model,
        embedding_model=model,
        cancel=cancel,
        conversation=conversation,
    )


class ExpectationTrial(QObject):
    """Grades (key, expectation) pairs on a run; `graded(key, result)` for each, then
    `finished()`. One try at a time: a new one cancels the one before."""

    graded = Signal(int, object)  # the caller's key, GradeResult
    finished = Signal()

    def __init__(self, context: AppContext | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._task: Task | None = None
        self._token: CancelToken | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def start(self, conversation: Sequence[Run], items: Sequence[tuple[int, Expectation]]) -> None:
        """Grade `items` on the last run of `conversation` (root first; a target may name
        an earlier turn): the deterministic ones now, the others in the background;
        `finished` once all are in (at once when none needs Ollama)."""
        self.cancel()
        run = conversation[-1]
        later = [(key, e) for key, e in items if e.kind.needs_ollama]
        for key, expectation in items:
            if not expectation.kind.needs_ollama:
                self.graded.emit(key, grade_deterministic(expectation, run, conversation))
        if not later or self._context is None:
            self.finished.emit()
            return
        token = self._token = CancelToken()
        service = self._context.service

        def work(report: Callable[[Any], None]) -> None:
            for key, expectation in later:
                try:
                    report((key, _ask_ollama(expectation, conversation, service, token)))
                except StreamCancelled:
                    return

        self._task = self._context.tasks.run_reporting(
            work,
            self._on_progress,
            self._on_done,
            self._on_failed,
            interval_ms=PROGRESS_MS,
            owner=self,
        )

    def cancel(self) -> None:
        """Stop asking: what is in flight is dropped, nothing more is reported."""
        if self._token is not None:
            self._token.cancel("try cancelled")
        if self._task is not None:
            self._task.cancel()
        self._task = self._token = None

    def _on_progress(self, items: list[tuple[int, GradeResult]]) -> None:
        for key, result in items:
            self.graded.emit(key, result)

    def _on_done(self, _: object) -> None:
        self._task = self._token = None
        self.finished.emit()

    def _on_failed(self, error: JournalError) -> None:
        self._task = self._token = None
        if self._context is not None:
            self._context.report(
                error,
                quiet=True,
                about=translate("expectation_trial", "Trying the expectations failed:"),
            )
        self.finished.emit()
