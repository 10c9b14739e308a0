"""`journal rm`, `restore`, `trash`, `archive`, `duplicate`, and what `list`/`show` say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.models import Run, RunStatus, utcnow
from journal.core.ownership import current_owner
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.journal_process import run_cli


def _cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--db", str(db), *argv)


def _journal_with(db: Path, runs: int = 4) -> tuple[int, list[int]]:
    with Journal.open(db) as journal, journal.write() as session:
        experiment = create_experiment(session, title="Rivers", tags=["geo"])
        assert experiment.id is not None
        ids = []
        for _ in range(runs):
            run = Run(experiment_id=experiment.id, model="m", status=RunStatus.DONE)
            session.add(run)
            session.flush()
            assert run.id is not None
            ids.append(run.id)
        return experiment.id, ids


def test_rm_restore_and_the_trash_listing(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    experiment, runs = _journal_with(db_path)
    code, _, err = _cli(capsys, db_path, "rm", str(experiment))
    assert code == 0
    assert err.strip() == (
        f"Moved experiment {experiment} and its 4 runs to the trash; "
        f"journal restore {experiment} brings it back."
    )
    code, out, _ = _cli(capsys, db_path, "list", "--json")
    assert json.loads(out) == []
    code, _, err = _cli(capsys, db_path, "show", str(experiment))
    assert code != 0
    assert f"Experiment {experiment} is in the trash (journal restore {experiment})." in err
    code, out, _ = _cli(capsys, db_path, "trash")
    assert f"experiment {experiment}" in out and "4 runs" in out and "Rivers" in out
    code, out, _ = _cli(capsys, db_path, "trash", "--json")
    assert [(item["kind"], item["id"], item["runs"]) for item in json.loads(out)] == [
        ("experiment", experiment, 4)
    ]
    code, _, err = _cli(capsys, db_path, "restore", str(experiment))
    assert code == 0 and err.strip() == (
        f"Restored experiment {experiment} and its 4 runs from the trash."
    )
    code, _, err = _cli(capsys, db_path, "rm", "--run", str(runs[0]))
    assert code == 0 and f"journal restore --run {runs[0]}" in err
    code, out, _ = _cli(capsys, db_path, "show", str(experiment), "--json")
    assert [run["id"] for run in json.loads(out)["runs"]] == runs[1:]
    code, _, err = _cli(capsys, db_path, "restore", "--run", str(runs[0]))
    assert code == 0 and f"Restored run {runs[0]} from the trash." in err


def test_rm_refuses_a_run_still_streaming(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    _, runs = _journal_with(db_path, runs=1)
    with Journal.open(db_path) as journal, journal.write() as session:
        run = session.get(Run, runs[0])
        assert run is not None
        run.status = RunStatus.STREAMING
        run.owner = current_owner()  # this process: alive, so the run is not interrupted
        run.heartbeat_at = utcnow()
        session.add(run)
    code, _, err = _cli(capsys, db_path, "rm", "--run", str(runs[0]))
    assert code != 0 and f"Run {runs[0]} is still running; cancel it first." in err


def test_trash_empty_says_what_went(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    experiment, _ = _journal_with(db_path, runs=2)
    _cli(capsys, db_path, "rm", str(experiment))
    code, _, err = _cli(capsys, db_path, "trash", "--empty", "--yes")
    assert code == 0 and err.strip() == "Deleted 1 experiment and 2 runs for good."
    code, _, err = _cli(capsys, db_path, "trash")
    assert err.strip() == "The trash is empty."
    code, _, err = _cli(capsys, db_path, "restore", str(experiment))
    assert code != 0 and f"There is no experiment {experiment}." in err


def test_archive_and_the_list_filters(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    experiment, _ = _journal_with(db_path, runs=0)
    code, _, err = _cli(capsys, db_path, "archive", str(experiment))
    assert code == 0 and f"Archived experiment {experiment}" in err
    assert json.loads(_cli(capsys, db_path, "list", "--json")[1]) == []
    archived = json.loads(_cli(capsys, db_path, "list", "--archived", "--json")[1])
    assert [(row["id"], row["archived"]) for row in archived] == [(experiment, True)]
    assert "[archived]" in _cli(capsys, db_path, "list", "--all")[1]
    _cli(capsys, db_path, "archive", str(experiment), "--undo")
    assert [row["id"] for row in json.loads(_cli(capsys, db_path, "list", "--json")[1])] == [
        experiment
    ]


def test_duplicate_prints_the_new_id(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    experiment, _ = _journal_with(db_path, runs=1)
    code, out, err = _cli(capsys, db_path, "duplicate", str(experiment))
    assert code == 0 and out.strip() == str(experiment + 1)
    assert f"Duplicated experiment {experiment} as experiment {experiment + 1}" in err
    code, out, _ = _cli(capsys, db_path, "show", str(experiment + 1), "--json")
    record = json.loads(out)
    assert (record["title"], record["tags"], record["runs"]) == ("Rivers (copy)", ["geo"], [])


def test_every_argument_has_help() -> None:
    from journal.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name in ("rm", "restore", "trash", "archive", "duplicate"):
        sub = commands.choices[name]  # type: ignore[index]
        for action in sub._actions:
            assert action.help, (name, action.dest)
