"""Recording a fast stream vs reading it with the bare `ollama` client; cancel latency."""

from __future__ import annotations

import tempfile
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path

from benchmarks.figures import emit, percentile
from benchmarks.server_process import fake_server
from tests.fake_ollama import FakeOllama, default_models

CHUNKS = 5000

SERVE = f"""
import sys
from tests.fake_ollama import FakeOllama, default_models
fake = FakeOllama(default_models())
fake.chunks_per_reply = {CHUNKS}
fake.start()
print(fake.url, flush=True)
sys.stdin.read()
fake.stop()
"""


def _server_process() -> AbstractContextManager[str]:
    return fake_server(SERVE)


def _raw_client(url: str) -> float:
    import ollama

    client = ollama.Client(host=url)
    started = time.perf_counter()
    count = 0
    for _ in client.chat(
        model="llama3:8b", messages=[{"role": "user", "content": "go"}], stream=True
    ):
        count += 1
    elapsed = time.perf_counter() - started
    assert count >= CHUNKS
    return elapsed


def _raw_async_client(url: str) -> float:
    """The same client class the journal uses (the only one that cancels promptly)."""
    import asyncio

    import ollama

    async def read() -> float:
        client = ollama.AsyncClient(host=url)
        started = time.perf_counter()
        count = 0
        stream = await client.chat(
            model="llama3:8b", messages=[{"role": "user", "content": "go"}], stream=True
        )
        async for _ in stream:
            count += 1
        elapsed = time.perf_counter() - started
        assert count >= CHUNKS
        return elapsed

    return asyncio.run(read())


def run(rounds: int) -> None:
    from journal.core.cancel import CancelToken
    from journal.core.ollama_service import OllamaService
    from journal.core.queries import create_experiment
    from journal.core.runner import RunRecorder, RunSpec
    from journal.core.storage import Journal

    with _server_process() as url, tempfile.TemporaryDirectory() as folder:
        journal = Journal.open(Path(folder) / "bench.sqlite")
        with journal.write() as session:
            experiment = create_experiment(session, title="bench")
        assert experiment.id is not None
        recorder = RunRecorder(journal, OllamaService(url))
        spec = RunSpec(experiment_id=experiment.id, model="llama3:8b", prompt="go")
        _raw_client(url)  # warm up both paths
        recorder.execute(spec)
        raw, raw_async, recorded, streamed = [], [], [], []
        for _ in range(rounds):
            raw.append(_raw_client(url))
            raw_async.append(_raw_async_client(url))
            started = time.perf_counter()
            run = recorder.execute(spec)
            recorded.append(time.perf_counter() - started)
            assert run.wall_seconds is not None and run.response
            streamed.append(run.wall_seconds)
        raw_median = percentile(raw, 0.5)
        async_median = percentile(raw_async, 0.5)
        stream_median = percentile(streamed, 0.5)
        emit("stream_raw_sync_client_5000_chunks", raw_median * 1000, "ms")
        emit("stream_raw_async_client_5000_chunks", async_median * 1000, "ms")
        emit("stream_recorded_run_5000_chunks", percentile(recorded, 0.5) * 1000, "ms")
        emit("stream_recorded_streaming_phase_5000_chunks", stream_median * 1000, "ms")
        # What recording adds to the same client class, and against the bare sync client.
        emit("stream_throughput_ratio", async_median / stream_median, "ratio")
        emit("stream_throughput_ratio_vs_sync_client", raw_median / stream_median, "ratio")
        emit("stream_throughput_ratio_whole_run", async_median / percentile(recorded, 0.5), "ratio")

    with FakeOllama(default_models()) as fake, tempfile.TemporaryDirectory() as folder:
        journal = Journal.open(Path(folder) / "bench.sqlite")
        with journal.write() as session:
            experiment = create_experiment(session, title="bench")
        assert experiment.id is not None
        recorder = RunRecorder(journal, OllamaService(fake.url))
        spec = RunSpec(experiment_id=experiment.id, model="llama3:8b", prompt="go")
        # Cancel while the server sends nothing (a model loading): how long until we're back.
        fake.first_byte_delay = 60
        latencies = []
        for _ in range(max(5, rounds)):
            cancel = CancelToken()
            sent = len(fake.requests)
            thread = threading.Thread(
                target=recorder.execute, args=(spec,), kwargs={"cancel": cancel}
            )
            thread.start()
            fake.wait_for_requests(sent + 3)  # tags, version, then the chat that stays silent
            started = time.perf_counter()
            cancel.cancel()
            thread.join(10)
            latencies.append((time.perf_counter() - started) * 1000)
        emit("cancel_silent_stream_p50", percentile(latencies, 0.5), "ms")
        emit("cancel_silent_stream_max", max(latencies), "ms")
        journal.close()
