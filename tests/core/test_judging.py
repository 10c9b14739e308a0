"""`judge` and `similar` against the fake Ollama, and the grading queue that runs them in
the background: recorded for audit, never as runs, behind the person's runs, cancellable,
history kept on re-grade."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from journal.core.cancel import CancelToken
from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    Grade,
    add_expectation,
    current_grades,
    grade_history,
    run_outcome,
)
from journal.core.grading import GradeStatus, OutcomeStatus, RunOutcome
from journal.core.grading_queue import GradingEvents, GradingQueue, grade_now
from journal.core.host_gate import gate_for
from journal.core.judging import (
    JUDGE_PROMPT_VERSION,
    JUDGE_SCHEMA,
    cosine,
    judge,
    read_judge_reply,
    similar,
)
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run, set_verdict
from journal.core.settings import SettingsFile
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama

QUESTION = [{"role": "user", "content": "Name three rivers of Europe."}]
ANSWER = "Rhine, Danube and Loire."


class Judge:
    """A scripted judge model: its replies come from `self.reply`, and it keeps what it was
    asked."""

    def __init__(self) -> None:
        self.reply = json.dumps({"pass": True, "score": 0.9, "reason": "names three rivers"})
        self.asked: list[list[dict[str, Any]]] = []

    def __call__(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        self.asked.append(messages)
        return self.reply


@pytest.fixture
def scripted() -> Judge:
    return Judge()


@pytest.fixture
def server(fake_ollama: FakeOllama, scripted: Judge) -> FakeOllama:
    fake_ollama.add_model(FakeModel("judge:1b", reply=scripted))
    fake_ollama.add_model(FakeModel("embed:1b", family="bert"))
    return fake_ollama


@pytest.fixture
def service(server: FakeOllama) -> OllamaService:
    return OllamaService(server.url)


def _run(journal: Journal, experiment_id: int, **fields: Any) -> Run:
    values: dict[str, Any] = {
        "model": "llama3:8b",
        "status": RunStatus.DONE,
        "messages": QUESTION,
        "system_prompt": "Be brief.",
        "response": ANSWER,
    }
    values.update(fields)
    with journal.write() as session:
        run = Run(experiment_id=experiment_id, **values)
        session.add(run)
        session.flush()
        return run


def _expect(journal: Journal, experiment_id: int, *lines: str) -> None:
    with journal.write() as session:
        for line in lines:
            add_expectation(session, experiment_id, parse_expectation(line))


# -- the judge's reply -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status", "score", "why"),
    [
        ('{"pass": true, "score": 0.9, "reason": "ok"}', GradeStatus.PASS, 0.9, "ok"),
        ('{"pass": false, "score": 0.1, "reason": "no"}', GradeStatus.FAIL, 0.1, "no"),
        ('{"pass": true, "score": 0.5, "reason": "hm"}', GradeStatus.UNSURE, 0.5, "unsure"),
        ('{"pass": true, "score": 0.1, "reason": "odd"}', GradeStatus.UNSURE, 0.1, "(pass, "),
        ('{"pass": true, "score": NaN, "reason": "x"}', GradeStatus.UNSURE, None, "not the JSON"),
        ('{"pass": false, "score": -10.5, "reason": "x"}', GradeStatus.UNSURE, None, "0 to 1"),
        ('{"pass": "yes", "score": 1, "reason": "x"}', GradeStatus.UNSURE, None, "pass flag"),
        ('{"pass": true, "score": true, "reason": "x"}', GradeStatus.UNSURE, None, "0 to 1"),
        ("Sure! The answer passes.", GradeStatus.UNSURE, None, "not the JSON asked for"),
        ("[1, 2]", GradeStatus.UNSURE, None, "not the JSON object"),
        ('{"pass": true, "score": 1, "reason": ""}', GradeStatus.PASS, 1.0, "(no reason given)"),
    ],
)
def test_a_judges_reply_is_read_strictly(
    raw: str, status: GradeStatus, score: float | None, why: str
) -> None:
    read = read_judge_reply(raw)
    assert read[0] is status and read[1] == score
    assert why in read[2]


def test_a_reply_cut_by_num_predict_says_so() -> None:
    assert "cut short" in read_judge_reply('{"pass": tr', cut=True)[2]


# -- judge through the fake ------------------------------------------------------------


def test_judge_records_model_digest_prompt_and_raw_reply(
    journal: Journal,
    experiment_id: int,
    service: OllamaService,
    server: FakeOllama,
    scripted: Judge,
) -> None:
    run = _run(journal, experiment_id)
    expectation = parse_expectation("judge:names three real rivers of Europe")
    result = judge(service, "judge:1b", expectation, run)
    assert result.status is GradeStatus.PASS and result.score == 0.9
    assert result.reason == "judge judge:1b: names three rivers"
    record = result.grader
    assert record is not None
    assert record["model"] == "judge:1b"
    assert record["digest"] == server.models["judge:1b"].digest
    assert record["options"] == {"temperature": 0.0, "seed": 42, "num_predict": 512}
    assert record["format"] == JUDGE_SCHEMA
    assert record["prompt_version"] == JUDGE_PROMPT_VERSION
    assert record["raw_reply"] == scripted.reply
    prompt = record["messages"][1]["content"]
    assert "names three real rivers of Europe" in prompt  # the rubric
    assert "user: Name three rivers of Europe." in prompt and "system: Be brief." in prompt
    assert f"<answer>\n{ANSWER}\n</answer>" in prompt
    (sent,) = server.requests_for("/api/chat")
    assert sent.body["format"] == JUDGE_SCHEMA
    assert sent.body["messages"] == record["messages"]
    assert sent.body["options"] == record["options"]


def test_a_negated_judge_swaps_pass_and_fail(
    journal: Journal, experiment_id: int, service: OllamaService, scripted: Judge
) -> None:
    run = _run(journal, experiment_id)
    result = judge(service, "judge:1b", parse_expectation("not-judge:is rude"), run)
    assert result.status is GradeStatus.FAIL and result.score == pytest.approx(0.1)


def test_a_judge_that_does_not_answer_json_is_unsure(
    journal: Journal, experiment_id: int, service: OllamaService, scripted: Judge
) -> None:
    run = _run(journal, experiment_id)
    scripted.reply = "The answer is great!"
    result = judge(service, "judge:1b", parse_expectation("judge:x"), run)
    assert result.status is GradeStatus.UNSURE and result.score is None
    assert result.grader is not None and result.grader["raw_reply"] == "The answer is great!"
    scripted.reply = '{"pass": true, "score": NaN, "reason": "x"}'
    assert judge(service, "judge:1b", parse_expectation("judge:x"), run).status is (
        GradeStatus.UNSURE
    )


def test_a_missing_judge_model_is_an_error_saying_how_to_set_one(
    journal: Journal, experiment_id: int, service: OllamaService
) -> None:
    run = _run(journal, experiment_id)
    unset = judge(service, "", parse_expectation("judge:x"), run)
    assert unset.status is GradeStatus.ERROR
    assert "journal config set models.judge NAME" in unset.reason
    absent = judge(service, "qwen3:4b", parse_expectation("judge:x"), run)
    assert absent.status is GradeStatus.ERROR
    assert "judge model 'qwen3:4b' is not on" in absent.reason
    assert "ollama pull qwen3:4b" in absent.reason
    down = judge(OllamaService("http://127.0.0.1:9"), "judge:1b", parse_expectation("judge:x"), run)
    assert down.status is GradeStatus.ERROR and "Cannot reach Ollama" in down.reason


# -- similar through the fake ----------------------------------------------------------


def test_similar_compares_embeddings_and_records_them(
    journal: Journal, experiment_id: int, service: OllamaService, server: FakeOllama
) -> None:
    run = _run(journal, experiment_id)
    close = similar(
        service, "embed:1b", parse_expectation("similar(0.5):Rhine, Danube, Loire"), run
    )
    assert close.status is GradeStatus.PASS, close.reason
    assert close.reason.startswith("similarity ") and "(embed:1b)" in close.reason
    assert close.grader is not None
    assert close.grader["texts"] == [ANSWER, "Rhine, Danube, Loire"]
    assert close.grader["digest"] == server.models["embed:1b"].digest
    assert close.grader["threshold"] == 0.5 and 0.5 <= close.grader["similarity"] <= 1
    far = similar(service, "embed:1b", parse_expectation("similar:quantum chromodynamics"), run)
    assert far.status is GradeStatus.FAIL and "< 0.8" in far.reason
    negated = similar(service, "embed:1b", parse_expectation("not-similar:quantum physics"), run)
    assert negated.status is GradeStatus.PASS


def test_similar_without_a_model_or_an_answer(
    journal: Journal, experiment_id: int, service: OllamaService
) -> None:
    run = _run(journal, experiment_id)
    unset = similar(service, "", parse_expectation("similar:x"), run)
    assert unset.status is GradeStatus.ERROR
    assert "journal config set models.embedding NAME" in unset.reason
    empty = _run(journal, experiment_id, response="  ")
    assert similar(service, "embed:1b", parse_expectation("similar:x"), empty).status is (
        GradeStatus.FAIL
    )


def test_cosine() -> None:
    assert cosine([1.0, 0.0], [2.0, 0.0]) == 1.0
    assert cosine([1.0, 0.0], [0.0, 3.0]) == 0.0
    assert cosine([0.0, 0.0], [1.0, 0.0]) is None
    assert cosine([1.0], [1.0, 2.0]) is None


# -- the queue ---------------------------------------------------------------------------


class Seen:
    def __init__(self) -> None:
        self.grades: list[Grade] = []
        self.finished: list[tuple[int, RunOutcome]] = []
        self.failed: list[tuple[int, str]] = []
        self.events = GradingEvents(
            graded=self.grades.append,
            finished=lambda run_id, outcome: self.finished.append((run_id, outcome)),
            failed=lambda run_id, message: self.failed.append((run_id, message)),
        )


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def queue(journal: Journal, service: OllamaService, seen: Seen) -> Iterator[GradingQueue]:
    with GradingQueue(
        journal, service, judge_model="judge:1b", embedding_model="embed:1b", events=seen.events
    ) as opened:
        yield opened


def _count_runs(journal: Journal) -> int:
    with journal.read() as session:
        return int(session.execute(text("SELECT count(*) FROM run")).scalar_one())


def test_a_finished_run_is_graded_now_and_then_in_the_background(
    journal: Journal, experiment_id: int, queue: GradingQueue, seen: Seen
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "contains:Danube", "judge:names three rivers", "similar:Rhine")
    runs_before = _count_runs(journal)
    now = queue.grade_finished(run.id)
    assert [grade.expectation_text for grade in now] == ["contains:Danube"]
    assert queue.wait(30)
    with journal.read() as session:
        grades = current_grades(session, run.id)
        outcome = run_outcome(session, run.id)
    assert [grade.expectation_text for grade in grades] == [
        "contains:Danube",
        "judge:names three rivers",
        "similar:Rhine",
    ]
    judged = grades[1]
    assert judged.status is GradeStatus.PASS and judged.grader is not None
    assert judged.grader["model"] == "judge:1b"
    assert outcome.status in (OutcomeStatus.PASS, OutcomeStatus.FAIL)
    assert [grade.id for grade in seen.grades] == [grade.id for grade in grades]
    assert seen.finished == [(run.id, outcome)]
    # Judge and embedding calls are never runs of the experiment.
    assert _count_runs(journal) == runs_before


def test_grading_never_writes_the_persons_verdict(
    journal: Journal, experiment_id: int, queue: GradingQueue, scripted: Judge
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "judge:x")
    with journal.write() as session:
        set_verdict(session, run.id, Verdict.PARTLY, "mine")
    queue.grade_finished(run.id)
    assert queue.wait(30)
    with journal.read() as session:
        kept = get_run(session, run.id)
        outcome = run_outcome(session, run.id)
    assert (kept.verdict, kept.verdict_note) == (Verdict.PARTLY, "mine")
    assert outcome.suggested_verdict is Verdict.WORKED


def test_regrading_adds_to_the_history(
    journal: Journal, experiment_id: int, queue: GradingQueue, scripted: Judge
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "contains:Danube", "judge:x")
    queue.grade_finished(run.id)
    assert queue.wait(30)
    scripted.reply = json.dumps({"pass": False, "score": 0.0, "reason": "changed its mind"})
    assert queue.regrade_matching(experiment_id=experiment_id) == [run.id]
    assert queue.wait(30)
    with journal.read() as session:
        history = grade_history(session, run.id)
        current = current_grades(session, run.id)
    assert [grade.expectation_text for grade in history] == [
        "contains:Danube",
        "judge:x",
        "contains:Danube",
        "judge:x",
    ]
    assert current[1].reason == "judge judge:1b: changed its mind"
    assert queue.regrade_matching(filters=ExperimentFilter(tag="nothing")) == []


def test_judge_requests_wait_behind_the_persons_run(
    journal: Journal,
    experiment_id: int,
    queue: GradingQueue,
    service: OllamaService,
    server: FakeOllama,
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "judge:x")
    gate = gate_for(service.host)
    with gate.foreground():  # the person's run streams on this host
        queue.grade_finished(run.id)
        assert gate.wait_for_waiting(1, timeout=30)
        assert server.requests_for("/api/chat") == []
    assert queue.wait(30)
    assert len(server.requests_for("/api/chat")) == 1


def test_grading_can_be_cancelled_mid_judgement_and_stores_nothing_half_done(
    journal: Journal,
    experiment_id: int,
    queue: GradingQueue,
    server: FakeOllama,
    seen: Seen,
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "contains:Danube", "judge:x")
    server.stall_after = 0  # the judge never answers
    before = len(server.requests)
    queue.grade_finished(run.id)
    server.wait_for_requests(before + 2)  # /api/tags for the digest, then /api/chat
    assert server.requests[-1].path == "/api/chat"
    queue.cancel()
    assert queue.wait(30)
    with journal.read() as session:
        assert [g.expectation_text for g in grade_history(session, run.id)] == ["contains:Danube"]
    assert seen.finished and seen.finished[0][1].status is OutcomeStatus.NEEDS_LOOK


def test_a_run_that_did_not_finish_is_not_graded(
    journal: Journal, experiment_id: int, queue: GradingQueue
) -> None:
    run = _run(journal, experiment_id, status=RunStatus.FAILED)
    assert run.id is not None
    _expect(journal, experiment_id, "contains:Danube", "judge:x")
    assert queue.grade_finished(run.id) == []
    assert grade_now(journal, run.id) == []
    assert queue.pending == 0


def test_the_models_come_from_the_settings_unless_overridden(
    journal: Journal, experiment_id: int, service: OllamaService, seen: Seen
) -> None:
    run = _run(journal, experiment_id)
    assert run.id is not None
    _expect(journal, experiment_id, "judge:x")
    with GradingQueue(journal, service, events=seen.events) as unset:
        unset.grade_finished(run.id)
        assert unset.wait(30)
    assert "journal config set models.judge NAME" in seen.grades[-1].reason
    SettingsFile().update({"models.judge": "judge:1b"})
    with GradingQueue(journal, service, events=seen.events) as configured:
        configured.regrade([run.id])
        assert configured.wait(30)
    assert seen.grades[-1].status is GradeStatus.PASS
    assert seen.grades[-1].grader is not None and seen.grades[-1].grader["model"] == "judge:1b"


def test_cancelling_a_token_before_a_turn_gives_no_turn() -> None:
    gate = gate_for("http://gate-test.invalid")
    token = CancelToken()
    token.cancel()
    from journal.core.cancel import StreamCancelled

    with gate.foreground(), pytest.raises(StreamCancelled), gate.background_turn(token):
        pass


def test_grade_one_tries_an_expectation_without_storing_it(
    journal: Journal, experiment_id: int, service: OllamaService
) -> None:
    from journal.core.grading_queue import grade_one

    run = _run(journal, experiment_id)
    assert grade_one(parse_expectation("contains:Loire"), run).status is GradeStatus.PASS
    judged = grade_one(parse_expectation("judge:x"), run, service, judge_model="judge:1b")
    assert judged.status is GradeStatus.PASS and judged.grader is not None
    compared = grade_one(
        parse_expectation("similar(0.5):Rhine Danube Loire"),
        run,
        service,
        embedding_model="embed:1b",
    )
    assert compared.status is GradeStatus.PASS
    with pytest.raises(ValueError, match="needs an Ollama service"):
        grade_one(parse_expectation("judge:x"), run)
    with journal.read() as session:
        assert session.execute(text("SELECT count(*) FROM grade")).scalar_one() == 0
