"""Short human descriptions (counts, sizes, digests, filters, runs), one wording for all.

The window, the CLI, the export and the import say these the same way because they call
these helpers; none keeps a copy of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal.core.domain import Standing
    from journal.core.models import Run
    from journal.core.read_records import RunRecord

# Hex digits of a model digest shown to people: what `ollama list` shows, enough to tell
# weights apart.
SHORT_DIGEST = 12


def short_digest(digest: str | None) -> str:
    """`1a2b3c4d5e6f` for a full sha256 digest; empty when there is none."""
    return (digest or "")[:SHORT_DIGEST]


def plural_noun(noun: str) -> str:
    """`runs`, `batches`: a plain s, or es after ch, sh, s or x."""
    return f"{noun}es" if noun.endswith(("ch", "sh", "s", "x")) else f"{noun}s"


def plural(count: int, noun: str) -> str:
    """`1 run`, `2 runs`, `1,234 experiments`, `3 batches`."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {plural_noun(noun)}"


def human_size(count: int) -> str:
    """Bytes in decimal units, as Ollama prints them: `512 B`, `4.7 GB`, `312 MB`."""
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if abs(value) < 10 else f"{value:.0f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def describe_standings(standings: tuple[Standing, ...]) -> str:
    """`worked on 2 of 3 models`, `worked on 1 of 2 models (1 not judged yet)`, `not judged
    yet (2 models)`; empty when no model has a finished run."""
    if not standings:
        return ""
    tried = plural(len(standings), "model")
    waiting = sum(verdict is None for _, verdict in standings)
    if waiting == len(standings):
        return f"not judged yet ({tried})"
    worked = sum(verdict is not None and verdict.value == "worked" for _, verdict in standings)
    text = f"worked on {worked} of {tried}"
    return f"{text} ({waiting} not judged yet)" if waiting else text


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def nanoseconds(value: int | None) -> str:
    return "-" if value is None else seconds(value / 1e9)


def run_stats(run: Run | RunRecord) -> str:
    """`42 tokens · 35.2 tok/s · first token 210 ms · load 1.20 s · total 1.40 s · stop`."""
    parts = []
    if run.eval_count is not None:
        parts.append(plural(run.eval_count, "token"))
    rate = run.tokens_per_second
    if rate is not None:
        parts.append(f"{rate:.1f} tok/s")
    if run.first_token_seconds is not None:
        parts.append(f"first token {seconds(run.first_token_seconds)}")
    if run.load_duration:
        parts.append(f"load {nanoseconds(run.load_duration)}")
    if run.wall_seconds is not None:
        parts.append(f"total {seconds(run.wall_seconds)}")
    if run.done_reason:
        parts.append(run.done_reason)
    return " · ".join(parts)


def model_label(run: Run | RunRecord) -> str:
    digest = f" @ {run.short_digest}" if run.model_digest else ""
    return f"{run.model}{digest}"


def options_label(run: Run | RunRecord) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(run.options.items()))


def one_line(text: str, limit: int = 160) -> str:
    """Every run of whitespace one space, cut at `limit` with an ellipsis: a reason or an
    error in a status line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def first_line(text: str, width: int = 72) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
