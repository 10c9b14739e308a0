"""The check window's migration checker: creates and runs checks off the GUI thread, and
relays where each item stands as its replay ends and as its judge grades land.

One checker per window, kept while the window is open, because its grading queue is the
only one that knows which grades are still coming (`grading_runs`): a checker made per pass
would forget them when the pass ends. Its news comes from two threads (the pass, then the
grading queue's worker, possibly after the pass returned); both reach the GUI thread through
the one relay of journal.gui.tasks (`TaskRunner.listen`), in throttled batches. Closing the
window stops grading without waiting on a judge; what was not graded then is what resuming
the check grades (the core's resume gives only the missing grades). The checker is closed by
whichever ends last, the window or a pass still finishing on its thread, so a pass never
grades on a closed queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

if TYPE_CHECKING:
    from journal.core.cancel import CancelToken
    from journal.core.check_triage import ItemTriage
    from journal.core.domain import ExperimentFilter
    from journal.core.errors import JournalError
    from journal.core.migration_check import CheckRunResult, MigrationChecker
    from journal.core.models import Run
    from journal.gui.context import AppContext
    from journal.gui.tasks import Listener, Report

translate = QCoreApplication.translate

RELAY_INTERVAL_MS = 100  # grading news reaches the window at most this often
CLOSE_WAIT_SECONDS = 2.0  # a cancelled judgement ends in milliseconds; never wait longer

Progress = tuple[int, int, int, int]
"""(position, total, original run id, new run id) after each replay."""


class CheckRunner(QObject):
    """Runs one check at a time for a window; says when items' grades change."""

    graded = Signal()  # some items' grades changed (read the check again)
    grading_failed = Signal(str)  # the journal's message: an item's grades were not stored

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._pool = QThreadPool(self)  # one check at a time, apart from the writer
        self._pool.setMaxThreadCount(1)
        self._lock = threading.Lock()  # guards _busy and _orphan across the pass's thread
        self._busy = False
        self._orphan: MigrationChecker | None = None  # closed by the pass that still uses it
        self._checker: MigrationChecker | None = None
        self._listener: Listener | None = None

    @property
    def grading_runs(self) -> frozenset[int]:
        """The replays whose judge or similarity grades are still coming."""
        return self._checker.grading_runs if self._checker is not None else frozenset()

    def create(
        self,
        target: str,
        filters: ExperimentFilter | None,
        run_ids: list[int] | None,
        name: str,
        regenerate: bool,
        on_done: Callable[[int], None],
        on_error: Callable[[JournalError], None],
    ) -> None:
        """Save a new check (in the background); `on_done(check_id)`. With `regenerate`,
        a turn of a conversation is replayed with every turn before it sent again."""
        checker = self._open()

        def create() -> int:
            if run_ids is not None:
                return checker.create(target, run_ids=run_ids, name=name, regenerate=regenerate)
            return checker.create(target, filters=filters, name=name, regenerate=regenerate)

        self._context.tasks.run(create, on_done, on_error, pool=self._pool, owner=self)

    def run(
        self,
        check_id: int,
        *,
        resume: bool,
        cancel: CancelToken,
        on_progress: Callable[[list[Progress]], None],
        on_done: Callable[[CheckRunResult], None],
        on_error: Callable[[JournalError], None],
        interval_ms: int,
    ) -> None:
        """Run (or resume) the check on a pool thread; progress after each replay."""
        from journal.core.migration_check import CheckEvents

        checker = self._open()
        listener = self._listener
        assert listener is not None
        post = listener.report

        def graded(position: int, _run_id: int, _triage: ItemTriage) -> None:
            post(("graded", position))

        def failed(position: int, message: str) -> None:
            post(("failed", position, message))

        events = CheckEvents(graded=graded, grading_failed=failed)
        with self._lock:
            self._busy = True

        def work(report: Report) -> CheckRunResult:
            def progress(position: int, total: int, run: Run) -> None:
                report((position, total, run.replay_of_id or 0, run.id or 0))

            go = checker.resume if resume else checker.run
            try:
                return go(check_id, cancel=cancel, progress=progress, events=events)
            finally:
                self._pass_ended(checker)

        self._context.tasks.run_reporting(
            work,
            on_progress,
            on_done,
            on_error,
            interval_ms=interval_ms,
            pool=self._pool,
            owner=self,
        )

    def close(self) -> None:
        """Stop grading (what is missing stays for a resume); the checker closes now, or
        when a pass still running ends. A later pass makes a new one."""
        checker, self._checker = self._checker, None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if checker is None:
            return
        checker.cancel_grades()
        with self._lock:
            busy = self._busy
            self._orphan = checker if busy else None
        if not busy:
            checker.close(CLOSE_WAIT_SECONDS)

    # -- internals --------------------------------------------------------------------

    def _open(self) -> MigrationChecker:
        if self._checker is not None:
            return self._checker
        from journal.core.migration_check import MigrationChecker

        journal, service = self._context.journal, self._context.service
        assert journal is not None and service is not None, "opened only when both are"
        self._listener = self._context.tasks.listen(
            self._on_listener_items, interval_ms=RELAY_INTERVAL_MS, owner=self
        )
        # The Settings' judge and embedder; the replays spread over the Settings' hosts.
        self._checker = MigrationChecker(journal, service, hosts=self._context.host_limits())
        return self._checker

    def _pass_ended(self, checker: MigrationChecker) -> None:
        """The pass's thread: close the checker if the window closed meanwhile."""
        with self._lock:
            self._busy = False
            orphan, self._orphan = self._orphan, None
        if orphan is checker:
            checker.close(CLOSE_WAIT_SECONDS)

    def _on_listener_items(self, items: list[Any]) -> None:
        for item in items:
            if item[0] == "failed":
                self.grading_failed.emit(
                    translate("check_runner", "Grading item {item} failed: {message}").format(
                        item=item[1], message=item[2]
                    )
                )
        self.graded.emit()
