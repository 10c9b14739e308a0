"""A synthetic journal of realistic size, built through the real schema and triggers."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from journal.core.storage import Journal

GENERATOR_VERSION = 3  # bump when the schema changes, so a cached file is rebuilt
COMMON = (
    "the model answer prompt token context result because output format example "
    "list reason value test check write explain summary step first then".split()
)
FILLER = [f"w{n}" for n in range(5000)]  # a long tail of ordinary words
# Words with a known frequency, for search benchmarks.
RARE_WORD = "quokka"  # in 10 experiments
ONE_PERCENT_WORD = "axolotl"  # in 1% of experiments
EVERY_ROW_WORD = "the"
MODELS = ["llama3:8b", "qwen3:0.6b", "mistral:7b", "gemma3:4b", "phi4:14b"]
DIGESTS_PER_MODEL = 3  # in a realistic journal
YEAR = timedelta(days=365)


def _text(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        out.append(rng.choice(COMMON) if rng.random() < 0.4 else rng.choice(FILLER))
    return " ".join(out)


def build(
    path: Path,
    experiments: int,
    seed: int = 1,
    *,
    realistic: bool = False,
    answer_words: int = 60,
) -> None:
    """About 1.3 KB of text per experiment, one or two runs each (answers of `answer_words`).

    The default journal gives every run a digest of its own, all made at one moment; a
    `realistic` one spreads the experiments over a year and gives each model a few digests
    over that year (Ollama swaps a name's weights now and then), as Insights sees a journal.
    """
    path.unlink(missing_ok=True)
    Journal.open(path).close()  # the real schema, triggers and all
    rng = random.Random(seed)
    rare = set(rng.sample(range(experiments), 10))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    created = "2026-01-01T00:00:00.000000+00:00"
    run_id = 0
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(experiments):
        if realistic:
            created = (start + YEAR * number / experiments).isoformat(timespec="microseconds")
        extra = []
        if number in rare:
            extra.append(RARE_WORD)
        if number % 100 == 0:
            extra.append(ONE_PERCENT_WORD)
        title = f"{_text(rng, 6)} {' '.join(extra)}".strip()
        conn.execute(
            "INSERT INTO experiment (uuid, title, hypothesis, expected, conclusion, tags,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"00000000-0000-4000-8000-{number:012d}",
                title,
                _text(rng, 30),
                _text(rng, 10),
                _text(rng, 15),
                json.dumps([rng.choice(["json", "poetry", "code", "math"])]),
                created,
                created,
            ),
        )
        experiment_id = number + 1
        for _ in range(rng.choice((1, 2))):
            run_id += 1
            model = rng.choice(MODELS)
            digest = f"{run_id:064x}"
            if realistic:  # weights change a few times a year, at other moments per model
                shift = MODELS.index(model) * experiments // (2 * len(MODELS))
                weights = (number + shift) * DIGESTS_PER_MODEL // (experiments + shift + 1)
                digest = f"{MODELS.index(model):032x}{weights:032x}"
                timings: tuple[int | float | None, ...] = (
                    rng.randint(20, 800),  # eval_count
                    rng.randint(500_000_000, 30_000_000_000),  # eval_duration, ns
                    rng.uniform(0.05, 3.0),  # first_token_seconds
                    rng.randint(0, 5_000_000_000),  # load_duration, ns
                )
            else:
                timings = (None, None, None, None)
            conn.execute(
                "INSERT INTO run (uuid, experiment_id, model, model_digest, messages, options,"
                " response, status, verdict, created_at, eval_count, eval_duration,"
                " first_token_seconds, load_duration)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"00000000-0000-4000-9000-{run_id:012d}",
                    experiment_id,
                    model,
                    digest,
                    json.dumps([{"role": "user", "content": _text(rng, 40)}]),
                    json.dumps({"temperature": 0.7, "seed": run_id}),
                    _text(rng, answer_words),
                    "done",
                    rng.choice(["worked", "partly", "failed", None]),
                    created,
                    *timings,
                ),
            )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA optimize")
    conn.close()


def cached(path: Path, build_into: Callable[[Path], None]) -> Path:
    """Big synthetic journals take a while to build: build once, under a partial name so an
    interrupted build is never mistaken for a finished one, and reuse the file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        build_into(partial)
        partial.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return path


def cached_journal(cache: Path, experiments: int) -> Path:
    path = cache / f"synthetic-{experiments}-v{GENERATOR_VERSION}.sqlite"
    return cached(path, lambda partial: build(partial, experiments))


def cached_realistic_journal(cache: Path, experiments: int) -> Path:
    """`cached_journal`, but with a year of history and a few digests per model."""
    path = cache / f"synthetic-realistic-{experiments}-v{GENERATOR_VERSION}.sqlite"
    return cached(path, lambda partial: build(partial, experiments, realistic=True))


PEER_ANSWER_WORDS = 160  # about 2.2 KB of text per experiment, as the peer comparison's corpus


def cached_peer_journal(cache: Path, experiments: int) -> Path:
    """`cached_journal` with longer answers: the corpus the CLI is compared with its peers on."""
    path = cache / f"synthetic-peer-{experiments}-v{GENERATOR_VERSION}.sqlite"
    return cached(path, lambda partial: build(partial, experiments, answer_words=PEER_ANSWER_WORDS))
