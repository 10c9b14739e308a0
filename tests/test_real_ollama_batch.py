"""A batch against a real Ollama: three input rows on two real models, every answer graded,
through `journal batch` as a person runs it.

Asserts what is recorded and counted, never the models' wisdom: one expectation holds
whatever a model says, a row's own expectation never does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.input_sets import RowInput, add_rows
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.journal_process import run_journal

pytestmark = pytest.mark.ollama

NEVER = "ZQX-never-said-QXZ"


@pytest.mark.timeout(900)  # six short answers from CPU-only models on a shared machine
def test_three_rows_on_two_real_models_run_as_a_batch_every_answer_graded(
    tmp_path: Path, real_ollama: str, real_model: str, real_model2: str
) -> None:
    db = tmp_path / "journal.sqlite"
    with Journal.open(db) as journal, journal.write() as session:
        experiment = create_experiment(session, title="numbers").id or 0
        add_expectation(session, experiment, parse_expectation(f"not-contains:{NEVER}"))
        add_rows(
            session,
            experiment,
            [
                RowInput({"n": "1"}),
                RowInput({"n": "2"}),
                RowInput({"n": "3"}, (f"contains:{NEVER}",)),  # this row never passes
            ],
        )
    done = run_journal(
        db,
        "batch",
        str(experiment),
        "-m",
        real_model,
        "-m",
        real_model2,
        "-p",
        "Say the number {{n}}.",
        "-o",
        "num_predict=12",
        "-o",
        "temperature=0",
        "-o",
        "seed=42",
        "--host",
        real_ollama,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    shown = run_journal(db, "batch", "--show", "1", "--json")
    record = json.loads(shown.stdout)
    items = record["items"]
    assert len(items) == 6 and {item["status"] for item in items} == {"done"}
    assert {item["host"] for item in items} == {real_ollama}
    digests = {model["name"]: model["digest"] for model in record["models"]}
    assert set(digests) == {real_model, real_model2} and all(digests.values())
    assert record["grid"]["rows"] == ["n=1", "n=2", "n=3"]
    tallies = {tally["model"]: tally for tally in record["summary"]["models"]}
    for model in (real_model, real_model2):
        tally = tallies[model]
        assert (tally["total"], tally["passed"], tally["failed"]) == (3, 2, 1)
    assert record["summary"]["line"] == f"{real_model} 2/3 · {real_model2} 2/3"
