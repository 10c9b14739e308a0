"""`recover_journal`: what a damaged journal still holds, copied into a new journal.

The damage is real: random bytes over one b-tree page of a journal that the journal itself
wrote, found with SQLite's `dbstat` table, and the rows that page held read from its cells.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from journal.core import recover as recover_module
from journal.core.domain import ExperimentFilter
from journal.core.errors import (
    CannotOpenJournalError,
    CorruptJournalError,
    InvalidInputError,
    NewerJournalError,
    NotAJournalError,
)
from journal.core.export_markdown import export_to_stream
from journal.core.migrations import APPLICATION_ID, LATEST_VERSION, apply_migrations
from journal.core.models import (
    CheckStatus,
    MigrationCheck,
    MigrationCheckItem,
    Run,
    RunStatus,
    Verdict,
)
from journal.core.queries import (
    INTERRUPTED_MESSAGE,
    create_experiment,
    experiment_detail,
    list_experiments,
    search,
)
from journal.core.recover import PLACEHOLDER_TITLE, recover_journal
from journal.core.storage import Journal

FIXTURES = Path(__file__).parents[1] / "fixtures"
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
EXPERIMENTS = 40
RUNS_PER_EXPERIMENT = 3
COLUMNS_CHANGED_BY_DESIGN = {"status", "error", "finished_at", "owner", "replay_of_id"}


# -- a real journal, and real damage ----------------------------------------------------


def run_word(experiment: int, number: int) -> str:
    """A word only run `number` of experiment `experiment` answers with: to search for."""
    return f"quill{experiment}x{number}"


@dataclass
class Built:
    path: Path
    streaming_run: int
    replays: dict[int, int] = field(default_factory=dict)  # replay id -> replayed run id
    check_items: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> source, new


def build_journal(path: Path, *, check_status: CheckStatus = CheckStatus.DONE) -> Built:
    """Forty experiments with three runs each (done, replays of runs elsewhere, one left
    streaming by a program that is gone) and a migration check over their first runs."""
    built = Built(path, streaming_run=0)
    firsts: list[int] = []
    with Journal.open(path) as journal, journal.write() as session:
        for number in range(1, EXPERIMENTS + 1):
            experiment = create_experiment(
                session,
                title=f"Rivers, take {number}: brook{number}",
                hypothesis=f"It names rivers of group {number % 3}. " + "Slowly. " * 30,
                tags=["geo", f"group{number % 3}"],
            )
            assert experiment.id is not None
            for index in range(RUNS_PER_EXPERIMENT):
                replayed = firsts[-1] if index == 2 and firsts else None
                streaming = number == 17 and index == 1
                run = Run(
                    experiment_id=experiment.id,
                    replay_of_id=replayed,
                    model="llama3:8b" if index == 0 else "qwen3:8b",
                    model_digest="ab" * 32,
                    messages=[{"role": "user", "content": f"Name rivers, take {number}"}],
                    options={"temperature": 0.2, "seed": index},
                    response=f"{run_word(number, index)} The Nile, the Amazon. " + "Wide. " * 40,
                    status=RunStatus.STREAMING if streaming else RunStatus.DONE,
                    verdict=None if streaming else Verdict.WORKED,
                    owner="gone-host:999999" if streaming else "",
                    heartbeat_at=T0 + timedelta(minutes=number) if streaming else None,
                    created_at=T0 + timedelta(minutes=number, seconds=index),
                )
                session.add(run)
                session.flush()
                assert run.id is not None
                if replayed is not None:
                    built.replays[run.id] = replayed
                if streaming:
                    built.streaming_run = run.id
                if index == 0:
                    firsts.append(run.id)
        check = MigrationCheck(target_model="qwen3:8b", status=check_status, owner="")
        session.add(check)
        session.flush()
        assert check.id is not None
        for position, source in enumerate(firsts, start=1):
            item = MigrationCheckItem(
                check_id=check.id, position=position, source_run_id=source, new_run_id=source + 1
            )
            session.add(item)
            session.flush()
            assert item.id is not None
            built.check_items[item.id] = (source, source + 1)
    assert not Path(f"{path}-wal").exists()  # closed: everything is in the file itself
    return built


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value = 0
    for index in range(9):
        byte = data[offset + index]
        if index == 8:
            return (value << 8) | byte, offset + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, offset + index + 1
    raise AssertionError("unreachable")


def leaf_pages(path: Path, table: str) -> list[tuple[int, list[int]]]:
    """The leaf pages of `table`'s b-tree with the rowids each holds, in rowid order."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
    finally:
        conn.close()
    data = path.read_bytes()
    found = []
    for page in pages:
        start = (page - 1) * page_size
        assert data[start] == 0x0D, "a table b-tree leaf"
        cells = int.from_bytes(data[start + 3 : start + 5], "big")
        rowids = []
        for cell in range(cells):
            pointer = int.from_bytes(data[start + 8 + 2 * cell : start + 10 + 2 * cell], "big")
            _, after_size = _varint(data, start + pointer)
            rowids.append(_varint(data, after_size)[0])
        found.append((page, sorted(rowids)))
    return sorted(found, key=lambda entry: entry[1][0])


