"""The `journal` command as a real child process: for Ctrl-C, SIGKILL and stdin tests."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import pytest


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`journal ARGV` in this process: (exit code, stdout, stderr)."""
    from journal.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def journal_command(db: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "journal", "--db", str(db), *argv]


def run_journal(
    db: Path, *argv: str, stdin: str = "", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        journal_command(db, *argv), input=stdin, capture_output=True, text=True, timeout=timeout
    )


def read_stderr_until(
    process: subprocess.Popen[bytes], marker: bytes, timeout: float = 60
) -> bytes:
    """What a child `journal` said on stderr until it said `marker` (or the deadline passed)."""
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stderr], [], [], left)[0]:
            break
        data = os.read(process.stderr.fileno(), 4096)
        if not data:
            break
        seen += data
    return seen


class StreamingJournal:
    """A `journal run` in flight; reads its stdout without ever blocking past a deadline."""

    def __init__(self, db: Path, *argv: str) -> None:
        self.process = subprocess.Popen(
            journal_command(db, *argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.received = b""

    def read_words(self, count: int, timeout: float = 30) -> bytes:
        """Wait until the answer so far holds `count` words (or the deadline passes)."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while len(self.received.split()) < count:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                break
            data = os.read(self.process.stdout.fileno(), 4096)
            if not data:
                break
            self.received += data
        return self.received

    def interrupt(
        self, timeout: float = 30, signum: int = signal.SIGINT
    ) -> tuple[int, bytes, bytes]:
        """Press Ctrl-C (or send `signum`); return (exit code, all of stdout, stderr)."""
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, self.received + out, err

    def close_output(self, timeout: float = 30) -> tuple[int, bytes]:
        """Stop reading, as `| head` does once it has enough; return (exit code, stderr)."""
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        err = self.process.stderr.read()
        return self.process.wait(timeout=timeout), err

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def __enter__(self) -> StreamingJournal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
