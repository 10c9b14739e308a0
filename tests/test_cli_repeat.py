"""`--repeat N` on `journal run` and `journal replay`: the seeds each run records, every run
graded, "k of N pass, M distinct answers", and replays graded like runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.core.queries import get_run, runs_of
from journal.core.stability import works_only_sometimes
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import StreamingJournal, run_cli


def _by_seed(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """Paris on even seeds, Lyon on odd ones: a model that works only some of the time."""
    return "Paris." if options.get("seed", 0) % 2 == 0 else "Lyon."


@pytest.fixture
def db(db_path: Path, fake_ollama: FakeOllama) -> list[str]:
    fake_ollama.add_model(FakeModel("moody:1b", reply=_by_seed))
    fake_ollama.add_model(FakeModel("steady:1b", reply=lambda m, o: "Paris, always."))
    return ["--db", str(db_path), "--host", fake_ollama.url]


def _seeds(db_path: Path, experiment_id: int = 1) -> list[Any]:
    with Journal.open(db_path) as journal, journal.read() as session:
        return [run.options.get("seed") for run in runs_of(session, experiment_id)]


def test_run_repeat_counts_seeds_up_from_zero_and_says_k_of_n(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "moody:1b",
        "-p",
        "Capital of France?",
        "--expect",
        "contains:Paris",
        "--repeat",
        "3",
        "-o",
        "temperature=0.8",
    )
    assert code == 0, err
    assert out == "Paris.\n\nLyon.\n\nParis.\n"  # answers apart, stdout nothing else
    lines = err.splitlines()
    assert "3 runs with seeds 0 to 2 (no seed set: starting at 0)" in lines
    assert "[1/3] run 1 of experiment 1: moody:1b (seed 0)" in lines
    assert "[3/3] run 3 of experiment 1: moody:1b (seed 2)" in lines
    assert "  run 2: fail · 0 of 1 pass; missing 'Paris' · suggested verdict: failed" in lines
    assert lines[-1] == ("moody:1b: 2 of 3 pass, 2 distinct answers: worked only some of the time")
    assert _seeds(db_path) == [0, 1, 2]  # the seed each run actually used is recorded
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 2).options == {"temperature": 0.8, "seed": 1}
        assert works_only_sometimes(session, 1)


def test_run_repeat_starts_at_the_seed_option(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "steady:1b",
        "-p",
        "Capital of France?",
        "-o",
        "seed=42",
        "--repeat",
        "2",
        "--expect",
        "contains:Paris",
    )
    assert code == 0, err
    assert "2 runs with seeds 42 to 43 (from the seed option)" in err
    assert err.splitlines()[-1] == "steady:1b: 2 of 2 pass, 1 distinct answer"
    assert _seeds(db_path) == [42, 43]


def test_a_repeat_that_cannot_be_replayed_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path, fake_ollama: FakeOllama
) -> None:
    code, out, err = run_cli(
        capsys, *db, "run", "-m", "moody:1b", "-p", "x", "-o", "seed=-1", "--repeat", "2"
    )
    assert code == 1 and out == ""
    assert err.startswith("journal: error: seed=-1 asks Ollama for a random seed")
    code, _, err = run_cli(capsys, *db, "run", "-m", "moody:1b", "-p", "x", "--repeat", "0")
    assert code == 2 and "'0' is not a whole number" in err
    code, _, err = run_cli(capsys, *db, "run", "-m", "moody:1b", "-p", "x", "--repeat", "1001")
    assert code == 1 and "A repeat runs 1 to 1000 times, not 1001." in err
    assert not db_path.exists()
    assert fake_ollama.requests_for("/api/chat") == []


def test_ctrl_c_stops_a_repeat(fake_ollama: FakeOllama, db_path: Path) -> None:
    fake_ollama.stall_after = 4
    with StreamingJournal(
        db_path,
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "llama3:8b",
        "-p",
        "a long story",
        "--repeat",
        "3",
        "--expect",
        "contains:story",
    ) as running:
        running.read_words(4)
        code, _, err = running.interrupt()
    assert code == 130, err
    assert b"2 runs not started (cancelled)." in err
    assert b"run 1 cancelled: not graded (it needs a look)" in err
    assert b"llama3:8b: 0 of 1 pass, 0 distinct answers (1 needs a look)" in err
    assert b"Traceback" not in err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert len(runs_of(session, 1)) == 1


def test_replay_repeat_on_two_models(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        "steady:1b",
        "-p",
        "Capital of France?",
        "-o",
        "seed=7",
        "--expect",
        "contains:Paris",
    )
    assert code == 0, err
    code, out, err = run_cli(
        capsys, *db, "replay", "1", "-m", "moody:1b", "-m", "steady:1b", "--repeat", "2"
    )
    assert code == 0, err
    assert out == "Lyon.\n\nParis.\n\nParis, always.\n\nParis, always.\n"
    lines = err.splitlines()
    assert "replaying run 1 on moody:1b 2 times: seeds 7 to 8 (from the seed option)" in lines
    assert "[2/4] run 3 replays run 1 on moody:1b (seed 8)" in lines
    assert "  pass    contains:Paris — contains 'Paris'" in lines
    assert lines[-2:] == [
        "moody:1b: 1 of 2 pass, 2 distinct answers: worked only some of the time",
        "steady:1b: 2 of 2 pass, 1 distinct answer",
    ]
    assert _seeds(db_path) == [7, 7, 8, 7, 8]
    with Journal.open(db_path) as journal, journal.read() as session:
        assert {run.replay_of_id for run in runs_of(session, 1)[1:]} == {1}


def test_replay_grades_each_run_and_json_has_the_results(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    code, _, err = run_cli(
        capsys, *db, "run", "-m", "moody:1b", "-p", "Capital?", "--expect", "contains:Paris"
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, *db, "replay", "1")  # no --repeat: graded all the same
    assert code == 0, err
    assert "grades of run 2:" in err
    assert "  run 2: pass · 1 of 1 pass · suggested verdict: worked" in err
    assert "distinct" not in err
    code, out, err = run_cli(capsys, *db, "replay", "1", "--json", "--repeat", "2")
    assert code == 0, err
    records = json.loads(out)
    assert [record["options"]["seed"] for record in records] == [0, 1]
    assert [record["outcome"]["status"] for record in records] == ["pass", "fail"]
    assert records[1]["grades"][0]["reason"] == "missing 'Paris'"
    assert records[1]["outcome"]["suggested_verdict"] == "failed"
