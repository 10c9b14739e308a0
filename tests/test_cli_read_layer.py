"""The read commands read without writing, and `list`, `search` and `matrix` without the ORM.

The read layer (journal.core.reading over read_sql's statements) must give exactly the rows
the session path gives, import neither SQLAlchemy nor SQLModel, and leave the journal's
folder as it found it: no upgrade, no marking of runs a dead writer left live.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
from itertools import product
from pathlib import Path

import pytest

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.errors import NewerJournalError, NoJournalError, NotAJournalError
from journal.core.matrix import experiment_matrix, matrix_page
from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.models import Run, RunStatus
from journal.core.queries import INTERRUPTED_MESSAGE, create_experiment, list_experiments, search
from journal.core.read_sql import ARCHIVED_CHOICES, list_summaries, search_hits
from journal.core.reading import OlderJournalError, ReadJournal
from journal.core.storage import Journal
from tests.journal_process import run_cli

MODELS = ("llama3", "llama3:latest", "qwen3:0.6b", "mistral:7b")


def _dead_owner() -> str:
    """The owner of a run whose process has ended on this machine."""
    code = "import os; print(os.getpid())"
    ended = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return f"{socket.gethostname()}:{ended.stdout.strip()}"


def _populate(db_path: Path) -> None:
    """Experiments with runs on several models and spellings, verdicts, unrated and
    unfinished runs, tags, an archived and a trashed experiment, a trashed run."""
    statuses = (RunStatus.DONE, RunStatus.DONE, RunStatus.FAILED, RunStatus.DONE)
    verdicts = (Verdict.WORKED, None, Verdict.FAILED, Verdict.PARTLY, None)
    with Journal.open(db_path) as journal, journal.write() as session:
        for index in range(14):
            experiment = create_experiment(
                session,
                title=f"experiment {index}",
                hypothesis="quokka sighting" if index % 4 == 0 else "plain",
                tags=["odd"] if index % 2 else ["even", "x"],
            )
            assert experiment.id is not None
            for number in range(index % 5):
                session.add(
                    Run(
                        experiment_id=experiment.id,
                        model=MODELS[(index + number) % len(MODELS)],
                        model_digest=f"sha256:{(index + number) % 3:064d}" if number % 4 else "",
                        messages=[{"role": "user", "content": f"prompt {index} axolotl"}],
                        response=f"answer {number} of {index}",
                        status=statuses[(index * number) % len(statuses)],
                        verdict=verdicts[(index + 2 * number) % len(verdicts)],
                    )
                )
        session.flush()
        session.connection().exec_driver_sql(
            "UPDATE experiment SET archived_at = created_at WHERE id IN (3, 8)"
        )
        session.connection().exec_driver_sql(
            "UPDATE experiment SET trashed_at = created_at WHERE id = 5"
        )
        session.connection().exec_driver_sql(
            "UPDATE run SET trashed_at = created_at WHERE id = (SELECT max(id) FROM run)"
        )


FILTERS = [
    ExperimentFilter(),
    ExperimentFilter(model="llama3"),
    ExperimentFilter(model="qwen3:0.6b", verdict=Verdict.FAILED),
    ExperimentFilter(verdict=Verdict.WORKED),
    ExperimentFilter(unrated=True),
    ExperimentFilter(model="llama3:latest", unrated=True),
    ExperimentFilter(tag="odd"),
    ExperimentFilter(search="quokka"),
    ExperimentFilter(search="axolotl", tag="x"),
]


def test_the_read_layer_gives_the_rows_the_session_gives(db_path: Path) -> None:
    _populate(db_path)
    with (
        Journal.open(db_path) as journal,
        journal.read() as session,
        ReadJournal.open(db_path) as reader,
    ):
        for filters, archived in product(FILTERS, ARCHIVED_CHOICES):
            for limit, before in ((50, None), (3, None), (4, 9)):
                expected = list_experiments(
                    session, filters, limit=limit, before_id=before, archived=archived
                )
                assert expected == list_summaries(
                    reader, filters, limit=limit, before_id=before, archived=archived
                )
        listed = list_summaries(reader, limit=50)
        assert any(row.standings for row in listed)  # the journal tests what it should
        for text, limit in product(
            ["quokka", "axolotl", "prompt 3", "nothing", '"answer 1"'], (1, 3, 50)
        ):
            expected_hits = search(session, text, limit=limit, marks=("<", ">"))
            assert expected_hits == search_hits(reader, text, limit=limit, marks=("<", ">"))
        assert search_hits(reader, "quokka", limit=50)
        for filters in FILTERS:
            for limit, before in ((50, None), (4, None), (4, 10)):
                expected_matrix = experiment_matrix(session, filters, limit=limit, before_id=before)
                assert expected_matrix == matrix_page(
                    reader, filters, limit=limit, before_id=before
                )
        assert experiment_matrix(session, models=["llama3"]) == matrix_page(
            reader, models=["llama3"]
        )
        assert matrix_page(reader).columns


READ_COMMANDS = [
    ["list", "--json"],
    ["list", "--verdict", "worked", "--model", "llama3"],
    ["list", "--all", "--limit", "5"],
    ["search", "quokka"],
    ["search", "axolotl", "--json"],
    ["matrix"],
    ["matrix", "--json", "--limit", "3"],
]

_WITHOUT_ORM = """
import sys
from journal.cli import main
try:
    code = main(sys.argv[1:])
