"""Opening a journal file safely, and the sessions everything else reads and writes through.

A file is inspected read-only before anything may write to it: a foreign or damaged file
is refused with a clear message and left byte-for-byte as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from journal.core.errors import (
    CorruptJournalError,
    NewerJournalError,
    NotAJournalError,
    StorageError,
)
from journal.core.migrations import APPLICATION_ID, LATEST_VERSION, apply_migrations
from journal.core.queries import has_live_runs, mark_interrupted_runs

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class FileState:
    """What a path holds, found without writing to it."""

    exists: bool
    version: int  # 0 for a new or empty file


def _json_dumps(value: Any) -> str:
    # allow_nan=False: NaN/Infinity are not JSON and SQLite's JSON functions reject them.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def inspect_file(path: Path) -> FileState:
    """Tell a journal from anything else, read-only; raise a StorageError to refuse it."""
    if not path.exists() or path.stat().st_size == 0:
        return FileState(exists=path.exists(), version=0)
    if path.is_dir():
        raise NotAJournalError(f"{path} is a folder, not a journal file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise NotAJournalError(
            f"{path} is not an LLM Journal file (it is not an SQLite database). "
            "It was left unchanged."
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptJournalError(
            f"{path} cannot be read as a journal: {exc}. It was left unchanged; "
            "restore it from a backup or open another file."
        ) from exc
    if application_id == 0 and tables == 0:
        return FileState(exists=True, version=0)
    if application_id != APPLICATION_ID:
        raise NotAJournalError(
            f"{path} is an SQLite database but not an LLM Journal file. It was left unchanged."
        )
    if version > LATEST_VERSION:
        raise NewerJournalError(
            f"{path} was written by a newer LLM Journal (schema {version}; this version "
            f"knows up to {LATEST_VERSION}). Update LLM Journal to open it."
        )
    return FileState(exists=True, version=version)


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
    """An open journal file. Hand it around; nothing in the core holds a global one."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._write_engine = engine.execution_options(journal_write=True)

    @classmethod
    def open(cls, path: Path | str) -> Journal:
        """Open (creating or migrating as needed) the journal at `path`."""
        path = Path(path)
        state = inspect_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot create the folder for {path}: {exc.strerror}.") from exc
        if state.exists and 0 < state.version < LATEST_VERSION:
            _backup_before_migration(path, state.version)
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                apply_migrations(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise _storage_error(path, exc) from exc
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            json_serializer=_json_dumps,
        )
        event.listen(engine, "connect", _configure_connection)
        event.listen(engine, "begin", _begin)
        journal = cls(path, engine)
        with journal.read() as session:
            anything_live = has_live_runs(session)
        if anything_live:  # take the write lock only when there may be something to mark
            with journal.write() as session:
                mark_interrupted_runs(session)
        return journal

    def close(self) -> None:
        self.engine.dispose()

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
        with (
            self._guard(),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            orig = exc.orig
            if isinstance(orig, sqlite3.DatabaseError):
                raise _storage_error(self.path, orig) from exc
            raise
        except sqlite3.DatabaseError as exc:
            raise _storage_error(self.path, exc) from exc


def _storage_error(path: Path, exc: sqlite3.DatabaseError) -> StorageError:
    """Turn SQLite's environment failures into text a person can act on."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StorageError(
            f"The journal {path} is busy: another program held it for more than "
            f"{BUSY_TIMEOUT_MS // 1000} s. Nothing was lost; try again."
        )
    if "disk image is malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return CorruptJournalError(
            f"The journal {path} is damaged ({text}). It was not changed; restore it from a backup."
        )
    if "disk" in lowered and "full" in lowered:
        return StorageError(f"The disk holding {path} is full. Free some space; nothing was lost.")
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return StorageError(f"The journal {path} cannot be written: {text}.")
    return StorageError(f"The journal {path} failed: {text}.")


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
        raise StorageError(
            f"Could not back up {path} before upgrading it ({exc}); it was left unchanged."
        ) from exc
