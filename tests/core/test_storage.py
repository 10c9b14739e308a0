"""Opening journal files: new, reopened, foreign, damaged, newer, busy."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from journal.core.errors import (
    CorruptJournalError,
    NewerJournalError,
    NotAJournalError,
    StorageError,
)
from journal.core.migrations import APPLICATION_ID, LATEST_VERSION
from journal.core.queries import create_experiment, list_experiments
from journal.core.storage import Journal


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_journal_is_created_with_wal_foreign_keys_and_identity(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.read() as session:
        from sqlalchemy import text

        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (session.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
        assert session.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID
        assert session.execute(text("PRAGMA user_version")).scalar() == LATEST_VERSION


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "journal.sqlite"
    Journal.open(path).close()
    assert path.exists()


def test_reopen_keeps_everything(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        create_experiment(session, title="kept", tags=["x"])
    with Journal.open(db_path) as journal, journal.read() as session:
        rows = list_experiments(session)
    assert [(row.title, row.tags) for row in rows] == [("kept", ["x"])]


def test_text_file_is_refused_and_left_unchanged(db_path: Path) -> None:
    db_path.write_text("my shopping list\n" * 100)
    before = _digest(db_path)
    with pytest.raises(NotAJournalError, match="not an SQLite database"):
        Journal.open(db_path)
    assert _digest(db_path) == before
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_foreign_sqlite_database_is_refused_and_left_unchanged(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    conn.execute("INSERT INTO photos (path) VALUES ('a.jpg')")
    conn.commit()
    conn.close()
    before = _digest(db_path)
    with pytest.raises(NotAJournalError, match="not an LLM Journal file"):
        Journal.open(db_path)
    assert _digest(db_path) == before


def test_empty_sqlite_file_becomes_a_journal(db_path: Path) -> None:
    sqlite3.connect(db_path).close()  # zero bytes
    Journal.open(db_path).close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def _checkpointed_journal(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        for number in range(50):
            create_experiment(session, title=f"experiment {number}", hypothesis="x" * 500)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_journal_with_damaged_schema_is_refused_and_left_unchanged(db_path: Path) -> None:
    _checkpointed_journal(db_path)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xde\xad\xbe\xef" * ((4096 - 100) // 4)  # page 1: the schema
    db_path.write_bytes(bytes(data))
    before = _digest(db_path)
    with pytest.raises(CorruptJournalError, match="left unchanged"):
        Journal.open(db_path)
    assert _digest(db_path) == before


def test_damage_found_later_gives_a_clear_error_and_changes_nothing(db_path: Path) -> None:
    _checkpointed_journal(db_path)
    data = bytearray(db_path.read_bytes())
    size = len(data)
    for offset in range(4096 * 2, size, 4096):  # every page but the schema page
        data[offset : offset + 4096] = b"\x00\xff" * 2048
    db_path.write_bytes(bytes(data))

    def read_everything() -> None:
        with Journal.open(db_path) as journal, journal.read() as session:
            list_experiments(session)

    with pytest.raises(StorageError, match=r"damaged|cannot be read") as raised:
        read_everything()
    assert "Traceback" not in raised.value.message


def test_file_from_a_newer_version_is_refused(db_path: Path) -> None:
    Journal.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerJournalError, match="newer LLM Journal"):
        Journal.open(db_path)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "something").write_text("x")
    with pytest.raises(StorageError, match="folder"):
        Journal.open(folder)
