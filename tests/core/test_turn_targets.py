"""Expectations that name a turn of a conversation (`turn:2`, `turn:2:thinking`): graded
on that turn's text, an `error` (never a fail) when the conversation is shorter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation, conversation_of, current_grades, run_outcome
from journal.core.grading import GradeStatus, OutcomeStatus, grade_deterministic
from journal.core.grading_queue import GradingQueue, grade_now, grade_one
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama


@dataclass
class Turn:
    """One finished turn, as grading reads it."""

    response: str
    thinking: str = ""
    done_reason: str = "stop"
    eval_count: int | None = 10
    eval_duration: int | None = 1_000_000_000
    first_token_seconds: float | None = 0.1


THREE = [
    Turn("Paris.", thinking="the capital of France"),
    Turn("About 2 million people.", thinking="population"),
    Turn("The Seine.", thinking="a river"),
]


@pytest.mark.parametrize(
    ("line", "target", "status", "reason"),
    [
        ("contains:Paris", "turn:1", GradeStatus.PASS, "contains 'Paris'"),
        ("contains:Paris", "answer", GradeStatus.FAIL, "missing 'Paris'"),
        ("contains:million", "turn:2", GradeStatus.PASS, "contains 'million'"),
        ("contains:population", "turn:2:thinking", GradeStatus.PASS, "contains 'population'"),
        ("contains:population", "turn:2", GradeStatus.FAIL, "missing 'population'"),
        ("equals:The Seine.", "turn:3", GradeStatus.PASS, "is 'The Seine.'"),
        ("words<=1", "turn:1", GradeStatus.PASS, "1 word"),
        (
            "contains:x",
            "turn:4",
            GradeStatus.ERROR,
            "no turn 4: this conversation has 3 turns",
        ),
    ],
)
def test_a_turn_target_reads_that_turn_of_a_three_turn_conversation(
    line: str, target: str, status: GradeStatus, reason: str
) -> None:
    expectation = parse_expectation(line, target=target)
    result = grade_deterministic(expectation, THREE[-1], THREE)
    assert (result.status, result.reason) == (status, reason)


def test_a_run_alone_is_a_conversation_of_one_turn() -> None:
    alone = Turn("Paris.")
    first = grade_deterministic(parse_expectation("contains:Paris", target="turn:1"), alone)
    assert first.status is GradeStatus.PASS
    second = grade_deterministic(parse_expectation("contains:Paris", target="turn:2"), alone)
    assert (second.status, second.reason) == (
        GradeStatus.ERROR,
        "no turn 2: this conversation has 1 turn",
    )
    assert second.score is None


def _chain(journal: Journal, experiment_id: int) -> list[int]:
    ids: list[int] = []
    with journal.write() as session:
        for number, turn in enumerate(THREE, start=1):
            run = Run(
                experiment_id=experiment_id,
                model="llama3:8b",
                status=RunStatus.DONE,
                messages=[{"role": "user", "content": f"Question {number}"}],
                response=turn.response,
                thinking=turn.thinking,
                parent_id=ids[-1] if ids else None,
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            ids.append(run.id)
    return ids


def test_stored_runs_are_graded_on_their_conversations_turns(
    journal: Journal, experiment_id: int
) -> None:
    root, middle, last = _chain(journal, experiment_id)
    with journal.write() as session:
        for line, target in (
            ("contains:Paris", "turn:1"),
            ("contains:population", "turn:2:thinking"),
            ("contains:Seine", "answer"),
            ("contains:x", "turn:3"),
        ):
            add_expectation(session, experiment_id, parse_expectation(line, target=target))
    grades = grade_now(journal, last)
    assert [(g.status, g.target.value) for g in grades] == [
        (GradeStatus.PASS, "turn:1"),
        (GradeStatus.PASS, "turn:2:thinking"),
        (GradeStatus.PASS, "answer"),
        (GradeStatus.FAIL, "turn:3"),  # turn 3 is the graded run itself: 'x' is missing
    ]
    shorter = grade_now(journal, middle)
    assert [grade.status for grade in shorter] == [
        GradeStatus.PASS,
        GradeStatus.PASS,
        GradeStatus.FAIL,  # 'Seine' is not in turn 2's answer
        GradeStatus.ERROR,
    ]
    assert shorter[3].reason == "no turn 3: this conversation has 2 turns"
    alone = grade_now(journal, root)
    assert [grade.status for grade in alone] == [
        GradeStatus.PASS,
        GradeStatus.ERROR,
        GradeStatus.FAIL,
        GradeStatus.ERROR,
    ]
    assert alone[1].reason == "no turn 2: this conversation has 1 turn"
    with journal.read() as session:
        assert [g.target.value for g in current_grades(session, middle)][1] == "turn:2:thinking"
        assert [run.id for run in conversation_of(session, get_run(session, last))] == [
            root,
            middle,
            last,
        ]


def test_a_missing_turn_makes_a_run_need_a_look_not_fail(
    journal: Journal, experiment_id: int
) -> None:
    root, _, last = _chain(journal, experiment_id)
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("contains:.", target="turn:3"))
    grade_now(journal, root)
    grade_now(journal, last)
    with journal.read() as session:
        short = run_outcome(session, root)
        whole = run_outcome(session, last)
    assert short.status is OutcomeStatus.NEEDS_LOOK and short.failed == 0
    assert short.errors == 1 and "no turn 3" in short.reason
    assert whole.status is OutcomeStatus.PASS


def _judge_reply(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """Passes when the answer shown is turn 2's."""
    passed = "<answer>\nAbout 2 million people.\n</answer>" in messages[-1]["content"]
    score = 1.0 if passed else 0.0
    return json.dumps({"pass": passed, "score": score, "reason": "read the answer"})


