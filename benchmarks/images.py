"""Images and conversations at scale: what they cost the journal's everyday reads.

- Opening a journal and reading what the window shows first (the list's first page, one
  experiment with its runs) with 10,000 images of about 100 KB (1,000 with --quick) against
  the same journal without them (goal, issue 13: as fast: blobs are read only when shown).
- A conversation of 50 turns: its history rebuilt and its tree built, as a follow-up and the
  history view need them (goal: within one frame, 16 ms).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

from benchmarks.figures import emit, note, percentile

IMAGE_BYTES = 100_000
RUNS_PER_EXPERIMENT = 5


def _fill(path: Path, experiments: int, images: int) -> None:
    """`experiments` experiments of a few runs each; with `images`, one image per run (the
    first runs), its bytes random so none deduplicates."""
    import sqlite3

    from journal.core.storage import Journal

    Journal.open(path).close()  # the schema
    connection = sqlite3.connect(path)
    now = "2026-01-01T00:00:00.000000+00:00"
    with connection:
        for number in range(experiments):
            cursor = connection.execute(
                "INSERT INTO experiment (uuid, title, hypothesis, expected, conclusion, tags, "
                "created_at, updated_at) VALUES (?, ?, '', '', '', '[]', ?, ?)",
                (f"e-{number}", f"experiment {number}", now, now),
            )
            experiment_id = cursor.lastrowid
            for turn in range(RUNS_PER_EXPERIMENT):
                run_number = number * RUNS_PER_EXPERIMENT + turn
                refs: list[str] = []
                if run_number < images:
                    data = os.urandom(IMAGE_BYTES)
                    sha = hashlib.sha256(data).hexdigest()
                    connection.execute(
                        "INSERT INTO image (sha256, mime, size, data, created_at) "
                        "VALUES (?, 'image/png', ?, ?, ?)",
                        (sha, len(data), data, now),
                    )
                    refs = [sha]
                images_json = f', "images": ["{refs[0]}"]' if refs else ""
                cursor = connection.execute(
                    "INSERT INTO run (uuid, experiment_id, model, messages, options, status, "
                    "response, model_details, final_chunk, created_at) "
                    "VALUES (?, ?, 'llama3:8b', ?, '{}', 'done', 'an answer', '{}', '{}', ?)",
                    (
                        f"r-{run_number}",
                        experiment_id,
                        f'[{{"role": "user", "content": "look {run_number}"{images_json}}}]',
                        now,
                    ),
                )
                if refs:
                    connection.execute(
                        "INSERT INTO run_image (run_id, sha256) VALUES (?, ?)",
                        (cursor.lastrowid, refs[0]),
                    )
    connection.close()


def _open_and_read(path: Path, rounds: int) -> list[float]:
    from journal.core.queries import experiment_detail, list_experiments
    from journal.core.storage import Journal

    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        with Journal.open(path) as journal, journal.read() as session:
            rows = list_experiments(session, limit=200)
            experiment_detail(session, rows[0].id)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _conversation(path: Path, turns: int) -> int:
    from journal.core.models import Run, RunStatus
    from journal.core.queries import create_experiment
    from journal.core.storage import Journal

    with Journal.open(path) as journal, journal.write() as session:
        experiment = create_experiment(session, title="a long conversation").id or 0
        parent: int | None = None
        for turn in range(turns):
            run = Run(
                experiment_id=experiment,
                model="llama3:8b",
                messages=[{"role": "user", "content": f"and then, turn {turn}?"}],
                response=f"turn {turn}'s answer " * 20,
                status=RunStatus.DONE,
                parent_id=parent,
            )
            session.add(run)
            session.flush()
            parent = run.id
        assert parent is not None
        return parent


def _conversation_reads(path: Path, tip: int, rounds: int) -> list[float]:
    from journal.core import conversations
    from journal.core.queries import get_run, runs_of
    from journal.core.storage import Journal

    samples = []
    with Journal.open(path) as journal, journal.read() as session:
        experiment_id = get_run(session, tip).experiment_id
        for _ in range(rounds):
            started = time.perf_counter()
            conversations.history(session, tip)
            conversations.forest(runs_of(session, experiment_id))
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(quick: bool = False) -> None:
    images = 1_000 if quick else 10_000
    experiments = images // RUNS_PER_EXPERIMENT
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        plain, pictured = root / "plain.sqlite", root / "images.sqlite"
        _fill(plain, experiments, 0)
        _fill(pictured, experiments, images)
        note(
            f"{experiments} experiments x {RUNS_PER_EXPERIMENT} runs; {images} images of "
            f"{IMAGE_BYTES // 1000} KB ({pictured.stat().st_size / 2**20:.0f} MiB file)"
        )
        _open_and_read(plain, 2)  # warm the page cache for both
        _open_and_read(pictured, 2)
        without = percentile(_open_and_read(plain, 9), 0.5)
        with_images = percentile(_open_and_read(pictured, 9), 0.5)
        emit("images.open_and_first_reads_without", without, "ms")
        emit("images.open_and_first_reads_with", with_images, "ms")
        emit("images.open_ratio", with_images / without, "x (goal ~1)")

        tip = _conversation(root / "conversation.sqlite", 50)
        reads = _conversation_reads(root / "conversation.sqlite", tip, 20)
        emit("conversation_50_turns.history_and_tree_p50", percentile(reads, 0.5), "ms")
        emit("conversation_50_turns.history_and_tree_max", max(reads), "ms (goal < 16)")


if __name__ == "__main__":
    import sys

    run("--quick" in sys.argv)
