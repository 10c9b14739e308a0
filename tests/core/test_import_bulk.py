"""An import indexes its new experiments and runs for search once, at the end of its write
transaction, with the search insert triggers lifted meanwhile: the index comes out as the
triggers would have made it, and a failure anywhere leaves the journal, triggers included,
exactly as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from journal.core import bulk_insert, import_staging
from journal.core.domain import RunStatus
from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.migrations import SEARCH_INSERT_TRIGGERS
from journal.core.models import Run
from journal.core.queries import create_experiment, search
from journal.core.storage import Journal
from tests.core.test_export_import import count_rows, populate

WORDS = ("rivers", "three", "ticks", "pipes", "mine", "temperature", "html", "lines")


def _triggers(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def _index(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT rowid, title, hypothesis, prompts, responses, notes FROM search ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()


def _hits(journal: Journal) -> dict[str, list[tuple[int, str]]]:
    with journal.read() as session:
        return {
            word: [(hit.experiment_id, hit.snippet) for hit in search(session, word, limit=50)]
            for word in WORDS
        }


def _reindexed_by_the_triggers(path: Path, copy: Path) -> None:
    """`copy` is `path` with every document written again, row by row, by the journal's
    update triggers: what the normal path gives for these rows."""
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(target)
        target.execute("UPDATE experiment SET title = title")
        target.execute("UPDATE run SET system_prompt = system_prompt")
        target.commit()
    finally:
        source.close()
        target.close()


@pytest.fixture
def export(journal: Journal, tmp_path: Path) -> Path:
    populate(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    return path


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Journal]:
    """A journal with entries of its own, written the normal way."""
    with Journal.open(tmp_path / "target.sqlite") as opened:
        with opened.write() as session:
            mine = create_experiment(session, title="mine, three rivers", hypothesis="html pipes")
            assert mine.id is not None
            session.add(
                Run(experiment_id=mine.id, model="m", response="mine: ticks", status=RunStatus.DONE)
            )
        yield opened


def test_the_index_after_an_import_is_what_the_triggers_give(
    export: Path, target: Journal, journal: Journal, tmp_path: Path
) -> None:
    triggers = _triggers(target.path)
    result = import_markdown(target, export)
    assert (result.new_experiments, result.new_runs, result.kept_ids) == (3, 3, False)

    assert _triggers(target.path) == triggers  # back, word for word, in the journal itself
    reference = tmp_path / "reference.sqlite"
    _reindexed_by_the_triggers(target.path, reference)
    index = _index(target.path)
    assert len(index) == sum(count_rows(target))  # one document per experiment and per run
    assert index == _index(reference)
    with Journal.open(reference) as by_triggers:
        assert _hits(target) == _hits(by_triggers)
    assert _hits(target)["rivers"]  # the words are really found

    # Into an empty journal the ids are kept: the index is the source journal's, row for row.
    with Journal.open(tmp_path / "restored.sqlite") as restored:
        assert import_markdown(restored, export).kept_ids
        assert _index(restored.path) == _index(journal.path)
        assert _hits(restored) == _hits(journal)

    # The triggers work again for what is written next.
    with target.write() as session:
        later = create_experiment(session, title="written after the import: zanzibar")
    with target.read() as session:
        assert [hit.experiment_id for hit in search(session, "zanzibar")] == [later.id]


def test_the_insert_triggers_are_lifted_while_the_rows_go_in(
    export: Path, target: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row by row, the triggers indexed each new run inside the INSERT ... SELECT."""
    seen: list[list[str]] = []
    real_merge = import_staging._merge

    def merge(connection: Connection, staging: import_staging.Staging) -> Any:
        seen.append(
            [
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT name FROM main.sqlite_master WHERE type = 'trigger'"
                )
            ]
        )
        return real_merge(connection, staging)

    monkeypatch.setattr(import_staging, "_merge", merge)
    import_markdown(target, export)
    assert len(seen) == 1
    assert not set(SEARCH_INSERT_TRIGGERS) & set(seen[0])
    assert "search_run_update" in seen[0]  # only the insert triggers are lifted
    assert {name for name, _ in _triggers(target.path)} >= set(SEARCH_INSERT_TRIGGERS)


@pytest.mark.parametrize("failure", ["a run insert half-way", "the final indexing"])
def test_a_failure_leaves_the_journal_and_its_triggers_as_they_were(
    export: Path, target: Journal, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    expected: type[Exception]
    if failure == "a run insert half-way":
        conn = sqlite3.connect(target.path)
        conn.execute(  # the experiments and the first run are in when the second is refused
            "CREATE TRIGGER planted BEFORE INSERT ON run WHEN new.model = 'qwen3:0.6b' "
            "BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
        )
        conn.close()
        expected = IntegrityError
    else:  # every row is in, the triggers are still lifted
        broken = dict(bulk_insert._INDEXING)
        broken["search_run_insert"] = "INSERT INTO no_such_table SELECT 1 WHERE :run"
        monkeypatch.setattr(bulk_insert, "_INDEXING", broken)
        expected = OperationalError
    triggers, index, rows = _triggers(target.path), _index(target.path), count_rows(target)

    with pytest.raises(expected):
        import_markdown(target, export)

    assert _triggers(target.path) == triggers
    assert _index(target.path) == index
    assert count_rows(target) == rows == (1, 1)
