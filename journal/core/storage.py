"""Opening a journal file safely, and the sessions everything else reads and writes through.

A file is inspected read-only before anything may write to it: a foreign or damaged file
is refused with a clear message and left byte-for-byte as it was. SQLite failures the
environment is to blame for (busy, full, read-only, damaged, cannot open) become a
StorageError with a message; any other SQLite error is a bug and propagates unchanged so
it reaches a crash report instead of passing for a damaged file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlmodel import Session

from journal.core import messages
from journal.core.errors import ReadOnlyJournalError, StorageError

# The inspection and the wording of failures live in journal_file (no ORM), shared with
# the read layer (journal.core.reading).
from journal.core.journal_file import (
    BUSY_TIMEOUT_MS,
    FileState,
    inspect_file,
    no_journal_error,
    read_only_uri,
    refuse_stale_read,
    sqlite_failures,
)
from journal.core.messages import message
from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.queries import has_live_runs, mark_interrupted_runs


class CommitListener(Protocol):
    """Told about this Journal's own commits (a change watcher, to know them from others')."""

    def before_commit(self) -> None:
        """Called on the writing thread just before COMMIT, the write lock still held."""

    def after_commit(self) -> None:
        """Called on the writing thread once the commit is done."""


def _json_dumps(value: Any) -> str:
    # allow_nan=False: NaN/Infinity are not JSON and SQLite's JSON functions reject them.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _configure_connection(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    raw: sqlite3.Connection = dbapi_connection  # type: ignore[assignment]
    # We issue BEGIN ourselves (see _begin), so pysqlite must not.
    raw.isolation_level = None
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA synchronous = NORMAL")


def _begin(conn: Any) -> None:
    # A writer takes the write lock up front: a deferred transaction that upgrades later
    # can fail at once with SQLITE_BUSY in WAL mode, whatever the busy timeout says.
    mode = "IMMEDIATE" if conn.get_execution_options().get("journal_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


class Journal:
    """An open journal file. Hand it around; nothing in the core holds a global one.

    `Journal.open` is for everything that may write: it creates a missing file and
    upgrades an old one. `Journal.open_for_reading` is for commands that only read: it
    never creates a file, and opens a journal it cannot write read-only.
    """

    def __init__(
        self, path: Path, engine: Engine, *, read_only: ReadOnlyJournalError | None = None
    ) -> None:
        self.path = path
        self.engine = engine
        self._write_engine = engine.execution_options(journal_write=True)
        self._read_only = read_only
        self._commit_listeners: list[CommitListener] = []

    @property
    def read_only(self) -> bool:
        """True when opened read-only because the file or its folder cannot be written."""
        return self._read_only is not None

    @classmethod
    def open(cls, path: Path | str) -> Journal:
        """Open (creating or migrating as needed) the journal at `path`."""
        path = Path(path)
        state = inspect_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StorageError(
                message(messages.CANNOT_MAKE_FOLDER, path=str(path), reason=reason)
            ) from exc
        return cls._open_writable(path, state, create=True)

    @classmethod
    def open_for_reading(cls, path: Path | str) -> Journal:
        """Open an existing journal for reading; never create one.

        A journal that cannot be written (a read-only file or folder) is opened read-only
        (SQLite's `mode=ro`, or `immutable=1` when not even a -shm file can be created);
        its `write()` then raises ReadOnlyJournalError saying why.
        """
        path = Path(path)
        state = inspect_file(path)
        if state.version == 0:
            raise no_journal_error(path)
        try:
            return cls._open_writable(path, state, create=False)
        except ReadOnlyJournalError as reason:
            return cls._open_read_only(path, state, reason)

    @classmethod
    def _open_writable(cls, path: Path, state: FileState, *, create: bool) -> Journal:
        if state.exists and 0 < state.version < LATEST_VERSION:
            _backup_before_migration(path, state.version)
        # mode=rw: a file removed since it was inspected is an error, not a new journal.
        target = str(path) if create else f"{path.resolve().as_uri()}?mode=rw"
        with sqlite_failures(path):
            conn = sqlite3.connect(target, isolation_level=None, uri=not create)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                apply_migrations(conn)
            finally:
                conn.close()
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            json_serializer=_json_dumps,
        )
        journal = cls._with_engine(path, engine)
        try:
            with journal.read() as session:
                anything_live = has_live_runs(session)
            if anything_live:  # take the write lock only when there may be something to mark
                with journal.write() as session:
                    mark_interrupted_runs(session)
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def _open_read_only(cls, path: Path, state: FileState, reason: ReadOnlyJournalError) -> Journal:
        if state.version < LATEST_VERSION:
            raise ReadOnlyJournalError(
                f"{reason.message[:-1]}, and it was written by an older LLM Journal: "
                "it must be upgraded, which needs write access, before it can be read."
            )
        with sqlite_failures(path, unchanged=True):
            uri = read_only_uri(path)
        refuse_stale_read(path, uri, reason)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(
                uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )

        engine = create_engine(
            "sqlite://", creator=connect, poolclass=QueuePool, json_serializer=_json_dumps
        )
        return cls._with_engine(path, engine, read_only=reason)

    @classmethod
    def _with_engine(
        cls, path: Path, engine: Engine, *, read_only: ReadOnlyJournalError | None = None
    ) -> Journal:
        event.listen(engine, "connect", _configure_connection)
        event.listen(engine, "begin", _begin)
        return cls(path, engine, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()

    def listen_to_commits(self, listener: CommitListener) -> Callable[[], None]:
        """Tell `listener` about each commit of this journal's write sessions; returns the
        call that stops telling it."""
        if not self._commit_listeners:
            event.listen(self.engine, "commit", self._before_commit)
        self._commit_listeners.append(listener)

        def stop() -> None:
            if listener in self._commit_listeners:
                self._commit_listeners.remove(listener)

        return stop

    def _before_commit(self, _connection: Any) -> None:
        for listener in list(self._commit_listeners):
            listener.before_commit()

    def _after_commit(self) -> None:
        for listener in list(self._commit_listeners):
            listener.after_commit()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it sees one consistent snapshot."""
        with self._guard(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success and holds the write lock from the start."""
        if self._read_only is not None:
            raise ReadOnlyJournalError(self._read_only.core_message or self._read_only.message)
        with (
            self._guard(),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session
        self._after_commit()

    @contextmanager
    def write_attached(self, path: Path, name: str) -> Iterator[Session]:
        """`write()`, with the SQLite file `path` attached as schema `name` for the
        transaction (an import merges a staging file this way, with INSERT ... SELECT).

        Attached before BEGIN and detached after COMMIT or ROLLBACK (SQLite refuses to detach
        a file inside a transaction that read it), on a connection held throughout and never
        handed back to the pool attached, so no other session ever sees it.
        """
        if self._read_only is not None:
            raise ReadOnlyJournalError(self._read_only.core_message or self._read_only.message)
        if not name.isidentifier():
            raise ValueError(f"not a schema name: {name!r}")
        with self._guard():
            connection = self._write_engine.connect()
            driver = connection.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            attached = False
            try:
                driver.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
                attached = True
                with (
                    Session(bind=connection, expire_on_commit=False) as session,
                    session.begin(),
                ):
                    yield session
            finally:
                try:
                    if attached:
                        driver.execute(f"DETACH DATABASE {name}")
                except sqlite3.Error:
                    connection.invalidate()  # closing it detaches; the pool never sees it
                finally:
                    connection.close()
        self._after_commit()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        with sqlite_failures(self.path):
            yield


def _backup_before_migration(path: Path, version: int) -> None:
    """Keep a copy of the old schema's file before upgrading it: cheap insurance."""
    backup = path.with_name(f"{path.name}.schema{version}.bak")
    if backup.exists():
        return
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(backup)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except (sqlite3.DatabaseError, OSError) as exc:
        backup.unlink(missing_ok=True)
        failed = message(messages.BACKUP_FAILED, path=str(path), detail=str(exc))
        raise StorageError(failed) from exc
