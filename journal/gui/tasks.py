"""Run blocking work (Ollama calls, database writes) off the GUI thread.

The pool thread only ever holds the work callable; the callbacks stay in a table on the GUI
thread. When the work ends, the pool thread hands the outcome *and the callable itself* to
the GUI thread through a queued signal, so the last reference to anything the work or the
callbacks captured (often a widget) is dropped on the GUI thread: a widget destroyed on a
pool thread crashes Qt. Callbacks therefore always run on the GUI thread, and callers
never see threads.
"""

from __future__ import annotations

import functools
import itertools
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from journal.core.errors import JournalError


@dataclass
class Task:
    """The GUI thread's record of one piece of background work."""

    on_done: Callable[[Any], None] | None
    on_error: Callable[[JournalError], None] | None
    owner: QObject | None = None
    cancelled: bool = False

    def cancel(self) -> None:
        """Drop the outcome: the work itself runs to its end, its callbacks do not run."""
        self.cancelled = True


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when `callback` is a method of a widget closed and deleted meanwhile."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _Dispatcher(QObject):
    """Lives on the GUI thread; its slot is where every outcome arrives."""

    finished = Signal(int, bool, object, object)  # key, succeeded, outcome, the work itself

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[int, Task] = {}
        self.finished.connect(self._on_finished)

    @Slot(int, bool, object, object)
    def _on_finished(self, key: int, succeeded: bool, outcome: Any, work: Any) -> None:
        task = self.pending.pop(key, None)
        del work  # released here, on the GUI thread
        if task is None or task.cancelled:
            return
        if task.owner is not None and not shiboken6.isValid(task.owner):
            return  # the window or dialog that asked is gone
        if succeeded:
            if task.on_done is not None and _receiver_alive(task.on_done):
                task.on_done(outcome)
        elif isinstance(outcome, JournalError):
            if task.on_error is not None and _receiver_alive(task.on_error):
                task.on_error(outcome)
        else:  # a bug: the crash hook shows it
            sys.excepthook(*outcome)


_dispatcher: _Dispatcher | None = None
_keys = itertools.count(1)


class _Runnable(QRunnable):
    def __init__(self, key: int, work: Callable[[], Any], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self._key = key
        self._work: Callable[[], Any] | None = work
        self._dispatcher = dispatcher

    def run(self) -> None:
        work, self._work = self._work, None
        assert work is not None
        try:
            outcome: Any = work()
            succeeded = True
        except JournalError as error:
            outcome, succeeded = error, False
        except BaseException:
            outcome, succeeded = sys.exc_info(), False
        self._dispatcher.finished.emit(self._key, succeeded, outcome, work)
        del work, outcome  # the queued signal now holds the only references


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[JournalError], None] | None = None,
    *,
    pool: QThreadPool | None = None,
    owner: QObject | None = None,
) -> Task:
    """Start `work` on a pool thread; `on_done(result)` or `on_error(error)` run on the GUI
    thread. A JournalError goes to `on_error`; anything else is a bug for the crash hook.
    A callback that is a method of a widget deleted meanwhile is skipped, and so are both
    callbacks once `owner` is deleted (pass it when the callbacks are closures). Must be
    called from the GUI thread."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    key = next(_keys)
    task = Task(on_done, on_error, owner)
    _dispatcher.pending[key] = task
    (pool or QThreadPool.globalInstance()).start(_Runnable(key, work, _dispatcher))
    return task


def format_exception(kind: type[BaseException], value: BaseException, trace: Any) -> str:
    return "".join(traceback.format_exception(kind, value, trace))
