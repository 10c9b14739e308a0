"""`compute_insights` over the cached 100,000-experiment journals, against its 300 ms goal.

Two journals: the storage benchmarks' one, where every run has a digest of its own and all
were made at one moment (the worst case for the per-digest tables: one row each), and a
realistic one, a year of experiments on five models with a few digests each."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.synthetic import cached_journal, cached_realistic_journal

GOAL_MS = 300.0


def _time(path: Path, tag: str | None, rounds: int) -> float:
    from journal.core.domain import ExperimentFilter
    from journal.core.insights import compute_insights
    from journal.core.storage import Journal

    with Journal.open(path) as journal, journal.read() as session:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            compute_insights(session, ExperimentFilter(tag=tag))
            samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5)


def run(cache: Path, experiments: int, rounds: int = 5) -> None:
    emit("compute_insights_goal", GOAL_MS, "ms")
    journals = {
        "": cached_journal(cache, experiments),
        "_realistic": cached_realistic_journal(cache, experiments),
    }
    for label, path in journals.items():
        p50 = _time(path, None, rounds)
        emit(f"compute_insights{label}_p50", p50, "ms")
        emit(f"compute_insights{label}_tag_p50", _time(path, "json", rounds), "ms")
        kind = "realistic journal" if label else "journal with a digest per run"
        note(
            f"compute_insights over {experiments:,} experiments ({kind}): p50 {p50:.0f} ms "
            f"({'within' if p50 <= GOAL_MS else 'over'} the {GOAL_MS:.0f} ms goal)"
        )
