"""Reading a journal without writing to it, and without the ORM.

`journal list`, `search`, `show` and `matrix` only read, and at 100,000 experiments importing
SQLAlchemy costs them ten times their query. They run read_sql's statements (the same
the window runs through SQLModel) here, over plain `sqlite3`. Nothing here writes: a
missing file is not created, an old one is not upgraded (the person is told how), and
runs a dead writer left live are not marked.

The connection is read-write with `PRAGMA query_only`, not `mode=ro`: both refuse every
write, but a `mode=ro` reader of a WAL journal leaves empty -wal and -shm files behind,
while this one, like any last connection, removes them on close; the folder stays as it
was. A journal that cannot be written is opened `mode=ro` (or `immutable=1`), as
`Journal.open_for_reading` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from journal.core.errors import StorageError
from journal.core.journal_file import (
    BUSY_TIMEOUT_MS,
    inspect_file,
    no_journal_error,
    read_only_uri,
    refuse_stale_read,
    refused_for_writing,
    sqlite_failures,
    storage_error,
)
from journal.core.migrations import LATEST_VERSION


class OlderJournalError(StorageError):
    """A command that only reads met a journal an older version wrote; nothing was changed."""


class ReadJournal:
    """An existing, current journal open for reading only; a read_sql `Reader`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection

    @classmethod
    def open(cls, path: Path | str) -> ReadJournal:
        """Open the journal at `path` for reading (`readable_journal` says what is refused)."""
        path = readable_journal(path)
        return cls(path, connect_for_reading(path))

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        with sqlite_failures(self.path):
            found: list[tuple[Any, ...]] = self._connection.execute(sql, params).fetchall()
        return found

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one read transaction, for a reader of many statements that
        must see one consistent journal (an export's pages): a writer's commit in between
        is not seen."""
        with sqlite_failures(self.path):
            self._connection.execute("BEGIN")
            try:
                yield self._connection
            finally:
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ReadJournal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def readable_journal(path: Path | str) -> Path:
    """`path`, once it is known to hold a current journal; refused as the write path refuses
    a foreign, damaged or newer file, and, unlike it, an older one: upgrading writes."""
    path = Path(path)
    state = inspect_file(path)
    if state.version == 0:
        raise no_journal_error(path)
    if state.version < LATEST_VERSION:
        raise OlderJournalError(
            f"The journal {path} was written by an older LLM Journal (schema "
            f"{state.version}; this version reads {LATEST_VERSION}) and must be upgraded "
            "before it can be read. Any command that writes to it, or opening it in the "
            "window, upgrades it (keeping a copy of the old file beside it)."
        )
    return path


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A connection to the journal at `path` that refuses to write (see the module's note)."""
    base = path.resolve().as_uri()
    with sqlite_failures(path, unchanged=True):
        try:
            return _opened(f"{base}?mode=rw")
        except sqlite3.DatabaseError as exc:
            if not refused_for_writing(exc):
                raise
            reason = storage_error(path, exc)
        uri = read_only_uri(path)
        refuse_stale_read(path, uri, reason)
        return _opened(uri)


def _opened(uri: str) -> sqlite3.Connection:
    connection = sqlite3.connect(
        uri,
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,  # free to be handed to another thread, as a pool would
    )
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection
