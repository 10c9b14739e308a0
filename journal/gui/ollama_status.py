"""Watches whether Ollama answers, in the background, and says so when it changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from journal.core.errors import JournalError
from journal.gui.i18n import error_text
from journal.gui.tasks import run_in_background

CHECK_WHEN_UP_MS = 30_000
CHECK_WHEN_DOWN_MS = 5_000


class OllamaStatus(QObject):
    """Polls the server version: often while it is down, rarely while it is up."""

    changed = Signal(bool, str, str)  # reachable, version, message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._check: Callable[[], str] | None = None
        self._host = ""
        self.reachable: bool | None = None
        self.version = ""
        self.message = ""
        self._in_flight = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def watch(self, host: str, check: Callable[[], str]) -> None:
        """Start (or restart, for another host) watching; checks at once."""
        self._host = host
        self._check = check
        self.reachable = None
        self.check_now()

    @property
    def host(self) -> str:
        return self._host

    @Slot()
    def check_now(self) -> None:
        if self._check is None or self._in_flight:
            return
        self._in_flight = True
        self._timer.stop()
        host = self._host
        run_in_background(
            self._check,
            lambda version: self._on_result(host, True, str(version), ""),
            lambda error: self._on_result(host, False, "", error_text(error)),
            owner=self,
        )

    def _on_result(self, host: str, reachable: bool, version: str, message: str) -> None:
        self._in_flight = False
        if host != self._host:  # the host changed meanwhile: this answer is stale
            self.check_now()
            return
        self._settle(reachable, version, message)

    def _settle(self, reachable: bool, version: str, message: str) -> None:
        changed = (reachable, version, message) != (self.reachable, self.version, self.message)
        self.reachable, self.version, self.message = reachable, version, message
        if not self._in_flight:
            self._timer.start(CHECK_WHEN_UP_MS if reachable else CHECK_WHEN_DOWN_MS)
        if changed:
            self.changed.emit(reachable, version, message)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.check_now()

    def report_failure(self, error: JournalError) -> None:
        """Another part of the window met an Ollama error. One that says the server cannot
        be reached marks it down now (the poll confirms or corrects it soon); any other
        makes the watcher check again."""
        from journal.core.errors import OllamaError, OllamaTimeoutError, OllamaUnreachableError

        unreachable = isinstance(error, OllamaUnreachableError) or (
            isinstance(error, OllamaTimeoutError) and error.phase == "connect"
        )
        ours = getattr(error, "host", None) == self._host  # not a batch's other host
        if unreachable and ours and self._check is not None:
            self._settle(False, "", error_text(error))
        elif isinstance(error, OllamaError):
            self.check_now()
