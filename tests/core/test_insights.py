"""The Insights figures (issue 15) over a small journal whose numbers are known exactly:
verdict standings and pass rates per model@digest and tag, the weekly trend with new weights
marked, speed quartiles, runs per week and runs waiting; the list's filters and the trash."""

from __future__ import annotations

from datetime import UTC, datetime

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.insights import (
    DigestSeen,
    Distribution,
    ModelOutcomes,
    PassRatePoint,
    WeekActivity,
    compute_insights,
    model_outcomes,
)
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel
from tests.past_runs import add_past_run

D1, D2 = "1" * 64, "2" * 64
QWEN = FakeModel("qwen3:0.6b").digest


def _on(day: int) -> datetime:
    return datetime(2026, 1, day, 12, tzinfo=UTC)


def _journal(journal: Journal) -> None:
    with journal.write() as session:
        a = create_experiment(session, title="a", tags=["json"]).id
        b = create_experiment(session, title="b", tags=["code"]).id
        gone = create_experiment(session, title="gone").id
        assert a and b and gone
        add_past_run(
            session, a, verdict=Verdict.WORKED, digest=D1, created_at=_on(5),
            eval_count=100, eval_duration=2_000_000_000, first_token_seconds=0.5,
            load_duration=1_000_000_000,
        )  # fmt: skip
        add_past_run(
            session, a, verdict=Verdict.FAILED, digest=D2, created_at=_on(14),
            eval_count=300, eval_duration=3_000_000_000, first_token_seconds=1.5,
            load_duration=3_000_000_000,
        )  # fmt: skip
        add_past_run(session, a, model="qwen3:0.6b", created_at=_on(6))
        add_past_run(session, a, verdict=Verdict.WORKED, digest=D2, trashed_at=_on(15))
        add_past_run(session, b, verdict=Verdict.PARTLY, digest=D1, created_at=_on(7))
        add_past_run(session, gone, verdict=Verdict.WORKED, digest=D1, created_at=_on(7))
        from journal.core.models import Experiment

        trashed = session.get(Experiment, gone)
        assert trashed is not None
        trashed.trashed_at = _on(16)
        session.add(trashed)


def _outcome(model: str, digest: str, tag: str = "", **counts: int) -> ModelOutcomes:
    zero = dict.fromkeys(
        ("worked", "partly", "failed", "unjudged", "runs", "passed", "runs_failed", "needs_look"),
        0,
    )
    return ModelOutcomes(model, digest, tag, **{**zero, **counts})


def test_every_figure_of_a_small_journal(journal: Journal) -> None:
    _journal(journal)
    with journal.read() as session:
        insights = compute_insights(session, ExperimentFilter())
    llama = "llama3:8b"
    assert insights.outcomes == (
        _outcome(llama, D1, partly=1, runs=2, passed=1, runs_failed=1),
        _outcome(llama, D2, failed=1, runs=1, runs_failed=1),
        _outcome("qwen3:0.6b", QWEN, unjudged=1, runs=1, needs_look=1),
        _outcome(llama, D1, "code", partly=1, runs=1, runs_failed=1),
        _outcome(llama, D1, "json", runs=1, passed=1),
        _outcome(llama, D2, "json", failed=1, runs=1, runs_failed=1),
        _outcome("qwen3:0.6b", QWEN, "json", unjudged=1, runs=1, needs_look=1),
    )
    assert insights.outcomes[0].pass_rate == 0.5
    assert insights.outcomes[0].experiments == 1
    assert insights.trend.points == (
        PassRatePoint(llama, "2026-01-05", runs=2, passed=1, failed=1, needs_look=0),
        PassRatePoint(llama, "2026-01-12", runs=1, passed=0, failed=1, needs_look=0),
        PassRatePoint("qwen3:0.6b", "2026-01-05", runs=1, passed=0, failed=0, needs_look=1),
    )
    assert insights.trend.new_weights == (
        DigestSeen(llama, D2, "2026-01-14T12:00:00.000000+00:00"),
    )
    llama_speed, qwen_speed = insights.speed
    assert (llama_speed.model, llama_speed.runs) == (llama, 3)
    assert llama_speed.tokens_per_second == Distribution(2, 50.0, 62.5, 75.0, 87.5, 100.0)
    assert llama_speed.first_token_seconds == Distribution(2, 0.5, 0.75, 1.0, 1.25, 1.5)
    assert llama_speed.load_seconds == Distribution(2, 1.0, 1.5, 2.0, 2.5, 3.0)
    assert (qwen_speed.model, qwen_speed.runs, qwen_speed.tokens_per_second) == (
        "qwen3:0.6b",
        1,
        None,
    )
    assert insights.activity.weeks == (WeekActivity("2026-01-05", 3), WeekActivity("2026-01-12", 1))
    assert insights.activity.unrated == 1


def test_the_list_filters_select_alike(journal: Journal) -> None:
    _journal(journal)
    with journal.read() as session:
        by_tag = compute_insights(session, ExperimentFilter(tag="code"))
        by_model = model_outcomes(session, ExperimentFilter(model="qwen3:0.6b"))
        worked = compute_insights(session, ExperimentFilter(verdict=Verdict.WORKED))
    assert [(o.tag, o.digest, o.partly) for o in by_tag.outcomes] == [("", D1, 1), ("code", D1, 1)]
    assert by_tag.activity.weeks == (WeekActivity("2026-01-05", 1),)
    assert by_tag.trend.new_weights == ()
    assert {o.model for o in by_model} == {"qwen3:0.6b"}
    assert worked.outcomes == ()  # no model's standing is worked once the trash is left out


def test_runs_with_expectations_stand_by_their_grades(journal: Journal) -> None:
    """An unjudged run is counted by its grades (pass_rates.read_standings), a judged one
    by its verdict; runs without expectations beside them need a look."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.grading_queue import grade_now

    with journal.write() as session:
        graded = create_experiment(session, title="graded", tags=["json"]).id
        plain = create_experiment(session, title="plain").id
        assert graded and plain
        add_expectation(session, graded, parse_expectation("contains:Paris"))
        runs = [
            add_past_run(session, graded, response="Paris", created_at=_on(5)),
            add_past_run(session, graded, response="Rome", created_at=_on(5)),
            add_past_run(
                session, graded, response="Rome", verdict=Verdict.WORKED, created_at=_on(5)
            ),
            add_past_run(session, plain, created_at=_on(5)),
        ]
    for run_id in runs[:3]:
        grade_now(journal, run_id)
    with journal.read() as session:
        insights = compute_insights(session, ExperimentFilter())
    overall = [o for o in insights.outcomes if not o.tag]
    assert [(o.runs, o.passed, o.runs_failed, o.needs_look) for o in overall] == [(4, 2, 1, 1)]
    assert [(o.tag, o.runs, o.passed) for o in insights.outcomes if o.tag] == [("json", 3, 2)]
    assert insights.trend.points == (
        PassRatePoint("llama3:8b", "2026-01-05", runs=4, passed=2, failed=1, needs_look=1),
    )
