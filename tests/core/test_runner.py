"""Nothing lost: a run is recorded before it is sent and kept whatever ends it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from journal.core.cancel import CancelToken
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run
from journal.core.runner import RunEvents, RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.journal_process import StreamingJournal


def _read_run(db_path: Path, run_id: int) -> Run:
    """Read through a separate connection, as another process would."""
    with Journal.open(db_path) as other, other.read() as session:
        return get_run(session, run_id)


def test_done_run_records_identity_request_answer_and_metrics(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    spec = RunSpec(
        experiment_id=experiment_id,
        model="llama3:8b",
        prompt="Name a colour",
        system_prompt="One word.",
        options={"seed": 7, "temperature": 0.0},
        keep_alive="1m",
    )
    run = RunRecorder(journal, OllamaService(fake_ollama.url)).execute(spec)
    assert run.status is RunStatus.DONE
    assert run.response
    assert run.done_reason == "stop"
    assert len(run.model_digest) == 64
    assert (run.model_family, run.model_parameter_size, run.model_quantization) == (
        "llama",
        "8.0B",
        "Q4_0",
    )
    assert run.ollama_version == "0.10.1"
    assert run.system_prompt == "One word."
    assert run.messages == [{"role": "user", "content": "Name a colour"}]
    assert run.options == {"seed": 7, "temperature": 0.0}
    assert run.keep_alive == "1m"
    assert run.eval_count and run.eval_duration and run.total_duration
    assert run.prompt_eval_count is not None
    assert run.tokens_per_second and run.tokens_per_second > 0
    assert run.final_chunk["done"] is True
    assert run.first_token_seconds is not None and run.wall_seconds is not None
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.owner == ""
    sent = fake_ollama.requests_for("/api/chat")[-1].body
    assert sent is not None
    assert sent["messages"][0] == {"role": "system", "content": "One word."}


def test_run_exists_on_disk_before_the_request_is_sent(
    journal: Journal, db_path: Path, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    seen: list[tuple[RunStatus, int]] = []

    def started(run: Run) -> None:
        assert run.id is not None
        seen.append((_read_run(db_path, run.id).status, len(fake_ollama.requests_for("/api/chat"))))

    RunRecorder(journal, OllamaService(fake_ollama.url)).execute(
        RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x"),
        events=RunEvents(started=started),
    )
    assert seen == [(RunStatus.PENDING, 0)]


def test_streamed_text_reaches_the_file_while_streaming(
    journal: Journal, db_path: Path, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.chunk_delay = 0.03
    fake_ollama.chunks_per_reply = 40  # ~1.2 s of streaming
    on_disk: list[tuple[RunStatus, str]] = []

    def flushed(run_id: int) -> None:
        run = _read_run(db_path, run_id)
        on_disk.append((run.status, run.response))

    run = RunRecorder(journal, OllamaService(fake_ollama.url), flush_interval=0.2).execute(
        RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x"),
        events=RunEvents(flushed=flushed),
    )
    assert len(on_disk) >= 2
    assert all(status is RunStatus.STREAMING for status, _ in on_disk)
    lengths = [len(text) for _, text in on_disk]
    assert lengths == sorted(lengths) and 0 < lengths[0] < len(run.response)


def test_cancel_keeps_the_partial_text(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.stall_after = 4
    cancel = CancelToken()
    chunks: list[str] = []

    def chunk(text: str, _: str) -> None:
        chunks.append(text)
        if len(chunks) == 4:
            threading.Timer(0.05, cancel.cancel).start()

    run = RunRecorder(journal, OllamaService(fake_ollama.url)).execute(
        RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x"),
        cancel=cancel,
        events=RunEvents(chunk=chunk),
    )
    assert run.status is RunStatus.CANCELLED
    assert run.response == "".join(chunks) != ""
    assert run.finished_at is not None


def test_error_mid_stream_keeps_text_and_error(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.error_after = 5
    fake_ollama.error_message = "out of memory"
    run = RunRecorder(journal, OllamaService(fake_ollama.url)).execute(
        RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x")
    )
    assert run.status is RunStatus.FAILED
    assert "out of memory" in run.error
    assert run.response


def test_missing_model_is_recorded_as_failed_with_the_fix(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    run = RunRecorder(journal, OllamaService(fake_ollama.url)).execute(
        RunSpec(experiment_id=experiment_id, model="ghost:7b", prompt="x")
    )
    assert run.status is RunStatus.FAILED
    assert "ollama pull ghost:7b" in run.error
    assert fake_ollama.requests_for("/api/chat") == []


def test_dead_server_is_recorded_as_failed(journal: Journal, experiment_id: int) -> None:
    run = RunRecorder(journal, OllamaService(UNREACHABLE_HOST)).execute(
        RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x")
    )
    assert run.status is RunStatus.FAILED
    assert "ollama serve" in run.error
    assert run.messages == [{"role": "user", "content": "x"}]


def test_thinking_is_recorded(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    run = RunRecorder(journal, OllamaService(fake_ollama.url)).execute(
        RunSpec(experiment_id=experiment_id, model="qwen3:0.6b", prompt="why", think=True)
    )
    assert run.status is RunStatus.DONE
    assert run.thinking and run.response
    assert run.think is True


def test_a_live_run_of_another_process_is_not_marked_interrupted(
    journal: Journal, db_path: Path, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.stall_after = 2
    cancel = CancelToken()
    recorder = RunRecorder(journal, OllamaService(fake_ollama.url))
    spec = RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x")
    run = recorder.create(spec)
    worker = threading.Thread(
        target=recorder.execute, args=(spec,), kwargs={"cancel": cancel, "run": run}
    )
    worker.start()
    fake_ollama.wait_for_requests(1)
    assert run.id is not None
    # Opening the journal again (as a second window would) must leave the live run alone.
    assert _read_run(db_path, run.id).status in (RunStatus.PENDING, RunStatus.STREAMING)
    cancel.cancel()
    worker.join(timeout=5)
    assert _read_run(db_path, run.id).status is RunStatus.CANCELLED


def test_killed_process_leaves_an_interrupted_run_with_its_text(
    db_path: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.stall_after = 6
    with StreamingJournal(
        db_path, "run", "--host", fake_ollama.url, "-m", "llama3:8b", "-p", "tell me a story"
    ) as running:
        received = running.read_words(6)  # all six chunks, then the server goes silent
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # until the flusher has written them
            if _read_run(db_path, 1).response:
                break
            time.sleep(0.05)
        running.kill()
    run = _read_run(db_path, 1)
    assert run.status is RunStatus.INTERRUPTED
    assert run.response
    assert received.decode().startswith(run.response)
    assert "stopped before the answer was complete" in run.error