def overwrite_page(path: Path, page: int, seed: int = 7) -> None:
    """Random bytes over one whole page, as a torn write or a bad sector leaves it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    noise = random.Random(seed)
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(bytes(noise.randrange(256) for _ in range(page_size)))


def damage_middle_leaf(path: Path, table: str) -> list[int]:
    """Damage a leaf page in the middle of `table`; return the rowids it held."""
    pages = leaf_pages(path, table)
    assert len(pages) >= 3, f"{table} needs several pages for this test"
    page, rowids = pages[len(pages) // 2]
    overwrite_page(path, page)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.DatabaseError):  # the damage is real
        conn.execute(f"SELECT * FROM {table}").fetchall()
    conn.close()
    return rowids


def table_rows(path: Path, table: str) -> dict[int, dict[str, Any]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_text(path: Path) -> str:
    out = io.StringIO()
    with Journal.open(path) as journal:
        export_to_stream(journal, out)
    return out.getvalue()


def search_ids(journal: Journal, words: str) -> list[int]:
    with journal.read() as session:
        return [hit.experiment_id for hit in search(session, words, limit=100)]


@pytest.fixture
def built(tmp_path: Path) -> Built:
    return build_journal(tmp_path / "damaged.sqlite")


# -- a damaged page of runs -------------------------------------------------------------


def test_a_damaged_page_of_runs_loses_those_runs_and_nothing_else(
    built: Built, tmp_path: Path
) -> None:
    before = {table: table_rows(built.path, table) for table in ("experiment", "run")}
    lost = damage_middle_leaf(built.path, "run")
    damaged_digest = digest(built.path)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    runs = report.tables["run"]
    assert (runs.lost, runs.skipped, runs.unreadable) == (len(lost), 0, [(lost[0], lost[-1])])
    assert runs.copied == EXPERIMENTS * RUNS_PER_EXPERIMENT - len(lost)
    assert report.tables["experiment"].copied == EXPERIMENTS
    assert report.tables["experiment"].lost == 0
    assert digest(built.path) == damaged_digest  # read, never written
    assert sorted(path.name for path in tmp_path.iterdir() if ".recovering" in path.name) == []

    recovered = table_rows(target, "run")
    assert sorted(recovered) == sorted(set(before["run"]) - set(lost))
    for run_id, row in recovered.items():
        original = before["run"][run_id]
        same = {name: value for name, value in row.items() if name not in COLUMNS_CHANGED_BY_DESIGN}
        assert same == {name: original[name] for name in same}, run_id
        if run_id != built.streaming_run:
            assert row == original or run_id in report.replay_links_removed, run_id
    assert table_rows(target, "experiment") == before["experiment"]

    # A replay of a lost run no longer points to it; its own record is whole.
    unlinked = sorted(run for run, replayed in built.replays.items() if replayed in lost)
    unlinked = [run for run in unlinked if run not in lost]
    assert unlinked and report.replay_links_removed == unlinked
    assert all(recovered[run]["replay_of_id"] is None for run in unlinked)
    kept = [run for run, replayed in built.replays.items() if run in recovered]
    assert any(recovered[run]["replay_of_id"] == built.replays[run] for run in kept)

    # Check items go with their lost source run; those whose replay was lost run again.
    items = table_rows(target, "migration_check_item")
    dropped = sorted(item for item, (source, _) in built.check_items.items() if source in lost)
    assert report.check_items_dropped == dropped and not set(dropped) & set(items)
    unlinked_items = [
        item
        for item, (source, new) in built.check_items.items()
        if new in lost and source not in lost
    ]
    assert report.check_items_unlinked == unlinked_items
    assert all(items[item]["new_run_id"] is None for item in unlinked_items)
    assert len(items) == len(built.check_items) - len(dropped)

    with Journal.open(target) as journal:
        with journal.read() as session:
            assert len(list_experiments(session, limit=1000)) == EXPERIMENTS
            tagged = list_experiments(session, ExperimentFilter(tag="group1"), limit=1000)
            assert len(tagged) == len([n for n in range(1, EXPERIMENTS + 1) if n % 3 == 1])
        for run_id, row in recovered.items():  # the search index was rebuilt from the rows
            number, index = divmod(run_id - 1, RUNS_PER_EXPERIMENT)
            assert search_ids(journal, run_word(number + 1, index)) == [row["experiment_id"]]
        for run_id in lost:
            number, index = divmod(run_id - 1, RUNS_PER_EXPERIMENT)
            assert search_ids(journal, run_word(number + 1, index)) == []
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO search(search) VALUES ('integrity-check')")
    # Ids of the lost runs are not given out again.
    assert conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'run'").fetchone()[0] == (
        EXPERIMENTS * RUNS_PER_EXPERIMENT
    )
    conn.close()

    summary = report.summary()
    assert summary.startswith(
        f"Recovered {EXPERIMENTS} experiments, {runs.copied} runs and 1 migration check into "
        f"{target}; {len(lost)} runs in a damaged part of the file could not be read. "
    ), summary
    assert (
        "1 run no longer links to the lost run it replayed"
        if len(unlinked) == 1
        else f"{len(unlinked)} runs no longer link to the lost runs they replayed"
    ) in summary
    assert f"{len(dropped)} migration check items whose run or check was lost were dropped" in (
        summary
    )


def test_the_run_left_streaming_is_interrupted_with_its_text(built: Built, tmp_path: Path) -> None:
    original = table_rows(built.path, "run")[built.streaming_run]
    target = tmp_path / "recovered.sqlite"
    report = recover_journal(built.path, target)
    assert report.interrupted_runs == [built.streaming_run]
    row = table_rows(target, "run")[built.streaming_run]
    assert row["status"] == "interrupted"
    assert row["response"] == original["response"]
    assert row["error"] == INTERRUPTED_MESSAGE
    assert row["finished_at"] == original["heartbeat_at"]
    assert row["owner"] == ""
    assert "1 run left streaming is now marked interrupted" in report.summary()


def test_a_check_left_running_is_interrupted(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite", check_status=CheckStatus.RUNNING)
    target = tmp_path / "recovered.sqlite"
    report = recover_journal(built.path, target)
    assert report.interrupted_checks == [1]
    assert table_rows(target, "migration_check")[1]["status"] == "interrupted"


# -- a damaged page of experiments ------------------------------------------------------


def test_runs_of_a_lost_experiment_are_kept_under_a_placeholder(
    built: Built, tmp_path: Path
) -> None:
    runs_before = table_rows(built.path, "run")
    lost = damage_middle_leaf(built.path, "experiment")
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    experiments = report.tables["experiment"]
    assert (experiments.lost, experiments.copied) == (len(lost), EXPERIMENTS - len(lost))
    assert report.tables["run"].lost == 0
    assert report.placeholder_experiments == lost
    assert table_rows(target, "run").keys() == runs_before.keys()
    with Journal.open(target) as journal:
        with journal.read() as session:
            for experiment_id in lost:
                detail = experiment_detail(session, experiment_id)
                assert detail.experiment.title == PLACEHOLDER_TITLE.format(id=experiment_id)
                assert detail.experiment.title == (
                    f"(recovered: experiment {experiment_id} was damaged)"
                )
                assert [run.id for run in detail.runs] == [
                    run_id
                    for run_id, row in runs_before.items()
                    if row["experiment_id"] == experiment_id
                ]
        assert search_ids(journal, run_word(lost[0], 0)) == [lost[0]]
        assert search_ids(journal, f"brook{lost[0]}") == []  # its own title is gone
        assert search_ids(journal, f"brook{lost[-1] + 1}") == [lost[-1] + 1]
    summary = report.summary()
    assert f"; {len(lost)} experiments in a damaged part of the file could not be read. " in summary
    assert (
        f"The runs of {len(lost)} lost experiments now belong to placeholders titled "
        "'(recovered: experiment N was damaged)'" in summary
    )


def test_without_an_intact_index_the_lost_ids_are_named_not_counted(
    built: Built, tmp_path: Path
) -> None:
    conn = sqlite3.connect(f"{built.path.resolve().as_uri()}?mode=ro", uri=True)
    index_pages = [
        row[0]
        for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN "
            "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'run')"
        )
    ]
    conn.close()
    lost = damage_middle_leaf(built.path, "run")
    for page in index_pages:
        overwrite_page(built.path, page)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    runs = report.tables["run"]
    assert runs.lost is None and runs.unreadable == [(lost[0], lost[-1])]
    assert sorted(table_rows(target, "run")) == [
        run for run in range(1, EXPERIMENTS * RUNS_PER_EXPERIMENT + 1) if run not in lost
    ]
    assert (
        f"an unknown number of runs (ids {lost[0]}-{lost[-1]}) in a damaged part of the file "
        "could not be read" in report.summary()
    )


def garble_schema_text(path: Path, text: bytes, replacement: bytes) -> None:
    """Change bytes of the file's table list (the CREATE statements) where `text` is."""
    assert len(text) == len(replacement)
    data = path.read_bytes()
    assert data.count(text) == 1, text
    path.write_bytes(data.replace(text, replacement))


