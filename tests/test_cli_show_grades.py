"""`journal show EXPERIMENT` with expectations, each run's grades and outcome, repeats; and
`show --json` (current grades; `--history` for all of them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.core.expectations import parse_expectation
from journal.core.grades import find_expectation, update_expectation
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import run_cli


def _by_seed(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    return "Paris." if options.get("seed", 0) % 2 == 0 else "Lyon."


@pytest.fixture
def db(db_path: Path, fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Experiment 1: expects contains:Paris (name city) and words<=5 (weight 2); runs 1-2
    repeat on moody:1b (Paris, Lyon); run 1 judged worked by the person."""
    fake_ollama.add_model(FakeModel("moody:1b", reply=_by_seed))
    args = ["--db", str(db_path), "--host", fake_ollama.url]
    for argv in (
        ("run", "-m", "moody:1b", "-p", "Capital?", "-t", "Capital", "--repeat", "2"),
        ("expect", "1", "add", "contains:Paris", "--name", "city"),
        ("expect", "1", "add", "words<=5", "--weight", "2"),
        ("grade", "--experiment", "1"),
        ("verdict", "1", "worked"),
    ):
        code, _, err = run_cli(capsys, *args, *argv)
        assert code == 0, err
    return args


def test_show_prints_expectations_grades_outcomes_and_repeats(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    code, out, err = run_cli(capsys, *db, "show", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:5] == [
        "# 1: Capital",
        "expectations (all must pass):",
        "  1. contains:Paris (name city)",
        "  2. words<=5 (weight 2)",
        "repeats on moody:1b (runs 1, 2): 1 of 2 pass, 2 distinct answers: "
        "worked only some of the time",
    ]
    first = next(i for i, line in enumerate(lines) if line.startswith("## run 1 · moody:1b @ "))
    assert lines[first + 1].startswith("host: http://127.0.0.1:")  # who served it
    grades = next(i for i in range(first, len(lines)) if lines[i].startswith("grades: "))
    assert lines[grades : grades + 3] == [
        "grades: pass · 2 of 2 pass · verdict: worked (yours)",
        "  pass    city — contains 'Paris'",
        "  pass    words<=5 — 1 word",
    ]
    assert lines[-3:] == [
        "grades: fail · 1 of 2 pass; missing 'Paris' · suggested verdict: partly",
        "  fail    city — missing 'Paris'",
        "  pass    words<=5 — 1 word",
    ]


def test_show_marks_grades_of_an_edited_expectation(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    for argv in (("expect", "1", "remove", "city"), ("expect", "1", "add", "contains:Lyon")):
        assert run_cli(capsys, *db, *argv)[0] == 0
    with Journal.open(db_path) as journal, journal.write() as session:
        saved = find_expectation(session, 1, "words<=5")
        update_expectation(session, saved.id, parse_expectation("words<=1", weight=2))
    _, out, _ = run_cli(capsys, *db, "show", "1")
    # Results are facts about a run: the removed one is no longer current, the edited one
    # says it was graded against the old text, the new one waits for a re-grade.
    assert out.splitlines()[-2:] == [
        "grades: needs a look · 1 of 2 pass (1 not graded); not graded yet · no verdict suggested",
        "  pass    words<=5 — 1 word (graded against an older version)",
    ]


def test_show_json_has_expectations_results_and_history(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    assert run_cli(capsys, *db, "grade", "2")[0] == 0  # a second grading of run 2
    code, out, err = run_cli(capsys, *db, "show", "1", "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["rule"] == "all"
    assert [e["line"] for e in record["expectations"]] == ["contains:Paris", "words<=5"]
    assert record["expectations"][0]["name"] == "city"
    assert record["works_only_sometimes"] is True
    assert record["repeats"] == [
        {
            "model": "moody:1b",
            "run_ids": [1, 2],
            "runs": 2,
            "passed": 1,
            "failed": 1,
            "needs_look": 0,
            "distinct_answers": 2,
            "worked_only_sometimes": True,
            "line": "1 of 2 pass, 2 distinct answers: worked only some of the time",
        }
    ]
    first, second = record["runs"]
    assert first["options"] == {"seed": 0} and second["options"] == {"seed": 1}
    assert [g["status"] for g in second["grades"]] == ["fail", "pass"]
    assert second["grades"][0]["reason"] == "missing 'Paris'"
    assert second["outcome"]["status"] == "fail"
    assert second["outcome"]["suggested_verdict"] == "partly"
    assert first["outcome"]["verdict_shown"] == "worked"
    assert first["outcome"]["verdict_is_suggestion"] is False
    assert "grade_history" not in second
    _, out, _ = run_cli(capsys, *db, "show", "1", "--json", "--history")
    second = json.loads(out)["runs"][1]
    assert len(second["grades"]) == 2 and len(second["grade_history"]) == 4
    assert [g["expectation"] for g in second["grade_history"]] == [
        "contains:Paris",
        "words<=5",
        "contains:Paris",
        "words<=5",
    ]


def test_show_without_expectations_says_nothing_about_grades(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    args = ["--db", str(db_path), "--host", fake_ollama.url]
    assert run_cli(capsys, *args, "run", "-m", "llama3:8b", "-p", "Hello")[0] == 0
    _, out, _ = run_cli(capsys, *args, "show", "1")
    assert "grades" not in out and "expectations" not in out and "repeats" not in out
    _, out, _ = run_cli(capsys, *args, "show", "1", "--json")
    record = json.loads(out)
    assert record["expectations"] == [] and record["repeats"] == []
    assert record["runs"][0]["grades"] == []
    assert record["runs"][0]["outcome"]["status"] == "needs-look"


def test_show_says_the_read_layers_grading_records_as_they_are(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    """`show` prints read_records' own grading records: no copy of them to drift apart."""
    from journal.cli_grading import shown_grading
    from journal.core.read_records import (
        ExperimentGrading,
        RunGrading,
        read_grading,
        read_runs,
    )
    from journal.core.reading import ReadJournal

    with ReadJournal.open(db_path) as reader:
        runs = read_runs(reader, 1)
        shown = shown_grading(reader, 1, runs)
        found = read_grading(reader, 1, runs)
    assert isinstance(shown.found, ExperimentGrading)
    assert shown.found == found
    assert all(isinstance(graded, RunGrading) for graded in shown.found.runs.values())
    assert shown.record()["rule"] == found.rule.text == "all"
