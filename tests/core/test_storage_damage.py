"""Item 11: damaged, foreign, read-only and missing journals, and which failures are bugs."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from journal.core.errors import (
    DiskFullError,
    JournalBusyError,
    NoJournalError,
    NotAJournalError,
)
from journal.core.journal_file import storage_error
from journal.core.messages import JOURNAL_BUSY, JOURNAL_DISK_FULL
from journal.core.queries import create_experiment, list_experiments
from journal.core.storage import Journal
from tests.journal_process import run_cli
from tests.past_runs import add_past_run

READING_COMMANDS = [
    ["list"],
    ["show", "1"],
    ["search", "rivers"],
    ["export", "-o", "-"],
    ["matrix"],
    ["check", "--list"],
    ["check", "--show", "1"],
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _journal_with_content(path: Path) -> None:
    """A closed journal (WAL mode, -wal checkpointed away) with experiments, runs, a check."""
    with Journal.open(path) as journal, journal.write() as session:
        for number in range(60):
            experiment = create_experiment(
                session, title=f"rivers {number}", hypothesis="x" * 400, tags=["geo"]
            )
            assert experiment.id is not None
            add_past_run(
                session,
                experiment.id,
                f"Name {number} rivers",
                digest="ab" * 32,
                options={},
                response="The Nile, the Amazon and the Danube.",
            )
    conn = sqlite3.connect(path)  # a saved check, for `check --list/--show`
    conn.execute(
        "INSERT INTO migration_check (uuid, target_model, created_at, updated_at) "
        "VALUES ('c1', 'qwen3:8b', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    assert not path.with_name(path.name + "-wal").exists()


def _damage_a_table_page(path: Path, table: str) -> None:
    """Random bytes over the root page of `table`'s b-tree: the header page stays intact."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    assert root > 1
    data = bytearray(path.read_bytes())
    noise = random.Random(11)
    start = (root - 1) * page_size
    data[start : start + page_size] = bytes(noise.randrange(256) for _ in range(page_size))
    path.write_bytes(bytes(data))


# -- damage -----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [*READING_COMMANDS, ["verdict", "1", "worked"]])
def test_a_damaged_table_page_is_named_with_how_to_recover(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str]
) -> None:
    _journal_with_content(db_path)
    table = {"verdict": "run", "check": "migration_check"}.get(argv[0], "experiment")
    _damage_a_table_page(db_path, table)
    before = _digest(db_path)
    code, out, err = run_cli(capsys, "--db", str(db_path), *argv)
    assert code == 1, (out, err)
    assert "Traceback" not in err and err.count("\n") == 2, err  # what happened; what to do
    assert (
        f"journal: error: The journal {db_path} is damaged (database disk image is malformed)"
        in err
    )
    assert (
        "Recover what it still holds into a new file with "
        f"`journal recover {db_path} -o recovered.sqlite`, then open that." in err
    )
    assert ".recover |" not in err  # SQLite's .recover is missing from many builds
    assert ".bak" not in err  # there is no backup to offer
    assert _digest(db_path) == before


