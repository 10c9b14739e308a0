"""An import reads and checks the export without the journal's write lock, then merges it in
one transaction: other programs keep writing meanwhile, and a failure changes nothing."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from journal.core import import_markdown as importer
from journal.core import import_staging
from journal.core.errors import StorageError
from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.models import Run
from journal.core.notebook_format import ImportFormatError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_export_import import count_rows, populate, snapshot
from tests.storage_faults import short_busy_timeout


@pytest.fixture
def export(journal: Journal, tmp_path: Path) -> Path:
    """An export of three experiments and three runs, one of them a replay."""
    populate(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    return path


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "target.sqlite") as opened:
        yield opened


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary folder, as the import sees it: empty, and the test's own."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _contents(path: Path) -> list[str]:
    """Every row of every table (search index, tags and id counters included), as SQL."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _attached_files(journal: Journal) -> list[str]:
    """The databases the journal's pooled connection has attached besides its own."""
    with journal.engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA database_list").fetchall()
    return [row[1] for row in rows if row[1] != "main"]


def test_other_programs_write_while_the_export_is_read(
    export: Path, target: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While each record is checked, a write in another thread with its own journal and a
    short busy timeout goes through: the lock is not held while reading (it used to be,
    for the whole second reading of the export)."""
    real_check = importer._check_record
    outcomes: list[BaseException | None] = []
    with Journal.open(target.path) as writer, ThreadPoolExecutor(max_workers=1) as thread:
        short_busy_timeout(writer, 100)

        def write() -> None:
            with writer.write() as session:
                create_experiment(session, title=f"written during the import {len(outcomes)}")

        def checking(*args: Any, **kwargs: Any) -> None:
            outcomes.append(thread.submit(write).exception(timeout=60))
            real_check(*args, **kwargs)

        monkeypatch.setattr(importer, "_check_record", checking)
        result = import_markdown(target, export)

    assert [repr(error) for error in outcomes if error is not None] == []
    assert len(outcomes) == 6  # three experiments and three runs, each read and checked once
    assert (result.new_experiments, result.new_runs) == (3, 3)
    assert not result.kept_ids  # the journal had the other program's entries by then
    assert count_rows(target) == (3 + 6, 3)


@pytest.mark.parametrize("failure", ["an insert fails half-way", "after every insert"])
def test_a_failure_while_merging_leaves_the_journal_exactly_as_it_was(
    export: Path,
    target: Journal,
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    with target.write() as session:
        mine = create_experiment(session, title="already here", tags=["mine"])
        assert mine.id is not None
        session.add(Run(experiment_id=mine.id, model="m", response="mine"))
    expected: type[Exception]
    if failure == "an insert fails half-way":
        # The experiments are in and the first run too when the second run is refused.
        conn = sqlite3.connect(target.path)
        conn.execute(
            "CREATE TRIGGER planted BEFORE INSERT ON run WHEN new.model = 'qwen3:0.6b' "
            "BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
        )
        conn.close()
        expected = IntegrityError
    else:
        real_merge = import_staging._merge

        def merge_then_fail(*args: Any) -> import_staging.Merged:
            real_merge(*args)
            raise RuntimeError("after every insert")

        monkeypatch.setattr(import_staging, "_merge", merge_then_fail)
        expected = RuntimeError
    before = _contents(target.path)

    with pytest.raises(expected):
        import_markdown(target, export)

    assert _contents(target.path) == before
    assert list(scratch.iterdir()) == []  # the staging file is gone
    assert _attached_files(target) == []  # and detached from the connection that merged

    monkeypatch.undo()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    conn = sqlite3.connect(target.path)
    conn.execute("DROP TRIGGER IF EXISTS planted")
    conn.close()
    result = import_markdown(target, export)  # the same connection attaches it again
    assert (result.new_experiments, result.new_runs, result.kept_ids) == (3, 3, False)
    assert count_rows(target) == (4, 4)
    assert list(scratch.iterdir()) == []


def test_the_staging_file_is_removed_whatever_happens(
    export: Path, target: Journal, scratch: Path, journal: Journal
) -> None:
    import_markdown(target, export)
    assert list(scratch.iterdir()) == []
    assert _attached_files(target) == []
    assert snapshot(target.path) == snapshot(journal.path)

    damaged = export.with_name("damaged.md")
    text = export.read_text(encoding="utf-8")
    damaged.write_text(text[: text.index("<!-- llm-journal:end")], encoding="utf-8")
    with pytest.raises(ImportFormatError, match="incomplete"):
        import_markdown(target, damaged)
    assert list(scratch.iterdir()) == []


def test_a_temporary_folder_that_cannot_hold_the_staging_file_is_said_plainly(
    export: Path, target: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    with pytest.raises(StorageError) as refused:
        import_markdown(target, export)
    assert refused.value.message.startswith(
        f"Cannot import: the temporary folder {missing} cannot hold the import's working copy ("
    )
    assert refused.value.message.endswith(
        "); nothing was imported. Free some space there, or point TMPDIR to another folder."
    )
    assert count_rows(target) == (0, 0)
