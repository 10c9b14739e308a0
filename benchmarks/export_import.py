"""Exporting a 10,000-experiment journal as Markdown (one file, a folder) and importing it back.

The exports use the machine's cores as `journal export` does (export_parallel); the folder's
cost over the one file is set against creating as many empty files, the filesystem's floor.

Memory is measured with tracemalloc around a second file export: the peak must stay flat
(a page of experiments) whatever the size of the journal; compare the figure with --quick.
Next to each import's total, `..._lock_seconds` is the time spent inside the journal's write
transaction, when no other program can write: the import reads the export without the lock.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.figures import emit, note
from benchmarks.synthetic import MODELS, _text, cached

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.storage import Journal

GENERATOR_VERSION = 2  # bump when the schema changes, so a cached file is rebuilt
RUNS_PER_EXPERIMENT = 3
IMPORT_GOAL_SECONDS = 5.0  # per 10,000 experiments x 3 runs


def build(path: Path, experiments: int, seed: int = 7) -> None:
    """Experiments with three complete runs each: prompts, answers, options, stats."""
    from journal.core.storage import Journal

    path.unlink(missing_ok=True)
    Journal.open(path).close()  # the real schema, triggers and all
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    created = "2026-01-01T00:00:00.000000+00:00"
    run_id = 0
    for number in range(1, experiments + 1):
        conn.execute(
            "INSERT INTO experiment (id, uuid, title, hypothesis, expected, conclusion, tags,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                f"00000000-0000-4000-8000-{number:012d}",
                _text(rng, 6),
                _text(rng, 30),
                _text(rng, 10),
                _text(rng, 15),
                json.dumps([rng.choice(["json", "poetry", "code", "math"])]),
                created,
                created,
            ),
        )
        for _ in range(RUNS_PER_EXPERIMENT):
            run_id += 1
            eval_count = rng.randint(20, 400)
            conn.execute(
                "INSERT INTO run (id, uuid, experiment_id, model, model_digest, model_family,"
                " model_parameter_size, model_quantization, model_details, system_prompt,"
                " messages, options, keep_alive, think, response, thinking, status, done_reason,"
                " prompt_eval_count, eval_count, total_duration, load_duration, eval_duration,"
                " final_chunk, first_token_seconds, wall_seconds, verdict, verdict_note,"
                " created_at, started_at, finished_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    f"00000000-0000-4000-9000-{run_id:012d}",
                    number,
                    rng.choice(MODELS),
                    f"{run_id:064x}",
                    "llama",
                    "8.0B",
                    "Q4_0",
                    json.dumps({"family": "llama", "format": "gguf", "size": 4_661_224_676}),
                    "You are a careful assistant." if rng.random() < 0.5 else "",
                    json.dumps([{"role": "user", "content": _text(rng, 40)}]),
                    json.dumps({"temperature": 0.7, "seed": run_id, "num_ctx": 4096}),
                    "5m",
                    json.dumps(True) if rng.random() < 0.2 else None,
                    "\n\n".join(_text(rng, 50) for _ in range(3)) + "\n```\ncode `x`\n```\n",
                    _text(rng, 40) if rng.random() < 0.2 else "",
                    "done",
                    "stop",
                    rng.randint(10, 200),
                    eval_count,
                    2_000_000_000,
                    150_000_000,
                    eval_count * 25_000_000,
                    json.dumps({"done": True, "done_reason": "stop", "eval_count": eval_count}),
                    0.21,
                    2.05,
                    rng.choice(["worked", "partly", "failed", None]),
                    _text(rng, 8),
                    created,
                    created,
                    created,
                ),
            )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def cached_journal(cache: Path, experiments: int) -> Path:
    path = cache / f"export-{experiments}x{RUNS_PER_EXPERIMENT}-v{GENERATOR_VERSION}.sqlite"
    return cached(path, lambda partial: build(partial, experiments))


@contextmanager
def write_lock_time(journal: Journal) -> Iterator[list[float]]:
    """The seconds each write transaction lasted (`journal.write()`, and
    `journal.write_attached()`, which the import merges with): lock taken, used, released."""
    held: list[float] = []
    original: Callable[[], AbstractContextManager[Session]] = journal.write
    attached: Callable[[Path, str], AbstractContextManager[Session]] = journal.write_attached

    @contextmanager
    def holding(transaction: AbstractContextManager[Session]) -> Iterator[Session]:
        started = time.perf_counter()
        with transaction as session:
            yield session
        held.append(time.perf_counter() - started)

    @contextmanager
    def timed() -> Iterator[Session]:
        with holding(original()) as session:
            yield session

    @contextmanager
    def timed_attached(path: Path, name: str) -> Iterator[Session]:
        with holding(attached(path, name)) as session:
            yield session

    journal.write = timed  # type: ignore[method-assign]
    journal.write_attached = timed_attached  # type: ignore[method-assign]
    try:
        yield held
    finally:
        del journal.write  # the class's methods again
        del journal.write_attached


def _empty_files_seconds(folder: Path, count: int) -> float:
    """Seconds to create `count` empty files in a new folder, named as an export names them."""
    started = time.perf_counter()
    folder.mkdir()
    for number in range(1, count + 1):
        os.close(os.open(folder / f"{number:04d}-a-title-of-six-words.md", _NEW, 0o666))
    return time.perf_counter() - started


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def _folder_size(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.iterdir())


def run(cache: Path, quick: bool) -> None:
    from journal.core.export_markdown import Layout, export_to_path
    from journal.core.import_markdown import import_markdown
    from journal.core.storage import Journal

    experiments = 1_000 if quick else 10_000
    label = f"{experiments}x{RUNS_PER_EXPERIMENT}"
    started = time.perf_counter()
    source = cached_journal(cache, experiments)
    note(f"journal of {label} ready in {time.perf_counter() - started:.1f} s: {source}")
    work = Path(tempfile.mkdtemp(prefix="journal-export-bench-"))
    try:
        with Journal.open(source) as journal:
            file_path = work / "journal.md"
            started = time.perf_counter()
            export_to_path(journal, file_path)
            file_seconds = time.perf_counter() - started
            emit(f"export_{label}_file_seconds", file_seconds, "s")
            emit(f"export_{label}_file_size", file_path.stat().st_size / 2**20, "MiB")

            folder = work / "journal"
            started = time.perf_counter()
            export_to_path(journal, folder, layout=Layout.FOLDER)
            folder_seconds = time.perf_counter() - started
            emit(f"export_{label}_folder_seconds", folder_seconds, "s")
            emit(f"export_{label}_folder_size", _folder_size(folder) / 2**20, "MiB")
            # Issue 16's goal for the layout: what the folder costs over the one file, within
            # 1.5x of creating as many empty files there (the filesystem's own floor).
            empty = _empty_files_seconds(work / "empty", experiments)
            emit(f"export_{label}_empty_files_seconds", empty, "s")
            extra = folder_seconds - file_seconds
            emit(f"export_{label}_folder_over_file_per_empty_files", extra / empty, "x")

            # Again under tracemalloc (several times slower), for the memory figure alone.
            gc.collect()
            tracemalloc.start()
            export_to_path(journal, work / "traced.md")
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            emit("export_peak_memory", peak / 2**20, "MiB")
            (work / "traced.md").unlink()

        for name, path in (("file", file_path), ("folder", folder)):
            with (
                Journal.open(work / f"import-{name}.sqlite") as target,
                write_lock_time(target) as held,
            ):
                started, cpu = time.perf_counter(), time.process_time()
                result = import_markdown(target, path)
                emit(f"import_{label}_{name}_seconds", time.perf_counter() - started, "s")
                emit(f"import_{label}_{name}_cpu_seconds", time.process_time() - cpu, "s")
                emit(f"import_{label}_{name}_lock_seconds", sum(held), "s")
                assert result.new_runs == experiments * RUNS_PER_EXPERIMENT, result.summary()

        # Issue 16's goal: 10,000 x 3 from one file in under 5 s (a machine to itself).
        emit(f"import_{label}_goal_seconds", IMPORT_GOAL_SECONDS * experiments / 10_000, "s")
        with Journal.open(work / "import-file.sqlite") as target, write_lock_time(target) as held:
            started = time.perf_counter()
            result = import_markdown(target, file_path)
            emit(f"import_{label}_again_seconds", time.perf_counter() - started, "s")
            emit(f"import_{label}_again_lock_seconds", sum(held), "s")
            assert result.new_runs == 0, result.summary()
    finally:
        shutil.rmtree(work, ignore_errors=True)
