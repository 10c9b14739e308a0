"""Batches: what the journal adds to each item, and what a second host buys.

Against fake servers in their own processes (in-process, they would share our GIL).

- Overhead per item (goal, issue 12: under 5 ms beyond the model's own time): the same
  answers asked with the bare `ollama` client, one after the other, against a batch of as
  many items on one host with limit 1 (each run recorded pending, linked to its item,
  streamed, stored, graded by one deterministic expectation, its item read back).
- Throughput (goal: at least 1.8x): a batch over two hosts against the same batch on one,
  each host answering after a fixed delay with limit 1.
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

from benchmarks.figures import emit, note, percentile
from benchmarks.server_process import fake_server

MODEL = "bench:1b"

SERVE = f"""
import sys
from tests.fake_ollama import FakeModel, FakeOllama

def answer(messages, options):
    prompt = [m for m in messages if m.get("role") == "user"][-1]["content"]
    return "The answer to " + prompt + " is short. " * 4

fake = FakeOllama([FakeModel({MODEL!r}, digest="d" * 64, reply=answer)])
fake.first_byte_delay = float(sys.argv[1])
fake.start()
print(fake.url, flush=True)
sys.stdin.read()
fake.stop()
"""


def _server(first_byte_delay: float) -> AbstractContextManager[str]:
    return fake_server(SERVE, str(first_byte_delay))


def _experiment(path: Path, rows: int) -> int:
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.input_sets import RowInput, add_rows
    from journal.core.queries import create_experiment
    from journal.core.storage import Journal

    with Journal.open(path) as journal, journal.write() as session:
        experiment = create_experiment(session, title="bench").id or 0
        add_expectation(session, experiment, parse_expectation("contains:answer"))
        add_rows(session, experiment, [RowInput({"n": str(n)}) for n in range(rows)])
        return experiment


def _bare(url: str, items: int) -> list[float]:
    """Per answer, in ms: the bare client streaming the same questions one by one."""
    import ollama

    client = ollama.Client(host=url)
    samples = []
    for n in range(items):
        started = time.perf_counter()
        for _ in client.chat(
            model=MODEL, messages=[{"role": "user", "content": f"question {n}"}], stream=True
        ):
            pass
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _batch(urls: list[str], path: Path, rows: int) -> tuple[float, list[float]]:
    """(whole batch in s, per item in ms as items end) for a batch over `urls`."""
    from journal.core.batches import BatchEvents, BatchRunner
    from journal.core.dispatch import HostLimit
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal

    experiment = _experiment(path, rows)
    item_ms: list[float] = []
    last = [0.0]

    def finished(position: int, total: int, run: Run) -> None:
        now = time.perf_counter()
        item_ms.append((now - last[0]) * 1000)
        last[0] = now

    hosts = [HostLimit(url) for url in urls]
    with (
        Journal.open(path) as journal,
        BatchRunner(journal, OllamaService(urls[0]), hosts=hosts) as runner,
    ):
        batch_id = runner.create(experiment, [MODEL], prompt="question {{n}}")
        started = last[0] = time.perf_counter()
        runner.run(batch_id, events=BatchEvents(finished=finished))
        return time.perf_counter() - started, item_ms[1:]  # the first includes the survey


def run(quick: bool = False) -> None:
    items = 50 if quick else 200
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with _server(0.0) as url:
            _bare(url, 5)  # warm both sides
            bare = _bare(url, items)
            _, batched = _batch([url], root / "overhead.sqlite", items)
        bare_median, batch_median = percentile(bare, 0.5), percentile(batched, 0.5)
        note(f"{items} items on one fake host with no delay: bare client vs batch")
        emit("batch.bare_item_median", bare_median, "ms")
        emit("batch.item_median", batch_median, "ms")
        emit("batch.overhead_per_item_median", batch_median - bare_median, "ms (goal < 5)")
        emit("batch.item_p95", percentile(batched, 0.95), "ms")

        delay, count = 0.1, 40 if quick else 80
        with ExitStack() as stack:
            first = stack.enter_context(_server(delay))
            second = stack.enter_context(_server(delay))
            one, _ = _batch([first], root / "one.sqlite", count)
            two, _ = _batch([first, second], root / "two.sqlite", count)
        note(f"{count} items, each host answering after {delay * 1000:.0f} ms, limit 1")
        emit("batch.one_host", one, "s")
        emit("batch.two_hosts", two, "s")
        emit("batch.two_hosts_speedup", one / two, "x (goal >= 1.8)")


if __name__ == "__main__":
    run("--quick" in sys.argv)
