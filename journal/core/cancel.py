"""A cancel signal that one thread raises and another thread's stream obeys at once."""

from __future__ import annotations

import threading
from collections.abc import Callable


class StreamCancelled(Exception):
    """The person stopped the stream; what arrived so far is kept."""


class CancelToken:
    """Thread-safe; callbacks run once, in the cancelling thread, so they must be quick."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Register `callback`; run it now if already cancelled. Returns an unregister function."""
        with self._lock:
            if not self._cancelled:
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return lambda: None

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)