def test_judge_and_similar_read_the_turn_named(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("judge:1b", reply=_judge_reply))
    fake_ollama.add_model(FakeModel("embed:1b", family="bert"))
    service = OllamaService(fake_ollama.url)
    ids = _chain(journal, experiment_id)
    with journal.read() as session:
        turns = conversation_of(session, get_run(session, ids[-1]))
    judged = grade_one(
        parse_expectation("judge:gives a number", target="turn:2"),
        turns[-1],
        service,
        judge_model="judge:1b",
        conversation=turns,
    )
    assert judged.status is GradeStatus.PASS, judged.reason
    assert judged.grader is not None
    assert "Question 2" in judged.grader["messages"][-1]["content"]
    compared = grade_one(
        parse_expectation("similar:Paris", target="turn:1:thinking"),
        turns[-1],
        service,
        embedding_model="embed:1b",
        conversation=turns,
    )
    assert compared.grader is not None
    assert compared.grader["texts"] == ["the capital of France", "Paris"]
    missing = grade_one(
        parse_expectation("judge:x", target="turn:5"),
        turns[-1],
        service,
        judge_model="judge:1b",
        conversation=turns,
    )
    assert (missing.status, missing.reason) == (
        GradeStatus.ERROR,
        "no turn 5: this conversation has 3 turns",
    )


def test_the_grading_queue_gives_a_judge_the_turn_named(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("judge:1b", reply=_judge_reply))
    ids = _chain(journal, experiment_id)
    with journal.write() as session:
        add_expectation(
            session, experiment_id, parse_expectation("judge:gives a number", target="turn:2")
        )
    with GradingQueue(journal, OllamaService(fake_ollama.url), judge_model="judge:1b") as queue:
        queue.regrade([ids[-1], ids[0]])
        assert queue.wait(timeout=60)
    with journal.read() as session:
        last = current_grades(session, ids[-1])
        first = current_grades(session, ids[0])
    assert [grade.status for grade in last] == [GradeStatus.PASS]
    assert [(grade.status, grade.reason) for grade in first] == [
        (GradeStatus.ERROR, "no turn 2: this conversation has 1 turn")
    ]
