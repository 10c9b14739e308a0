"""`compute_insights` over the cached 100,000-experiment journals, against its 300 ms goal.

Two journals: the storage benchmarks' one, where every run has a digest of its own and all
were made at one moment (the worst case for the per-digest tables: one row each), and a
realistic one, a year of experiments on five models with a few digests each.

A first computation (a connection that has answered nothing yet) reads every selected run;
asking again while nothing was committed is answered from what the connection kept. Both
are timed, wall clock and CPU (the process's, which a loaded machine inflates less)."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.synthetic import cached_journal, cached_realistic_journal

GOAL_MS = 300.0


def _time(path: Path, tag: str | None, rounds: int) -> tuple[float, float, float]:
    """p50 of (first wall, first CPU, again wall), in ms."""
    from journal.core.domain import ExperimentFilter
    from journal.core.insights import compute_insights
    from journal.core.storage import Journal

    first: list[float] = []
    first_cpu: list[float] = []
    again: list[float] = []
    for _ in range(rounds):
        with Journal.open(path) as journal:
            with journal.read() as session:
                started, started_cpu = time.perf_counter(), time.process_time()
                compute_insights(session, ExperimentFilter(tag=tag))
                first.append((time.perf_counter() - started) * 1000)
                first_cpu.append((time.process_time() - started_cpu) * 1000)
            with journal.read() as session:  # a refresh for a change not the journal's
                started = time.perf_counter()
                compute_insights(session, ExperimentFilter(tag=tag))
                again.append((time.perf_counter() - started) * 1000)
    return percentile(first, 0.5), percentile(first_cpu, 0.5), percentile(again, 0.5)


def run(cache: Path, experiments: int, rounds: int = 5) -> None:
    emit("compute_insights_goal", GOAL_MS, "ms")
    journals = {
        "": cached_journal(cache, experiments),
        "_realistic": cached_realistic_journal(cache, experiments),
    }
    for label, path in journals.items():
        kind = "realistic journal" if label else "journal with a digest per run"
        for filtered in ("", "_tag"):
            first, first_cpu, again = _time(path, "json" if filtered else None, rounds)
            emit(f"compute_insights{label}{filtered}_p50", first, "ms")
            emit(f"compute_insights{label}{filtered}_cpu_p50", first_cpu, "ms")
            emit(f"compute_insights{label}{filtered}_again_p50", again, "ms")
            if not filtered:
                note(
                    f"compute_insights over {experiments:,} experiments ({kind}): first p50 "
                    f"{first:.0f} ms ({first_cpu:.0f} ms CPU; "
                    f"{'within' if first <= GOAL_MS else 'over'} the {GOAL_MS:.0f} ms goal), "
                    f"asked again with nothing committed {again:.1f} ms"
                )
