"""Nothing lost when a write fails: a full disk or a locked journal delays saving a run's text,
never loses it, and nobody is told "saved" until it is.

The disk is filled for real, with SQLite's `max_page_count` (no root needed), and the lock is
held by a real second process.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from journal.core.cancel import CancelToken
from journal.core.models import RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run
from journal.core.runner import RunEvents, RunNotSavedError, RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.storage_faults import FullDisk, LockHolder, short_busy_timeout

WORDS = 300
BIG_REPLY = " ".join(f"{n:04d}" + "x" * 95 for n in range(WORDS))  # ~30 KB in 300 chunks


class Recorder:
    """RunEvents that remember what the person would have been told, in order."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.chunks = 0
        self.failed = threading.Event()

    def events(self, on_chunk: Any = None) -> RunEvents:
        def chunk(content: str, thinking: str) -> None:
            self.chunks += 1
            if on_chunk:
                on_chunk(self.chunks)

        def save_failed(reason: str) -> None:
            self.said.append(f"not saved: {reason}")
            self.failed.set()

        return RunEvents(
            chunk=chunk, save_failed=save_failed, saved=lambda: self.said.append("saved")
        )


@pytest.fixture
def big(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.add_model(FakeModel("big:1b", reply=lambda *_: BIG_REPLY))
    fake_ollama.chunk_delay = 0.004
    return fake_ollama


def _spec(experiment_id: int) -> RunSpec:
    return RunSpec(experiment_id=experiment_id, model="big:1b", prompt="x")


def _recorder(journal: Journal, fake: FakeOllama) -> RunRecorder:
    return RunRecorder(journal, OllamaService(fake.url), flush_interval=0.05, retry_delays=[0.05])


def test_a_disk_that_fills_mid_stream_keeps_every_character_once_space_is_back(
    journal: Journal, experiment_id: int, big: FakeOllama
) -> None:
    disk = FullDisk(journal)
    told = Recorder()

    def on_chunk(count: int) -> None:
        if count == 20:
            disk.full = True
        if disk.full and told.failed.is_set() and count >= 150:
            disk.full = False  # space is back while the answer still streams

    run = _recorder(journal, big).execute(_spec(experiment_id), events=told.events(on_chunk))
    assert run.status is RunStatus.DONE
    assert run.response == BIG_REPLY
    assert told.said[0].startswith("not saved: ") and "is full" in told.said[0]
    assert "OperationalError" not in told.said[0]  # a sentence, not a driver's exception
    assert told.said[-1] == "saved"


def test_the_last_write_waits_for_space_and_then_saves_everything(
    journal: Journal, experiment_id: int, big: FakeOllama
) -> None:
    disk = FullDisk(journal)
    told = Recorder()
    big.chunk_delay = 0

    def on_chunk(count: int) -> None:
        if count == 5:
            disk.full = True

    def free_when_the_end_is_refused() -> None:
        # The stream is over once the final write is refused a few times in a row.
        while told.said.count(told.said[-1] if told.said else "") < 3:
            told.failed.wait(0.05)
        disk.full = False

    helper = threading.Thread(target=free_when_the_end_is_refused, daemon=True)
    helper.start()
    run = _recorder(journal, big).execute(_spec(experiment_id), events=told.events(on_chunk))
    helper.join(timeout=30)
    assert run.status is RunStatus.DONE
    assert run.response == BIG_REPLY
    assert told.said[-1] == "saved"


def test_giving_up_on_a_full_disk_hands_back_the_whole_answer_and_claims_nothing(
    journal: Journal, experiment_id: int, big: FakeOllama
) -> None:
    disk = FullDisk(journal)
    told = Recorder()
    big.chunk_delay = 0
    abandon = CancelToken()

    def on_chunk(count: int) -> None:
        if count == 5:
            disk.full = True

    def save_failed_then_give_up(reason: str) -> None:
        told.said.append(reason)
        if told.chunks == WORDS:  # the stream is over: this is the final write
            abandon.cancel()

    events = told.events(on_chunk)
    events.save_failed = save_failed_then_give_up
    with pytest.raises(RunNotSavedError) as caught:
        _recorder(journal, big).execute(_spec(experiment_id), events=events, abandon=abandon)
    error = caught.value
    assert error.text == BIG_REPLY
    assert "full" in error.message and "was not saved" in error.message
    assert "nothing was lost" not in error.message.lower()
    disk.full = False
    with journal.read() as session:
        stored = get_run(session, error.run_id)
    assert stored.status is RunStatus.STREAMING  # not `done`: that write never happened
    assert len(stored.response) == error.saved_chars < len(BIG_REPLY)
    assert BIG_REPLY.startswith(stored.response)


def test_a_second_process_holding_the_write_lock_delays_saving_but_loses_nothing(
    journal: Journal, db_path: Path, experiment_id: int, big: FakeOllama
) -> None:
    short_busy_timeout(journal)
    told = Recorder()
    holder = LockHolder(db_path)

    def on_chunk(count: int) -> None:
        if count == 20:
            holder.__enter__()
        if told.said.count(told.said[0] if told.said else "") >= 2:
            holder.release()

    try:
        run = _recorder(journal, big).execute(_spec(experiment_id), events=told.events(on_chunk))
    finally:
        holder.release()
    assert run.status is RunStatus.DONE
    assert run.response == BIG_REPLY
    assert "busy" in told.said[0]
    assert told.said[-1] == "saved"
