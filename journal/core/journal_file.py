"""Looking at a journal file without writing to it, and naming SQLite's failures.

Plain `sqlite3` only, no ORM: the storage layer (which writes) and the read layer
(journal.core.reading, which never does) inspect a file and word a failure the same way.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from journal.core import messages
from journal.core.errors import (
    CannotOpenJournalError,
    CorruptJournalError,
    DiskFullError,
    JournalBusyError,
    NewerJournalError,
    NoJournalError,
    NotAJournalError,
    ReadOnlyJournalError,
    StorageError,
)
from journal.core.messages import JOURNAL_BUSY, JOURNAL_DISK_FULL, JOURNAL_IO, Message, message
from journal.core.migrations import APPLICATION_ID, LATEST_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

# SQLite's primary result codes (https://sqlite.org/rescode.html) that the environment,
# not the program, is to blame for; and the extended codes whose reason we can name.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26
)  # fmt: skip
_READONLY_DBMOVED = _READONLY | (4 << 8)
_READONLY_DIRECTORY = _READONLY | (6 << 8)


class FileState(NamedTuple):
    """What a path holds, found without writing to it. (A NamedTuple, not a frozen
    dataclass: every read command defines it, and a dataclass costs more to define.)"""

    exists: bool
    version: int  # 0 for a new or empty file


# -- which failures are the environment's, and what to say about them ------------------


def storage_error(
    path: Path, exc: BaseException | None, *, unchanged: bool = False
) -> StorageError | None:
    """The message for an SQLite failure a person can act on, or None for a bug.

    `unchanged` says the failure happened before anything could have written to the file,
    so the message may promise that; the storage layer cannot know it otherwise.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, sqlite3.Error) or not isinstance(code, int):
        return None  # not SQLite's own verdict (e.g. misuse of the driver): a bug
    primary = code & 0xFF
    detail = str(exc)
    if primary in (_BUSY, _LOCKED):
        return JournalBusyError(message(JOURNAL_BUSY, path=str(path)))
    if primary in (_CORRUPT, _NOTADB):
        return CorruptJournalError(damaged_message(path, detail, unchanged=unchanged))
    if primary == _FULL:
        # The disk, a quota or a size limit: all the same to the person. (Ids near SQLite's
        # own limit, the other cause, are refused on import: domain.MAX_RECORD_ID.)
        return DiskFullError(message(JOURNAL_DISK_FULL, path=str(path)))
    if primary in (_READONLY, _PERM) or (primary == _CANTOPEN and not _folder_writable(path)):
        why = _why_read_only(path, code, detail)
        return ReadOnlyJournalError(message(messages.JOURNAL_READ_ONLY, path=str(path), reason=why))
    if primary == _CANTOPEN:
        return CannotOpenJournalError(
            message(messages.JOURNAL_CANNOT_OPEN, path=str(path), detail=detail)
        )
    if primary == _IOERR:
        return StorageError(message(JOURNAL_IO, path=str(path), detail=detail))
    return None


def damaged_message(path: Path, detail: str, *, unchanged: bool = False) -> Message:
    """What happened, then how to get the data back: `journal recover`, or the backup.

    Not SQLite's `.recover`: many builds (Debian's among them) lack what it needs, and its
    output would not be recognised as a journal."""
    import shlex  # a damaged journal only: reading a sound one spares the import

    damaged = messages.JOURNAL_DAMAGED_UNCHANGED if unchanged else messages.JOURNAL_DAMAGED
    backup = latest_backup(path)
    quoted = shlex.quote(str(path))
    if backup:
        recover = message(messages.RECOVER_OR_BACKUP_HINT, quoted=quoted, backup=str(backup))
    else:
        recover = message(messages.RECOVER_HINT, quoted=quoted)
    first = message(damaged, path=str(path), detail=detail)
    return message(messages.TWO_LINES, first=first, second=recover)


def latest_backup(path: Path) -> Path | None:
    """The newest `NAME.schemaN.bak` beside the journal (made before a migration), if any."""
    import glob

    pattern = re.compile(re.escape(path.name) + r"\.schema(\d+)\.bak")
    try:
        found = [
            (int(match[1]), candidate)
            for candidate in path.parent.glob(f"{glob.escape(path.name)}.schema*.bak")
            if (match := pattern.fullmatch(candidate.name)) and candidate.is_file()
        ]
    except OSError:
        return None
    return max(found)[1] if found else None


