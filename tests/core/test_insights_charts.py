"""Insights shaped for charts (issue 15), without Qt: the bars per model@digest and tag, the
weekly lines with new weights marked, speed ranges, weeks with quiet ones filled in, and
the list filter behind a bar or a point."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.insights import (
    Activity,
    DigestSeen,
    Distribution,
    Insights,
    ModelOutcomes,
    ModelSpeed,
    PassRatePoint,
    PassRateTrend,
    WeekActivity,
)
from journal.core.insights_charts import (
    activity_weeks,
    filter_for_outcome,
    filter_for_week,
    filter_parts,
    outcome_bars,
    speed_rows,
    tags_of,
    trend,
    week_range,
)


def _outcome(model: str, digest: str, tag: str = "", **counts: int) -> ModelOutcomes:
    fields = ("worked", "partly", "failed", "unjudged", "runs", "passed", "runs_failed")
    zero = dict.fromkeys((*fields, "needs_look"), 0)
    return ModelOutcomes(model, digest, tag, **{**zero, **counts})


INSIGHTS = Insights(
    outcomes=(
        _outcome("llama3:8b", "a" * 64, worked=2, failed=1, runs=4, passed=3, runs_failed=1),
        _outcome("llama3:8b", "a" * 64, "json", worked=1, runs=1, passed=1),
        _outcome("qwen3:4b", "b" * 64, "code", unjudged=1, runs=1),
        _outcome("gone:1b", "c" * 64),  # nothing to show
    ),
    trend=PassRateTrend(
        points=(
            PassRatePoint("llama3:8b", "2026-01-05", 2, 1, 1, 0),
            PassRatePoint("llama3:8b", "2026-01-12", 2, 2, 0, 0),
            PassRatePoint("qwen3:4b", "2026-01-05", 1, 0, 0, 1),  # no pass rate
        ),
        new_weights=(DigestSeen("llama3:8b", "d" * 64, "2026-01-14T10:00:00+00:00"),),
    ),
    speed=(
        ModelSpeed("qwen3:4b", 2, Distribution.of([10.0, 20.0]), None, None),
        ModelSpeed("llama3:8b", 1, Distribution.of([50.0]), Distribution.of([0.5]), None),
    ),
    activity=Activity((WeekActivity("2026-01-05", 3), WeekActivity("2026-01-26", 1)), unrated=2),
)


def test_outcome_bars_per_tag_with_pass_figures() -> None:
    assert tags_of(INSIGHTS) == ("code", "json")
    (bar,) = outcome_bars(INSIGHTS)
    assert (bar.label, bar.worked, bar.failed, bar.passed, bar.decided) == (
        "llama3:8b@aaaaaaaaaaaa",
        2,
        1,
        3,
        4,
    )
    assert [b.model for b in outcome_bars(INSIGHTS, "code")] == ["qwen3:4b"]
    assert outcome_bars(INSIGHTS, "poetry") == ()


def test_trend_lines_leave_out_weeks_without_a_rate_and_mark_new_weights() -> None:
    lines, marks = trend(INSIGHTS)
    assert [line.model for line in lines] == ["llama3:8b"]
    assert lines[0].points == ((date(2026, 1, 5), 0.5, 2), (date(2026, 1, 12), 1.0, 2))
    (mark,) = marks
    assert (mark.model, mark.week, mark.rate) == ("llama3:8b", date(2026, 1, 12), 1.0)


def test_speed_rows_per_measure_skip_models_without_the_figure() -> None:
    assert [row.model for row in speed_rows(INSIGHTS)] == ["llama3:8b", "qwen3:4b"]
    (first,) = speed_rows(INSIGHTS, "first_token_seconds")
    assert (first.model, first.figures.median) == ("llama3:8b", 0.5)
    assert speed_rows(INSIGHTS, "load_seconds") == ()
    with pytest.raises(ValueError, match="colour"):
        speed_rows(INSIGHTS, "colour")


def test_activity_fills_quiet_weeks() -> None:
    assert [(w.week, w.runs) for w in activity_weeks(INSIGHTS)] == [
        ("2026-01-05", 3),
        ("2026-01-12", 0),
        ("2026-01-19", 0),
        ("2026-01-26", 1),
    ]


def test_a_bar_or_a_week_opens_the_experiments_behind_it() -> None:
    base = ExperimentFilter(search="rivers")
    outcome = filter_for_outcome(base, "llama3:8b", "failed", "json")
    assert outcome == ExperimentFilter(
        model="llama3:8b", verdict=Verdict.FAILED, tag="json", search="rivers"
    )
    unrated = filter_for_outcome(base, "qwen3:4b", "unrated")
    assert unrated.unrated and unrated.verdict is None and unrated.tag is None
    since, until = week_range(date(2026, 1, 5))
    assert since == datetime(2026, 1, 5, tzinfo=UTC) and until == datetime(2026, 1, 12, tzinfo=UTC)
    week = filter_for_week(base, date(2026, 1, 5), "qwen3:4b")
    assert (week.since, week.until, week.model, week.search) == (since, until, "qwen3:4b", "rivers")


def test_filter_parts_name_what_narrows() -> None:
    assert filter_parts(ExperimentFilter()) == ()
    assert filter_parts(ExperimentFilter(tag="writing", model="llama3", unrated=True)) == (
        ("tag", "writing"),
        ("model", "llama3"),
        ("unrated", ""),
    )
