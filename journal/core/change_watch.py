"""Noticing that another program (the CLI, another window) wrote to the open journal.

SQLite's `PRAGMA data_version` changes when a connection other than the one asking has
committed, and costs a few microseconds, so it can be asked twice a second. It is per
connection, so the watcher keeps one connection of its own and never writes through it.

The journal's own write sessions commit through other connections, so their commits move
`data_version` too; they are not news. The Journal tells the watcher about each one:

- just before COMMIT, while the write lock is held and no one else can commit, the
  watcher looks: a change seen then is someone else's, kept as news;
- just after COMMIT it looks again and takes the change seen as its own.

Where the two can be confused, the watcher errs towards news: a look by `changed()` between
our COMMIT and the second look sees our change as someone else's (a needless refresh). The
one gap left is another program committing within that same moment, microseconds after our
COMMIT: its change is then taken for ours and shown with its next write (or the next one
of anyone's) instead.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from journal.core.journal_file import BUSY_TIMEOUT_MS, read_only_uri, storage_error

if TYPE_CHECKING:
    from journal.core.storage import Journal


class ChangeWatch:
    """Answers "did anyone else commit since I last asked?" for one open journal."""

    def __init__(self, journal: Journal) -> None:
        """Raises StorageError when the journal's file cannot be opened to watch."""
        self._lock = threading.Lock()
        try:
            self._connection: sqlite3.Connection | None = sqlite3.connect(
                read_only_uri(journal.path),
                uri=True,
                check_same_thread=False,  # asked by the GUI thread, told by the writer threads
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as exc:
            error = storage_error(journal.path, exc)
            if error is None:
                raise
            raise error from exc
        self._seen = self._version()
        self._news = False  # someone else's commit, noticed just before one of ours
        self._stop_listening: Callable[[], None] = journal.listen_to_commits(self)

    def changed(self) -> bool:
        """True once for each stretch in which another connection committed.

        A commit of this journal's own write sessions is not a change, except that one
        caught half-way counts as one: better a needless refresh than a missed one. A look
        that fails (the file busy being recovered, say) says nothing now and news next time.
        """
        with self._lock:
            version = self._version()
            if version is None:
                self._news = self._connection is not None
                return False
            news = self._news or version != self._seen
            self._seen = version
            self._news = False
            return news

    def before_commit(self) -> None:
        """The write lock is held: whatever changed since the last look is someone else's.
        Never raises: the watcher must not fail the journal's own commit."""
        with self._lock:
            version = self._version()
            if version != self._seen:
                self._news = True
                self._seen = version

    def after_commit(self) -> None:
        """Take the change our commit made as seen (if the look fails, the change will be
        taken for news: a needless refresh)."""
        with self._lock:
            self._seen = self._version()

    def close(self) -> None:
        """Stop watching and close the connection (when the journal closes or changes)."""
        self._stop_listening()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _version(self) -> int | None:
        """The connection's data_version; None when closed or SQLite could not answer."""
        if self._connection is None:
            return None
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])
