"""journal_file's rules that both the storage layer and the read layer use: naming SQLite's
failures (the ORM's wrapped ones too) and refusing a read that would miss the -wal file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from journal.core.errors import CorruptJournalError, ReadOnlyJournalError
from journal.core.journal_file import refuse_stale_read, sqlite_failures


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"not a database, " * 256)
    return path


def test_a_failure_sqlalchemy_wraps_is_named_like_the_drivers_own(tmp_path: Path) -> None:
    path = _not_a_database(tmp_path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(CorruptJournalError), sqlite_failures(path), engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
    finally:
        engine.dispose()


def test_a_bug_sqlalchemy_wraps_goes_through_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(DBAPIError), sqlite_failures(path), engine.connect() as conn:
            conn.exec_driver_sql("SELEKT 1")
    finally:
        engine.dispose()


def test_an_immutable_read_is_refused_while_changes_wait_in_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"")
    uri = f"{path.as_uri()}?immutable=1"
    refuse_stale_read(path, uri, None)  # no -wal file: nothing is missed
    path.with_name("journal.sqlite-wal").write_bytes(b"changes")
    refuse_stale_read(path, f"{path.as_uri()}?mode=ro", None)  # mode=ro reads the -wal
    reason = ReadOnlyJournalError(f"The journal {path} cannot be written: the file is read-only.")
    with pytest.raises(ReadOnlyJournalError) as refused:
        refuse_stale_read(path, uri, reason)
    assert str(refused.value) == (
        f"The journal {path} cannot be written: the file is read-only, and the latest "
        "changes, still in journal.sqlite-wal, cannot be read without write access to that "
        "folder."
    )
    with pytest.raises(ReadOnlyJournalError, match=r"^The journal .* cannot be written, and"):
        refuse_stale_read(path, uri, None)
