"""Deterministic grading: the cost of one expectation on one run.

Goal (issue 11): well under 1 ms per expectation for a typical answer, so a run is graded
the moment it ends and a migration check's added cost per item stays small. A 1 MB answer
shows how the cost grows with the text (linear for all kinds but a pathological regex,
which the time limit stops).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from benchmarks.figures import emit, note, percentile

TYPICAL_EXPECTATIONS = (
    "contains:Danube",
    "icontains:danube",
    "not-contains:As an AI",
    "equals:Rhine, Danube, Mekong",
    "starts-with:{",
    r"regex:\b(Rhine|Danube|Mekong)\b",
    "is-json",
    'json-schema:{"type": "object", "required": ["rivers"], '
    '"properties": {"rivers": {"type": "array", "items": {"type": "string"}}}}',
    "words<=300",
    "chars>=200",
    "lines==1",
    "tokens-per-second>=20",
    "first-token<=2s",
    "done-reason:stop",
)


@dataclass
class _Run:
    response: str
    thinking: str = ""
    done_reason: str = "stop"
    eval_count: int | None = 400
    eval_duration: int | None = 8_000_000_000
    first_token_seconds: float | None = 0.3


def _typical_answer() -> str:
    """About 2 KB of JSON, the size of a common answer."""
    rivers = ["Rhine", "Danube", "Mekong", "Nile", "Amazon", "Yangtze", "Volga", "Ganges"]
    notes = {river: f"The {river} is a long river with a rich history. " * 4 for river in rivers}
    return json.dumps({"rivers": rivers, "notes": notes}, indent=1)


def _big_answer() -> str:
    line = "The Danube flows through ten countries, more than any other river. " * 2
    text = (line + "\n") * (2**20 // (len(line) + 1))
    return json.dumps({"rivers": ["Danube"], "text": text})


def _time(expectation: object, run: _Run, rounds: int) -> list[float]:
    from journal.core.grading import grade_deterministic

    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        grade_deterministic(expectation, run)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(quick: bool = False) -> None:
    from journal.core.expectations import parse_expectation

    expectations = [parse_expectation(line) for line in TYPICAL_EXPECTATIONS]
    for label, answer, rounds in (
        ("typical", _typical_answer(), 200 if quick else 2000),
        ("1mb", _big_answer(), 3 if quick else 10),
    ):
        run_ = _Run(answer)
        note(f"{label} answer: {len(answer):,} characters, {len(expectations)} expectations")
        medians = []
        for expectation in expectations:
            _time(expectation, run_, 1)  # warm the caches (compiled regex and schema)
            samples = _time(expectation, run_, rounds)
            median = percentile(samples, 0.5)
            medians.append(median)
            kind = ("not-" if expectation.negated else "") + expectation.kind.value
            emit(f"grade_{label}_{kind}_p50", median, "ms")
        emit(f"grade_{label}_per_expectation_mean_p50", sum(medians) / len(medians), "ms")
        emit(f"grade_{label}_per_expectation_max_p50", max(medians), "ms")


if __name__ == "__main__":
    run()