def test_a_table_list_entry_that_no_longer_parses_is_passed_over(
    built: Built, tmp_path: Path
) -> None:
    garble_schema_text(
        built.path,
        b"CREATE TRIGGER search_run_delete AFTER",
        b"CREATE TRIGGER search_run_delete A#TER",
    )
    with pytest.raises(CorruptJournalError, match="malformed database schema"):
        Journal.open(built.path)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.complete
    assert len(table_rows(target, "run")) == EXPERIMENTS * RUNS_PER_EXPERIMENT
    with Journal.open(target) as journal:  # the trigger is the new journal's own again
        assert search_ids(journal, run_word(3, 1)) == [3]


def test_a_damaged_column_name_loses_no_column(built: Built, tmp_path: Path) -> None:
    responses = {run: row["response"] for run, row in table_rows(built.path, "run").items()}
    garble_schema_text(built.path, b"response             TEXT", b"respXnse             TEXT")
    target = tmp_path / "recovered.sqlite"

    assert recover_journal(built.path, target).complete

    assert {run: row["response"] for run, row in table_rows(target, "run").items()} == responses


def test_when_a_table_cannot_be_found_its_loss_is_said(built: Built, tmp_path: Path) -> None:
    garble_schema_text(built.path, b"CREATE TABLE experiment (", b"CREATE TABLE exper#ment (")
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    experiments = report.tables["experiment"]
    assert (experiments.copied, experiments.lost) == (0, None)
    assert experiments.unreadable == [(1, EXPERIMENTS)]
    assert report.placeholder_experiments == list(range(1, EXPERIMENTS + 1))
    assert report.tables["run"].copied == EXPERIMENTS * RUNS_PER_EXPERIMENT
    assert report.summary().startswith(
        f"Recovered 0 experiments, {EXPERIMENTS * RUNS_PER_EXPERIMENT} runs and 1 migration "
        f"check into {target}; an unknown number of experiments (ids 1-{EXPERIMENTS}) in a "
        "damaged part of the file could not be read. The runs of 40 lost experiments now "
        "belong to placeholders titled '(recovered: experiment N was damaged)'"
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [("options", '{"temperature": 0.2'), ("created_at", "yesterday"), ("status", "exploded")],
)
def test_a_run_whose_values_no_longer_parse_is_left_out(
    built: Built, tmp_path: Path, column: str, value: str
) -> None:
    conn = sqlite3.connect(built.path)
    conn.execute(f"UPDATE run SET {column} = ? WHERE id = 4", (value,))
    conn.commit()
    conn.close()
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    runs = report.tables["run"]
    assert (runs.skipped, runs.skipped_ids, runs.lost) == (1, [4], 0)
    assert 4 not in table_rows(target, "run")
    assert "; 1 run whose values are damaged was left out." in report.summary()
    assert report.replay_links_removed == [run for run, was in built.replays.items() if was == 4]


