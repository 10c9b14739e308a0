"""`journal run --expect ... [--judge M] [--embed-model M] [--wait-grades]` through
`journal.cli.main` against the fake Ollama: expectations added, deterministic results at
once, judge results waited for (or left for `journal grade`), Ctrl-C while waiting."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from journal.core.grades import current_grades, list_expectations
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import journal_command, read_stderr_until, run_cli

VERDICT = json.dumps({"pass": True, "score": 0.9, "reason": "names the capital"})


@pytest.fixture
def db(db_path: Path, fake_ollama: FakeOllama) -> list[str]:
    fake_ollama.add_model(FakeModel("capital:1b", reply=lambda m, o: "Paris, France."))
    fake_ollama.add_model(FakeModel("judge:1b", reply=lambda m, o: VERDICT))
    fake_ollama.add_model(FakeModel("embed:1b", family="bert"))
    return ["--db", str(db_path), "--host", fake_ollama.url]


def _grades(db_path: Path, run_id: int) -> list[tuple[str, str]]:
    with Journal.open(db_path) as journal, journal.read() as session:
        return [(g.expectation_text, g.status.value) for g in current_grades(session, run_id)]


def test_run_with_expectations_prints_results_at_once(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "capital:1b",
        "-p",
        "Capital of France?",
        "--expect",
        "contains:Paris",
        "--expect",
        "words<=1",
    )
    assert code == 0, err
    assert out == "Paris, France.\n"  # stdout stays the answer alone
    lines = err.splitlines()
    assert lines[:3] == [
        "experiment 1 expects 1. contains:Paris",
        "experiment 1 expects 2. words<=1",
        "run 1 of experiment 1: capital:1b",
    ]
    assert lines[4:] == [
        "grades of run 1:",
        "  pass    contains:Paris — contains 'Paris'",
        "  fail    words<=1 — 2 words, expected <=1",
        "  run 1: fail · 1 of 2 pass; 2 words, expected <=1 · suggested verdict: partly",
    ]
    assert _grades(db_path, 1) == [("contains:Paris", "pass"), ("words<=1", "fail")]

    # Added to --experiment's list; one it already has is not added twice.
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "capital:1b",
        "-p",
        "Capital of France?",
        "--experiment",
        "1",
        "--expect",
        "contains:Paris",
        "--expect",
        "not-contains:Lyon",
    )
    assert code == 0, err
    assert "experiment 1 expects 3. not-contains:Lyon" in err
    assert "expects 1." not in err
    assert "  run 2: fail · 2 of 3 pass;" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert [s.text for s in list_expectations(session, 1)] == [
            "contains:Paris",
            "words<=1",
            "not-contains:Lyon",
        ]


def test_a_bad_expectation_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path, fake_ollama: FakeOllama
) -> None:
    code, out, err = run_cli(
        capsys, *db, "run", "-m", "capital:1b", "-p", "x", "--expect", "regex:(unclosed"
    )
    assert code == 1 and out == ""
    assert err.startswith("journal: error: Expectation 'regex:(unclosed': not a valid regex")
    assert err.count("\n") == 1
    assert not db_path.exists()
    assert fake_ollama.requests_for("/api/chat") == []


def test_judge_results_are_left_for_journal_grade_without_waiting(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path, fake_ollama: FakeOllama
) -> None:
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "capital:1b",
        "-p",
        "Capital of France?",
        "--expect",
        "contains:Paris",
        "--expect",
        "judge:names the capital",
        "--judge",
        "judge:1b",
    )
    assert code == 0, err
    assert "  run 1: needs a look · 1 of 2 pass (1 not graded); not graded yet" in err
    assert (
        "  1 judge/similar result not graded yet: `journal grade 1` grades it "
        "(or add --wait-grades)"
    ) in err
    assert len(fake_ollama.requests_for("/api/chat")) == 1  # the run's own: no judge asked
    assert _grades(db_path, 1) == [("contains:Paris", "pass")]
    code, out, _ = run_cli(capsys, *db, "grade", "1", "--judge", "judge:1b")
    assert code == 0 and out.startswith("run 1 · capital:1b: pass · 2 of 2 pass")


def test_wait_grades_prints_the_judge_and_similar_results(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "capital:1b",
        "-p",
        "Capital of France?",
        "--expect",
        "contains:Paris",
        "--expect",
        "judge:names the capital",
        "--expect",
        "similar(0.5):Paris, France!",
        "--judge",
        "judge:1b",
        "--embed-model",
        "embed:1b",
        "--wait-grades",
    )
    assert code == 0, err
    assert out == "Paris, France.\n"
    # "waiting for ..." comes once the command waits, unless every result came before.
    lines = [line for line in err.splitlines() if not line.startswith("waiting for ")]
    at = lines.index("grades of run 1:")
    assert lines[at:] == [
        "grades of run 1:",
        "  pass    contains:Paris — contains 'Paris'",
        "  run 1: needs a look · 1 of 3 pass (2 not graded); not graded yet · no verdict suggested",
        "  2 judge/similar results to follow",
        "run 1: pass    judge:names the capital — judge judge:1b: names the capital",
        lines[at + 5],
        "run 1: pass · 3 of 3 pass · suggested verdict: worked",
    ]
    assert lines[at + 5].startswith("run 1: pass    similar(0.5):Paris, France! — similarity ")
    assert _grades(db_path, 1) == [
        ("contains:Paris", "pass"),
        ("judge:names the capital", "pass"),
        ("similar(0.5):Paris, France!", "pass"),
    ]


def test_wait_grades_with_a_missing_judge_says_how_to_choose_one(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "capital:1b",
        "-p",
        "Capital of France?",
        "--expect",
        "judge:names the capital",
        "--judge",
        "nobody:1b",
        "--wait-grades",
    )
    assert code == 0, err
    assert "run 1: error   judge:names the capital — judge model 'nobody:1b' is not on" in err
    assert "run 1: needs a look · 0 of 1 pass (1 error)" in err


def test_ctrl_c_stops_waiting_and_says_what_is_missing(
    db_path: Path, fake_ollama: FakeOllama
) -> None:
    asked, release = threading.Event(), threading.Event()

    def slow(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        asked.set()
        release.wait(60)
        return VERDICT

    fake_ollama.add_model(FakeModel("capital:1b", reply=lambda m, o: "Paris, France."))
    fake_ollama.add_model(FakeModel("slow:1b", reply=slow))
    process = subprocess.Popen(
        journal_command(
            db_path,
            "--host",
            fake_ollama.url,
            "run",
            "-m",
            "capital:1b",
            "-p",
            "Capital of France?",
            "--expect",
            "contains:Paris",
            "--expect",
            "judge:names the capital",
            "--judge",
            "slow:1b",
            "--wait-grades",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        seen = read_stderr_until(process, b"(Ctrl-C stops waiting)")
        assert asked.wait(60), seen.decode()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    text = (seen + err).decode()
    assert process.returncode == 130, text
    assert out == b"Paris, France.\n"
    assert "Traceback" not in text
    assert "stopped waiting for grades." in text
    assert "run 1: 1 judge/similar result missing: `journal grade 1` grades it" in text
    assert _grades(db_path, 1) == [("contains:Paris", "pass")]  # the cancelled one: nothing
