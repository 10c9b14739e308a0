"""What one streamed flush costs under the write lock, by how many runs its experiment has.

Schema 3 kept one search document per experiment and rebuilt it (every run's text) on each
flush; schema 4 indexes a run's answer once, when it ends. Both are measured on the same
data with plain sqlite3, so the figure is the time the write lock is held, nothing else.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.figures import emit, note
from journal.core.migrations import LATEST_VERSION, apply_migrations

RUNS_PER_EXPERIMENT = (1, 50, 200, 600, 1000)
NOW = "2026-01-01T00:00:00.000000+00:00"
ANSWER = " ".join(f"word{n}" for n in range(400))  # ~3.5 KB, as a finished answer


def _journal(path: Path, schema: int, runs: int) -> tuple[sqlite3.Connection, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    apply_migrations(conn, target=schema)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO experiment (uuid, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("00000000-0000-4000-8000-000000000001", "many runs", NOW, NOW),
    )
    messages = json.dumps([{"role": "user", "content": "Tell me about rivers " * 20}])
    for number in range(runs):
        conn.execute(
            "INSERT INTO run (uuid, experiment_id, model, messages, response, status,"
            " created_at) VALUES (?, 1, 'm', ?, ?, 'done', ?)",
            (f"00000000-0000-4000-9000-{number:012d}", messages, ANSWER, NOW),
        )
    live = conn.execute(
        "INSERT INTO run (uuid, experiment_id, model, messages, status, created_at)"
        " VALUES ('live', 1, 'm', ?, 'streaming', ?) RETURNING id",
        (messages, NOW),
    ).fetchone()[0]
    conn.execute("COMMIT")
    return conn, int(live)


def _flush_ms(conn: sqlite3.Connection, run_id: int, rounds: int) -> float:
    samples = []
    text = ""
    for round_number in range(rounds):
        text += f" streamed{round_number}" * 20
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE run SET response = ?, thinking = '', first_token_seconds = 0.1,"
            " heartbeat_at = ? WHERE id = ?",
            (text, NOW, run_id),
        )
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(quick: bool) -> None:
    rounds = 10 if quick else 30
    note("one streamed flush (UPDATE of a live run's answer), median ms, by runs in its experiment")
    with tempfile.TemporaryDirectory(prefix="journal-flush-") as folder:
        for schema in (3, LATEST_VERSION):
            figures = []
            for runs in RUNS_PER_EXPERIMENT:
                if schema == 3 and quick and runs > 200:
                    continue  # seconds per flush: the point is made at 200
                path = Path(folder) / f"s{schema}-{runs}.sqlite"
                conn, live = _journal(path, schema, runs)
                figure = _flush_ms(conn, live, rounds if schema != 3 or runs < 600 else 3)
                conn.close()
                figures.append(figure)
                emit(f"flush_schema{schema}_runs{runs}_p50", figure, "ms")
            emit(f"flush_schema{schema}_max_over_min", max(figures) / min(figures), "ratio")