# -- whole journals ---------------------------------------------------------------------


def test_an_intact_journal_recovers_completely(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "recovered.sqlite"
    report = recover_journal(built.path, target)
    assert report.complete
    assert report.summary() == (
        f"Recovered {EXPERIMENTS} experiments, {EXPERIMENTS * RUNS_PER_EXPERIMENT} runs and "
        f"1 migration check into {target}; nothing was lost. "
        "1 run left streaming is now marked interrupted."
    )
    # Opened, the original marks its streaming run interrupted too: then they are the same.
    assert export_text(target) == export_text(built.path)
    for table in ("experiment", "run", "migration_check", "migration_check_item"):
        assert table_rows(target, table) == table_rows(built.path, table), table
    for query in ("SELECT * FROM tag ORDER BY 1, 2", "SELECT * FROM sqlite_sequence ORDER BY 1"):
        assert _all(target, query) == _all(built.path, query), query


def _all(path: Path, query: str) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def test_a_first_schema_journal_recovers_to_the_latest_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURES / "schema1_journal.sqlite", old)
    before = digest(old)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(old, target)

    assert report.source_version == 1 and report.complete
    assert digest(old) == before
    assert not Path(f"{old}.schema1.bak").exists()  # the damaged file is not upgraded
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()
    with Journal.open(target) as journal, journal.read() as session:
        rows = list_experiments(session)
        assert [row.title for row in rows] == ["JSON extraction ünïcödé 🧪", "Haiku about rivers"]
        haiku = experiment_detail(session, 1)
        assert haiku.experiment.tags == ["poetry", "format"]
        first, replay = haiku.runs
        assert first.options == {"temperature": 0.2, "seed": 42}
        assert replay.replay_of_id == first.id and replay.replay_info is None
        extraction = experiment_detail(session, 2).runs[0]
        assert extraction.status is RunStatus.INTERRUPTED
        assert extraction.response.startswith("```json")
        assert [hit.experiment_id for hit in search(session, "zebra")] == [2]
        assert [hit.experiment_id for hit in search(session, "stones")] == [1]


