"""`journal run --expect ... --judge MODEL --wait-grades` end to end on a real Ollama serving
a real (tiny) model: the run, its deterministic result at once, the judge's result waited
for, and everything recorded. Asserts fields and protocol, never the model's wisdom."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from journal.core.grades import current_grades
from journal.core.judging import JUDGE_PROMPT_VERSION, JUDGE_SCHEMA
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.journal_process import run_cli

pytestmark = pytest.mark.ollama


def test_run_expect_judge_wait_grades(
    capsys: pytest.CaptureFixture[str], real_ollama: str, real_model: str, db_path: Path
) -> None:
    db = ["--db", str(db_path), "--host", real_ollama]
    rubric = "names a river in Europe"
    code, out, err = run_cli(
        capsys,
        *db,
        "run",
        "-m",
        real_model,
        "-p",
        "Name one river in Europe.",
        "-o",
        "num_predict=24",
        "-o",
        "temperature=0",
        "-o",
        "seed=42",
        "--expect",
        "chars>=1",
        "--expect",
        f"judge:{rubric}",
        "--judge",
        real_model,
        "--wait-grades",
    )
    assert code == 0, err
    lines = err.splitlines()
    at = lines.index("grades of run 1:")
    assert re.fullmatch(r"  (pass|fail)    chars>=1 — \d+ characters?.*", lines[at + 1])
    assert lines[at + 2].startswith("  run 1: ")
    assert lines[at + 3] == "  1 judge/similar result to follow"
    judged_line = next(line for line in lines[at + 4 :] if f"judge:{rubric}" in line)
    assert re.match(
        rf"run 1: (pass|fail|unsure)\s+judge:{rubric} — judge {real_model}: ", judged_line
    )
    assert re.match(r"run 1: (pass|fail|needs a look) · \d of 2 pass", lines[-1])

    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 1)
        counted, judged = current_grades(session, 1)
    assert out.strip() == run.response.strip()
    assert counted.expectation_text == "chars>=1" and counted.grader is None
    assert judged.expectation_text == f"judge:{rubric}"
    record = judged.grader
    assert record is not None
    assert record["model"] == real_model and len(record["digest"]) == 64
    assert record["prompt_version"] == JUDGE_PROMPT_VERSION
    assert record["format"] == JUDGE_SCHEMA
    assert rubric in record["messages"][1]["content"]
    assert run.response in record["messages"][1]["content"]
    assert isinstance(record["raw_reply"], str) and record["raw_reply"]

    code, out, err = run_cli(capsys, *db, "show", "1", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert [e["line"] for e in shown["expectations"]] == ["chars>=1", f"judge:{rubric}"]
    assert [g["expectation"] for g in shown["runs"][0]["grades"]] == [
        "chars>=1",
        f"judge:{rubric}",
    ]
    assert shown["runs"][0]["grades"][1]["grader"]["model"] == real_model
    assert shown["runs"][0]["outcome"]["total"] == 2
