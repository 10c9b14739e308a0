"""Per-host priority: the person's runs first, background work (judge, embeddings) after.

Ollama keeps a few models in memory and swaps the rest in and out. A judge request sent
while the person's run streams on the same host may make Ollama unload the person's model
to load the judge, and the person waits for it. So background requests to a host wait
while any run streams there (in this process), and a run never waits for background work:
at most the one background request already sent is ahead of it.

One gate per host address, shared by everything in the process (the window's runs, its
grading queue, a CLI command's own queue).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from journal.core.cancel import CancelToken, StreamCancelled

__all__ = ["HostGate", "gate_for"]


class HostGate:
    """Counts the runs streaming on one host; background work waits for none to be."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._runs = 0
        self._background = 0
        self._waiting = 0

    @property
    def runs(self) -> int:
        """Runs streaming on the host now."""
        return self._runs

    @property
    def background(self) -> int:
        """Background requests in flight on the host now."""
        return self._background

    @property
    def waiting(self) -> int:
        """Background requests waiting for the runs to end."""
        return self._waiting

    @contextmanager
    def foreground(self) -> Iterator[None]:
        """Held for the whole of a run's stream; never waits."""
        with self._changed:
            self._runs += 1
        try:
            yield
        finally:
            with self._changed:
                self._runs -= 1
                self._changed.notify_all()

    @contextmanager
    def background_turn(self, cancel: CancelToken | None = None) -> Iterator[None]:
        """Wait until no run streams on the host, then hold a background turn.

        Raises StreamCancelled if `cancel` fires while waiting. A run that starts during
        the turn does not wait for it."""

        def wake() -> None:
            with self._changed:
                self._changed.notify_all()

        unregister = cancel.add_callback(wake) if cancel else (lambda: None)
        try:
            with self._changed:
                self._waiting += 1
                self._changed.notify_all()
                try:
                    while self._runs and not (cancel and cancel.cancelled):
                        self._changed.wait()
                finally:
                    self._waiting -= 1
                    self._changed.notify_all()
                if cancel and cancel.cancelled:
                    raise StreamCancelled()
                self._background += 1
        finally:
            unregister()
        try:
            yield
        finally:
            with self._changed:
                self._background -= 1
                self._changed.notify_all()

    def wait_for_waiting(self, count: int, timeout: float | None = None) -> bool:
        """Block until `count` background requests wait for their turn (for tests, which
        must not sleep); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._waiting >= count, timeout)


_gates: dict[str, HostGate] = {}
_gates_lock = threading.Lock()


def gate_for(host: str) -> HostGate:
    """The one gate of `host` (an address as `paths.resolve_ollama_host` writes it)."""
    with _gates_lock:
        gate = _gates.get(host)
        if gate is None:
            gate = _gates[host] = HostGate()
        return gate
