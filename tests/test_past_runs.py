"""The one helper that builds "a past run" for the tests (tests/past_runs.py)."""

from __future__ import annotations

from journal.core.domain import RunStatus, Verdict
from journal.core.queries import create_experiment, get_run, runs_of
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import (
    PAST_MODEL,
    PAST_OPTIONS,
    add_past_run,
    past_answer,
    record_run,
    seed_past_runs,
)


def test_a_past_run_is_finished_on_the_fakes_weights(journal: Journal, experiment_id: int) -> None:
    with journal.write() as session:
        run_id = add_past_run(session, experiment_id, "Name a lake", Verdict.PARTLY)
    with journal.read() as session:
        run = get_run(session, run_id)
    assert (run.model, run.model_digest) == (PAST_MODEL, FakeModel(PAST_MODEL).digest)
    assert run.status is RunStatus.DONE and run.verdict is Verdict.PARTLY
    assert run.prompt == "Name a lake" and run.response == past_answer("Name a lake")
    assert run.options == PAST_OPTIONS


def test_fields_override_the_defaults(journal: Journal, experiment_id: int) -> None:
    with journal.write() as session:
        run_id = add_past_run(
            session,
            experiment_id,
            model="qwen3:0.6b",
            digest="",
            status=RunStatus.STREAMING,
            options={},
            response="half",
            think=True,
        )
    with journal.read() as session:
        run = get_run(session, run_id)
    assert (run.model, run.model_digest, run.status) == ("qwen3:0.6b", "", RunStatus.STREAMING)
    assert (run.options, run.response, run.think) == ({}, "half", True)


def test_seeding_gives_each_prompt_an_experiment(journal: Journal) -> None:
    ids = seed_past_runs(journal, ["a", ("b", Verdict.FAILED)])
    with journal.read() as session:
        runs = [get_run(session, run_id) for run_id in ids]
    assert [run.prompt for run in runs] == ["a", "b"]
    assert [run.verdict for run in runs] == [Verdict.WORKED, Verdict.FAILED]
    assert len({run.experiment_id for run in runs}) == 2


def test_a_recorded_run_goes_through_the_fake_ollama(
    journal: Journal, fake_ollama: FakeOllama
) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="recorded").id or 0
    run = record_run(
        journal, fake_ollama.url, experiment, verdict=Verdict.WORKED, options={"seed": 5}
    )
    assert run.status is RunStatus.DONE and run.verdict is Verdict.WORKED
    (request,) = fake_ollama.requests_for("/api/chat")
    assert request.body["options"] == {"seed": 5}
    with journal.read() as session:
        assert [r.id for r in runs_of(session, experiment)] == [run.id]
