"""`journal list` says which models worked, and `--verdict` (with `unrated`) agrees (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.domain import Verdict
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.journal_process import run_cli
from tests.past_runs import add_past_run


def _journal(db_path: Path) -> dict[str, int]:
    """Three experiments: worked on llama3 then failed, worked on one of two models, and
    one run still to judge."""
    plans: dict[str, list[tuple[str, Verdict | None]]] = {
        "changed mind": [("llama3:8b", Verdict.WORKED), ("llama3:8b", Verdict.FAILED)],
        "one of two": [("llama3:8b", Verdict.WORKED), ("qwen3:0.6b", Verdict.PARTLY)],
        "to judge": [("llama3:8b", None)],
    }
    ids = {}
    with Journal.open(db_path) as journal, journal.write() as session:
        for title, runs in plans.items():
            experiment = create_experiment(session, title=title)
            assert experiment.id is not None
            ids[title] = experiment.id
            for model, verdict in runs:
                add_past_run(session, experiment.id, verdict=verdict, model=model)
    return ids


def test_list_says_which_models_worked(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    ids = _journal(db_path)
    code, out, _ = run_cli(capsys, "--db", str(db_path), "list")
    assert code == 0
    lines = {line.rsplit("  ", 1)[-1].strip(): line for line in out.splitlines()[1:]}
    assert "worked on 0 of 1 model " in lines["changed mind"]
    assert "worked on 1 of 2 models " in lines["one of two"]
    assert "not judged yet (1 model) " in lines["to judge"]

    code, out, _ = run_cli(capsys, "--db", str(db_path), "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows[ids["one of two"]]["standings"] == [
        {"model": "llama3:8b", "verdict": "worked"},
        {"model": "qwen3:0.6b", "verdict": "partly"},
    ]
    assert rows[ids["changed mind"]]["standings"] == [{"model": "llama3:8b", "verdict": "failed"}]
    assert rows[ids["to judge"]]["standings"] == [{"model": "llama3:8b", "verdict": None}]


@pytest.mark.parametrize(
    ("argv", "titles"),
    [
        (["--verdict", "worked"], ["one of two"]),
        (["--verdict", "failed"], ["changed mind"]),
        (["--verdict", "unrated"], ["to judge"]),
        (["--verdict", "partly", "--model", "qwen3:0.6b"], ["one of two"]),
        (["--verdict", "worked", "--model", "qwen3:0.6b"], []),
    ],
)
def test_verdict_filter_agrees_with_the_list(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str], titles: list[str]
) -> None:
    ids = _journal(db_path)
    code, out, _ = run_cli(capsys, "--db", str(db_path), "list", *argv, "--json")
    assert code == 0
    assert [row["id"] for row in json.loads(out)] == [ids[title] for title in titles]


def test_every_filtered_command_takes_unrated(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    _journal(db_path)
    db = ("--db", str(db_path))
    code, out, err = run_cli(capsys, *db, "export", "-o", "-", "--verdict", "unrated")
    assert code == 0, err
    assert "to judge" in out and "one of two" not in out
    code, out, err = run_cli(capsys, *db, "matrix", "--verdict", "unrated", "--json")
    assert code == 0, err
    assert "to judge" in out and "one of two" not in out
    code, _, err = run_cli(capsys, *db, "list", "--verdict", "maybe")
    assert code != 0 and "unrated" in err
