"""A journal written by the first schema opens in this version with nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlmodel import SQLModel

from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.models import RunStatus, Verdict
from journal.core.queries import experiment_detail, list_experiments, search
from journal.core.storage import Journal

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema1_journal.sqlite"


def _copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE, target)
    return target


def test_fixture_really_is_schema_one() -> None:
    conn = sqlite3.connect(f"{FIXTURE.resolve().as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_schema_one_journal_opens_with_everything_kept(tmp_path: Path) -> None:
    path = _copy_fixture(tmp_path)
    with Journal.open(path) as journal, journal.read() as session:
        rows = list_experiments(session)
        assert [row.title for row in rows] == ["JSON extraction ünïcödé 🧪", "Haiku about rivers"]
        haiku = experiment_detail(session, 1)
        assert haiku.experiment.tags == ["poetry", "format"]
        assert haiku.experiment.conclusion == "Mostly right"
        first, replay = haiku.runs
        assert first.model_digest == "a" * 64
        assert first.options == {"temperature": 0.2, "seed": 42}
        assert first.verdict is Verdict.WORKED
        assert first.verdict_note == "syllables fine"
        assert replay.replay_of_id == first.id
        assert replay.response == "Rivers run"
        # The run a crashed process left streaming is recovered with its text.
        extraction = experiment_detail(session, 2).runs[0]
        assert extraction.status is RunStatus.INTERRUPTED
        assert extraction.response.startswith("```json")
        # The search index arrived with schema 2 and covers the old rows.
        assert [hit.experiment_id for hit in search(session, "zebra")] == [2]
        assert [hit.experiment_id for hit in search(session, "stones")] == [1]


def test_upgrade_keeps_a_backup_of_the_old_file(tmp_path: Path) -> None:
    path = _copy_fixture(tmp_path)
    Journal.open(path).close()
    backup = path.with_name(path.name + ".schema1.bak")
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM run").fetchone()[0] == 3
    conn.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()
    conn.close()
    return rows


def test_upgraded_schema_equals_a_fresh_one(tmp_path: Path) -> None:
    upgraded = _copy_fixture(tmp_path)
    Journal.open(upgraded).close()
    fresh = tmp_path / "fresh.sqlite"
    Journal.open(fresh).close()
    assert _schema(upgraded) == _schema(fresh)


def test_table_classes_match_the_migrated_schema(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    for table in SQLModel.metadata.sorted_tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        assert columns == {column.name for column in table.columns}, table.name
    conn.close()


def test_two_processes_creating_one_journal_at_once_both_succeed(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "new.sqlite"
    code = "import sys; from journal.core.storage import Journal; Journal.open(sys.argv[1]).close()"
    openers = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(4)]
    assert [opener.wait(timeout=60) for opener in openers] == [0, 0, 0, 0]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


def test_migration_six_from_schema_five_adds_an_empty_template_to_every_run(
    tmp_path: Path,
) -> None:
    from journal.core.queries import get_run
    from journal.core.runner import RunSpec, record_pending

    path = tmp_path / "five.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, target=5)
    now = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        "INSERT INTO experiment (uuid, title, created_at, updated_at) VALUES ('e', 'R', ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO run (uuid, experiment_id, model, messages, status, response, created_at) "
        "VALUES ('r', 1, 'm', '[{\"role\": \"user\", \"content\": \"say {{word}}\"}]', 'done', "
        "'kiwi', ?)",
        (now,),
    )
    conn.close()

    with Journal.open(path) as journal:
        with journal.read() as session:
            old = get_run(session, 1)
            assert (old.prompt, old.response, old.template) == ("say {{word}}", "kiwi", None)
        template = {"prompt": "say {{word}}", "system": "", "values": {"word": "kiwi"}}
        with journal.write() as session:
            spec = RunSpec(1, "m", prompt="say kiwi", template=template)
            new_id = record_pending(session, spec).id
        with journal.read() as session:
            assert new_id is not None and get_run(session, new_id).template == template
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("SELECT template FROM run ORDER BY id").fetchall() == [
        (None,),
        ('{"prompt": "say {{word}}", "system": "", "values": {"word": "kiwi"}}',),
    ]
    conn.close()
    assert path.with_name("five.sqlite.schema5.bak").exists()


def test_migration_7_adds_input_rows_to_a_schema_6_journal(tmp_path: Path) -> None:
    from journal.core.input_sets import add_row, check_row, list_rows

    path = tmp_path / "six.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, target=6)
    now = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        "INSERT INTO experiment (uuid, title, created_at, updated_at) VALUES ('e', 'R', ?, ?)",
        (now, now),
    )
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'input_row'").fetchall() == []
    conn.close()
    with Journal.open(path) as journal:
        with journal.write() as session:
            add_row(session, 1, check_row({"word": "kiwi"}, ["contains:kiwi"]))
        with journal.read() as session:
            (row,) = list_rows(session, 1)
    assert (row.position, row.values, row.expectations) == (1, {"word": "kiwi"}, ("contains:kiwi",))
    assert path.with_name("six.sqlite.schema6.bak").exists()
