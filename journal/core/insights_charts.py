"""The Insights figures shaped for charts: which bars and lines a chart draws, and which
list filter opens the runs behind a bar or a point.

Qt-free so the shaping is tested on its own; the window turns these into chart series and
words (translated there)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from journal.core.domain import ExperimentFilter, with_verdict_choice
from journal.core.formatting import short_digest
from journal.core.insights import Distribution, Insights, ModelSpeed, WeekActivity

__all__ = [
    "MEASURES",
    "OutcomeBar",
    "SpeedRow",
    "TrendLine",
    "WeightsMark",
    "activity_weeks",
    "filter_for_outcome",
    "filter_for_week",
    "filter_parts",
    "model_label",
    "outcome_bars",
    "speed_rows",
    "tags_of",
    "trend",
    "week_range",
]

MEASURES = ("tokens_per_second", "first_token_seconds", "load_seconds")
"""The speed figures a person can choose, as ModelSpeed names them."""


def model_label(model: str, digest: str) -> str:
    """`llama3:8b@365c0bd8d3b4`: the weights, as the matrix names them."""
    return f"{model}@{short_digest(digest)}" if digest else model


@dataclass(frozen=True)
class OutcomeBar:
    """One model@digest's verdicts (one per experiment) and its runs' pass figures."""

    model: str
    digest: str
    worked: int
    partly: int
    failed: int
    unjudged: int
    passed: int
    decided: int  # runs that passed or failed

    @property
    def label(self) -> str:
        return model_label(self.model, self.digest)


def tags_of(insights: Insights) -> tuple[str, ...]:
    """The tags the outcomes can be shown for, sorted."""
    return tuple(sorted({outcome.tag for outcome in insights.outcomes if outcome.tag}))


def outcome_bars(insights: Insights, tag: str = "") -> tuple[OutcomeBar, ...]:
    """The bars for all tags ("") or one tag; weights with nothing to show are left out."""
    return tuple(
        OutcomeBar(
            outcome.model,
            outcome.digest,
            outcome.worked,
            outcome.partly,
            outcome.failed,
            outcome.unjudged,
            outcome.passed,
            outcome.passed + outcome.runs_failed,
        )
        for outcome in insights.outcomes
        if outcome.tag == tag and (outcome.experiments or outcome.runs)
    )


@dataclass(frozen=True)
class TrendLine:
    """A model's pass rate (0..1) per week, weeks with no run passed or failed left out."""

    model: str
    points: tuple[tuple[date, float, int], ...]  # week, pass rate, runs that week


@dataclass(frozen=True)
class WeightsMark:
    """A model name seen with new weights: drawn at that week, on the model's line."""

    model: str
    digest: str
    week: date
    rate: float  # the line's rate that week (or its nearest earlier week; 0 without one)


def _monday(moment: str) -> date:
    day = datetime.fromisoformat(moment)
    if day.tzinfo is not None:
        day = day.astimezone(UTC)
    return day.date() - timedelta(days=day.weekday())


def trend(insights: Insights) -> tuple[tuple[TrendLine, ...], tuple[WeightsMark, ...]]:
    """Lines of pass rate per week per model name, and the new-weights moments."""
    lines: dict[str, list[tuple[date, float, int]]] = {}
    for point in insights.trend.points:
        rate = point.pass_rate
        if rate is not None:
            week = date.fromisoformat(point.week)
            lines.setdefault(point.model, []).append((week, rate, point.runs))
    marks = []
    for seen in insights.trend.new_weights:
        week = _monday(seen.first_seen)
        before = [rate for day, rate, _ in lines.get(seen.model, ()) if day <= week]
        marks.append(WeightsMark(seen.model, seen.digest, week, before[-1] if before else 0.0))
    return (
        tuple(TrendLine(model, tuple(points)) for model, points in sorted(lines.items())),
        tuple(marks),
    )


@dataclass(frozen=True)
class SpeedRow:
    model: str
    runs: int
    figures: Distribution


def speed_rows(insights: Insights, measure: str = MEASURES[0]) -> tuple[SpeedRow, ...]:
    """Per model, the distribution of one of MEASURES; models that never reported it are
    left out."""
    if measure not in MEASURES:
        raise ValueError(measure)
    rows = []
    for speed in insights.speed:
        figures = _measure(speed, measure)
        if figures is not None:
            rows.append(SpeedRow(speed.model, speed.runs, figures))
    return tuple(sorted(rows, key=lambda row: row.model))


def _measure(speed: ModelSpeed, measure: str) -> Distribution | None:
    if measure == "tokens_per_second":
        return speed.tokens_per_second
    if measure == "first_token_seconds":
        return speed.first_token_seconds
    return speed.load_seconds


def activity_weeks(insights: Insights) -> tuple[WeekActivity, ...]:
    """Runs per week from the first week to the last, quiet weeks as 0 (a gap shows)."""
    weeks = insights.activity.weeks
    if not weeks:
        return ()
    counts = {week.week: week.runs for week in weeks}
    day, last = date.fromisoformat(weeks[0].week), date.fromisoformat(weeks[-1].week)
    filled = []
    while day <= last:
        filled.append(WeekActivity(day.isoformat(), counts.get(day.isoformat(), 0)))
        day += timedelta(days=7)
    return tuple(filled)


# -- what a click opens -----------------------------------------------------------------


def week_range(week: date) -> tuple[datetime, datetime]:
    """The week starting on Monday `week` (UTC), as a since/until pair (until excluded)."""
    since = datetime(week.year, week.month, week.day, tzinfo=UTC)
    return since, since + timedelta(days=7)


def filter_for_outcome(
    filters: ExperimentFilter, model: str, verdict: str | None, tag: str = ""
) -> ExperimentFilter:
    """The list filter behind a bar: the insights' filter narrowed to `model`, the
    verdict choice (a Verdict value, `unrated`, or None for any) and `tag` when one is
    chosen."""
    narrowed = replace(filters, model=model, tag=tag or filters.tag)
    return with_verdict_choice(narrowed, verdict)


def filter_for_week(
    filters: ExperimentFilter, week: date, model: str | None = None
) -> ExperimentFilter:
    """The list filter behind a week: experiments made that week (and `model` if given)."""
    since, until = week_range(week)
    return replace(filters, since=since, until=until, model=model or filters.model)


def filter_parts(filters: ExperimentFilter) -> tuple[tuple[str, str], ...]:
    """What a filter narrows by, as (field, value) pairs in the list's order, for a
    subtitle: ("tag", "writing"), ("model", "llama3"), ("unrated", ""), ("since",
    "2026-01-05")..."""
    parts: list[tuple[str, str]] = []
    if filters.tag:
        parts.append(("tag", filters.tag))
    if filters.model:
        parts.append(("model", filters.model))
    if filters.verdict is not None:
        parts.append(("verdict", filters.verdict.value))
    if filters.unrated:
        parts.append(("unrated", ""))
    if filters.search:
        parts.append(("search", filters.search))
    if filters.since is not None:
        parts.append(("since", filters.since.date().isoformat()))
    if filters.until is not None:
        parts.append(("until", filters.until.date().isoformat()))
    return tuple(parts)