def _schema(path: Path) -> list[Any]:
    return _all(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")


@pytest.mark.parametrize("version", range(1, LATEST_VERSION + 1))
def test_every_schema_version_recovers_to_the_schema_of_a_new_journal(
    tmp_path: Path, version: int
) -> None:
    old = tmp_path / f"schema{version}.sqlite"
    conn = sqlite3.connect(old, isolation_level=None)
    apply_migrations(conn, target=version)
    conn.execute(
        "INSERT INTO experiment (uuid, title, tags, created_at, updated_at) "
        "VALUES ('e1', 'otters', '[\"zoo\"]', ?, ?)",
        (T0.isoformat(), T0.isoformat()),
    )
    conn.execute(
        "INSERT INTO run (uuid, experiment_id, model, messages, response, status, created_at) "
        'VALUES (\'r1\', 1, \'m\', \'[{"role": "user", "content": "beavers"}]\', '
        "'walrus', 'done', ?)",
        (T0.isoformat(),),
    )
    conn.close()
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(old, target)

    assert report.complete and report.source_version == version
    fresh = tmp_path / "fresh.sqlite"
    Journal.open(fresh).close()
    assert _schema(target) == _schema(fresh)
    with Journal.open(target) as journal:
        for word in ("otters", "beavers", "walrus"):
            assert search_ids(journal, word) == [1], word
        with journal.read() as session:
            assert [row.tags for row in list_experiments(session)] == [["zoo"]]


def test_a_journal_with_nothing_readable_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    damaged = tmp_path / "damaged.sqlite"
    with Journal.open(damaged) as journal, journal.write() as session:
        experiment = create_experiment(session, title="only one")
        assert experiment.id is not None
        session.add(Run(experiment_id=experiment.id, model="m", status=RunStatus.DONE))
    for table in ("experiment", "run"):
        ((page, _),) = leaf_pages(damaged, table)  # one page each: the root
        overwrite_page(damaged, page)
    target = tmp_path / "recovered.sqlite"
    with pytest.raises(CorruptJournalError) as refused:
        recover_journal(damaged, target)
    assert refused.value.message == (
        f"Nothing could be read from {damaged}: every record is in a damaged part of the "
        "file. Nothing was written."
    )
    assert sorted(path.name for path in tmp_path.iterdir() if "damaged" not in path.name) == []


# -- refusals ---------------------------------------------------------------------------


def test_an_existing_target_is_refused(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "taken.sqlite"
    target.write_bytes(b"someone's file")
    with pytest.raises(InvalidInputError, match="already exists"):
        recover_journal(built.path, target)
    assert target.read_bytes() == b"someone's file"
    with pytest.raises(InvalidInputError, match="already exists"):
        recover_journal(built.path, built.path)


def _foreign_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda p: p.write_text("# my notes\n"), NotAJournalError, "not an SQLite database"),
        (_foreign_database, NotAJournalError, "not an LLM Journal file"),
        (lambda p: p.mkdir(), NotAJournalError, "is a folder"),
        (lambda p: None, CannotOpenJournalError, "There is no file at"),
    ],
    ids=["text", "foreign-sqlite", "folder", "missing"],
)
def test_what_is_not_a_journal_is_refused(
    tmp_path: Path, make: Any, error: type[Exception], words: str
) -> None:
    source = tmp_path / "source.sqlite"
    make(source)
    target = tmp_path / "recovered.sqlite"
    with pytest.raises(error, match=words):
        recover_journal(source, target)
    assert not target.exists()


