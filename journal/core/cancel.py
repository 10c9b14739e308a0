"""A cancel signal that one thread raises and another thread's stream obeys at once.

`cancel()` may also be called from a signal handler (Ctrl-C in the CLI), which runs in the
main thread *between any two bytecodes* — possibly while that same thread is inside
`add_callback`. So the lock is re-entrant, and a callback registered while a cancel ran
is still fired, exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class StreamCancelled(Exception):
    """The person stopped the stream; what arrived so far is kept."""


class _Entry:
    __slots__ = ("callback", "fired")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.fired = False


class CancelToken:
    """Thread-safe and signal-safe; callbacks run once, in the cancelling thread, so they
    must be quick."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._cancelled = False
        self._reason = ""
        self._entries: list[_Entry] = []

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def reason(self) -> str:
        """Why it was cancelled, when not by the person ("output closed"); the first reason
        given wins. Recorded as the run's error."""
        return self._reason

    def cancel(self, reason: str = "") -> None:
        with self._lock:
            if not self._cancelled:
                self._reason = reason
            self._cancelled = True
            entries, self._entries = self._entries, []
        for entry in entries:
            self._fire(entry)

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Register `callback`; run it now if already cancelled. Returns an unregister function."""
        entry = _Entry(callback)
        with self._lock:
            self._entries.append(entry)
        if self._cancelled:  # cancelled before or while we registered: fire it ourselves
            self._fire(entry)
        return lambda: self._remove(entry)

    def _fire(self, entry: _Entry) -> None:
        with self._lock:
            if entry.fired:
                return
            entry.fired = True
        entry.callback()

    def _remove(self, entry: _Entry) -> None:
        with self._lock:
            if entry in self._entries:
                self._entries.remove(entry)
