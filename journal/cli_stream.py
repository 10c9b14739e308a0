"""What `run`, `replay` and `check` tell the terminal while a run streams, and how they stop.

The answer goes to stdout as it arrives, thinking and notices to stderr. The closed end of a
pipe (`journal run ... | head`) is ours, not Ollama's: the stream stops, the run is recorded
`cancelled` with "output closed" and the command exits quietly, as Unix tools do. Ctrl-C,
SIGTERM and SIGHUP stop the stream the same way, keeping the text. Qt-free; the core is only
imported for its light cancel token.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, ClassVar, TextIO

from journal.cli_support import write_exact
from journal.core.cancel import CancelToken

if TYPE_CHECKING:
    from journal.core.runner import RunEvents

OUTPUT_CLOSED = "output closed"
# Exit codes of a command stopped this way: 128 + the signal's number, as a shell reports it.
EXIT_OUTPUT_CLOSED = 128 + signal.SIGPIPE
EXIT_INTERRUPTED = 128 + signal.SIGINT

# Without a terminal to count on, a silent server is reported at these seconds, then every
# minute: a log should show the wait without a line per second.
_SILENCE_MILESTONES = (5, 15, 30, 60)


class Notices:
    """Notices on stderr about a run in progress: a silent server, a journal that refuses
    the text for now. Safe to call from the stream's thread and the writer's thread."""

    def __init__(self, err: TextIO | None = None) -> None:
        self.err = err if err is not None else sys.stderr
        self._tty = _isatty(self.err)
        self._lock = threading.RLock()
        self._silence_shown = -1  # whole seconds last shown
        self._status_line = False  # a counting line is open on the terminal
        self._unsaved = ""  # the reason last said, until "saved"

    def events(self) -> RunEvents:
        from journal.core.runner import RunEvents

        return RunEvents(silent=self.silent, save_failed=self.save_failed, saved=self.saved)

    def silent(self, seconds: float) -> None:
        whole = int(seconds)
        with self._lock:
            if whole == self._silence_shown:
                return
            if not self._tty and not _is_milestone(whole):
                return
            self._silence_shown = whole
            text = f"(no answer from Ollama for {whole} s; still waiting, Ctrl-C stops)"
            if self._tty:
                self._open_status_line()
                write_exact(self.err, "\r")
                self._write(text)
            else:
                self._write(f"journal: {text}\n")

    def heard(self) -> None:
        """Ollama is talking again: the silence notice goes away."""
        with self._lock:
            self._silence_shown = -1
            if self._status_line:
                write_exact(self.err, "\r\x1b[K")
                self._status_line = False

    def save_failed(self, reason: str) -> None:
        with self._lock:
            if reason == self._unsaved:
                return
            self._unsaved = reason
            self.heard()
            self._line(
                f"journal: not saved yet: {reason} The answer is kept in memory and saved as "
                "soon as the journal takes it (Ctrl-C gives up)."
            )

    def saved(self) -> None:
        with self._lock:
            if self._unsaved:
                self._unsaved = ""
                self._line("journal: saved after all: the whole answer is in the journal.")

    def _open_status_line(self) -> None:
        if not self._status_line:
            self._before_status_line()
            self._status_line = True

    def _before_status_line(self) -> None:
        """A hook for the answer printer: start the counting line on a fresh line."""

    def _line(self, text: str) -> None:
        self._before_status_line()
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        # A notice that cannot be shown (stderr closed with the terminal) is not worth
        # stopping the answer for.
        with contextlib.suppress(OSError, ValueError):
            self.err.write(text)
            self.err.flush()


class AnswerPrinter(Notices):
    """Streams an answer to stdout (thinking to stderr) and stops the run when stdout closes."""

    def __init__(
        self, cancel: CancelToken, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        super().__init__(err)
        self.out = out if out is not None else sys.stdout
        self.cancel = cancel
        self.closed = False  # stdout's reader is gone
        self._answer_open = False  # the answer's last line has no newline yet
        self._thinking_open = False
        self._shares_terminal = _isatty(self.out) and self._tty

    def events(self) -> RunEvents:
        events = super().events()
        events.chunk = self.chunk
        return events

    def chunk(self, content: str, thinking: str) -> None:
        if self.closed:
            return
        with self._lock:
            self.heard()
            if thinking:
                self._write(thinking)
                self._thinking_open = not thinking.endswith("\n")
            if content:
                if self._thinking_open:
                    self._write("\n")
                    self._thinking_open = False
                self._answer(content)

    def end_answer(self, *, gap: bool = False) -> None:
        """After an answer: end its last line (and leave a blank line before the next)."""
        with self._lock:
            self.heard()
            if self._answer_open:
                self._answer("\n")
            if gap:
                self._answer("\n")

    def _answer(self, text: str) -> None:
        if self.closed:
            return
        try:
            self.out.write(text)
            self.out.flush()
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.EIO, errno.EBADF):
                raise
            self._output_closed()
            return
        self._answer_open = not text.endswith("\n")

    def _output_closed(self) -> None:
        self.closed = True
        self.cancel.cancel(OUTPUT_CLOSED)
        _silence_stdout()

    def _before_status_line(self) -> None:
        # On a shared terminal the counting line must not overwrite half an answer.
        if self._shares_terminal and self._answer_open and not self._status_line:
            self._write("\n")
            self._answer_open = False


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit does not complain about the
    closed pipe (the advice of Python's own signal documentation)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]
        os.close(devnull)


class StopOnSignals:
    """Ctrl-C, SIGTERM and SIGHUP stop the stream (the text is kept, the run `cancelled`,
    SIGTERM and SIGHUP named as the reason); a second signal aborts for real."""

    REASONS: ClassVar[dict[int, str]] = {
        signal.SIGINT: "",  # the person pressed Ctrl-C: no reason to record
        signal.SIGTERM: "stopped by SIGTERM",
        signal.SIGHUP: "stopped by SIGHUP (the terminal closed)",
    }

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.received: int | None = None
        self._previous: dict[int, object] = {}

    @property
    def exit_code(self) -> int:
        """What the command should exit with after a stop: 128 + the signal's number."""
        return 128 + (self.received or signal.SIGINT)

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        # Runs between any two bytecodes of the main thread: cancel first, and never let a
        # failed message (stderr may be mid-write: "reentrant call") stop the cancel.
        if self.cancel.cancelled:
            raise KeyboardInterrupt
        self.received = signum
        self.cancel.cancel(self.REASONS.get(signum, f"stopped by signal {signum}"))
        if signum == signal.SIGINT:
            with contextlib.suppress(RuntimeError, OSError, ValueError):
                print("\n(cancelling… press Ctrl-C again to abort)", file=sys.stderr, flush=True)

    def __enter__(self) -> StopOnSignals:
        for signum in self.REASONS:
            self._previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *_: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]


def _is_milestone(seconds: int) -> bool:
    return seconds in _SILENCE_MILESTONES or (seconds > 60 and seconds % 60 == 0)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False
