"""Opening a big journal, reading its first page, and full-text search latency."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.synthetic import EVERY_ROW_WORD, ONE_PERCENT_WORD, RARE_WORD, cached_journal


def run(cache: Path, experiments: int) -> None:
    started = time.perf_counter()
    path = cached_journal(cache, experiments)
    note(
        f"synthetic journal of {experiments} experiments ready in "
        f"{time.perf_counter() - started:.1f} s: {path}"
    )
    emit("journal_experiments", experiments, "count")
    emit("journal_file_size", path.stat().st_size / 2**20, "MiB")

    from journal.core.domain import ExperimentFilter
    from journal.core.queries import list_experiments, search
    from journal.core.storage import Journal

    open_times = []
    for _ in range(7):
        started = time.perf_counter()
        with Journal.open(path) as journal, journal.read() as session:
            rows = list_experiments(session, limit=200)
        open_times.append((time.perf_counter() - started) * 1000)
        assert len(rows) == 200
    emit("open_and_first_page_200_p50", percentile(open_times, 0.5), "ms")
    with Journal.open(path) as journal, journal.read() as session:
        rated_times = []
        for _ in range(7):
            started = time.perf_counter()
            rows = list_experiments(session, limit=200, pass_rates=True)
            rated_times.append((time.perf_counter() - started) * 1000)
        assert len(rows) == 200
    # What the window's list reads for a page: rows, standings and pass rates (3 statements).
    emit("first_page_200_with_pass_rates_p50", percentile(rated_times, 0.5), "ms")
    emit("open_and_first_page_200_max", max(open_times), "ms")

    cli_times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "journal", "--db", str(path), "list", "--limit", "200"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli_times.append((time.perf_counter() - started) * 1000)
    emit("cli_list_200_process_median", sorted(cli_times)[1], "ms")

    queries = {
        "rare": RARE_WORD,
        "one_percent": ONE_PERCENT_WORD,
        "every_row": EVERY_ROW_WORD,
        "prefix": "w12",
        "two_words": f"{ONE_PERCENT_WORD} model",
    }
    with Journal.open(path) as journal, journal.read() as session:
        all_samples: list[float] = []
        for label, text in queries.items():
            samples = []
            for _ in range(15):
                started = time.perf_counter()
                search(session, text, limit=20)
                samples.append((time.perf_counter() - started) * 1000)
            all_samples += samples
            emit(f"fts_search_{label}_p50", percentile(samples, 0.5), "ms")
        emit("fts_search_p50", percentile(all_samples, 0.5), "ms")
        emit("fts_search_p95", percentile(all_samples, 0.95), "ms")
        filtered: list[float] = []
        for text in queries.values():
            for _ in range(5):
                started = time.perf_counter()
                list_experiments(session, ExperimentFilter(search=text), limit=200)
                filtered.append((time.perf_counter() - started) * 1000)
        emit("list_filtered_by_search_200_p95", percentile(filtered, 0.95), "ms")
