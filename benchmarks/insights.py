"""`compute_insights` over the cached 100,000-experiment journal, against its 300 ms goal."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.synthetic import cached_journal

GOAL_MS = 300.0


def run(cache: Path, experiments: int, rounds: int = 5) -> None:
    path = cached_journal(cache, experiments)
    from journal.core.domain import ExperimentFilter
    from journal.core.insights import compute_insights
    from journal.core.storage import Journal

    with Journal.open(path) as journal, journal.read() as session:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            compute_insights(session, ExperimentFilter())
            samples.append((time.perf_counter() - started) * 1000)
        tagged = []
        for _ in range(rounds):
            started = time.perf_counter()
            compute_insights(session, ExperimentFilter(tag="json"))
            tagged.append((time.perf_counter() - started) * 1000)
    p50 = percentile(samples, 0.5)
    emit("compute_insights_p50", p50, "ms")
    emit("compute_insights_tag_p50", percentile(tagged, 0.5), "ms")
    emit("compute_insights_goal", GOAL_MS, "ms")
    note(
        f"compute_insights over {experiments:,} experiments: p50 {p50:.0f} ms "
        f"({'within' if p50 <= GOAL_MS else 'over'} the {GOAL_MS:.0f} ms goal)"
    )
