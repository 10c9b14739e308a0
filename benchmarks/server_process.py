"""A fake Ollama in its own process, for benchmarks: in-process it would share our GIL, and
a figure would measure the server as much as the journal."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def fake_server(script: str, *args: str) -> Iterator[str]:
    """Run `script` (Python that starts a fake, prints its URL and serves until its
    standard input closes) with `args`; yields the URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()
