"""A stream is recorded as what it was: whole answers whole, broken ones `failed`, text kept.

Each test teaches the fake Ollama one way real streams go wrong (see tests/fake_ollama.py:
`end_without_done`, `mangle`, `stall_after`, `pull_error`).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import OllamaIncompleteError, OllamaRegistryUnreachableError
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import ChatRequest, OllamaService
from journal.core.runner import RunEvents, RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import OFFLINE_PULL_ERROR, FakeModel, FakeOllama


def _record(
    journal: Journal, experiment_id: int, fake: FakeOllama, model: str = "llama3:8b"
) -> Run:
    spec = RunSpec(experiment_id=experiment_id, model=model, prompt="x")
    return RunRecorder(journal, OllamaService(fake.url)).execute(spec)


def _raw_json(frame: dict[str, Any]) -> bytes:
    """What a server that escapes nothing would send: every character raw."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode()


def test_a_stream_that_ends_without_the_done_line_is_failed_with_its_text(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("cut:1b", reply=lambda *_: "half an answer"))
    fake_ollama.end_without_done = True
    run = _record(journal, experiment_id, fake_ollama, "cut:1b")
    assert run.status is RunStatus.FAILED
    assert "ended before Ollama said it was done" in run.error
    assert run.response == "half an answer"
    assert run.done_reason == "" and run.eval_count is None


def test_an_empty_stream_is_not_an_empty_answer(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.end_without_done = True
    fake_ollama.chunks_per_reply = 0
    run = _record(journal, experiment_id, fake_ollama)
    assert run.status is RunStatus.FAILED
    assert run.response == ""


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\r", "\x0b\x0c\x1c"])
def test_characters_httpx_reads_as_line_breaks_are_recorded_whole(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama, separator: str
) -> None:
    answer = f"one two{separator}three four{separator}"
    fake_ollama.add_model(FakeModel("nel:1b", reply=lambda *_: answer))
    fake_ollama.mangle = _raw_json  # Ollama leaves U+0085 raw; send the others raw too
    run = _record(journal, experiment_id, fake_ollama, "nel:1b")
    assert run.status is RunStatus.DONE, run.error
    assert run.response == answer


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        pytest.param(b'{"model":"m","message":{"role":"assistant","content":42},"done":false}',
                     "message.content", id="content-is-a-number"),
        pytest.param(b'{"model":"m","done":false}', "message", id="no-message"),
        pytest.param(b"{}", "message", id="empty-object"),
        pytest.param(b'{"model":"m","message":{"role":"assistant","content":""},"done":true,'
                     b'"total_duration":NaN}', "NaN", id="nan-duration"),
        pytest.param(b"[1, 2]", "not an object", id="an-array"),
        pytest.param(b'{"model": "m", "mess', "not valid JSON", id="cut-in-half"),
    ],
)  # fmt: skip
def test_hostile_stream_values_fail_clearly_with_the_text_kept(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama, line: bytes, kept: str
) -> None:
    sent: list[int] = []

    def mangle(frame: dict[str, Any]) -> dict[str, Any] | bytes:
        sent.append(1)
        return line if len(sent) == 3 else frame

    fake_ollama.mangle = mangle
    run = _record(journal, experiment_id, fake_ollama)
    assert run.status is RunStatus.FAILED
    assert kept in run.error
    assert "U+0085" not in run.error  # a malformed line is not blamed on a character
    assert "Traceback" not in run.error and "pydantic" not in run.error
    assert len(run.response.split()) == 2  # the two chunks before the bad line are kept


def test_a_lone_surrogate_and_invalid_utf8_are_repaired_not_fatal(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    lines = iter(
        [
            b'{"model":"m","message":{"role":"assistant","content":"a\\ud800b"},"done":false}',
            b'{"model":"m","message":{"role":"assistant","content":"c\xffd"},"done":false}',
            b'{"model":"m","message":{"role":"assistant","content":"\\ud83d\\ude00"},"done":false}',
        ]
    )
    fake_ollama.mangle = lambda frame: next(lines, None) if not frame["done"] else frame
    run = _record(journal, experiment_id, fake_ollama)
    assert run.status is RunStatus.DONE, run.error
    assert run.response == "a\ufffdbc\ufffdd\U0001f600"


def test_a_callback_failure_is_ours_not_ollamas(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    def closed_pipe(content: str, thinking: str) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(BrokenPipeError):
        OllamaService(fake_ollama.url).chat(_request("llama3:8b"), closed_pipe, CancelToken())


def _request(model: str) -> ChatRequest:
    return ChatRequest(model=model, messages=[{"role": "user", "content": "x"}])


def test_a_silent_server_is_reported_while_it_is_waited_for_and_stop_works(
    journal: Journal, experiment_id: int, fake_ollama: FakeOllama
) -> None:
    fake_ollama.stall_after = 2  # headers and two chunks, then nothing, for good
    cancel = CancelToken()
    quiet: list[float] = []
    noticed = threading.Event()

    def silent(seconds: float) -> None:
        quiet.append(seconds)
        if len(quiet) >= 3:
            noticed.set()
            cancel.cancel()

    recorder = RunRecorder(journal, OllamaService(fake_ollama.url), silence_after=0.2)
    spec = RunSpec(experiment_id=experiment_id, model="llama3:8b", prompt="x")
    run = recorder.execute(spec, cancel=cancel, events=RunEvents(silent=silent))
    assert noticed.is_set()
    assert quiet == sorted(quiet) and quiet[0] >= 0.2  # counting up
    assert run.status is RunStatus.CANCELLED
    assert len(run.response.split()) == 2


def test_a_server_that_sends_no_headers_is_reported_silent_too(
    fake_ollama: FakeOllama,
) -> None:
    fake_ollama.first_byte_delay = 3600.0  # for good: the test ends it by cancelling
    cancel = CancelToken()
    quiet: list[float] = []

    def silent(seconds: float) -> None:
        quiet.append(seconds)
        cancel.cancel()

    with pytest.raises(StreamCancelled):
        OllamaService(fake_ollama.url).chat(
            _request("llama3:8b"), lambda *_: None, cancel, on_silent=silent, silence_after=0.1
        )
    assert quiet and quiet[0] >= 0.1


def test_a_pull_with_no_internet_says_the_registry_is_out_of_reach(
    fake_ollama: FakeOllama,
) -> None:
    fake_ollama.pull_error = OFFLINE_PULL_ERROR
    with pytest.raises(OllamaRegistryUnreachableError) as caught:
        OllamaService(fake_ollama.url).pull("qwen3:0.6b", lambda *_: None)
    message = caught.value.message
    assert "could not reach its model registry" in message
    assert "ollama create qwen3:0.6b" in message and "GGUF" in message
    assert "mid-stream" not in message


def test_a_pull_stream_that_stops_before_success_is_not_a_pull(fake_ollama: FakeOllama) -> None:
    fake_ollama.pullable["tiny:1b"] = FakeModel("tiny:1b")
    fake_ollama.end_without_done = True
    with pytest.raises(OllamaIncompleteError):
        OllamaService(fake_ollama.url).pull("tiny:1b", lambda *_: None)
    assert "tiny:1b" not in fake_ollama.models
