"""`journal expect EXPERIMENT add | list | remove | move | rule | test` through
`journal.cli.main`, against the fake Ollama where a judge or embeddings are asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.cli import main
from journal.core.grades import current_grades, get_combine_rule, list_expectations
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import run_cli


@pytest.fixture
def db(db_path: Path, capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama) -> list[str]:
    """`--db PATH --host URL`, with experiment 1 holding one run (answer: Paris...)."""
    fake_ollama.add_model(FakeModel("capital:1b", reply=lambda messages, options: "Paris, France."))
    args = ["--db", str(db_path), "--host", fake_ollama.url]
    code, _, err = run_cli(capsys, *args, "run", "-m", "capital:1b", "-p", "Capital of France?")
    assert code == 0, err
    return args


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return out, err


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code in (1, 2) and out == "", (code, out, err)
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err.strip()


def _lines(db_path: Path, experiment_id: int = 1) -> list[str]:
    with Journal.open(db_path) as journal, journal.read() as session:
        return [saved.text for saved in list_expectations(session, experiment_id)]


def test_add_list_move_remove(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    _, err = ok(capsys, *db, "expect", "1", "add", "contains:Paris", "--name", "city")
    assert err == "experiment 1: added 1. contains:Paris (name city)\n"
    _, err = ok(capsys, "expect", "1", "add", "words<=50", "--weight", "2", *db)  # --db after
    assert err == "experiment 1: added 2. words<=50 (weight 2)\n"
    _, err = ok(capsys, *db, "expect", "1", "add", "regex:^P", "--on", "thinking", "--at", "1")
    assert err == "experiment 1: added 1. regex:^P (on thinking)\n"
    assert _lines(db_path) == ["regex:^P", "contains:Paris", "words<=50"]

    out, err = ok(capsys, *db, "expect", "1", "list")
    assert out.splitlines() == [
        "#  WEIGHT  ON        NAME  EXPECTATION",
        "1  1       thinking  -     regex:^P",
        "2  1       answer    city  contains:Paris",
        "3  2       answer    -     words<=50",
    ]
    assert err == "results combine: all must pass (rule all)\n"
    out, _ = ok(capsys, *db, "expect", "1", "list", "--json")
    record = json.loads(out)
    assert record["rule"] == "all"
    assert [(e["position"], e["line"], e["name"], e["weight"], e["target"]) for e in
            record["expectations"]] == [
        (1, "regex:^P", "", 1.0, "thinking"),
        (2, "contains:Paris", "city", 1.0, "answer"),
        (3, "words<=50", "", 2.0, "answer"),
    ]  # fmt: skip

    _, err = ok(capsys, *db, "expect", "1", "move", "city", "1")
    assert err == "experiment 1: moved to 1. contains:Paris (name city)\n"
    ok(capsys, *db, "expect", "1", "move", "3", "2")
    assert _lines(db_path) == ["contains:Paris", "words<=50", "regex:^P"]

    _, err = ok(capsys, *db, "expect", "1", "remove", "regex:^P")  # by its text
    assert "removed 3. regex:^P (on thinking)" in err and "history" in err
    ok(capsys, *db, "expect", "1", "remove", "1")
    assert _lines(db_path) == ["words<=50"]


def test_a_bad_expectation_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    assert "not a valid regex" in one_line_error(capsys, *db, "expect", "1", "add", "regex:(")
    assert "did you mean contains?" in one_line_error(
        capsys, *db, "expect", "1", "add", "contain:x"
    )
    assert "weight" in one_line_error(capsys, *db, "expect", "1", "add", "is-json", "--weight", "0")
    assert "cannot read" in one_line_error(
        capsys, *db, "expect", "1", "add", "json-schema:@missing.json"
    )
    assert "There is no experiment 9" in one_line_error(
        capsys, *db, "expect", "9", "add", "contains:x"
    )
    assert "1 to 1, not 4" in one_line_error(
        capsys, *db, "expect", "1", "add", "is-json", "--at", "4"
    )
    assert "no expectations" in one_line_error(capsys, *db, "expect", "1", "remove", "1")
    assert "required: ACTION" in one_line_error(capsys, *db, "expect", "1")
    assert _lines(db_path) == []


def test_a_schema_file_is_read_when_added(
    capsys: pytest.CaptureFixture[str],
    db: list[str],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "schema.json").write_text('{"type": "object"}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ok(capsys, *db, "expect", "1", "add", "json-schema:@schema.json")
    assert _lines(db_path) == ['json-schema:{"type":"object"}']


def test_the_combine_rule(capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path) -> None:
    out, err = ok(capsys, *db, "expect", "1", "rule")
    assert out == "all\n" and err == "experiment 1: all must pass\n"
    _, err = ok(capsys, *db, "expect", "1", "rule", "score>=0.7")
    assert err == "experiment 1: a weighted score of 0.7 or more passes (rule score>=0.7)\n"
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_combine_rule(session, 1).threshold == 0.7
    assert "up to 1" in one_line_error(capsys, *db, "expect", "1", "rule", "score>=2")
    assert "not 'most'" in one_line_error(capsys, *db, "expect", "1", "rule", "most")
    ok(capsys, *db, "expect", "1", "rule", "all")
    assert ok(capsys, *db, "expect", "1", "rule")[0] == "all\n"


def test_test_grades_the_latest_run_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    out, err = ok(capsys, *db, "expect", "1", "test", "contains:Paris")
    assert out == "pass    contains:Paris — contains 'Paris'\n"
    assert err == "tested on run 1 (capital:1b); nothing was saved.\n"
    out, _ = ok(capsys, *db, "expect", "1", "test", "not-contains:France", "--name", "no country")
    assert out == "fail    no country — contains 'France'\n"
    out, _ = ok(capsys, *db, "expect", "1", "test", "words<=1", "--json", "--run", "1")
    record = json.loads(out)
    assert record["status"] == "fail" and record["reason"] == "2 words, expected <=1"
    assert record["run_id"] == 1 and record["saved"] is False
    with Journal.open(db_path) as journal, journal.read() as session:
        assert current_grades(session, 1) == []
        assert list_expectations(session, 1) == []


def test_test_refuses_what_it_cannot_grade(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    ok(capsys, *db, "run", "-m", "capital:1b", "-p", "Again", "-t", "second")
    assert "belongs to experiment 2" in one_line_error(
        capsys, *db, "expect", "1", "test", "is-json", "--run", "2"
    )
    assert "There is no run 9" in one_line_error(
        capsys, *db, "expect", "2", "test", "contains:x", "--run", "9"
    )
    # A failed run is not what `test` picks by default: the latest finished one is.
    code, _, _ = run_cli(capsys, *db, "run", "-m", "nope", "-p", "x", "--experiment", "2")
    assert code == 1
    out, err = ok(capsys, *db, "expect", "2", "test", "contains:Paris")
    assert out.startswith("pass") and "tested on run 2" in err
    with Journal.open(db_path) as journal, journal.write() as session:
        create_experiment(session, title="nothing run yet")
    assert "Experiment 3 has no finished run to test on" in one_line_error(
        capsys, *db, "expect", "3", "test", "contains:x"
    )


def test_test_asks_a_judge_and_the_embedding_model(
    capsys: pytest.CaptureFixture[str], db: list[str], fake_ollama: FakeOllama
) -> None:
    asked: list[Any] = []

    def judge(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        asked.append(messages)
        return json.dumps({"pass": True, "score": 0.9, "reason": "names the capital"})

    fake_ollama.add_model(FakeModel("judge:1b", reply=judge))
    fake_ollama.add_model(FakeModel("embed:1b", family="bert"))
    out, err = ok(
        capsys, *db, "expect", "1", "test", "judge:names the capital", "--judge", "judge:1b"
    )
    assert out == "pass    judge:names the capital — judge judge:1b: names the capital\n"
    assert "asking Ollama" in err and "nothing was saved" in err
    assert "<answer>\nParis, France.\n</answer>" in asked[0][1]["content"]
    out, _ = ok(
        capsys,
        *db,
        "expect",
        "1",
        "test",
        "similar(0.5):Paris, France!",
        "--embed-model",
        "embed:1b",
        "--json",
    )
    record = json.loads(out)
    assert record["status"] == "pass" and record["grader"]["model"] == "embed:1b"
    # No judge chosen anywhere: an error result that says how to choose one, not a crash.
    out, _ = ok(capsys, *db, "expect", "1", "test", "judge:anything")
    assert out.startswith("error   judge:anything — judge: no judge model is set")


def test_help_names_the_grading_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "expect" in out and "grade" in out
    with pytest.raises(SystemExit):
        main(["expect", "1", "add", "--help"])
    out = capsys.readouterr().out
    assert (
        "--weight W" in out
        and "--on TARGET" in out
        and "turn:2:thinking" in out
        and "--at POSITION" in out
    )
    for command in ("run", "replay"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        for option in ("--expect" if command == "run" else "--repeat", "--judge", "--wait-grades"):
            assert option in out


def test_a_turn_target_is_added_listed_and_refused_when_bad(
    capsys: pytest.CaptureFixture[str], db: list[str], db_path: Path
) -> None:
    _, err = ok(capsys, *db, "expect", "1", "add", "contains:Paris", "--on", "turn:2")
    assert err == "experiment 1: added 1. contains:Paris (on turn:2)\n"
    ok(capsys, *db, "expect", "1", "add", "regex:.", "--on", "turn:1:thinking")
    out, _ = ok(capsys, *db, "expect", "1", "list")
    assert out.splitlines()[1:] == [
        "1  1       turn:2           -     contains:Paris",
        "2  1       turn:1:thinking  -     regex:.",
    ]
    out, _ = ok(capsys, *db, "expect", "1", "list", "--json")
    assert [e["target"] for e in json.loads(out)["expectations"]] == ["turn:2", "turn:1:thinking"]
    for bad, says in (
        ("turn:0", "turns count from 1"),
        ("turn:-1", "turns count from 1"),
        ("turn:x", "a turn is a number, like turn:2, not 'x'"),
        ("prompt", "it reads the answer, the thinking or a turn"),
    ):
        assert says in one_line_error(capsys, *db, "expect", "1", "add", "contains:P", "--on", bad)
    error = one_line_error(capsys, *db, "expect", "1", "add", "done-reason:stop", "--on", "turn:2")
    assert "about the run, not the answer of turn 2" in error
    assert _lines(db_path) == ["contains:Paris", "regex:."]
    out, _ = ok(capsys, *db, "expect", "1", "test", "contains:Paris", "--on", "turn:1", "--json")
    assert (json.loads(out)["target"], json.loads(out)["status"]) == ("turn:1", "pass")
    out, _ = ok(capsys, *db, "expect", "1", "test", "contains:Paris", "--on", "turn:2", "--json")
    tried = json.loads(out)
    assert (tried["status"], tried["reason"]) == (
        "error",
        "no turn 2: this conversation has 1 turn",
    )
