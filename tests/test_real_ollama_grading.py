"""Grading against a real Ollama serving a real (tiny) model: structured output with a JSON
schema, /api/embed, and a judge grading a real answer end to end.

Asserts the protocol and what is recorded (model, digest, prompt, raw reply, a status among
pass / fail / unsure), never the model's wisdom: a 135M model is no judge of anything.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import text

from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation, current_grades
from journal.core.grading import GradeStatus
from journal.core.grading_queue import GradingQueue
from journal.core.judging import JUDGE_SCHEMA, cosine
from journal.core.models import RunStatus
from journal.core.ollama_service import ChatRequest, OllamaService
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal

pytestmark = pytest.mark.ollama

SCHEMA = {
    "type": "object",
    "properties": {"river": {"type": "string"}, "long": {"type": "boolean"}},
    "required": ["river", "long"],
}


@pytest.fixture
def service(real_ollama: str) -> OllamaService:
    return OllamaService(real_ollama)


def test_structured_output_follows_a_json_schema(service: OllamaService, real_model: str) -> None:
    parts: list[str] = []
    final = service.chat(
        ChatRequest(
            real_model,
            [{"role": "user", "content": "Name a long river, as JSON."}],
            options={"num_predict": 128, "temperature": 0.0, "seed": 42},
            format=SCHEMA,
        ),
        lambda content, _: parts.append(content),
    )
    reply = "".join(parts)
    assert final["done_reason"] in ("stop", "length")
    if final["done_reason"] == "stop":  # a reply cut by num_predict is cut JSON
        Draft202012Validator(SCHEMA).validate(json.loads(reply))
    else:
        assert reply.lstrip().startswith("{")


def test_embed_gives_unit_vectors_of_one_length(service: OllamaService, real_model: str) -> None:
    vectors = service.embed(real_model, ["The Rhine flows north.", "A river runs north."])
    assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 0
    assert all(isinstance(number, float) for number in vectors[0])
    similarity = cosine(vectors[0], vectors[1])
    assert similarity is not None and -1.0001 <= similarity <= 1.0001


def test_a_judge_grades_a_real_answer_and_everything_is_recorded(
    journal: Journal, experiment_id: int, service: OllamaService, real_model: str
) -> None:
    run = RunRecorder(journal, service).execute(
        RunSpec(
            experiment_id=experiment_id,
            model=real_model,
            prompt="Name one river in Europe.",
            options={"num_predict": 24, "temperature": 0.0, "seed": 42},
        )
    )
    assert run.status is RunStatus.DONE, run.error
    assert run.id is not None
    rubric = "names a river in Europe"
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation(f"judge:{rubric}"))
        add_expectation(session, experiment_id, parse_expectation("similar(0.1):the Danube"))
        runs_before = session.execute(text("SELECT count(*) FROM run")).scalar_one()
    with GradingQueue(
        journal,
        service,
        judge_model=real_model,
        embedding_model=real_model,
        judge_options={"num_predict": 160},
    ) as queue:
        queue.grade_finished(run.id)
        assert queue.wait(600)
    with journal.read() as session:
        judged, compared = current_grades(session, run.id)
        runs_after = session.execute(text("SELECT count(*) FROM run")).scalar_one()
    assert runs_after == runs_before  # the judge's call is not a run
    listed = service.find_model(real_model)
    assert listed is not None

    assert judged.status in (GradeStatus.PASS, GradeStatus.FAIL, GradeStatus.UNSURE)
    assert judged.reason.startswith(f"judge {real_model}: ")
    record = judged.grader
    assert record is not None
    assert record["model"] == real_model and record["digest"] == listed.digest
    assert record["format"] == JUDGE_SCHEMA
    assert record["options"]["num_predict"] == 160
    prompt = record["messages"][1]["content"]
    assert rubric in prompt and run.response in prompt and "Name one river in Europe." in prompt
    assert isinstance(record["raw_reply"], str) and record["raw_reply"]
    assert record["final"]["done_reason"] in ("stop", "length")

    assert compared.status in (GradeStatus.PASS, GradeStatus.FAIL)
    assert compared.grader is not None and compared.grader["digest"] == listed.digest
    assert compared.grader["texts"] == [run.response, "the Danube"]
