"""Migration checks against the fake Ollama, whose target model answers known-good or
known-bad per prompt, so "still works" and "regressed" are known before the check runs."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import text

from journal.core.cancel import CancelToken
from journal.core.domain import ExperimentFilter
from journal.core.errors import (
    InvalidInputError,
    ModelNotFoundError,
    NotFoundError,
    OllamaUnreachableError,
)
from journal.core.messages import NO_RUNS_MATCH
from journal.core.migration_check import (
    CheckBusyError,
    CheckEvents,
    CheckSummary,
    MigrationChecker,
    Outcome,
    check_items,
    classify,
    get_check,
    item_runs,
    list_checks,
    select_source_runs,
    triage,
)
from journal.core.models import CheckStatus, Run, RunStatus, Verdict
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, delete_experiment, get_run, runs_of
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import PAST_OPTIONS, add_past_run, seed_past_runs

TARGET = "newmodel:1b"


def _last_prompt(messages: list[dict[str, Any]]) -> str:
    return str([m for m in messages if m.get("role") == "user"][-1]["content"])


def _target_reply(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """Known in advance: "hard" prompts get a bad answer, "boom" breaks the model."""
    prompt = _last_prompt(messages)
    if "boom" in prompt:
        raise RuntimeError("the model crashed")
    return "BAD answer" if "hard" in prompt else f"GOOD answer to {prompt}"


@pytest.fixture
def target(fake_ollama: FakeOllama) -> str:
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_target_reply))
    return TARGET


@pytest.fixture
def checker(journal: Journal, fake_ollama: FakeOllama, target: str) -> MigrationChecker:
    return MigrationChecker(journal, OllamaService(fake_ollama.url))


WORKED_ON_LLAMA = ExperimentFilter(model="llama3:8b", verdict=Verdict.WORKED)


# -- choosing the runs ------------------------------------------------------------------


def test_selection_takes_the_latest_run_meeting_the_run_filters_per_experiment(
    journal: Journal,
) -> None:
    with journal.write() as session:
        a = create_experiment(session, title="rivers", tags=["x"]).id or 0
        b = create_experiment(session, title="zebra facts", tags=["y"]).id or 0
        c = create_experiment(session, title="otters").id or 0
        a1 = add_past_run(session, a, "p", Verdict.WORKED)
        a2 = add_past_run(session, a, "p", Verdict.FAILED, model="qwen3:0.6b")
        a3 = add_past_run(session, a, "p", Verdict.FAILED)
        b1 = add_past_run(session, b, "p", Verdict.WORKED, model="qwen3:0.6b")
        b2 = add_past_run(session, b, "p", Verdict.WORKED)
        add_past_run(session, b, "p", Verdict.WORKED, status=RunStatus.STREAMING)  # never chosen
        c1 = add_past_run(session, c, "p", None)
    with journal.read() as session:

        def chosen(**filters: Any) -> list[int]:
            return select_source_runs(session, ExperimentFilter(**filters))

        assert chosen(model="llama3:8b", verdict=Verdict.WORKED) == [a1, b2]
        assert chosen(verdict=Verdict.WORKED) == [a1, b2]
        assert chosen(model="qwen3:0.6b", verdict=Verdict.WORKED) == [b1]
        assert chosen(model="qwen3:0.6b") == [a2, b1]
        assert chosen() == [a3, b2, c1]
        assert chosen(tag="y") == [b2]
        assert chosen(search="zebra", verdict=Verdict.WORKED) == [b2]
        assert chosen(model="mistral:7b") == []


# -- running, cancelling, resuming ------------------------------------------------------


def test_a_check_of_fifty_runs_cancelled_and_resumed(
    journal: Journal, checker: MigrationChecker, fake_ollama: FakeOllama
) -> None:
    sources = seed_past_runs(journal, [(f"question {n}", Verdict.WORKED) for n in range(50)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    cancel = CancelToken()
    seen: list[tuple[int, int]] = []

    def cancel_after_twenty(index: int, total: int, run: Run) -> None:
        seen.append((index, total))
        if len(seen) == 20:
            cancel.cancel()

    result = checker.run(check_id, cancel=cancel, progress=cancel_after_twenty)
    assert result.cancelled and result.ran == 20
    assert seen == [(n, 50) for n in range(1, 21)]
    assert len(fake_ollama.requests_for("/api/chat")) == 20  # nothing sent for the rest
    with journal.read() as session:
        view = get_check(session, check_id)
    assert view.status is CheckStatus.CANCELLED and view.resumable
    assert (view.summary.untriaged, view.summary.pending) == (20, 30)

    resumed: list[int] = []
    result = checker.resume(check_id, progress=lambda index, total, run: resumed.append(index))
    assert not result.cancelled and result.ran == 30
    assert resumed == list(range(21, 51))
    assert len(fake_ollama.requests_for("/api/chat")) == 50
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
        new_runs = [get_run(session, item.new_run_id or 0) for item in items]
    assert view.status is CheckStatus.DONE and not view.resumable
    assert view.summary.untriaged == 50 and view.summary.pending == 0
    assert [item.source_run_id for item in items] == sources
    assert [item.position for item in items] == list(range(1, 51))
    for source_id, run in zip(sources, new_runs, strict=True):
        assert run.replay_of_id == source_id
        assert run.model == TARGET and run.status is RunStatus.DONE
        assert run.model_digest == view.target_digest == FakeModel(TARGET).digest
        assert run.options == PAST_OPTIONS


def test_cancel_mid_stream_keeps_the_partial_run_and_resume_runs_that_item_again(
    journal: Journal, checker: MigrationChecker, fake_ollama: FakeOllama
) -> None:
    seed_past_runs(journal, [(f"a long question {n}", Verdict.WORKED) for n in range(5)])
    fake_ollama.chunks_per_reply = 12
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    cancel = CancelToken()
    chunks: list[int] = []

    def starting(position: int, total: int, source_id: int, identity: Any) -> None:
        if position == 3:
            fake_ollama.stall_after = 2  # only a working cancel ends this stream

    def chunk(position: int, content: str, thinking: str) -> None:
        if position == 3:
            chunks.append(position)
            if len(chunks) == 2:
                cancel.cancel()

    result = checker.run(check_id, cancel=cancel, events=CheckEvents(starting, chunk))
    assert result.cancelled and result.ran == 3
    summary = result.summary
    assert (summary.untriaged, summary.failed_to_run, summary.pending) == (2, 1, 2)
    with journal.read() as session:
        cancelled_run = item_runs(session, check_id, 3)[1]
    assert cancelled_run is not None and cancelled_run.status is RunStatus.CANCELLED
    assert cancelled_run.response  # the partial answer is kept

    fake_ollama.stall_after = None
    result = checker.resume(check_id)
    assert result.ran == 3 and result.summary.untriaged == 5
    with journal.read() as session:
        rerun = item_runs(session, check_id, 3)[1]
        kept = get_run(session, cancelled_run.id or 0)
    assert rerun is not None and rerun.id != cancelled_run.id
    assert rerun.status is RunStatus.DONE
    assert kept.status is RunStatus.CANCELLED  # the earlier attempt stays in the journal


def test_summary_counts_after_triage(
    journal: Journal, checker: MigrationChecker, fake_ollama: FakeOllama
) -> None:
    rows: list[tuple[str, Verdict | None]] = [
        ("easy a", Verdict.WORKED),  # still works
        ("easy b", Verdict.WORKED),  # still works
        ("easy c", Verdict.WORKED),  # left untriaged
        ("hard a", Verdict.WORKED),  # regressed (failed)
        ("hard b", Verdict.WORKED),  # regressed (partly)
        ("easy d", Verdict.FAILED),  # improved
        ("hard c", Verdict.PARTLY),  # does not work, nor did before
        ("boom", Verdict.WORKED),  # failed to run
        ("easy e", None),  # improved (no baseline counts as not worked)
    ]
    sources = seed_past_runs(journal, rows)
    check_id = checker.create(TARGET, run_ids=sources, name="new model day")
    result = checker.run(check_id)
    assert not result.cancelled and result.ran == 9
    judgement = {
        "easy a": Verdict.WORKED,
        "easy b": Verdict.WORKED,
        "hard a": Verdict.FAILED,
        "hard b": Verdict.PARTLY,
        "easy d": Verdict.WORKED,
        "hard c": Verdict.FAILED,
        "easy e": Verdict.WORKED,
    }
    with journal.write() as session:
        for item in check_items(session, check_id):
            if item.prompt in judgement:
                new = get_run(session, item.new_run_id or 0)
                assert new.response.startswith("BAD" if "hard" in item.prompt else "GOOD")
                triage(session, check_id, item.position, judgement[item.prompt], "auto")
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
    assert [item.outcome for item in items] == [
        Outcome.STILL_WORKS,
        Outcome.STILL_WORKS,
        Outcome.UNTRIAGED,
        Outcome.REGRESSED,
        Outcome.REGRESSED,
        Outcome.IMPROVED,
        Outcome.DOES_NOT_WORK,
        Outcome.FAILED_TO_RUN,
        Outcome.IMPROVED,
    ]
    summary = view.summary
    assert summary == CheckSummary(
        target_model=TARGET,
        total=9,
        passed=4,  # the four judged worked: no expectations, so the verdicts decide
        failed=3,
        needs_look=2,  # "easy c" (no expectations, no verdict) and "boom" (failed to run)
        by_verdict=7,
        still_work=2,
        regressed=2,
        improved=2,
        does_not_work=1,
        untriaged=1,
        failed_to_run=1,
        pending=0,
        worked_before=6,
    )
    assert summary.line() == "4 of 9 pass on newmodel:1b (3 fail, 2 need a look; 7 by your verdict)"
    assert view.name == "new model day"
    assert view.source_filter == {"run_ids": sources}
    assert items[7].new_status is RunStatus.FAILED and items[7].baseline is Verdict.WORKED


def test_the_summary_line_reads_like_the_example() -> None:
    summary = CheckSummary("qwen3:8b", total=40, passed=34, failed=4, needs_look=2)
    assert summary.line() == "34 of 40 pass on qwen3:8b (4 fail, 2 need a look)"
    summary = CheckSummary("qwen3:8b", total=40, passed=34, failed=5, needs_look=1, by_verdict=3)
    assert summary.line() == "34 of 40 pass on qwen3:8b (5 fail, 1 needs a look; 3 by your verdict)"
    assert CheckSummary("m", total=5, needs_look=1, grading=1, pending=3).line() == (
        "0 of 5 pass on m (0 fail, 1 needs a look); 1 still grading; 3 not run yet"
    )


@pytest.mark.parametrize(
    ("baseline", "status", "verdict", "outcome"),
    [
        (Verdict.WORKED, None, None, Outcome.PENDING),
        (Verdict.WORKED, RunStatus.STREAMING, None, Outcome.PENDING),
        (Verdict.WORKED, RunStatus.INTERRUPTED, None, Outcome.FAILED_TO_RUN),
        (Verdict.WORKED, RunStatus.FAILED, None, Outcome.FAILED_TO_RUN),
        # a replay stopped by a cancelled check did not fail: it reads "cancelled"
        (Verdict.WORKED, RunStatus.CANCELLED, Verdict.WORKED, Outcome.CANCELLED),
        (Verdict.WORKED, RunStatus.DONE, None, Outcome.UNTRIAGED),
        (Verdict.WORKED, RunStatus.DONE, Verdict.WORKED, Outcome.STILL_WORKS),
        (Verdict.WORKED, RunStatus.DONE, Verdict.PARTLY, Outcome.REGRESSED),
        (Verdict.PARTLY, RunStatus.DONE, Verdict.WORKED, Outcome.IMPROVED),
        (Verdict.PARTLY, RunStatus.DONE, Verdict.FAILED, Outcome.DOES_NOT_WORK),
        (None, RunStatus.DONE, Verdict.PARTLY, Outcome.DOES_NOT_WORK),
    ],
)
def test_classify(
    baseline: Verdict | None,
    status: RunStatus | None,
    verdict: Verdict | None,
    outcome: Outcome,
) -> None:
    assert classify(baseline, status, verdict) is outcome


# -- claims, interruptions, failures ----------------------------------------------------


def test_a_running_check_cannot_be_resumed_twice_or_run_unclaimed(
    journal: Journal, checker: MigrationChecker
) -> None:
    seed_past_runs(journal, [("q", Verdict.WORKED)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    with pytest.raises(CheckBusyError, match="still running \\(in this program\\)"):
        checker.resume(check_id)
    checker.run(check_id)
    with pytest.raises(CheckBusyError, match="resume it instead"):
        checker.run(check_id)


def test_a_check_whose_program_died_reads_as_interrupted_and_resumes(
    journal: Journal, checker: MigrationChecker
) -> None:
    seed_past_runs(journal, [("q1", Verdict.WORKED), ("q2", Verdict.WORKED)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    dead = f"{socket.gethostname()}:{2**22 + 1}"  # above any pid_max: no such process
    with journal.write() as session:
        session.execute(
            text("UPDATE migration_check SET owner = :owner WHERE id = :id"),
            {"owner": dead, "id": check_id},
        )
    with journal.read() as session:
        assert get_check(session, check_id).status is CheckStatus.INTERRUPTED
        assert list_checks(session)[0].status is CheckStatus.INTERRUPTED
    result = checker.resume(check_id)
    assert result.ran == 2 and result.summary.untriaged == 2
    with journal.read() as session:
        assert get_check(session, check_id).status is CheckStatus.DONE


def test_a_server_gone_mid_check_interrupts_it_keeping_the_attempt_that_failed(
    journal: Journal, checker: MigrationChecker, fake_ollama: FakeOllama
) -> None:
    seed_past_runs(journal, [(f"q{n}", Verdict.WORKED) for n in range(5)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)

    def stop_after_two(index: int, total: int, run: Run) -> None:
        if index == 2:
            fake_ollama.stop()

    with pytest.raises(OllamaUnreachableError):
        checker.run(check_id, progress=stop_after_two)
    with journal.read() as session:
        view = get_check(session, check_id)
        # Item 3 was sent before anyone knew: its failed run says so; 4 and 5 never were.
        assert session.execute(text("SELECT count(*) FROM run")).scalar_one() == 5 + 3
    assert view.status is CheckStatus.INTERRUPTED
    summary = view.summary
    assert (summary.untriaged, summary.failed_to_run, summary.pending) == (2, 1, 2)
    fake_ollama.start()
    assert checker.resume(check_id).ran == 3


def test_a_target_deleted_mid_check_interrupts_it(
    journal: Journal, checker: MigrationChecker, fake_ollama: FakeOllama
) -> None:
    seed_past_runs(journal, [(f"q{n}", Verdict.WORKED) for n in range(3)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    with pytest.raises(ModelNotFoundError, match=f"ollama pull {TARGET}"):
        checker.run(check_id, progress=lambda i, t, run: fake_ollama.remove_model(TARGET))
    with journal.read() as session:
        view = get_check(session, check_id)
    assert view.status is CheckStatus.INTERRUPTED
    assert (view.summary.failed_to_run, view.summary.pending) == (1, 1)
    with pytest.raises(ModelNotFoundError):
        checker.resume(check_id)  # refused before claiming: the check stays as it was
    fake_ollama.add_model(FakeModel(TARGET, digest="e" * 64, reply=_target_reply))
    result = checker.resume(check_id)
    assert result.ran == 2
    assert result.warnings and "changed since check" in result.warnings[0]


def test_a_thinking_request_goes_to_a_target_without_thinking_as_plain(
    journal: Journal, fake_ollama: FakeOllama
) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="think").id or 0
        source = add_past_run(
            session, experiment, "why?", Verdict.WORKED, model="qwen3:0.6b", think=True
        )
    checker = MigrationChecker(journal, OllamaService(fake_ollama.url))
    check_id = checker.create("llama3:8b", run_ids=[source])
    result = checker.run(check_id)
    assert result.summary.untriaged == 1
    body = fake_ollama.requests_for("/api/chat")[-1].body
    assert not body.get("think")
    with journal.read() as session:
        new = item_runs(session, check_id, 1)[1]
    assert new is not None and new.think is None and new.status is RunStatus.DONE
    assert new.replay_info is not None and "think" in new.replay_info["edited"]


def test_creating_a_check_refuses_bad_input_and_saves_nothing(
    journal: Journal, checker: MigrationChecker
) -> None:
    sources = seed_past_runs(journal, [("q", Verdict.FAILED)])
    with pytest.raises(ModelNotFoundError, match="ollama pull nosuch:1b"):
        checker.create("nosuch:1b", filters=WORKED_ON_LLAMA)
    with pytest.raises(
        InvalidInputError, match=r"No runs match \(model=llama3:8b verdict=worked"
    ) as refused:
        checker.create(TARGET, filters=WORKED_ON_LLAMA)
    said = refused.value.core_message  # a template the window says in its language
    assert said is not None and said.template == NO_RUNS_MATCH
    with pytest.raises(InvalidInputError, match="not both"):
        checker.create(TARGET, filters=WORKED_ON_LLAMA, run_ids=sources)
    with pytest.raises(InvalidInputError, match="not both"):
        checker.create(TARGET)
    with pytest.raises(NotFoundError, match="There is no run 999"):
        checker.create(TARGET, run_ids=[999])
    with pytest.raises(InvalidInputError, match="Name the model"):
        checker.create("  ", run_ids=sources)
    with journal.read() as session:
        assert list_checks(session) == []
        with pytest.raises(NotFoundError, match="There is no check 1"):
            get_check(session, 1)


# -- triage, listing, diffs -------------------------------------------------------------


def test_triage_list_and_item_runs(journal: Journal, checker: MigrationChecker) -> None:
    sources = seed_past_runs(journal, [("easy", Verdict.WORKED), ("hard", Verdict.WORKED)])
    first = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    checker.run(first)
    second = checker.create(TARGET, run_ids=[sources[1], sources[1]])
    with journal.write() as session:
        with pytest.raises(InvalidInputError, match="has not been replayed yet"):
            triage(session, second, 1, Verdict.WORKED)
        with pytest.raises(NotFoundError, match="has no item 9"):
            triage(session, first, 9, Verdict.WORKED)
        judged = triage(session, first, 2, Verdict.FAILED, "wrong")
        assert judged.verdict is Verdict.FAILED and judged.verdict_note == "wrong"
    with journal.read() as session:
        checks = list_checks(session)
        source, new = item_runs(session, first, 2)
        pending_source, nothing = item_runs(session, second, 1)
    assert [check.id for check in checks] == [second, first]
    assert checks[0].name == f"run {sources[1]} on {TARGET}"  # duplicates dropped
    assert checks[0].summary.total == 1 and checks[0].status is CheckStatus.RUNNING
    assert checks[1].name == f"model=llama3:8b verdict=worked on {TARGET}"
    assert checks[1].source_filter == {"model": "llama3:8b", "verdict": "worked"}
    assert checks[1].summary.regressed == 1
    record = checks[1].as_dict()
    assert record["summary"]["line"].startswith("0 of 2 pass")
    assert record["status"] == "done"
    assert source.id == sources[1] and new is not None and new.response == "BAD answer"
    assert pending_source.id == sources[1] and nothing is None


def test_deleting_an_experiment_drops_its_items(
    journal: Journal, checker: MigrationChecker
) -> None:
    seed_past_runs(journal, [("q1", Verdict.WORKED), ("q2", Verdict.WORKED)])
    check_id = checker.create(TARGET, filters=WORKED_ON_LLAMA)
    checker.run(check_id)
    with journal.write() as session:
        delete_experiment(session, 1)
    with journal.read() as session:
        items = check_items(session, check_id)
        assert [item.experiment_id for item in items] == [2]
        assert runs_of(session, 1) == []


def test_progress_counts_the_replays_that_have_ended() -> None:
    assert CheckSummary("m", total=4, pending=2).replayed == 2
    assert CheckSummary("m", total=4).replayed == 4
