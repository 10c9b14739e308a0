"""The batch window's runner: creates and runs batches off the GUI thread, and relays each
item's end, each grade and each host that stops answering.

One runner per window, kept while the window is open, because its grading queue is the only
one that knows which grades are still coming (`grading_runs`). Its news comes from the
pass's threads (one per host slot) and the grading queue's worker; all of it reaches the
GUI thread through the one relay of journal.gui.tasks (`TaskRunner.listen`), in throttled
batches. The runner is closed by whichever ends last, the window or a pass still finishing
on its thread, so a pass never grades on a closed queue (as the check window's runner).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

if TYPE_CHECKING:
    from journal.core.batches import BatchRunner, BatchRunResult
    from journal.core.cancel import CancelToken
    from journal.core.check_triage import ItemTriage
    from journal.core.errors import JournalError
    from journal.core.host_limits import HostLimit
    from journal.core.models import Run
    from journal.gui.context import AppContext
    from journal.gui.tasks import Listener

translate = QCoreApplication.translate

RELAY_INTERVAL_MS = 150  # items ending and grades landing reach the window at most this often
CLOSE_WAIT_SECONDS = 2.0  # a cancelled judgement ends in milliseconds; never wait longer


class BatchJob(QObject):
    """Runs one batch pass at a time for a window, over the hosts it was given."""

    news = Signal()  # items ended or grades landed: read the batch again
    items_finished = Signal(int)  # how many items ended since the last news
    host_down = Signal(str, str)  # address, why: its items go to the other hosts
    grading_failed = Signal(str)  # the journal's message: an item's grades were not stored

    def __init__(
        self, context: AppContext, hosts: Sequence[HostLimit], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._hosts = list(hosts)
        self._pool = QThreadPool(self)  # one pass at a time; the pass spreads over hosts
        self._pool.setMaxThreadCount(1)
        self._lock = threading.Lock()  # guards _busy and _orphan across the pass's thread
        self._busy = False
        self._orphan: BatchRunner | None = None  # closed by the pass that still uses it
        self._runner: BatchRunner | None = None
        self._listener: Listener | None = None

    @property
    def grading_runs(self) -> frozenset[int]:
        """The runs whose judge or similarity grades are still coming."""
        return self._runner.grading_runs if self._runner is not None else frozenset()

    def create(
        self,
        experiment_id: int,
        models: list[str],
        repeat: int,
        on_done: Callable[[int], None],
        on_error: Callable[[JournalError], None],
    ) -> None:
        """Save a new batch of the experiment's latest prompt (in the background, since it
        asks each host for the models' digests); `on_done(batch_id)`."""
        runner = self._open()

        def create() -> int:
            return runner.create(experiment_id, models, repeat=repeat)

        self._context.tasks.run(create, on_done, on_error, pool=self._pool, owner=self)

    def run(
        self,
        batch_id: int,
        *,
        resume: bool,
        cancel: CancelToken,
        drain: threading.Event,
        on_done: Callable[[BatchRunResult], None],
        on_error: Callable[[JournalError], None],
    ) -> None:
        """Run (or resume) the batch on a pool thread; `cancel` stops the streams, `drain`
        lets them end and starts no more."""
        from journal.core.batches import BatchEvents

        runner = self._open()
        listener = self._listener
        assert listener is not None
        post = listener.report

        def finished(_position: int, _total: int, _run: Run) -> None:
            post(("finished",))

        def graded(_position: int, _run_id: int, _triage: ItemTriage) -> None:
            post(("graded",))

        def failed(position: int, message: str) -> None:
            line = translate("batch_job", "Grading item {position} failed: {message}")
            post(("failed", line.format(position=position, message=message)))

        def down(address: str, reason: str) -> None:
            post(("down", address, reason))

        events = BatchEvents(
            finished=finished, graded=graded, grading_failed=failed, host_down=down
        )
        with self._lock:
            self._busy = True

        def work() -> BatchRunResult:
            go = runner.resume if resume else runner.run
            try:
                return go(batch_id, cancel=cancel, drain=drain, events=events)
            finally:
                self._pass_ended(runner)

        self._context.tasks.run(work, on_done, on_error, pool=self._pool, owner=self)

    def close(self) -> None:
        """Stop grading (what is missing stays for a resume); the runner closes now, or
        when a pass still running ends."""
        runner, self._runner = self._runner, None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if runner is None:
            return
        runner.cancel_grades()
        with self._lock:
            busy = self._busy
            self._orphan = runner if busy else None
        if not busy:
            runner.close(CLOSE_WAIT_SECONDS)

    # -- internals --------------------------------------------------------------------

    def set_hosts(self, hosts: Sequence[HostLimit]) -> None:
        """The hosts the next pass spreads over (never changed under a running pass: the
        window only lets them change while idle)."""
        self._hosts = list(hosts)
        if self._runner is not None:
            self._runner.hosts = list(hosts)

    def _open(self) -> BatchRunner:
        if self._runner is not None:
            return self._runner
        from journal.core.batches import BatchRunner

        journal, service = self._context.journal, self._context.service
        assert journal is not None and service is not None, "opened only when both are"
        self._listener = self._context.tasks.listen(
            self._on_listener_items, interval_ms=RELAY_INTERVAL_MS, owner=self
        )
        # The Settings' judge and embedder grade; items spread over the window's hosts.
        self._runner = BatchRunner(journal, service, hosts=self._hosts)
        return self._runner

    def _pass_ended(self, runner: BatchRunner) -> None:
        """The pass's thread: close the runner if the window closed meanwhile."""
        with self._lock:
            self._busy = False
            orphan, self._orphan = self._orphan, None
        if orphan is runner:
            runner.close(CLOSE_WAIT_SECONDS)

    def _on_listener_items(self, items: list[Any]) -> None:
        ended = 0
        for item in items:
            if item[0] == "finished":
                ended += 1
            elif item[0] == "down":
                self.host_down.emit(item[1], item[2])
            elif item[0] == "failed":
                self.grading_failed.emit(item[1])
        if ended:
            self.items_finished.emit(ended)
        self.news.emit()
