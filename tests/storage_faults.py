"""Real storage failures for tests: a full disk (SQLite's `max_page_count`, no root needed) and
a second process holding the journal's write lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import event

from journal.core.storage import Journal


class FullDisk:
    """While `full` is set, the journal's own connections cannot add a page to the file."""

    def __init__(self, journal: Journal) -> None:
        self.full = False
        event.listen(journal.engine, "checkout", self._apply)

    def _apply(self, connection: Any, *_: object) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        # max_page_count never goes below the current size: "full" means no page may be added.
        limit = pages if self.full else 1_073_741_823
        connection.execute(f"PRAGMA max_page_count = {limit}")


def short_busy_timeout(journal: Journal, milliseconds: int = 100) -> None:
    """Make the journal give up on a held lock quickly (the real default is 10 s)."""

    def apply(connection: Any, *_: object) -> None:
        connection.execute(f"PRAGMA busy_timeout = {milliseconds}")

    event.listen(journal.engine, "checkout", apply)


_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


class LockHolder:
    """Another process that holds the write lock of `path` from `__enter__` until `release`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> LockHolder:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "holding"
        return self

    def release(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.communicate("go\n", timeout=30)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
