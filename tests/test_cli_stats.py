"""`journal stats` through `journal.cli.main`: the text tables and --json carry the core's
figures (journal.core.insights), for the experiments the list's filters select."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.domain import Verdict
from journal.core.storage import Journal
from tests.journal_process import run_cli
from tests.past_runs import seed_past_runs


def _cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--db", str(db), *argv)


def _journal(db: Path) -> None:
    with Journal.open(db) as journal:
        seed_past_runs(journal, [("a", Verdict.WORKED), ("b", None)], eval_count=200,
                       eval_duration=4_000_000_000)  # fmt: skip


def test_the_tables_and_the_json_agree(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    _journal(db_path)
    code, out, err = _cli(capsys, db_path, "stats")
    assert code == 0, err
    overall = next(line for line in out.splitlines() if line.startswith("(all)"))
    digest = overall.split()[2]
    assert overall.split() == ["(all)", "llama3:8b", digest, *"1 0 0 1 2 1 0 1 100%".split()]
    assert "50.0 / 50.0 / 50.0 / 50.0 / 50.0" in out
    assert "Unrated runs waiting for a verdict: 1" in out
    code, out, _ = _cli(capsys, db_path, "stats", "--json")
    record = json.loads(out)
    (outcome,) = record["outcomes"]
    assert (outcome["worked"], outcome["unjudged"], outcome["pass_rate"]) == (1, 1, 1.0)
    assert record["speed"][0]["tokens_per_second"]["median"] == 50.0
    assert record["activity"]["unrated"] == 1


def test_filters_select_as_the_list_does(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    _journal(db_path)
    code, out, _ = _cli(capsys, db_path, "stats", "--json", "--verdict", "unrated")
    assert code == 0
    record = json.loads(out)
    assert [(o["worked"], o["unjudged"]) for o in record["outcomes"]] == [(0, 1)]
    code, out, _ = _cli(capsys, db_path, "stats", "--json", "--search", "nothing-like-this")
    assert code == 0
    assert json.loads(out)["outcomes"] == []


def test_every_argument_has_help() -> None:
    from journal.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for action in commands.choices["stats"]._actions:  # type: ignore[index]
        assert action.help, action.dest


def test_nothing_to_count_says_so(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    Journal.open(db_path).close()
    code, out, err = _cli(capsys, db_path, "stats")
    assert code == 0 and out == ""
    assert err == "No runs match: nothing to count.\n"
