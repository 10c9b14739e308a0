"""Structured output against a real Ollama serving a real (tiny) model: a JSON-schema run
and a replay of it.

Skipped unless OLLAMA_HOST and JOURNAL_TEST_MODEL are set (see the README). A 135M model
may still answer off the schema, so this asserts what the journal records, sends and says,
never that the answer is valid.
"""

from __future__ import annotations

import pytest

from journal.core.models import RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.output_format import check_answer
from journal.core.queries import create_experiment
from journal.core.replay import ReplayEdits, Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal

pytestmark = pytest.mark.ollama

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def test_a_schema_run_and_its_replay_record_send_and_state_the_format(
    journal: Journal, real_ollama: str, real_model: str
) -> None:
    service = OllamaService(real_ollama)
    with journal.write() as session:
        experiment = create_experiment(session, title="real format")
    run = RunRecorder(journal, service).execute(
        RunSpec(
            experiment_id=experiment.id or 0,
            model=real_model,
            prompt="Name the capital of France as JSON.",
            options={"num_predict": 48, "temperature": 0.0, "seed": 7},
            format=SCHEMA,
        )
    )
    assert run.status is RunStatus.DONE, run.error
    assert run.format == SCHEMA
    first = check_answer(run.format, run.response)
    assert first.summary  # valid or not, it says which, on one line
    assert "\n" not in first.summary
    replayer = Replayer(journal, service)
    replay = replayer.replay(replayer.plan(run.id or 0))
    assert replay.status is RunStatus.DONE, replay.error
    assert replay.format == SCHEMA and replay.replay_of_id == run.id
    # The same request with the same seed: the same answer, so the format went out again
    # (a request without it lets the model answer in prose).
    assert check_answer(replay.format, replay.response).summary == first.summary
    as_json = replayer.replay(replayer.plan(run.id or 0, ReplayEdits(format="json")))
    assert as_json.status is RunStatus.DONE, as_json.error
    assert as_json.format == "json"
    assert check_answer(as_json.format, as_json.response).summary
