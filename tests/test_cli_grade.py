"""`journal grade RUN | --experiment ID | filters | --all`: explicit re-grading through
`journal.cli.main` against the fake Ollama, history kept, progress on stderr, Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from journal.core.grades import grade_history
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import journal_command, read_stderr_until, run_cli

VERDICT = json.dumps({"pass": True, "score": 0.9, "reason": "names the capital"})


@pytest.fixture
def db(db_path: Path, capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama) -> list[str]:
    """Experiment 1: runs 1 (capital:1b, "Paris, France.") and 2 (lyon:1b, "Lyon.");
    experiment 2 (tag other): run 3 (capital:1b); experiment 3: run 4, no expectations."""
    fake_ollama.add_model(FakeModel("capital:1b", reply=lambda m, o: "Paris, France."))
    fake_ollama.add_model(FakeModel("lyon:1b", reply=lambda m, o: "Lyon."))
    fake_ollama.add_model(FakeModel("judge:1b", reply=lambda m, o: VERDICT))
    args = ["--db", str(db_path), "--host", fake_ollama.url]
    for argv in (
        ("-m", "capital:1b", "-p", "Capital of France?"),
        ("-m", "lyon:1b", "-p", "Capital of France?", "--experiment", "1"),
        ("-m", "capital:1b", "-p", "Capital?", "--tag", "other"),
        ("-m", "capital:1b", "-p", "Nothing expected"),
    ):
        code, _, err = run_cli(capsys, *args, "run", *argv)
        assert code == 0, err
    for experiment in ("1", "2"):
        code, _, err = run_cli(capsys, *args, "expect", experiment, "add", "contains:Paris")
        assert code == 0, err
    return args


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return out, err


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 1 and out == "", (code, out, err)
    assert err.count("\n") == 1 and err.startswith("journal: error: "), err
    return err.strip()


def _history(db_path: Path, run_id: int) -> list[tuple[str, str]]:
    with Journal.open(db_path) as journal, journal.read() as session:
        return [(g.expectation_text, g.status.value) for g in grade_history(session, run_id)]


def test_grade_one_run_prints_its_outcome_and_keeps_history(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    out, err = ok(capsys, *db, "grade", "1")
    assert out == ("run 1 · capital:1b: pass · 1 of 1 pass · suggested verdict: worked\n")
    assert err.splitlines() == [
        "grading 1 run (Ctrl-C stops)",
        "[1/1] run 1: pass    contains:Paris — contains 'Paris'",
        "1 of 1 runs graded: 1 pass, 0 fail, 0 need a look",
    ]
    # An edit is not applied to old results until the run is graded again, explicitly.
    ok(capsys, *db, "expect", "1", "add", "contains:Lyon")
    out, _ = ok(capsys, *db, "grade", "1")
    assert out.startswith("run 1 · capital:1b: fail · 1 of 2 pass; missing 'Lyon'")
    assert out.rstrip().endswith("suggested verdict: partly")
    assert _history(db_path, 1) == [
        ("contains:Paris", "pass"),
        ("contains:Paris", "pass"),
        ("contains:Lyon", "fail"),
    ]


def test_grade_an_experiment_or_by_filters(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    out, _ = ok(capsys, *db, "grade", "--experiment", "1")
    assert out.splitlines() == [
        "run 1 · capital:1b: pass · 1 of 1 pass · suggested verdict: worked",
        "run 2 · lyon:1b: fail · 0 of 1 pass; missing 'Paris' · suggested verdict: failed",
    ]
    out, _ = ok(capsys, *db, "grade", "--model", "capital:1b")
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "run 1 · capital",
        "run 3 · capital",
    ]
    out, _ = ok(capsys, *db, "grade", "--tag", "other")
    assert out.startswith("run 3 ·") and out.count("\n") == 1
    ok(capsys, *db, "verdict", "2", "worked")
    out, _ = ok(capsys, *db, "grade", "--verdict", "worked")
    assert out == (
        "run 2 · lyon:1b: fail · 0 of 1 pass; missing 'Paris' · verdict: worked (yours)\n"
    )
    out, err = ok(capsys, *db, "grade", "--all")
    assert [line.split(" ·")[0] for line in out.splitlines()] == ["run 1", "run 2", "run 3"]
    assert err.splitlines()[-1] == "3 of 3 runs graded: 2 pass, 1 fail, 0 need a look"


def test_grade_json_has_current_grades_and_history(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    ok(capsys, *db, "grade", "1")
    out, _ = ok(capsys, *db, "grade", "1", "--json")
    [record] = json.loads(out)
    assert record["run_id"] == 1 and record["experiment_id"] == 1
    assert [g["expectation"] for g in record["grades"]] == ["contains:Paris"]
    assert record["outcome"]["status"] == "pass"
    assert record["outcome"]["suggested_verdict"] == "worked"
    assert "grade_history" not in record
    out, _ = ok(capsys, *db, "grade", "1", "--json", "--history")
    [record] = json.loads(out)
    assert len(record["grade_history"]) == 3  # one per grading, oldest first


def test_grade_asks_the_judge_given(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    ok(capsys, *db, "expect", "1", "add", "judge:names the capital")
    out, err = ok(capsys, *db, "grade", "1", "--judge", "judge:1b")
    assert out == "run 1 · capital:1b: pass · 2 of 2 pass · suggested verdict: worked\n"
    assert "[1/1] run 1: pass    judge:names the capital — judge judge:1b: names the capital" in (
        err.splitlines()
    )
    with Journal.open(db_path) as journal, journal.read() as session:
        judged = grade_history(session, 1)[-1]
    assert judged.grader is not None and judged.grader["model"] == "judge:1b"


def test_grade_says_why_nothing_is_graded(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    assert "Say which runs to grade" in one_line_error(capsys, *db, "grade")
    assert "with RUN, or with --experiment" in one_line_error(
        capsys, *db, "grade", "1", "--experiment", "1"
    )
    assert "--all grades every run" in one_line_error(capsys, *db, "grade", "--all", "--tag", "x")
    assert "Experiment 3 of run 4 has no expectations" in one_line_error(capsys, *db, "grade", "4")
    assert "Experiment 3 has no expectations" in one_line_error(
        capsys, *db, "grade", "--experiment", "3"
    )
    assert "There is no run 9" in one_line_error(capsys, *db, "grade", "9")
    assert "No finished runs with expectations match" in one_line_error(
        capsys, *db, "grade", "--model", "lyon:1b", "--tag", "other"
    )
    code, _, _ = run_cli(capsys, *db, "run", "-m", "gone:1b", "-p", "x", "--experiment", "1")
    assert code == 1
    assert "Run 5 failed: a run that did not finish is not graded" in one_line_error(
        capsys, *db, "grade", "5"
    )


def test_ctrl_c_stops_grading_cleanly(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path, fake_ollama: FakeOllama
) -> None:
    asked, release = threading.Event(), threading.Event()

    def slow(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        asked.set()
        release.wait(60)
        return VERDICT

    fake_ollama.add_model(FakeModel("slow:1b", reply=slow))
    ok(capsys, *db, "expect", "1", "add", "judge:names the capital")
    process = subprocess.Popen(
        journal_command(db_path, "--host", fake_ollama.url, "grade", "--all", "--judge", "slow:1b"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert asked.wait(60), "the judge was never asked"
        seen = read_stderr_until(process, b"contains:Paris")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    text = (seen + err).decode()
    assert process.returncode == 130, text
    assert out == b""
    assert "Traceback" not in text
    assert "0 of 3 runs graded" in text
    assert "grading stopped: 3 runs not graded again" in text
    # The judge's cancelled request stored nothing; what was graded before is kept.
    assert _history(db_path, 1)[-1] == ("contains:Paris", "pass")