finally:
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel"))
    print("ORM:", heavy, file=sys.stderr)
raise SystemExit(code)
"""


@pytest.mark.parametrize("argv", [*READ_COMMANDS, ["--version"]])
def test_list_search_matrix_and_version_import_no_orm(db_path: Path, argv: list[str]) -> None:
    _populate(db_path)
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ORM, "--db", str(db_path), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "ORM: []"
    assert done.stdout.strip()


def _folder(path: Path) -> dict[str, tuple[int, int, str]]:
    """Every file beside the journal: size, modification time and content."""
    return {
        item.name: (
            item.stat().st_size,
            item.stat().st_mtime_ns,
            hashlib.sha256(item.read_bytes()).hexdigest(),
        )
        for item in sorted(path.parent.iterdir())
    }


def test_read_commands_leave_the_journal_as_it_was_and_show_a_dead_run_as_interrupted(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    _populate(db_path)
    with Journal.open(db_path) as journal, journal.write() as session:
        session.add(
            Run(
                experiment_id=2,
                model="llama3",
                messages=[{"role": "user", "content": "left streaming"}],
                response="half an ans",
                status=RunStatus.STREAMING,
                owner=_dead_owner(),
            )
        )
    before = _folder(db_path)
    assert not [name for name in before if name.endswith(("-wal", "-shm"))]
    for argv in [*READ_COMMANDS, ["show", "2"], ["show", "2", "--json"]]:
        code, out, err = run_cli(capsys, "--db", str(db_path), *argv)
        assert code == 0, err
        if argv == ["show", "2"]:
            assert "· interrupted · unrated" in out and "answer: half an ans" in out
            assert f"error: {INTERRUPTED_MESSAGE}" in out
        if argv == ["show", "2", "--json"]:
            left = json.loads(out)["runs"][-1]
            assert (left["status"], left["error"]) == ("interrupted", INTERRUPTED_MESSAGE)
        assert _folder(db_path) == before, argv
    with sqlite3.connect(db_path) as raw:
        statuses = raw.execute("SELECT status FROM run WHERE status = 'streaming'").fetchall()
    assert statuses == [("streaming",)]  # still as the dead writer left it: only read
    with Journal.open(db_path):  # the write path marks it, as always
        pass
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM run WHERE status = 'streaming'").fetchone() == (0,)


def test_an_older_journal_is_not_upgraded_by_a_read_command(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn, target=LATEST_VERSION - 1)
    conn.close()
    before = _folder(db_path)
    for argv in (["list"], ["search", "x"], ["matrix"], ["show", "1"]):
        code, _, err = run_cli(capsys, "--db", str(db_path), *argv)
        assert code == 1
        assert err.startswith(f"journal: error: The journal {db_path} was written by an older")
        assert "must be upgraded" in err and "opening it in the window, upgrades it" in err
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        assert _folder(db_path) == before
    with pytest.raises(OlderJournalError):
        ReadJournal.open(db_path)


def test_the_read_layer_refuses_what_the_write_path_refuses(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    with pytest.raises(NoJournalError, match=r"There is no journal at .* yet"):
        ReadJournal.open(missing)
    assert not missing.exists()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello", encoding="utf-8")
    with pytest.raises(NotAJournalError) as read:
        ReadJournal.open(foreign)
    with pytest.raises(NotAJournalError) as written:
        Journal.open(foreign)
    assert str(read.value) == str(written.value)
    newer = tmp_path / "newer.sqlite"
    with Journal.open(newer):
        pass
    with sqlite3.connect(newer) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(NewerJournalError, match="written by a newer LLM Journal"):
        ReadJournal.open(newer)


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--db", "j.sqlite", "list", "--verdict", "worked", "--model", "m", "--json"],
        ["--db=j.sqlite", "list", "--archived", "--tag", "-x", "--search=-y", "--limit", "3"],
        ["search", "-O2", "--limit", "4"],
        ["--host", "http://h:1", "search", "--json", "--", "--flag"],
        ["show", "7", "--history", "--json", "--raw"],
        ["matrix", "--column", "a", "--column", "b", "--wide", "--before", "9", "--db", "x"],
    ],
)
def test_a_read_command_is_read_alone_as_the_full_parser_reads_it(argv: list[str]) -> None:
    from journal.cli import _parsed, lean_command

    only = lean_command(argv)
    assert only == next(token for token in argv if token in ("list", "search", "show", "matrix"))
    assert vars(_parsed(argv, only)) == vars(_parsed(argv, None))


@pytest.mark.parametrize(
    "argv",
    [["list", "--limt", "3"], ["--bogus", "list"], ["search"], ["matrix", "--verdict", "wroked"]],
)
def test_a_refused_read_command_is_worded_by_the_full_parser(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    from journal.cli import build_parser, lean_command, main
    from journal.cli_support import ArgumentsRefused, join_dash_values

    assert main(argv) == 2
    said = capsys.readouterr().err
    parser = build_parser()
    with pytest.raises(ArgumentsRefused) as refused:
        parser.parse_args(join_dash_values(parser, argv))
    assert said == refused.value.message + "\n"
    assert lean_command(argv) in (None, "list", "search", "matrix")


@pytest.mark.parametrize(
    "argv", [["--help"], ["list", "--help"], ["-h", "search"], ["run", "-p", "x"], ["export"], []]
)
def test_help_and_other_commands_get_the_full_parser(argv: list[str]) -> None:
    from journal.cli import lean_command

    assert lean_command(argv) is None


def test_version_alone_is_read_without_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from journal import __version__
    from journal.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"journal {__version__}\n"


@pytest.mark.parametrize(
    ("argv", "asks"),
    [
        (["--version"], True),
        (["--db", "j.sqlite", "--version"], True),
        (["--host=http://h:1", "--db=j.sqlite", "--version"], True),
        (["--version", "--db", "j.sqlite"], True),
        (["--db", "--version"], False),  # --version is the missing path: argparse says so
        (["list", "--version"], False),
        (["--version", "list"], False),
        ([], False),
    ],
)
def test_the_launcher_answers_version_alone_as_the_parser_would(
    argv: list[str], asks: bool
) -> None:
    from journal.cli_launch import asks_only_version

    assert asks_only_version(argv) is asks


def test_version_through_the_command_imports_no_command_module(db_path: Path) -> None:
    """`python -m journal --db X --version`, as scripts and the peer benchmark run it: the
    launcher answers before journal.cli (and every command module) is imported, with the
    line the full parser prints."""
    from journal import __version__
    from journal.cli import main
    from journal.cli_launch import main as launch

    code = (
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('journal', run_name='__main__')\n"
        "finally:\n"
        "    loaded = sorted(n for n in sys.modules if n.startswith('journal.'))\n"
        "    print('loaded:', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", str(db_path), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"journal {__version__}\n"
    assert done.stderr.splitlines()[-1] == "loaded: ['journal.cli_launch']"
    assert not db_path.exists()
    with pytest.raises(SystemExit) as parsed:
        main(["--db", str(db_path), "--version"])
    assert parsed.value.code == 0
    assert launch(["--db", str(db_path), "--version"]) == 0
