"""Calls that come faster than the screen or the disk needs them, made at a useful pace."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot


class Throttle(QObject):
    """Calls `func` with the latest arguments it was given, at most once per `delay_ms`.

    Throttling (the default) makes the first call at once and later ones at most once per
    `delay_ms`, the last arguments winning: repaints while data streams in stay few. With
    `debounce=True` the call waits until calls have stopped for `delay_ms`: a save once
    typing pauses, or one update after a burst of row signals (`delay_ms=0`).
    """

    def __init__(
        self,
        func: Callable[..., Any],
        delay_ms: int,
        *,
        debounce: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._func = func
        self._delay_ms = max(0, delay_ms)
        self._debounce = debounce
        self._pending: tuple[Any, ...] | None = None
        self._last_call: float | None = None  # monotonic seconds of the last call made
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def delay_ms(self) -> int:
        return self._delay_ms

    @property
    def pending(self) -> bool:
        """A call is waiting for its time."""
        return self._pending is not None

    def __call__(self, *args: Any) -> None:
        if self._debounce:
            self._pending = args
            self._timer.start(self._delay_ms)  # restarts: waits for a pause
            return
        if self._pending is None:
            since = None if self._last_call is None else time.monotonic() - self._last_call
            if since is None or since * 1000 >= self._delay_ms:
                self._call(args)
                return
            self._timer.start(max(0, round(self._delay_ms - since * 1000)))
        self._pending = args

    def flush(self) -> None:
        """Make the waiting call now (before switching experiments, or closing)."""
        if self._pending is not None:
            self._timer.stop()
            self._call(self._pending)

    def cancel(self) -> None:
        """Drop the waiting call."""
        self._timer.stop()
        self._pending = None

    def _call(self, args: tuple[Any, ...]) -> None:
        self._pending = None
        self._last_call = time.monotonic()
        self._func(*args)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._pending is not None:
            self._call(self._pending)
