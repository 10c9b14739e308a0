"""The Ollama service against a real HTTP server speaking Ollama's protocol."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import (
    ModelNotFoundError,
    OllamaResponseError,
    OllamaTimeoutError,
    OllamaUnreachableError,
)
from journal.core.ollama_service import (
    ChatRequest,
    OllamaService,
    normalise_model_name,
    parse_parameters,
)
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama


def _collect(
    service: OllamaService, request: ChatRequest, cancel: CancelToken | None = None
) -> tuple[str, str, dict[str, object]]:
    content: list[str] = []
    thinking: list[str] = []

    def on_chunk(text: str, thought: str) -> None:
        content.append(text)
        thinking.append(thought)

    final = service.chat(request, on_chunk, cancel)
    return "".join(content), "".join(thinking), final


def test_lists_models_with_digest_and_details(fake_ollama: FakeOllama) -> None:
    models = OllamaService(fake_ollama.url).list_models()
    by_name = {model.name: model for model in models}
    llama = by_name["llama3:8b"]
    assert len(llama.digest) == 64
    assert llama.short_digest == llama.digest[:12]
    assert (llama.family, llama.parameter_size, llama.quantization_level) == (
        "llama",
        "8.0B",
        "Q4_0",
    )
    assert by_name["qwen3:0.6b"].family == "qwen3"


def test_show_version_and_find(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    shown = service.show_model("qwen3:0.6b")
    assert "thinking" in shown.capabilities
    assert shown.template
    assert isinstance(shown.parameter_defaults, dict)
    assert service.version() == "0.10.1"
    assert service.find_model("llama3:8b") is not None
    assert service.find_model("nope") is None
    with pytest.raises(ModelNotFoundError, match="ollama pull nope"):
        service.show_model("nope")


def test_parameters_text_becomes_typed_defaults() -> None:
    parsed = parse_parameters('stop "<|eot_id|>"\nstop "<|end|>"\ntemperature 0.7\nnum_ctx 4096')
    assert parsed == {"stop": ["<|eot_id|>", "<|end|>"], "temperature": 0.7, "num_ctx": 4096}


def test_bare_model_names_mean_latest() -> None:
    assert normalise_model_name("llama3") == "llama3:latest"
    assert normalise_model_name("hf.co/org/model:Q4") == "hf.co/org/model:Q4"
    assert normalise_model_name("localhost:5000/model") == "localhost:5000/model:latest"


def test_chat_streams_and_returns_every_final_field(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    request = ChatRequest(
        model="llama3:8b",
        messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
        options={"seed": 42, "temperature": 0.1},
        keep_alive="5m",
    )
    content, thinking, final = _collect(service, request)
    assert content
    assert thinking == ""
    assert final["done"] is True
    assert final["done_reason"] == "stop"
    for key in (
        "total_duration",
        "load_duration",
        "prompt_eval_count",
        "eval_count",
        "eval_duration",
        "prompt_eval_duration",
        "model",
        "created_at",
    ):
        assert key in final, key
    sent = fake_ollama.requests_for("/api/chat")[-1].body
    assert sent is not None
    assert sent["options"] == {"seed": 42, "temperature": 0.1}
    assert sent["messages"][0] == {"role": "system", "content": "be brief"}
    assert sent["keep_alive"] == "5m"
    # deterministic per model and prompt
    assert _collect(service, request)[0] == content


def test_thinking_arrives_separately(fake_ollama: FakeOllama) -> None:
    request = ChatRequest(
        model="qwen3:0.6b", messages=[{"role": "user", "content": "why?"}], think=True
    )
    content, thinking, _ = _collect(OllamaService(fake_ollama.url), request)
    assert thinking and content


def test_think_on_a_model_without_it_is_a_clear_error(fake_ollama: FakeOllama) -> None:
    request = ChatRequest(
        model="llama3:8b", messages=[{"role": "user", "content": "x"}], think=True
    )
    with pytest.raises(OllamaResponseError, match="does not support thinking") as raised:
        _collect(OllamaService(fake_ollama.url), request)
    assert raised.value.status_code == 400


def test_num_predict_truncates_with_length(fake_ollama: FakeOllama) -> None:
    request = ChatRequest(
        model="llama3:8b", messages=[{"role": "user", "content": "x"}], options={"num_predict": 3}
    )
    _, _, final = _collect(OllamaService(fake_ollama.url), request)
    assert final["done_reason"] == "length"
    assert final["eval_count"] == 3


def test_unknown_model_suggests_pull(fake_ollama: FakeOllama) -> None:
    request = ChatRequest(model="mystery:1b", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(ModelNotFoundError) as raised:
        _collect(OllamaService(fake_ollama.url), request)
    assert "ollama pull mystery:1b" in raised.value.message
    assert fake_ollama.url in raised.value.message


def test_error_line_mid_stream_is_typed(fake_ollama: FakeOllama) -> None:
    fake_ollama.error_after = 3
    fake_ollama.error_message = "model runner has unexpectedly stopped"
    request = ChatRequest(model="llama3:8b", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(OllamaResponseError, match="unexpectedly stopped") as raised:
        _collect(OllamaService(fake_ollama.url), request)
    assert raised.value.status_code == -1
    assert "mid-stream" in raised.value.message


@pytest.mark.parametrize("call", ["list", "chat", "version"])
def test_unreachable_server_names_the_host_and_the_fix(call: str) -> None:
    service = OllamaService(UNREACHABLE_HOST)
    calls: dict[str, Callable[[], object]] = {
        "list": service.list_models,
        "version": service.version,
        "chat": lambda: _collect(service, ChatRequest(model="m", messages=[])),
    }
    with pytest.raises(OllamaUnreachableError) as raised:
        calls[call]()
    assert "http://127.0.0.1:9" in raised.value.message
    assert "ollama serve" in raised.value.message


def test_silent_server_hits_the_read_timeout(fake_ollama: FakeOllama) -> None:
    fake_ollama.first_byte_delay = 30
    service = OllamaService(fake_ollama.url, read_timeout=0.3)
    request = ChatRequest(model="llama3:8b", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(OllamaTimeoutError, match="read timeout"):
        _collect(service, request)


@pytest.mark.parametrize("where", ["before the first byte", "mid-stream"])
def test_cancel_from_another_thread_stops_a_silent_stream(
    fake_ollama: FakeOllama, where: str
) -> None:
    if where == "mid-stream":
        fake_ollama.stall_after = 3
    else:
        fake_ollama.first_byte_delay = 60
    cancel = CancelToken()
    chunks: list[str] = []
    outcome: list[object] = []
    service = OllamaService(fake_ollama.url)

    def stream() -> None:
        request = ChatRequest(model="llama3:8b", messages=[{"role": "user", "content": "x"}])
        try:
            service.chat(request, lambda text, _: chunks.append(text), cancel)
        except StreamCancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=stream)
    worker.start()
    fake_ollama.wait_for_requests(1)
    if where == "mid-stream":
        deadline = time.monotonic() + 5
        while len(chunks) < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(chunks) == 3
    started = time.monotonic()
    cancel.cancel()
    worker.join(timeout=5)
    elapsed = time.monotonic() - started
    assert not worker.is_alive()
    assert len(outcome) == 1
    # Generous bound: proves we do not wait for the server (benchmarks print the real figure).
    assert elapsed < 2.0


def test_cancel_before_start_never_sends(fake_ollama: FakeOllama) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(StreamCancelled):
        OllamaService(fake_ollama.url).chat(
            ChatRequest(model="llama3:8b", messages=[{"role": "user", "content": "x"}]),
            lambda *_: None,
            cancel,
        )
    assert fake_ollama.requests_for("/api/chat") == []


def test_pull_reports_progress_then_the_model_is_listed(fake_ollama: FakeOllama) -> None:
    from tests.fake_ollama import FakeModel

    fake_ollama.pullable["tinyllama:1b"] = FakeModel(name="tinyllama:1b")
    service = OllamaService(fake_ollama.url)
    progress: list[tuple[str, int, int]] = []
    service.pull("tinyllama:1b", lambda *step: progress.append(step))
    assert progress[-1][0] == "success"
    assert any(total and completed == total for _, completed, total in progress)
    assert service.find_model("tinyllama:1b") is not None


def test_pull_of_an_unknown_model_fails_clearly(fake_ollama: FakeOllama) -> None:
    with pytest.raises(OllamaResponseError, match="file does not exist"):
        OllamaService(fake_ollama.url).pull("nope:1b", lambda *_: None)


def test_huge_prompt_and_odd_unicode_round_trip(fake_ollama: FakeOllama) -> None:
    prompt = ("🧪 ünï \u200b\u202e ``` " * 40_000)[:1_000_000]
    request = ChatRequest(model="llama3:8b", messages=[{"role": "user", "content": prompt}])
    content, _, _ = _collect(OllamaService(fake_ollama.url), request)
    assert content
    body = fake_ollama.requests_for("/api/chat")[-1].body
    assert body is not None
    assert body["messages"][0]["content"] == prompt


@pytest.mark.parametrize(
    ("given", "sent"), [("5m", "5m"), ("0", 0), ("-1", -1), ("90", 90), ("1.5", 1.5), (None, None)]
)
def test_keep_alive_numbers_go_out_as_numbers(
    fake_ollama: FakeOllama, given: str | None, sent: object
) -> None:
    request = ChatRequest(
        model="llama3:8b", messages=[{"role": "user", "content": "x"}], keep_alive=given
    )
    _collect(OllamaService(fake_ollama.url), request)
    body = fake_ollama.requests_for("/api/chat")[-1].body
    assert body is not None
    assert body.get("keep_alive") == sent
