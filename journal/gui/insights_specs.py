"""What each Insights chart draws, as one plain spec (JSON-ready dicts) that both the Qt
Graphs view (qml/insights_chart.qml) and the SVG painter (insights_svg.py) read, so a saved
SVG shows the same bars as the window. The words here are the window's, translated."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from journal.core.formatting import short_digest
from journal.core.insights import WeekActivity
from journal.core.insights_charts import (
    OutcomeBar,
    SpeedRow,
    TrendLine,
    WeightsMark,
)
from journal.gui.translating import day_month, decimal

translate = QCoreApplication.translate

Spec = dict[str, Any]

OUTCOME_COLOURS = ("#2ea043", "#d29922", "#da3633", "#8c959f")  # worked, partly, failed, none
OUTCOME_CHOICES = ("worked", "partly", "failed", "unrated")
"""The verdict choice (domain.VERDICT_FILTER_CHOICES) behind each outcome segment."""
LINE_COLOURS = ("#3d7fd9", "#e07b39", "#2ea043", "#a371f7", "#d63384", "#1f9e9e", "#8c6d1f")
MARK_COLOUR = "#da3633"
BOX_COLOURS = ("#01808080", "#b8c4d6", "#3d7fd9", "#7aa7e6", "#b8c4d6")
"""Speed range bar: an invisible base (Qt Graphs draws a fully transparent set in the
theme's colour, hence alpha 1) up to the minimum, then min-q1, q1-median,
median-q3 (the median is where the two blues meet) and q3-max."""
ACTIVITY_COLOUR = "#3d7fd9"


def _epoch_ms(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000


def _nice_max(value: float) -> float:
    """A round top for a value axis a little above `value` (1, 2, 2.5 or 5 times a power
    of ten)."""
    wanted = max(value * 1.05, 1e-9)
    power = 10.0 ** math.floor(math.log10(wanted))
    return min(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= wanted)


def _outcome_tip(bar: OutcomeBar) -> str:
    experiments = bar.worked + bar.partly + bar.failed + bar.unjudged
    return translate(
        "insights_specs",
        "{model}, %n experiment(s): {worked} worked, {partly} partly, {failed} failed, "
        "{unjudged} not judged; {rate}. Click to list them.",
        None,
        experiments,
    ).format(
        model=bar.label,
        worked=bar.worked,
        partly=bar.partly,
        failed=bar.failed,
        unjudged=bar.unjudged,
        rate=pass_words(bar),
    )


def pass_words(bar: OutcomeBar) -> str:
    if not bar.decided:
        return translate("insights_specs", "no run passed or failed yet")
    decided = bar.decided  # a plain name: pyside6-lupdate skips a count given otherwise
    return translate("insights_specs", "{passed} of %n run(s) pass", None, decided).format(
        passed=bar.passed
    )


def outcome_spec(bars: Sequence[OutcomeBar]) -> Spec:
    """Stacked horizontal bars per model@digest: worked, partly, failed, not judged."""
    names = (
        translate("insights_specs", "worked"),
        translate("insights_specs", "partly"),
        translate("insights_specs", "failed"),
        translate("insights_specs", "not judged"),
    )
    sets = []
    for number, (name, colour) in enumerate(zip(names, OUTCOME_COLOURS, strict=True)):
        values = [(bar.worked, bar.partly, bar.failed, bar.unjudged)[number] for bar in bars]
        sets.append({"name": name, "color": colour, "values": values})
    tips = [_outcome_tip(bar) for bar in bars]
    top = _nice_max(max((sum((b.worked, b.partly, b.failed, b.unjudged)) for b in bars), default=1))
    return {
        "kind": "bars",
        "horizontal": True,
        "stacked": True,
        "categories": [f"{bar.label} · {pass_words(bar)}" for bar in bars],
        "sets": sets,
        "tips": tips,
        "legend": [
            {"name": name, "color": colour}
            for name, colour in zip(names, OUTCOME_COLOURS, strict=True)
        ],
        "valueMax": top,
        "decimals": 0,
        "tickInterval": _tick(top),
        "valueTitle": translate("insights_specs", "experiments"),
    }


def _tick(top: float) -> float:
    """An integer tick step giving at most about 6 ticks."""
    step = 1
    while top / step > 6:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step


def trend_spec(lines: Sequence[TrendLine], marks: Sequence[WeightsMark]) -> Spec:
    """Pass rate (percent) per week per model name, new weights as red points."""
    series: list[dict[str, Any]] = []
    days: list[date] = []
    for number, line in enumerate(lines):
        days.extend(week for week, _, _ in line.points)
        series.append(
            {
                "name": line.model,
                "color": LINE_COLOURS[number % len(LINE_COLOURS)],
                "points": [[_epoch_ms(week), rate * 100] for week, rate, _ in line.points],
                "tips": [
                    translate(
                        "insights_specs", "{model}, week of {week}: {rate}% of %n run(s) pass",
                        None, runs,
                    ).format(model=line.model, week=week.isoformat(), rate=round(rate * 100))
                    for week, rate, runs in line.points
                ],
            }
        )  # fmt: skip
    if marks:
        days.extend(mark.week for mark in marks)
        series.append(
            {
                "name": translate("insights_specs", "new weights"),
                "color": MARK_COLOUR,
                "scatter": True,
                "points": [[_epoch_ms(mark.week), mark.rate * 100] for mark in marks],
                "tips": [mark_words(mark) for mark in marks],
            }
        )
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    span = max(_epoch_ms(last) - _epoch_ms(first), 7 * 86_400_000)
    return {
        "kind": "lines",
        "lines": series,
        "legend": [
            {"name": line["name"], "color": line["color"], "round": bool(line.get("scatter"))}
            for line in series
        ],
        "xMin": _epoch_ms(first) - span * 0.04,
        "xMax": _epoch_ms(first) + span * 1.04,
        "valueMax": 105,  # room for a point at 100 %
        "decimals": 0,
        "tickInterval": 25,
        "valueTitle": translate("insights_specs", "% of runs pass"),
    }


def mark_words(mark: WeightsMark) -> str:
    return translate("insights_specs", "{model} got new weights (digest {digest})").format(
        model=mark.model, digest=short_digest(mark.digest)
    )


def measure_words(measure: str) -> str:
    if measure == "tokens_per_second":
        return translate("insights_specs", "tokens per second")
    if measure == "first_token_seconds":
        return translate("insights_specs", "seconds to the first token")
    return translate("insights_specs", "seconds to load the model")


def _speed_tip(row: SpeedRow, unit: str) -> str:
    runs = row.figures.count
    return translate(
        "insights_specs",
        "{model}: median {median} {unit}; middle half {q1}-{q3}; from {low} to {high} "
        "over %n run(s)",
        None,
        runs,
    ).format(
        model=row.model,
        median=_figure(row.figures.median),
        unit=unit,
        q1=_figure(row.figures.q1),
        q3=_figure(row.figures.q3),
        low=_figure(row.figures.minimum),
        high=_figure(row.figures.maximum),
    )


def speed_spec(rows: Sequence[SpeedRow], measure: str) -> Spec:
    """A range bar per model: whiskers min-max, the middle half in blue, the median where
    the two blues meet."""
    unit = measure_words(measure)
    parts = [
        [row.figures.minimum for row in rows],
        [row.figures.q1 - row.figures.minimum for row in rows],
        [row.figures.median - row.figures.q1 for row in rows],
        [row.figures.q3 - row.figures.median for row in rows],
        [row.figures.maximum - row.figures.q3 for row in rows],
    ]
    tips = [_speed_tip(row, unit) for row in rows]
    names = ("", "min-q1", "q1-median", "median-q3", "q3-max")
    top = max((row.figures.maximum for row in rows), default=1.0)
    return {
        "kind": "bars",
        "horizontal": True,
        "stacked": True,
        "categories": [f"{row.model} · {_figure(row.figures.median)}" for row in rows],
        "sets": [
            {"name": name, "color": colour, "values": values}
            for name, colour, values in zip(names, BOX_COLOURS, parts, strict=True)
        ],
        "tips": tips,
        "legend": [
            {"name": translate("insights_specs", "slowest to fastest"), "color": BOX_COLOURS[1]},
            {
                "name": translate("insights_specs", "middle half; median where the blues meet"),
                "color": BOX_COLOURS[2],
            },
        ],
        "valueMax": _nice_max(top),
        "decimals": 0 if top >= 10 else 1,
        "valueTitle": unit,
    }


def _figure(value: float) -> str:
    return decimal(value, 0 if value >= 100 else 1 if value >= 1 else 2)


def _week_tip(week: WeekActivity) -> str:
    runs = week.runs
    return translate("insights_specs", "Week of {week}: %n run(s)", None, runs).format(
        week=week.week
    )


def activity_spec(weeks: Sequence[WeekActivity]) -> Spec:
    """Runs per week, oldest week first."""
    top = _nice_max(max((week.runs for week in weeks), default=1))
    return {
        "kind": "bars",
        "horizontal": False,
        "stacked": False,
        "categories": [day_month(date.fromisoformat(week.week)) for week in weeks],
        "sets": [
            {
                "name": translate("insights_specs", "runs"),
                "color": ACTIVITY_COLOUR,
                "values": [week.runs for week in weeks],
            }
        ],
        "tips": [_week_tip(week) for week in weeks],
        "valueMax": top,
        "decimals": 0,
        "tickInterval": _tick(top),
        "valueTitle": translate("insights_specs", "runs"),
    }


__all__ = [
    "OUTCOME_CHOICES",
    "activity_spec",
    "mark_words",
    "measure_words",
    "outcome_spec",
    "speed_spec",
    "trend_spec",
]
