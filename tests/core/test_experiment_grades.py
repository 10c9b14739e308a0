"""`experiment_grades` reads every run's grades and outcome at once and agrees with the
one-run queries; a grading queue closes without waiting on a judge that does not answer."""

from __future__ import annotations

from journal.core.domain import RunStatus
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    current_grades,
    experiment_grades,
    list_expectations,
    run_outcome,
    update_expectation,
)
from journal.core.grading_queue import GradingQueue, grade_now
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama


def _run(journal: Journal, experiment_id: int, response: str, status: RunStatus) -> int:
    with journal.write() as session:
        run = Run(
            experiment_id=experiment_id,
            model="m",
            status=status,
            messages=[{"role": "user", "content": "q"}],
            response=response,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def test_experiment_grades_agree_with_the_one_run_queries(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        for line in ("contains:Paris", "words<=3", "judge:is right"):
            add_expectation(session, experiment_id, parse_expectation(line))
    runs = [
        _run(journal, experiment_id, "Paris.", RunStatus.DONE),
        _run(journal, experiment_id, "It is Lyon, I think.", RunStatus.DONE),
        _run(journal, experiment_id, "Par", RunStatus.CANCELLED),
    ]
    for run_id in runs:
        grade_now(journal, run_id)
    with journal.write() as session:
        first = list_expectations(session, experiment_id)[0]
        update_expectation(session, first.id, parse_expectation("contains:France"))
    with journal.read() as session:
        found = experiment_grades(session, experiment_id)
        expected = {
            run_id: (current_grades(session, run_id), run_outcome(session, run_id))
            for run_id in runs
        }
    assert found == expected
    grades, outcome = found[runs[0]]
    assert [grade.stale for grade in grades] == [True, False]
    assert outcome.ungraded == 1
    assert found[runs[2]][1].reason == "the run cancelled: not graded"


def test_a_queue_closes_without_waiting_for_a_judge_that_never_answers(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("judge:1b"))
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("judge:is right"))
    run_id = _run(journal, experiment_id, "Paris.", RunStatus.DONE)
    fake_ollama.stall_after = 0  # the judge never answers
    service = OllamaService(fake_ollama.url)
    queue = GradingQueue(journal, service, judge_model="judge:1b")
    total = len(fake_ollama.requests)
    queue.grade_finished(run_id)
    fake_ollama.wait_for_requests(total + 2)  # /api/tags for the digest, then /api/chat
    assert fake_ollama.requests[-1].path == "/api/chat"
    assert queue.close(timeout=30)  # cancelled, so the worker ends (no time asserted)
    assert queue.pending == 0
