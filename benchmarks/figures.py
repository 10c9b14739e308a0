"""Printing figures as `name value unit`, one per line, so a script can read them."""

from __future__ import annotations

import statistics
import sys


def emit(name: str, value: float, unit: str) -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name} {text} {unit}", flush=True)


def note(text: str) -> None:
    """Context for people, on stderr so stdout stays machine-readable."""
    print(f"# {text}", file=sys.stderr, flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]
