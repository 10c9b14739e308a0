"""Run blocking work (Ollama calls, database writes) off the GUI thread; bring back its outcome
and, in coalesced batches, its progress.

The pool thread only ever holds the work callable; the callbacks stay in a table on the GUI
thread. When the work ends, the pool thread hands the outcome *and the callable itself* to
the GUI thread through a queued signal, so the last reference to anything the work or the
callbacks captured (often a widget) is dropped on the GUI thread: a widget destroyed on a
pool thread crashes Qt. Progress takes the same road: the work posts items into a plain
locked list and wakes the runner (which lives as long as the application), never a widget
that may be gone. Callbacks therefore always run on the GUI thread, and callers never see
threads.
"""

from __future__ import annotations

import functools
import itertools
import sys
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from journal.core.errors import JournalError
from journal.gui.throttle import Throttle

Report = Callable[[Any], None]
"""What background work calls to report progress, from its own thread, with any item."""


class _Mailbox:
    """Progress items posted on a pool thread, taken on the GUI thread, in order."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self._items: list[Any] = []
        self._awake = False  # a wake-up is on its way: later posts need not send another
        self._wake = wake

    def post(self, item: Any) -> None:
        with self._lock:
            self._items.append(item)
            if self._awake:
                return
            self._awake = True
        self._wake()

    def take(self) -> list[Any]:
        with self._lock:
            items, self._items = self._items, []
            self._awake = False
        return items


class Task:
    """The GUI thread's record of one piece of background work."""

    # A plain class, not a dataclass: those cost a millisecond each at start-up.
    def __init__(
        self,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[JournalError], None] | None,
        owner: QObject | None = None,
        on_progress: Callable[[list[Any]], None] | None = None,
    ) -> None:
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner
        self.on_progress = on_progress
        self.cancelled = False
        self.mailbox: _Mailbox | None = None
        self.throttle: Throttle | None = None

    def cancel(self) -> None:
        """Drop the outcome and any progress: the work runs to its end, no callback runs."""
        self.cancelled = True

    def wanted(self) -> bool:
        """Not cancelled, and the window or dialog that asked is still there."""
        return not self.cancelled and (self.owner is None or shiboken6.isValid(self.owner))


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when `callback` is a method of a widget closed and deleted meanwhile."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _Runnable(QRunnable):
    def __init__(self, key: int, work: Callable[[], Any], runner: TaskRunner) -> None:
        super().__init__()
        self._key = key
        self._work: Callable[[], Any] | None = work
        self._runner = runner

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
        self._runner._finished.emit(self._key, succeeded, outcome, work)
        del work, outcome  # the queued signal now holds the only references


class Listener:
    """A report line open until closed (`TaskRunner.listen`)."""

    def __init__(self, report: Report, close: Callable[[], None]) -> None:
        self.report = report
        self.close = close


