"""Run blocking work (Ollama calls, database writes) off the GUI thread.

A `Task` is a QObject that lives in the GUI thread; its work runs on a pool thread and
reports back through signals whose receivers are the Task's own slots, so the callbacks
always run on the GUI thread (in PySide6 a lambda connected straight to a worker's signal
would run in the worker's thread). Callers never see threads, only callbacks.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from journal.core.errors import JournalError

_live: set[Task] = set()  # keeps each Task alive until its callbacks have run


class Task(QObject):
    """One piece of background work and what to do with its outcome."""

    _succeeded = Signal(object)
    _failed = Signal(object)

    def __init__(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
    ) -> None:
        super().__init__()
        self._work = work
        self._on_done = on_done
        self._on_error = on_error
        self.cancelled = False
        self._succeeded.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)

    def cancel(self) -> None:
        """Drop the outcome: the work itself runs to its end, its callbacks do not run."""
        self.cancelled = True

    def run(self) -> None:  # called on the pool thread
        try:
            result = self._work()
        except JournalError as error:
            self._failed.emit(error)
        except BaseException:  # a bug: report it on the GUI thread, where the hook shows it
            self._failed.emit(sys.exc_info())
        else:
            self._succeeded.emit(result)

    @Slot(object)
    def _deliver_result(self, result: Any) -> None:
        _live.discard(self)
        if not self.cancelled and self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, error: Any) -> None:
        _live.discard(self)
        if self.cancelled:
            return
        if isinstance(error, JournalError):
            if self._on_error is not None:
                self._on_error(error)
            return
        kind, value, trace = error
        sys.excepthook(kind, value, trace)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task.run()


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[JournalError], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> Task:
    """Start `work` on a pool thread; `on_done(result)` or `on_error(error)` run on the GUI
    thread. A JournalError goes to `on_error`; anything else is a bug for the crash hook."""
    task = Task(work, on_done, on_error)
    _live.add(task)
    (pool or QThreadPool.globalInstance()).start(_Runnable(task))
    return task


def format_exception(kind: type[BaseException], value: BaseException, trace: Any) -> str:
    return "".join(traceback.format_exception(kind, value, trace))