def test_a_journal_from_a_newer_version_is_refused(built: Built, tmp_path: Path) -> None:
    conn = sqlite3.connect(built.path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    target = tmp_path / "recovered.sqlite"
    with pytest.raises(NewerJournalError, match="newer LLM Journal"):
        recover_journal(built.path, target)
    assert not target.exists()


def test_a_recovery_cut_short_leaves_no_file_that_looks_finished(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cut(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(recover_module, "_mend_links", cut)
    target = tmp_path / "recovered.sqlite"
    with pytest.raises(KeyboardInterrupt):
        recover_journal(built.path, target)
    assert sorted(path.name for path in tmp_path.iterdir() if "damaged" not in path.name) == []


def test_a_run_keeps_its_template_and_values_through_recovery(tmp_path: Path) -> None:
    source = tmp_path / "templated.sqlite"
    template = {"prompt": "say {{word}}", "system": "", "values": {"word": "{{x}}"}}
    with Journal.open(source) as journal, journal.write() as session:
        experiment = create_experiment(session, title="templates")
        assert experiment.id is not None
        session.add(
            Run(
                experiment_id=experiment.id,
                model="m",
                messages=[{"role": "user", "content": "say {{x}}"}],
                template=template,
                status=RunStatus.DONE,
            )
        )
        session.add(Run(experiment_id=experiment.id, model="m", status=RunStatus.DONE))
    target = tmp_path / "recovered.sqlite"

    assert recover_journal(source, target).complete
    with Journal.open(target) as journal, journal.read() as session:
        first, second = experiment_detail(session, 1).runs
        assert (first.template, second.template) == (template, None)