class TaskRunner(QObject):
    """The GUI thread's end of all background work: where outcomes and progress arrive.

    The application owns one (`for_application`): it outlives every window and dialog, so
    a pool thread can always reach it. A JournalError goes to the task's `on_error`;
    anything else is a bug for the crash hook (sys.excepthook), never a warning box.
    """

    _finished = Signal(int, bool, object, object)  # key, succeeded, outcome, the work itself
    _progressed = Signal(int)  # key: a task's mailbox has news

    OBJECT_NAME = "journal-task-runner"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.OBJECT_NAME)
        self._pending: dict[int, Task] = {}
        self._keys = itertools.count(1)
        self._finished.connect(self._on_finished)
        self._progressed.connect(self._on_progressed)

    @classmethod
    def for_application(cls) -> TaskRunner:
        """The runner the running QApplication owns, made on first use (GUI thread)."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("Background tasks need a QApplication")
        runner = app.findChild(TaskRunner, cls.OBJECT_NAME)
        return runner if isinstance(runner, TaskRunner) else cls(app)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
        *,
        pool: QThreadPool | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Start `work` on a pool thread; `on_done(result)` or `on_error(error)` run on the
        GUI thread. A callback that is a method of a widget deleted meanwhile is skipped,
        and so are both callbacks once `owner` is deleted (pass it when the callbacks are
        closures). Must be called from the GUI thread."""
        return self._start(Task(on_done, on_error, owner), work, pool)

    def run_reporting(
        self,
        work: Callable[[Report], Any],
        on_progress: Callable[[list[Any]], None],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
        *,
        interval_ms: int,
        pool: QThreadPool | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Like `run`, for work that reports progress: `work(report)` calls `report(item)`
        from its thread as often as it likes; `on_progress(items)` gets the items in order
        on the GUI thread, at most once per `interval_ms` (thousands of items a second become
        a few batches), and the last batch always arrives before `on_done` or `on_error`."""
        task = Task(on_done, on_error, owner, on_progress)
        key = next(self._keys)
        task.mailbox = _Mailbox(functools.partial(self._progressed.emit, key))
        task.throttle = Throttle(functools.partial(self._deliver, task), interval_ms, parent=self)
        mailbox = task.mailbox
        return self._start(task, lambda: work(mailbox.post), pool, key)

    def listen(
        self,
        on_progress: Callable[[list[Any]], None],
        *,
        interval_ms: int,
        owner: QObject | None = None,
    ) -> Listener:
        """A report line for work on a thread this runner did not start (a core queue's own
        worker): whatever is posted to `listener.report`, from any thread, reaches
        `on_progress` in order and in batches on the GUI thread, as `run_reporting`'s items
        do, until `listener.close()` (GUI thread) delivers the last batch."""
        task = Task(None, None, owner, on_progress)
        key = next(self._keys)
        task.mailbox = _Mailbox(functools.partial(self._progressed.emit, key))
        task.throttle = Throttle(functools.partial(self._deliver, task), interval_ms, parent=self)
        self._pending[key] = task
        return Listener(task.mailbox.post, functools.partial(self._close_listener, key))

    def _close_listener(self, key: int) -> None:
        task = self._pending.pop(key, None)
        if task is not None and task.throttle is not None:
            task.throttle.cancel()
            self._deliver(task)
            task.throttle.deleteLater()
            task.throttle = None

    def _start(
        self,
        task: Task,
        work: Callable[[], Any],
        pool: QThreadPool | None,
        key: int | None = None,
    ) -> Task:
        key = next(self._keys) if key is None else key
        self._pending[key] = task
        (pool or QThreadPool.globalInstance()).start(_Runnable(key, work, self))
        return task

    def _deliver(self, task: Task) -> None:
        if task.mailbox is None:
            return
        items = task.mailbox.take()
        callback = task.on_progress
        if items and task.wanted() and callback is not None and _receiver_alive(callback):
            callback(items)

    @Slot(int)
    def _on_progressed(self, key: int) -> None:
        task = self._pending.get(key)
        if task is not None and task.throttle is not None:
            task.throttle()

    @Slot(int, bool, object, object)
    def _on_finished(self, key: int, succeeded: bool, outcome: Any, work: Any) -> None:
        task = self._pending.pop(key, None)
        del work  # released here, on the GUI thread
        if task is None:
            return
        if task.throttle is not None:
            task.throttle.cancel()
            self._deliver(task)  # what was reported comes before how it ended
            task.throttle.deleteLater()
            task.throttle = None
        if not task.wanted():
            return
        if succeeded:
            if task.on_done is not None and _receiver_alive(task.on_done):
                task.on_done(outcome)
        elif isinstance(outcome, JournalError):
            if task.on_error is not None and _receiver_alive(task.on_error):
                task.on_error(outcome)
        else:  # a bug: the crash hook shows it
            sys.excepthook(*outcome)


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[JournalError], None] | None = None,
    *,
    pool: QThreadPool | None = None,
    owner: QObject | None = None,
) -> Task:
    """`TaskRunner.run` on the application's runner, for widgets that live without a
    context (a model picker, a settings dialog)."""
    return TaskRunner.for_application().run(work, on_done, on_error, pool=pool, owner=owner)