_EFFECTIVE_IDS = os.access in os.supports_effective_ids  # judge as the process acts


def _may(path: Path | str, mode: int) -> bool:
    return os.access(path, mode, effective_ids=_EFFECTIVE_IDS)


def _folder_writable(path: Path) -> bool:
    return _may(path.absolute().parent, os.W_OK | os.X_OK)


def _why_read_only(path: Path, code: int, detail: str) -> Message:
    if code == _READONLY_DIRECTORY or not _folder_writable(path):
        return message(messages.READ_ONLY_FOLDER, folder=str(path.absolute().parent))
    if os.path.exists(path) and not _may(path, os.W_OK):
        return message(messages.READ_ONLY_FILE)
    if code == _READONLY_DBMOVED:
        return message(messages.READ_ONLY_MOVED)
    return message(messages.READ_ONLY_REFUSED, detail=detail)


@contextmanager
def sqlite_failures(path: Path, *, unchanged: bool = False) -> Iterator[None]:
    """Turn the environment's SQLite failures into StorageErrors; let bugs through as they are.

    The storage layer's come wrapped by SQLAlchemy (a DBAPIError, the driver's own as its
    `orig`): told by that attribute, so that this module needs no ORM."""
    try:
        yield
    except Exception as exc:
        driver = getattr(exc, "orig", exc)
        if not isinstance(driver, sqlite3.Error):
            raise
        error = storage_error(path, driver, unchanged=unchanged)
        if error is None:
            raise
        raise error from exc


# -- looking at a file without writing to it --------------------------------------------


def refused_for_writing(exc: sqlite3.DatabaseError) -> bool:
    """SQLite could not open or read the file as asked because it or its folder is read-only."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (_READONLY, _CANTOPEN)


def no_journal_error(path: Path) -> NoJournalError:
    """What a command that only reads says where there is no journal yet."""
    return NoJournalError(
        f"There is no journal at {path} yet; `journal run` or the window creates one."
    )


def read_only_uri(path: Path) -> str:
    """`mode=ro`, or `immutable=1` when reading would need a -shm file that the folder
    cannot hold (a WAL journal in a read-only folder)."""
    base = path.resolve().as_uri()
    try:
        probe = sqlite3.connect(f"{base}?mode=ro", uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if not refused_for_writing(exc):
            raise
        return f"{base}?immutable=1"
    return f"{base}?mode=ro"


def refuse_stale_read(path: Path, uri: str, reason: StorageError | None) -> None:
    """ReadOnlyJournalError when reading through `uri` would show stale records:
    `immutable=1` ignores the -wal file, where a journal's latest changes may still be.
    `reason` says why the journal cannot be written (None: not known)."""
    wal = path.with_name(path.name + "-wal")
    if uri.endswith("immutable=1") and size_of(wal):
        said = reason.message[:-1] if reason else f"The journal {path} cannot be written"
        raise ReadOnlyJournalError(
            f"{said}, and the latest changes, still in {wal.name}, "
            "cannot be read without write access to that folder."
        )


def size_of(path: Path) -> int | None:
    """The file's size, None when nothing is there."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _cannot_read(path, exc) from exc


def _cannot_read(path: Path, exc: OSError) -> CannotOpenJournalError:
    reason = exc.strerror or str(exc)
    return CannotOpenJournalError(message(messages.CANNOT_READ_FILE, path=str(path), reason=reason))


def inspect_file(path: Path) -> FileState:
    """Tell a journal from anything else, read-only; raise a StorageError to refuse it."""
    size = size_of(path)
    if size is None or (size == 0 and not path.is_dir()):
        return FileState(exists=size is not None, version=0)
    if path.is_dir():
        raise NotAJournalError(message(messages.JOURNAL_IS_FOLDER, path=str(path)))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise _cannot_read(path, exc) from exc
    if header != SQLITE_HEADER:
        raise NotAJournalError(message(messages.NOT_SQLITE, path=str(path)))
    with sqlite_failures(path, unchanged=True):
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    if application_id == 0 and tables == 0 and version == 0:
        return FileState(exists=True, version=0)  # an empty database: ours to set up
    if application_id != APPLICATION_ID:
        raise NotAJournalError(message(messages.FOREIGN_SQLITE, path=str(path)))
    if version > LATEST_VERSION:
        raise NewerJournalError(
            message(messages.NEWER_JOURNAL, path=str(path), version=version, latest=LATEST_VERSION)
        )
    return FileState(exists=True, version=version)
