"""Runs a prompt in the background and feeds the window coalesced batches of text.

The recorder calls back for every chunk on its own thread; appending there is only a list
append under a lock. A GUI-thread timer drains the buffer ~25 times a second, so a stream
of 5,000 tiny chunks becomes a few dozen repaints instead of 5,000 signals.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from journal.core.cancel import CancelToken
from journal.core.errors import JournalError
from journal.gui.tasks import run_in_background

DRAIN_INTERVAL_MS = 40


class _Buffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._content: list[str] = []
        self._thinking: list[str] = []
        self.chunks = 0
        self.first_chunk_at: float | None = None

    def add(self, content: str, thinking: str) -> None:
        with self._lock:
            if self.first_chunk_at is None:
                self.first_chunk_at = time.monotonic()
            self.chunks += 1
            if content:
                self._content.append(content)
            if thinking:
                self._thinking.append(thinking)

    def take(self) -> tuple[str, str]:
        with self._lock:
            content, self._content = "".join(self._content), []
            thinking, self._thinking = "".join(self._thinking), []
        return content, thinking


class RunController(QObject):
    """One run at a time; `stop()` cancels within milliseconds, keeping the partial text."""

    started = Signal(object)  # the pending Run, already on disk
    text_received = Signal(str, str)  # content, thinking (a batch)
    stats_updated = Signal(dict)  # live figures: chunks, seconds, first_token, rate
    finished = Signal(object)  # the recorded Run, whatever its status
    failed = Signal(object)  # a JournalError that kept the run from being recorded
    notice = Signal(str)  # something to tell the person before the answer, e.g. new weights
    silent = Signal(float)  # seconds Ollama has sent nothing, repeated while it stays silent
    save_failed = Signal(str)  # why the answer is not on disk yet; it is kept in memory
    saved = Signal()  # after save_failed: everything received is on disk now

    _run_created = Signal(object)
    _notice_found = Signal(str)
    _silence_found = Signal(float)
    _save_failure_found = Signal(str)
    _save_found = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._cancel: CancelToken | None = None
        self._abandon: CancelToken | None = None
        self._buffer: _Buffer | None = None
        self._answer: list[str] = []  # everything streamed so far, for "save answer as"
        self._started_at = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._run_created.connect(self._on_run_created)
        # Emitted from the run's threads; these connections deliver them in the GUI thread.
        self._notice_found.connect(self.notice)
        self._silence_found.connect(self.silent)
        self._save_failure_found.connect(self.save_failed)
        self._save_found.connect(self.saved)

    @property
    def is_running(self) -> bool:
        return self._cancel is not None

    def start(self, journal: Any, service: Any, spec: Any) -> bool:
        """Start `spec` (a core RunSpec); False if a run is already going."""
        from journal.core.runner import RunRecorder

        recorder = RunRecorder(journal, service)
        return self._launch(
            lambda cancel, events, abandon: recorder.execute(
                spec, cancel=cancel, events=events, abandon=abandon
            )
        )

    def start_replay(self, journal: Any, service: Any, run_id: int, model: str | None) -> bool:
        """Replay run `run_id` as recorded (on `model` instead, if given), linked to it.

        Before anything is recorded the model's current digest is compared with the one the
        run used; a changed tag or a missing model is said through `notice` / `failed`.
        """
        from journal.core.replay import ReplayEdits, Replayer, require_available

        replayer = Replayer(journal, service)

        def replay(cancel: CancelToken, events: Any, abandon: CancelToken) -> Any:
            plan = replayer.plan(run_id, ReplayEdits(model=model) if model else None)
            identity = replayer.identify(plan)
            warning = identity.warning()
            if warning and identity.available:
                self._notice_found.emit(warning)
            require_available([identity])
            return replayer.replay(
                plan, cancel=cancel, events=events, identity=identity, abandon=abandon
            )

        return self._launch(replay)

    def _launch(self, execute: Any) -> bool:
        if self._cancel is not None:
            return False
        from journal.core.runner import RunEvents

        cancel, abandon = CancelToken(), CancelToken()
        buffer = _Buffer()
        self._cancel, self._abandon, self._buffer = cancel, abandon, buffer
        self._answer = []
        self._started_at = time.monotonic()
        events = RunEvents(
            started=self._run_created.emit,
            chunk=buffer.add,
            silent=self._silence_found.emit,
            save_failed=self._save_failure_found.emit,
            saved=self._save_found.emit,
        )
        run_in_background(
            lambda: execute(cancel, events, abandon), self._on_done, self._on_error, pool=self._pool
        )
        self._timer.start()
        return True

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    def abandon_saving(self) -> None:
        """Stop waiting for the journal to accept an answer it refused (disk full, say): the
        run ends with RunNotSavedError, which carries the whole text, through `failed`."""
        if self._abandon is not None:
            self._abandon.cancel()

    def answer_so_far(self) -> str:
        """The answer text streamed by the current (or last) run, whatever is on disk."""
        return "".join(self._answer)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the run's thread is done (used when quitting)."""
        return bool(self._pool.waitForDone(msecs))

    @Slot(object)
    def _on_run_created(self, run: Any) -> None:
        self.started.emit(run)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._drain()

    def _drain(self) -> None:
        buffer = self._buffer
        if buffer is None:
            return
        content, thinking = buffer.take()
        if content:
            self._answer.append(content)
        if content or thinking:
            self.text_received.emit(content, thinking)
        now = time.monotonic()
        first = buffer.first_chunk_at
        stats: dict[str, Any] = {"chunks": buffer.chunks, "seconds": now - self._started_at}
        if first is not None:
            stats["first_token"] = first - self._started_at
            streaming = now - first
            if streaming > 0.2:
                stats["rate"] = buffer.chunks / streaming
        self.stats_updated.emit(stats)

    def _finish(self) -> None:
        self._timer.stop()
        self._drain()
        self._cancel = None
        self._abandon = None
        self._buffer = None

    def _on_done(self, run: Any) -> None:
        self._finish()
        self.finished.emit(run)

    def _on_error(self, error: JournalError) -> None:
        self._finish()
        self.failed.emit(error)
