"""Short human descriptions of runs, shared by the CLI and the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal.core.models import Run


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def nanoseconds(value: int | None) -> str:
    return "-" if value is None else seconds(value / 1e9)


def run_stats(run: Run) -> str:
    """`42 tokens · 35.2 tok/s · first token 210 ms · load 1.20 s · total 1.40 s · stop`."""
    parts = []
    if run.eval_count is not None:
        parts.append(f"{run.eval_count} tokens")
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


def model_label(run: Run) -> str:
    digest = f" @ {run.short_digest}" if run.model_digest else ""
    return f"{run.model}{digest}"


def options_label(run: Run) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(run.options.items()))


def first_line(text: str, width: int = 72) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