def test_the_backup_made_before_an_upgrade_is_offered(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    _journal_with_content(db_path)
    _damage_a_table_page(db_path, "experiment")
    older = db_path.with_name(db_path.name + ".schema1.bak")
    newer = db_path.with_name(db_path.name + ".schema2.bak")
    shutil.copy(db_path, older)
    shutil.copy(db_path, newer)
    code, _, err = run_cli(capsys, "--db", str(db_path), "list")
    assert code == 1
    assert f"or go back to {newer} (the copy kept before its last upgrade)" in err


def test_storage_messages_do_not_promise_what_storage_cannot_know(db_path: Path) -> None:
    Journal.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(db_path, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    error = storage_error(db_path, busy.value)
    assert isinstance(error, JournalBusyError)
    assert "busy" in error.message and "Nothing was lost" not in error.message
    assert error.core_message is not None and error.core_message.template == JOURNAL_BUSY


def _disk_full_error(path: Path) -> sqlite3.Error:
    """A real SQLITE_FULL: the file may not grow past its current size."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE filler (x)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(sqlite3.OperationalError) as full:
            conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 4000,)] * 100)
    finally:
        conn.close()
    return full.value


def test_a_full_journal_says_so_without_promising_anything(db_path: Path) -> None:
    error = storage_error(db_path, _disk_full_error(db_path))
    assert isinstance(error, DiskFullError)
    assert "is full" in error.message and "Free some space" in error.message
    assert "Nothing was lost" not in error.message
    assert error.core_message is not None and error.core_message.template == JOURNAL_DISK_FULL


@pytest.mark.parametrize(
    "statement",
    ["SELECT no_such_column FROM experiment", "SELEC 1", "SELECT * FROM no_such_table"],
)
def test_sql_bugs_propagate_unchanged(journal: Journal, statement: str) -> None:
    with pytest.raises(OperationalError) as raised, journal.read() as session:
        session.execute(text(statement))
    assert isinstance(raised.value.orig, sqlite3.OperationalError)
    assert storage_error(journal.path, raised.value.orig) is None


def test_driver_misuse_is_a_bug_too(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.close()
    with pytest.raises(sqlite3.ProgrammingError) as raised:
        conn.execute("SELECT 1")
    assert storage_error(db_path, raised.value) is None


# -- foreign files ----------------------------------------------------------------------


def test_a_foreign_database_with_only_a_user_version_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    before = _digest(db_path)
    with pytest.raises(
        NotAJournalError, match=r"not an LLM Journal file\. It was left unchanged\."
    ):
        Journal.open(db_path)
    code, _, err = run_cli(capsys, "--db", str(db_path), "verdict", "1", "worked")
    assert code == 1 and "not an LLM Journal file" in err
    assert _digest(db_path) == before
    assert not db_path.with_name(db_path.name + "-wal").exists()


# -- no journal yet ---------------------------------------------------------------------


@pytest.mark.parametrize("argv", READING_COMMANDS)
def test_reading_commands_create_no_journal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    path = tmp_path / "not-yet" / "journal.sqlite"
    code, out, err = run_cli(capsys, "--db", str(path), *argv)
    assert (code, out) == (1, "")
    assert err == (
        f"journal: error: There is no journal at {path} yet; "
        "`journal run` or the window creates one.\n"
    )
    assert not path.parent.exists()


def test_opening_for_reading_never_creates_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "journal.sqlite"
    with pytest.raises(NoJournalError):
        Journal.open_for_reading(missing)
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(NoJournalError):
        Journal.open_for_reading(empty)
    assert empty.read_bytes() == b""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.sqlite"]


def test_opening_for_reading_sees_what_was_written(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        create_experiment(session, title="kept")
    with Journal.open_for_reading(db_path) as journal, journal.read() as session:
        assert not journal.read_only
        assert [row.title for row in list_experiments(session)] == ["kept"]


# -- read-only files and folders --------------------------------------------------------

NOBODY = 65534


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's own tmp_path is private to this user)."""
    folder = Path(tempfile.mkdtemp(prefix="journal-readonly-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


@contextmanager
def _permissions_hold() -> Iterator[None]:
    """Root ignores file modes, so as root act as `nobody` for a while (effective ids
    only: the saved root id takes them back), and the modes hold as for anyone else."""
    if os.geteuid() != 0:
        yield
        return
    # Python finds a codec by importing it once, and remembers a failure for good: `nobody`
    # cannot read this interpreter's files, so the idna codec a host lookup needs is loaded
    # first, or this test and every later one in the process would fail to resolve a host.
    "localhost".encode("idna")
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _cli_as_anyone(
    capsys: pytest.CaptureFixture[str], db: Path, *argv: str
) -> tuple[int, str, str]:
    # `nobody` cannot reach this test's private home, where the settings file would be.
    with pytest.MonkeyPatch.context() as patch, _permissions_hold():
        patch.setenv("JOURNAL_CONFIG", str(db.parent.parent / "settings.toml"))
        return run_cli(capsys, "--db", str(db), *argv)


@pytest.mark.parametrize("leftover", [False, True], ids=["clean", "with-wal-and-shm"])
def test_a_journal_in_a_read_only_folder_can_be_read_but_not_written(
    capsys: pytest.CaptureFixture[str], shared_tmp: Path, leftover: bool
) -> None:
    folder = shared_tmp / "journal"
    folder.mkdir()
    db = folder / "journal.sqlite"
    _journal_with_content(db)
    for argv in READING_COMMANDS:  # import what they need while every file is readable
        assert run_cli(capsys, "--db", str(db), *argv)[0] == 0
    keeper = None
    if leftover:  # another program has it open: its -wal and -shm files exist
        keeper = sqlite3.connect(db)
        keeper.execute("SELECT count(*) FROM experiment").fetchone()
        for suffix in ("-wal", "-shm"):
            db.with_name(db.name + suffix).chmod(0o644)
    db.chmod(0o444)
    folder.chmod(0o555)
    before = _digest(db)
    try:
        for argv in READING_COMMANDS:
            code, _, err = _cli_as_anyone(capsys, db, *argv)
            assert code == 0, (argv, err)
        _, listed, _ = _cli_as_anyone(capsys, db, "list", "--json")
        assert '"title": "rivers 59"' in listed
        _, shown, _ = _cli_as_anyone(capsys, db, "show", "3")
        assert "The Nile, the Amazon and the Danube." in shown
        writing = (["verdict", "1", "worked"], ["run", "-m", "m", "-p", "hi", "--experiment", "1"])
        for argv in writing:
            code, _, err = _cli_as_anyone(capsys, db, *argv)
            assert code == 1
            assert err == (
                f"journal: error: The journal {db} cannot be written: "
                f"its folder {folder} is read-only.\n"
            ), argv
    finally:
        if keeper is not None:
            keeper.close()
    assert _digest(db) == before
    assert stat.S_IMODE(folder.stat().st_mode) == 0o555


def test_a_read_only_file_in_a_writable_folder_says_the_file_is_read_only(
    capsys: pytest.CaptureFixture[str], shared_tmp: Path
) -> None:
    folder = shared_tmp / "journal"
    folder.mkdir()
    db = folder / "journal.sqlite"
    _journal_with_content(db)
    assert run_cli(capsys, "--db", str(db), "show", "2")[0] == 0
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)  # nobody's own folder, but not its file
    db.chmod(0o444)
    before = _digest(db)
    code, out, err = _cli_as_anyone(capsys, db, "show", "2")
    assert code == 0 and "The Nile" in out, err
    code, _, err = _cli_as_anyone(capsys, db, "verdict", "1", "worked", "--why", "fine")
    assert code == 1
    assert err == f"journal: error: The journal {db} cannot be written: the file is read-only.\n"
    assert _digest(db) == before
