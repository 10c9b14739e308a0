"""Every run the window records is graded when it ends: the open journal's one grading
queue, and what it does, told to the window as signals.

The queue (journal.core.grading_queue, the same one `journal run` drives) grades a run's
deterministic expectations at once, on the writer thread, and the judge and embedding ones
in the background, behind the person's runs on the host. Its events arrive on its own
worker thread; they reach the GUI thread through the one relay of journal.gui.tasks
(`TaskRunner.listen`), in batches. A new queue is made for a new journal, a new host or new
judge/embedding settings; closing cancels what is in flight and never waits on a judge.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, QObject, Signal

from journal.core.domain import RunStatus

if TYPE_CHECKING:
    from journal.core.grading_queue import GradingQueue
    from journal.core.models import Run
    from journal.gui.context import AppContext
    from journal.gui.tasks import Listener

translate = QCoreApplication.translate

RELAY_INTERVAL_MS = 100  # grading news reaches the window at most this often
CLOSE_WAIT_SECONDS = 2.0  # a cancelled judgement ends in milliseconds; never wait longer

ModelSource = Callable[[], tuple[str, str]]
"""(judge model, embedding model) as the person chose them; "" for none."""


class GradingRelay(QObject):
    """Grades runs as they end and on request; says which runs' grades changed and how
    many runs still wait for a judge or an embedding model."""

    grades_changed = Signal(int)  # a run whose grades (or outcome) changed
    pending_changed = Signal(int)  # runs waiting for background grades now

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)  # reached as the parent, not kept: no reference cycle
        self._models: ModelSource | None = None
        self._queue: GradingQueue | None = None
        self._listener: Listener | None = None
        self._lock = threading.Lock()  # guards _waiting: the worker thread counts down
        self._waiting: Counter[int] = Counter()

    @property
    def _context(self) -> AppContext:
        # The parent, asked for each time: a reference kept here would make the context
        # part of a cycle, freed by the garbage collector on whatever thread it runs on.
        return cast("AppContext", self.parent())

    # -- what the window asks --------------------------------------------------------------

    def set_models(self, source: ModelSource) -> None:
        """Where the judge and embedding models come from (the Settings)."""
        self._models = source
        self.restart()

    def models_may_have_changed(self) -> None:
        """After Settings: a new queue with the models chosen now, if they changed (what is
        in flight is cancelled then; otherwise it goes on)."""
        if self._queue is None or self._models is None:
            return
        if self._models() != (self._queue.judge_model, self._queue.embedding_model):
            self.restart()

    @property
    def pending(self) -> int:
        """Runs queued or being graded in the background."""
        with self._lock:
            return sum(1 for count in self._waiting.values() if count > 0)

    def is_pending(self, run_id: int) -> bool:
        with self._lock:
            return self._waiting[run_id] > 0

    def grade_finished(self, run: Run) -> None:
        """A run just ended: grade it (a failed or cancelled one is not graded: it needs a
        look). Deterministic grades are stored on the writer thread at once, the rest is
        queued; `grades_changed` says when each lands."""
        run_id = run.id
        if run_id is None:
            return
        queue = self._open() if run.status is RunStatus.DONE else None
        if queue is None:
            self.grades_changed.emit(run_id)
            return

        self._count(run_id, 1)  # "grading…" from now: the deterministic grades come first

        def work() -> None:
            from journal.core.grades import expectations_of_run

            queued = False
            try:
                with queue.journal.read() as session:
                    expectations = expectations_of_run(session, run)
                queue.grade_finished(run_id)  # queues the background part last
                queued = any(saved.expectation.kind.needs_ollama for saved in expectations)
            except RuntimeError:  # the queue was closed meanwhile (another journal, quitting)
                pass
            finally:
                if not queued:  # else the queue's own "finished" counts it down
                    self._count(run_id, -1)

        self._context.write_in_order(work, lambda _: self._after_enqueue(run_id), self._failed)

    def regrade(self, run_ids: list[int]) -> int:
        """Grade these runs again, everything (history is kept); returns how many."""
        queue = self._open()
        if queue is None or not run_ids:
            return 0
        for run_id in run_ids:
            self._count(run_id, 1)
        queue.regrade(run_ids)
        for run_id in run_ids:  # their marks say "grading…" until the new grades land
            self.grades_changed.emit(run_id)
        self.pending_changed.emit(self.pending)
        return len(run_ids)

    def regrade_experiment(self, experiment_id: int) -> int:
        """Grade every finished run of the experiment again; returns how many."""
        from journal.core.grades import runs_to_grade

        run_ids = self._context.read(
            lambda s: runs_to_grade(s, experiment_id=experiment_id), quiet=True
        )
        return self.regrade(run_ids or [])

    def cancel(self) -> int:
        """Stop grading: what is queued is dropped, what is in flight is not stored. Returns
        how many runs were still waiting."""
        waiting = self.pending
        if self._queue is not None:
            self._queue.cancel()
        with self._lock:
            self._waiting.clear()
        self.pending_changed.emit(0)
        return waiting

    def restart(self) -> None:
        """Drop the queue (cancelling its work); the next grade makes a new one with the
        journal, host and models as they are now."""
        self.close()

    def close(self) -> None:
        """Cancel and stop the queue without waiting on a judge (quitting, switching)."""
        queue, self._queue = self._queue, None
        listener, self._listener = self._listener, None
        if queue is not None:
            queue.close(timeout=CLOSE_WAIT_SECONDS)
        if listener is not None:
            listener.close()
        with self._lock:
            had = bool(self._waiting)
            self._waiting.clear()
        if had:
            self.pending_changed.emit(0)

    # -- the queue -------------------------------------------------------------------------

    def _open(self) -> GradingQueue | None:
        if self._queue is not None:
            return self._queue
        journal, service = self._context.journal, self._context.service
        if journal is None or service is None:
            return None
        from journal.core.grading_queue import GradingEvents, GradingQueue

        judge_model, embedding_model = self._models() if self._models else (None, None)
        listener = self._context.tasks.listen(
            self._on_listener_items, interval_ms=RELAY_INTERVAL_MS, owner=self
        )
        report = listener.report

        def ended(run_id: int, *rest: Any) -> None:
            self._count(run_id, -1)
            report(("ended", run_id, *rest))

        events = GradingEvents(
            graded=lambda grade: report(("graded", grade.run_id)),
            finished=lambda run_id, _outcome: ended(run_id),
            failed=lambda run_id, message: ended(run_id, message),
        )
        self._listener = listener
        self._queue = GradingQueue(
            journal,
            service,
            judge_model=judge_model,
            embedding_model=embedding_model,
            events=events,
        )
        return self._queue

    def _count(self, run_id: int, change: int) -> None:
        """Any thread: one more (or one fewer) background grading of `run_id` to wait for."""
        with self._lock:
            count = self._waiting[run_id] + change
            if count > 0:
                self._waiting[run_id] = count
            else:
                self._waiting.pop(run_id, None)

    def _after_enqueue(self, run_id: int) -> None:
        self.grades_changed.emit(run_id)
        self.pending_changed.emit(self.pending)

    def _failed(self, error: Any) -> None:
        self._context.report(error, quiet=True, about=translate("grading_relay", "Grading failed:"))

    def _on_listener_items(self, items: list[Any]) -> None:
        changed: list[int] = []
        for item in items:
            run_id = item[1]
            if run_id not in changed:
                changed.append(run_id)
            if item[0] == "ended" and len(item) > 2:  # the journal's message: a quiet line
                failed = translate("grading_relay", "Grading run {id} failed: {message}")
                self._context.say(failed.format(id=run_id, message=item[2]), 15_000)
        for run_id in changed:
            self.grades_changed.emit(run_id)
        self.pending_changed.emit(self.pending)
