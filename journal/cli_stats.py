"""`journal stats`: the Insights figures (journal.core.insights) as text tables or JSON,
for the experiments the list's filters select.

Light to import like every command module: the core is imported inside the handler.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

from journal.cli_support import (
    AddCommand,
    add_filter_arguments,
    filters_from,
    open_journal_for_reading,
    print_json,
    print_table,
)

if TYPE_CHECKING:
    from journal.core.insights import Distribution, Insights


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _spread(figure: Distribution | None, digits: int) -> str:
    """min / q1 / median / q3 / max, or - when no run reported the figure."""
    if figure is None:
        return "-"
    values = (figure.minimum, figure.q1, figure.median, figure.q3, figure.maximum)
    return " / ".join(f"{value:.{digits}f}" for value in values)


def insights_record(insights: Insights) -> dict[str, Any]:
    """The figures as JSON: every field, with each pass rate worked out."""
    record = dataclasses.asdict(insights)
    for row, outcome in zip(record["outcomes"], insights.outcomes, strict=True):
        row["experiments"], row["pass_rate"] = outcome.experiments, outcome.pass_rate
    for row, point in zip(record["trend"]["points"], insights.trend.points, strict=True):
        row["pass_rate"] = point.pass_rate
    return record


def print_insights(insights: Insights) -> None:
    from journal.core.formatting import short_digest

    print(
        "Which models work (verdicts count experiments; runs: passed, failed, needing a "
        "look; PASS% of those passed or failed)"
    )
    header = ("TAG", "MODEL", "DIGEST", "WORKED", "PARTLY", "FAILED", "UNJUDGED", "RUNS")
    rows = [(*header, "PASSED", "FAIL", "LOOK", "PASS%")]
    for outcome in insights.outcomes:
        rows.append(
            (
                outcome.tag or "(all)",
                outcome.model,
                short_digest(outcome.digest) or "-",
                str(outcome.worked),
                str(outcome.partly),
                str(outcome.failed),
                str(outcome.unjudged),
                str(outcome.runs),
                str(outcome.passed),
                str(outcome.runs_failed),
                str(outcome.needs_look),
                _percent(outcome.pass_rate),
            )
        )
    print_table(rows)
    print("\nPass rate per week")
    weekly = [("MODEL", "WEEK", "RUNS", "PASSED", "FAILED", "NEEDS LOOK", "PASS")]
    for point in insights.trend.points:
        weekly.append(
            (
                point.model,
                point.week,
                str(point.runs),
                str(point.passed),
                str(point.failed),
                str(point.needs_look),
                _percent(point.pass_rate),
            )
        )
    print_table(weekly)
    for seen in insights.trend.new_weights:
        print(f"new weights: {seen.model} is {short_digest(seen.digest)} since {seen.first_seen}")
    print("\nSpeed (min / q1 / median / q3 / max)")
    speed = [("MODEL", "RUNS", "TOKENS/S", "FIRST TOKEN S", "LOAD S")]
    for model in insights.speed:
        speed.append(
            (
                model.model,
                str(model.runs),
                _spread(model.tokens_per_second, 1),
                _spread(model.first_token_seconds, 2),
                _spread(model.load_seconds, 2),
            )
        )
    print_table(speed)
    print("\nRuns per week")
    print_table([("WEEK", "RUNS"), *((w.week, str(w.runs)) for w in insights.activity.weeks)])
    print(f"\nUnrated runs waiting for a verdict: {insights.activity.unrated}")


def cmd_stats(args: argparse.Namespace) -> int:
    from journal.core.insights import compute_insights

    with open_journal_for_reading(args) as journal, journal.read() as session:
        insights = compute_insights(session, filters_from(args))
    if args.json:
        print_json(insights_record(insights), sys.stdout)
    elif not insights.outcomes and not insights.activity.weeks:
        print("No runs match: nothing to count.", file=sys.stderr)  # not four empty tables
    else:
        print_insights(insights)
    return 0


def register(add: AddCommand) -> None:
    stats = add(
        "stats",
        cmd_stats,
        "figures over the experiments the filters select: verdicts and pass rates per "
        "model, pass rate per week, speed, runs per week",
    )
    add_filter_arguments(stats)
