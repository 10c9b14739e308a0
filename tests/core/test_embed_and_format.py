"""/api/embed and structured output (`format`) through the service, against the fake
(which follows Ollama 0.10.1's shapes and errors, captured from it), and the host gate that
lets the person's runs go first."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import (
    InvalidInputError,
    ModelNotFoundError,
    OllamaResponseError,
    OllamaUnreachableError,
)
from journal.core.host_gate import HostGate, gate_for
from journal.core.ollama_service import ChatRequest, OllamaService
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeModel, FakeOllama

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pass": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
        "rivers": {"type": "array", "items": {"type": "string"}, "minItems": 3},
        "kind": {"enum": ["wide", "long"]},
    },
    "required": ["pass", "score", "reason", "rivers", "kind"],
}


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embed_gives_one_unit_vector_per_text(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    texts = ["The Rhine flows north", "the rhine flows to the north sea", "Quantum tunnelling"]
    vectors = service.embed("llama3:8b", texts)
    assert len(vectors) == 3 and {len(vector) for vector in vectors} == {384}
    assert all(abs(_cosine(vector, vector) - 1) < 1e-6 for vector in vectors)
    assert _cosine(vectors[0], vectors[1]) > 0.5 > _cosine(vectors[0], vectors[2])
    assert service.embed("llama3:8b", texts[:1]) == vectors[:1]  # deterministic
    sent = fake_ollama.requests_for("/api/embed")[0].body
    assert sent == {"model": "llama3:8b", "input": texts}


def test_embed_errors_are_the_typed_ones(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    with pytest.raises(ModelNotFoundError, match="nomic-embed-text"):
        service.embed("nomic-embed-text", ["x"])
    with pytest.raises(InvalidInputError, match="cannot embed an empty text"):
        service.embed("llama3:8b", ["x", ""])
    assert service.embed("llama3:8b", []) == []
    with pytest.raises(OllamaUnreachableError):
        OllamaService(UNREACHABLE_HOST).embed("llama3:8b", ["x"])
    cancelled = CancelToken()
    cancelled.cancel()
    with pytest.raises(StreamCancelled):
        service.embed("llama3:8b", ["x"], cancel=cancelled)


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"model": "llama3:8b", "input": ""}, 200, {"model": "llama3:8b", "embeddings": []}),
        ({"model": "llama3:8b"}, 200, {"model": "llama3:8b", "embeddings": []}),
        (
            {"model": "llama3:8b", "input": ["a", ""]},
            500,
            {"error": "Failed to create new sequence: no input provided"},
        ),
        ({"model": "llama3:8b", "input": 5}, 400, {"error": "invalid input type"}),
        ({"model": "nope", "input": 5}, 400, {"error": "invalid input type"}),
        (
            {"model": "nope", "input": "x"},
            404,
            {"error": 'model "nope" not found, try pulling it first'},
        ),
    ],
)
def test_fake_embed_answers_like_ollama(
    fake_ollama: FakeOllama, body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    response = httpx.post(f"{fake_ollama.url}/api/embed", json=body)
    assert (response.status_code, response.json()) == (status, answer)


def test_fake_embed_reports_what_ollama_reports(fake_ollama: FakeOllama) -> None:
    body = httpx.post(
        f"{fake_ollama.url}/api/embed", json={"model": "llama3:8b", "input": "hello world"}
    ).json()
    assert set(body) == {
        "model",
        "embeddings",
        "total_duration",
        "load_duration",
        "prompt_eval_count",
    }


def _chat(service: OllamaService, request: ChatRequest) -> tuple[str, dict[str, Any]]:
    parts: list[str] = []
    final = service.chat(request, lambda content, _: parts.append(content))
    return "".join(parts), final


def test_a_schema_format_gives_a_reply_that_follows_it(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    messages = [{"role": "user", "content": "Grade this"}]
    reply, final = _chat(service, ChatRequest("llama3:8b", messages, format=SCHEMA))
    Draft202012Validator(SCHEMA).validate(json.loads(reply))
    assert final["done_reason"] == "stop"
    assert fake_ollama.requests_for("/api/chat")[0].body["format"] == SCHEMA
    again, _ = _chat(service, ChatRequest("llama3:8b", messages, format=SCHEMA))
    assert again == reply  # the same request, the same reply
    plain, _ = _chat(service, ChatRequest("llama3:8b", messages, format="json"))
    assert isinstance(json.loads(plain), dict)
    text, _ = _chat(service, ChatRequest("llama3:8b", messages))
    assert "format" not in fake_ollama.requests_for("/api/chat")[-1].body
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_a_scripted_reply_is_sent_as_it_is_whatever_the_format(
    fake_ollama: FakeOllama,
) -> None:
    fake_ollama.add_model(FakeModel("judge:1b", reply=lambda messages, options: "not json"))
    reply, _ = _chat(
        OllamaService(fake_ollama.url),
        ChatRequest("judge:1b", [{"role": "user", "content": "x"}], format=SCHEMA),
    )
    assert reply == "not json"


def test_a_schema_ollama_cannot_use_is_its_error(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    request = ChatRequest(
        "llama3:8b", [{"role": "user", "content": "x"}], format={"type": "banana"}
    )
    with pytest.raises(OllamaResponseError) as caught:
        _chat(service, request)
    assert caught.value.detail == "invalid JSON schema in format"


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("xml", 'invalid format: "\\"xml\\""; expected "json" or a valid JSON Schema object'),
        (5, 'invalid format: "5"; expected "json" or a valid JSON Schema object'),
        ({"type": "banana"}, "invalid JSON schema in format"),
    ],
)
def test_fake_refuses_a_format_like_ollama(fake_ollama: FakeOllama, fmt: Any, message: str) -> None:
    body = {"model": "llama3:8b", "messages": [{"role": "user", "content": "x"}], "format": fmt}
    plain = httpx.post(f"{fake_ollama.url}/api/chat", json={**body, "stream": False})
    assert (plain.status_code, plain.json()) == (500, {"error": message})
    streamed = httpx.post(f"{fake_ollama.url}/api/chat", json=body)
    assert streamed.status_code == 200
    assert [json.loads(line) for line in streamed.text.splitlines()] == [{"error": message}]
    load = httpx.post(f"{fake_ollama.url}/api/chat", json={**body, "messages": []})
    assert json.loads(load.text)["done_reason"] == "load"  # checked after a load request


# -- the host gate ---------------------------------------------------------------------


def test_a_run_holds_its_hosts_gate_while_it_streams(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    gate = gate_for(service.host)
    fake_ollama.stall_after = 1
    cancel = CancelToken()
    done = threading.Event()

    def run() -> None:
        try:
            service.chat(
                ChatRequest("llama3:8b", [{"role": "user", "content": "x"}]), _ignore, cancel
            )
        except StreamCancelled:
            pass
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    fake_ollama.wait_for_requests(1)
    assert gate.runs == 1
    waiting = CancelToken()
    turn = threading.Thread(target=_take_turn, args=(gate, waiting))
    turn.start()
    assert not done.is_set() and gate.background == 0  # the judge waits behind the run
    cancel.cancel()
    thread.join(10)
    turn.join(10)
    assert gate.runs == 0 and not turn.is_alive()
    # A background chat does not count as a run.
    fake_ollama.stall_after = None
    service.chat(
        ChatRequest("llama3:8b", [{"role": "user", "content": "x"}]), _ignore, background=True
    )
    assert gate.runs == 0


def _ignore(content: str, thinking: str) -> None:
    pass


def _take_turn(gate: HostGate, cancel: CancelToken) -> None:
    with gate.background_turn(cancel):
        pass


def test_waiting_for_a_turn_can_be_cancelled() -> None:
    gate = HostGate()
    cancel = CancelToken()
    failures: list[BaseException] = []

    def wait() -> None:
        try:
            with gate.background_turn(cancel):
                failures.append(AssertionError("got a turn while a run streams"))
        except StreamCancelled as exc:
            failures.append(exc)

    with gate.foreground():
        thread = threading.Thread(target=wait)
        thread.start()
        cancel.cancel()
        thread.join(10)
    assert len(failures) == 1 and isinstance(failures[0], StreamCancelled)
    assert gate.background == 0
    with gate.background_turn():
        assert gate.background == 1


def test_generate_follows_a_schema_too(fake_ollama: FakeOllama) -> None:
    answer = httpx.post(
        f"{fake_ollama.url}/api/generate",
        json={"model": "llama3:8b", "prompt": "x", "format": SCHEMA, "stream": False},
    ).json()
    Draft202012Validator(SCHEMA).validate(json.loads(answer["response"]))
