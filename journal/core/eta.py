"""How long a batch or check has left, from how fast this pass has gone so far.

The rate counts only items finished in this pass (a resumed batch's earlier items say
nothing about today's hosts), and items run in parallel count as they finish, so two hosts
halve the estimate on their own. Nothing is estimated before the first item ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Eta", "duration_parts", "format_duration"]


def format_duration(seconds: float) -> str:
    """ "45 s", "3 min", "1 h 20 min": as precise as a wait needs."""
    hours, minutes, whole = duration_parts(seconds)
    if not (hours or minutes):
        return f"{whole} s"
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def duration_parts(seconds: float) -> tuple[int, int, int]:
    """(hours, minutes, seconds) as precise as a wait needs: seconds under a minute (at
    least 1), else whole minutes (seconds 0), hours from an hour on."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return 0, 0, max(1, round(seconds))
    hours, minutes = divmod(round(seconds / 60), 60)
    return hours, minutes, 0


class Eta:
    """Counts items as they finish (from any thread) and estimates the rest."""

    def __init__(self, left: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._left = left
        self._finished = 0
        self._lock = threading.Lock()

    @property
    def done(self) -> int:
        """Items finished in this pass."""
        return self._finished

    @property
    def total(self) -> int:
        """Items this pass set out to run."""
        return self._left

    def finished(self, count: int = 1) -> None:
        with self._lock:
            self._finished += count

    @property
    def seconds_left(self) -> float | None:
        with self._lock:
            finished, left = self._finished, self._left - self._finished
        if finished == 0 or left <= 0:
            return None if left > 0 else 0.0
        return (self._clock() - self._started) / finished * left

    def text(self) -> str:
        """ "about 3 min left", or "" before anything can be said."""
        seconds = self.seconds_left
        if not seconds:
            return ""
        return f"about {format_duration(seconds)} left"
