"""Pin the fake Ollama's wire protocol against the real ``ollama`` client and httpx.

Why: every other test of the journal trusts this fake. If it drifted from Ollama's real
behaviour (field names, error statuses, when headers arrive) those tests would pass against
a server that does not exist. These tests also pin how the ``ollama`` 0.6.3 client turns
each failure into an exception, which the journal's error handling depends on.
"""

# ruff: noqa: F811  (pytest idiom: tests take the imported ``fake_ollama`` fixture by name)
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import ollama
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fake_ollama import (
    FakeModel,
    FakeOllama,
    RecordedRequest,
    default_reply,
    fake_ollama,  # noqa: F401  (the fixture)
    tokenize,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client(fake_ollama: FakeOllama) -> Iterator[ollama.Client]:
    """The real client, closed afterwards (pytest fails tests on leaked sockets)."""
    with ollama.Client(host=fake_ollama.url) as real_client:
        yield real_client


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def echo_model(name: str = "echo:latest") -> FakeModel:
    """A model whose answer is the last user message, for round-trip tests."""
    return FakeModel(name=name, reply=lambda messages, options: str(messages[-1]["content"]))


T = TypeVar("T")


def drain(items: Iterable[T], into: list[T]) -> None:
    """Collect a stream into ``into`` so a test can still see what came before a failure."""
    into.extend(items)


def ndjson(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.iter_lines() if line]


# ------------------------------------------------------------------------- basic endpoints


def test_root_version_and_head(fake_ollama: FakeOllama) -> None:
    root = httpx.get(fake_ollama.url)
    assert (root.status_code, root.text) == (200, "Ollama is running")
    head = httpx.head(fake_ollama.url)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == "17"
    version = httpx.get(f"{fake_ollama.url}/api/version")
    assert version.json() == {"version": "0.10.1"}
    assert version.headers["content-type"].startswith("application/json")


def test_list_models_fields(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    listed = client.list()
    by_name = {m.model: m for m in listed.models}
    assert set(by_name) == {"llama3:8b", "qwen3:0.6b"}
    llama = by_name["llama3:8b"]
    assert llama.digest is not None
    assert HEX64.match(llama.digest)
    assert llama.size == 4_661_224_676
    assert llama.modified_at is not None
    assert llama.modified_at.tzinfo is not None
    assert llama.details is not None
    assert (llama.details.family, llama.details.parameter_size) == ("llama", "8.0B")
    assert llama.details.quantization_level == "Q4_0"
    qwen = by_name["qwen3:0.6b"].details
    assert qwen is not None
    assert (qwen.family, qwen.parameter_size, qwen.quantization_level) == (
        "qwen3",
        "751.63M",
        "Q8_0",
    )
    raw = httpx.get(f"{fake_ollama.url}/api/tags").json()["models"][0]
    assert raw["name"] == raw["model"] == "llama3:8b"
    assert raw["details"]["families"] == ["llama"]
    assert raw["details"]["parent_model"] == ""
    assert datetime.fromisoformat(raw["modified_at"]).tzinfo is not None


def test_digest_is_stable_and_validated() -> None:
    assert FakeModel("a:b").digest == FakeModel("a:b").digest != FakeModel("a:c").digest
    with pytest.raises(ValueError, match="64 lowercase hex"):
        FakeModel("a:b", digest="sha256:abc")


def test_show(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    shown = client.show("qwen3:0.6b")
    assert shown.capabilities == ["completion", "thinking"]
    assert shown.modelinfo is not None
    assert shown.modelinfo["general.architecture"] == "qwen3"
    assert shown.modelinfo["qwen3.context_length"] == 40960
    assert shown.modelinfo["general.parameter_count"] == 751_630_000
    assert shown.parameters is not None
    assert "temperature 0.6" in shown.parameters
    assert shown.modelfile is not None
    assert shown.modelfile.startswith("# Modelfile")
    raw = httpx.post(f"{fake_ollama.url}/api/show", json={"model": "llama3:8b"}).json()
    assert "system" not in raw  # omitted when empty, like Go's omitempty
    assert raw["license"]
    assert raw["template"]
    assert raw["details"]["family"] == "llama"
    fake_ollama.add_model(FakeModel("sys:1b", system="You are terse."))
    assert httpx.post(f"{fake_ollama.url}/api/show", json={"model": "sys:1b"}).json()["system"] == (
        "You are terse."
    )
    with pytest.raises(ollama.ResponseError) as info:
        client.show("missing:7b")
    assert info.value.status_code == 404
    assert info.value.error == "model 'missing:7b' not found"


def test_bare_name_means_latest(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.add_model(echo_model("echo:latest"))
    answer = client.chat("echo", messages=user("ping"))
    assert answer.model == "echo"  # Ollama echoes the name as requested
    assert answer.message.content == "ping"


def test_ps_tracks_loaded_models_and_keep_alive(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    assert client.ps().models == []
    load = client.chat("llama3:8b", messages=[])
    assert (load.done, load.done_reason) == (True, "load")
    assert load.eval_count is None
    assert load.total_duration is None
    loaded = client.ps().models
    assert [m.model for m in loaded] == ["llama3:8b"]
    assert loaded[0].expires_at is not None
    assert loaded[0].expires_at > datetime.now(UTC)
    assert loaded[0].size_vram == 4_661_224_676
    assert loaded[0].context_length == 8192
    client.chat("llama3:8b", messages=user("hi"), options={"num_ctx": 2048}, keep_alive="10m")
    assert client.ps().models[0].context_length == 2048
    unload = client.chat("llama3:8b", messages=[], keep_alive=0)
    assert unload.done_reason == "unload"
    assert client.ps().models == []
    client.generate("qwen3:0.6b", "hi", keep_alive=0)
    assert client.ps().models == []


# ------------------------------------------------------------------------------ chat


def test_chat_stream_matches_non_stream(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    whole = client.chat("llama3:8b", messages=user("Why is the sky blue?"))
    parts = list(client.chat("llama3:8b", messages=user("Why is the sky blue?"), stream=True))
    body, final = parts[:-1], parts[-1]
    text = "".join(p.message.content or "" for p in body)
    assert text == whole.message.content
    assert 20 <= len(text.split()) <= 60
    assert all(not p.done and p.message.role == "assistant" for p in body)
    assert body[0].message.content
    assert not body[0].message.content.startswith(" ")
    assert all((p.message.content or "").startswith(" ") for p in body[1:])
    assert final.done
    assert final.done_reason == "stop"
    assert final.message.content == ""
    assert final.eval_count == len(body) == whole.eval_count
    for name in ("total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration"):
        assert isinstance(getattr(final, name), int)
        assert getattr(final, name) > 0
    assert final.eval_duration is not None
    assert final.total_duration is not None
    assert final.total_duration > final.eval_duration > 0
    assert (final.total_duration, final.eval_duration) == (
        whole.total_duration,
        whole.eval_duration,
    )
    assert final.created_at is not None
    assert final.created_at.endswith("Z")


def test_replies_are_deterministic(fake_ollama: FakeOllama, client: ollama.Client) -> None:

    def ask(model: str = "llama3:8b", system: str | None = None, **options: Any) -> str:
        messages = ([{"role": "system", "content": system}] if system else []) + user("Hi")
        return client.chat(model, messages=messages, options=options).message.content or ""

    first = ask(seed=1)
    assert ask(seed=1) == first == ask(seed=1, temperature=0.2)
    assert ask(seed=2) != first
    assert ask("qwen3:0.6b", seed=1) != first
    assert ask(system="Be brief.", seed=1) != first


@settings(max_examples=40, deadline=None, database=None)
@given(text=st.text(), seed=st.integers(min_value=-(2**31), max_value=2**31))
def test_default_reply_properties(text: str, seed: int) -> None:
    reply = default_reply("m:1", user(text), {"seed": seed})
    assert reply == default_reply("m:1", user(text), {"seed": seed})
    assert 20 <= len(reply.split()) <= 60
    assert "".join(tokenize(text)) == text


def test_num_predict_truncates_with_length(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    full = client.chat("llama3:8b", messages=user("count")).message.content or ""
    parts = list(
        client.chat("llama3:8b", messages=user("count"), options={"num_predict": 3}, stream=True)
    )
    assert len(parts) == 4
    assert "".join(p.message.content or "" for p in parts) == "".join(tokenize(full)[:3])
    assert (parts[-1].done_reason, parts[-1].eval_count) == ("length", 3)
    roomy = client.chat("llama3:8b", messages=user("count"), options={"num_predict": 1000})
    assert roomy.done_reason == "stop"


def test_stop_sequences_cut_before_first_match(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    full = client.chat("llama3:8b", messages=user("story")).message.content or ""
    stop = tokenize(full)[6]
    cut = client.chat("llama3:8b", messages=user("story"), options={"stop": ["never-there", stop]})
    assert cut.message.content == full[: full.find(stop)]
    assert cut.done_reason == "stop"
    assert cut.eval_count == len(tokenize(full[: full.find(stop)]))


def test_failing_reply_function_is_a_500(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    def broken(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        raise RuntimeError("boom")

    fake_ollama.add_model(FakeModel("broken:1b", reply=broken))
    with pytest.raises(ollama.ResponseError) as info:
        client.chat("broken:1b", messages=user("x"))
    assert info.value.status_code == 500
    assert "boom" in info.value.error


def test_empty_answer_omits_zero_metrics(fake_ollama: FakeOllama) -> None:
    fake_ollama.add_model(FakeModel("mute:1b", reply=lambda messages, options: ""))
    with httpx.stream(
        "POST", f"{fake_ollama.url}/api/chat", json={"model": "mute:1b", "messages": user("?")}
    ) as response:
        lines = ndjson(response)
    assert len(lines) == 1
    assert "eval_count" not in lines[0]
    assert "eval_duration" not in lines[0]
    assert lines[0]["prompt_eval_count"] > 0


def test_thinking_model_streams_thinking_first(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    parts = list(client.chat("qwen3:0.6b", messages=user("2+2?"), think=True, stream=True))
    thinking = [p for p in parts if p.message.thinking]
    content = [p for p in parts if p.message.content]
    assert thinking
    assert content
    assert parts.index(thinking[-1]) < parts.index(content[0])
    assert all(p.message.content == "" for p in thinking)
    whole = client.chat("qwen3:0.6b", messages=user("2+2?"), think=True)
    assert whole.message.thinking == "".join(p.message.thinking or "" for p in thinking)
    assert whole.message.content == "".join(p.message.content or "" for p in content)
    plain = client.chat("qwen3:0.6b", messages=user("2+2?"), think=False)
    assert plain.message.thinking is None
    assert plain.message.content == whole.message.content
    generated = client.generate("qwen3:0.6b", "2+2?", think="high")
    assert generated.thinking
    assert generated.response == whole.message.content


def test_think_on_plain_model_is_400(client: ollama.Client) -> None:
    with pytest.raises(ollama.ResponseError) as info:
        client.chat("llama3:8b", messages=user("x"), think=True)
    assert info.value.status_code == 400
    # Pinned against real Ollama 0.10.1.
    assert info.value.error == "registry.ollama.ai/library/llama3:8b does not support thinking"


def test_unknown_model_is_404_before_streaming(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    with pytest.raises(ollama.ResponseError) as info:
        client.chat("ghost:1b", messages=user("x"))
    # Pinned against real Ollama 0.10.1: /api/chat words it unlike /api/show and /api/generate.
    assert (info.value.status_code, info.value.error) == (
        404,
        'model "ghost:1b" not found, try pulling it first',
    )
    stream = client.chat("ghost:1b", messages=user("x"), stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        next(iter(stream))  # lazy: the request is only sent here
    assert info.value.status_code == 404
    assert "not found" in info.value.error
    raw = httpx.post(f"{fake_ollama.url}/api/generate", json={"model": "ghost:1b", "prompt": "x"})
    assert raw.status_code == 404
    assert raw.headers["content-type"].startswith("application/json")


def test_error_line_mid_stream(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.error_after = 2
    received: list[ollama.ChatResponse] = []
    stream = client.chat("llama3:8b", messages=user("x"), stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        drain(stream, received)
    assert len(received) == 2
    assert info.value.status_code == -1  # the client's marker for "error line, HTTP was 200"
    assert info.value.error == fake_ollama.error_message
    with httpx.stream(
        "POST", f"{fake_ollama.url}/api/chat", json={"model": "llama3:8b", "messages": user("x")}
    ) as response:
        assert response.status_code == 200
        lines = ndjson(response)
    assert lines[-1] == {"error": fake_ollama.error_message}
    assert len(lines) == 3
    # Non-streaming Ollama reports the same failure as HTTP 500.
    with pytest.raises(ollama.ResponseError) as info:
        client.chat("llama3:8b", messages=user("x"))
    assert info.value.status_code == 500


def test_generate_streams_response_field(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    parts = list(client.generate("llama3:8b", "Hello", system="Be kind.", stream=True))
    assert all(p.response is not None for p in parts)
    text = "".join(p.response or "" for p in parts)
    chat = client.chat(
        "llama3:8b",
        messages=[{"role": "system", "content": "Be kind."}, *user("Hello")],
    )
    assert text == chat.message.content  # same inputs, same answer, whichever endpoint
    assert parts[-1].done
    assert parts[-1].done_reason == "stop"
    load = client.generate("llama3:8b", "")
    assert (load.done_reason, load.response) == ("load", "")


def test_chunks_per_reply_for_benchmarks(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.chunks_per_reply = 5000
    parts = list(client.chat("llama3:8b", messages=user("long"), stream=True))
    assert len(parts) == 5001
    assert parts[-1].eval_count == 5000
    fake_ollama.chunks_per_reply = 2
    assert len(tokenize(client.chat("llama3:8b", messages=user("x")).message.content or "")) == 2


# ------------------------------------------------------------------------------ wire format


def test_stream_wire_format(fake_ollama: FakeOllama) -> None:
    body = {"model": "llama3:8b", "messages": user("hi")}  # no "stream": Ollama streams
    with httpx.stream("POST", f"{fake_ollama.url}/api/chat", json=body) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        assert response.headers["transfer-encoding"] == "chunked"
        assert "server" not in response.headers
        lines = ndjson(response)
    assert set(lines[0]) == {"model", "created_at", "message", "done"}
    assert lines[0]["message"]["role"] == "assistant"
    assert set(lines[-1]) == {
        "model", "created_at", "message", "done", "done_reason", "total_duration",
        "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count",
        "eval_duration",
    }  # fmt: skip
    whole = httpx.post(f"{fake_ollama.url}/api/chat", json={**body, "stream": False})
    assert whole.headers["content-type"].startswith("application/json")
    assert "content-length" in whole.headers


def test_http_errors(fake_ollama: FakeOllama) -> None:
    url = fake_ollama.url
    missing = httpx.get(f"{url}/api/nothing")
    assert (missing.status_code, missing.text) == (404, "404 page not found")
    assert httpx.get(f"{url}/api/chat").status_code == 405
    assert httpx.post(f"{url}/api/tags").status_code == 405
    bad = httpx.post(f"{url}/api/chat", content=b"{nope")
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("invalid character")
    empty = httpx.post(f"{url}/api/chat")
    assert (empty.status_code, empty.json()) == (400, {"error": "missing request body"})
    no_model = httpx.post(f"{url}/api/chat", json={"messages": user("x")})
    assert (no_model.status_code, no_model.json()) == (400, {"error": "model is required"})
    bad_keep = httpx.post(f"{url}/api/chat", json={"model": "llama3:8b", "keep_alive": "soon"})
    assert bad_keep.status_code == 400
    assert "invalid duration" in bad_keep.json()["error"]


def test_requests_are_recorded(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    client.chat("llama3:8b", messages=user("hi"), options={"seed": 7, "temperature": 0})
    fake_ollama.wait_for_requests(1)
    assert fake_ollama.requests[-1] == RecordedRequest(
        "POST",
        "/api/chat",
        {
            "model": "llama3:8b",
            "stream": False,
            "options": {"seed": 7, "temperature": 0},
            "messages": user("hi"),
            "tools": [],  # the 0.6.3 client always sends an empty tools list
        },
    )
    client.list()
    method, path, body = fake_ollama.requests[-1]
    assert (method, path, body) == ("GET", "/api/tags", None)
    assert len(fake_ollama.requests_for("/api/chat")) == 1
    with pytest.raises(TimeoutError):
        fake_ollama.wait_for_requests(99, timeout=0.05)


def test_huge_prompt(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    prompt = "word " * 200_000  # 1 MB
    parts = list(client.chat("llama3:8b", messages=user(prompt), stream=True))
    assert parts[-1].done
    assert (parts[-1].prompt_eval_count or 0) > 200_000
    assert fake_ollama.requests[-1].body["messages"][0]["content"] == prompt
    fake_ollama.add_model(echo_model())
    assert client.chat("echo:latest", messages=user(prompt)).message.content == prompt


def test_odd_unicode_round_trips(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.add_model(echo_model())
    odd = "naïve 👩‍👩‍👧 ‮RTL‬ e\u0301 \x00 \u2028 漢字 \t\n\r 𝔘𝔫𝔦 ﷽ \ufeff end"
    whole = client.chat("echo:latest", messages=user(odd))
    assert whole.message.content == odd
    streamed = client.chat("echo:latest", messages=user(odd), stream=True)
    assert "".join(p.message.content or "" for p in streamed) == odd
    assert fake_ollama.requests[-1].body["messages"][0]["content"] == odd
    # Lone surrogates cannot be UTF-8: like Go, the fake answers with U+FFFD instead.
    raw = httpx.post(
        f"{fake_ollama.url}/api/chat",
        content=b'{"model":"echo:latest","stream":false,"messages":[{"role":"user","content":"a\\ud800b"}]}',
    )
    assert raw.json()["message"]["content"] == "a\ufffdb"
    # Go's encoder escapes <>& and U+2028/U+2029 (httpx's iter_lines would split on the
    # latter); the fake must too, or streams with them would break only in tests.
    html = httpx.post(
        f"{fake_ollama.url}/api/chat",
        json={"model": "echo:latest", "stream": False, "messages": user("<a&b>\u2028")},
    )
    assert b'"content":"\\u003ca\\u0026b\\u003e\\u2028"' in html.content
    # U+0085 (NEL) is sent raw by Go, but httpx's iter_lines treats it as a line break, so
    # the ollama client's stream parser chokes on it: a real-Ollama hazard, pinned here.
    nel = client.chat("echo:latest", messages=user("a\x85b"), stream=True)
    with pytest.raises(json.JSONDecodeError):
        drain(nel, [])
    assert client.chat("echo:latest", messages=user("a\x85b")).message.content == "a\x85b"
    assert default_reply("m", user("\ud800"), {}) == default_reply("m", user("\ud800"), {})


# ------------------------------------------------------------------------------------ pull


def test_pull_progress_then_listed(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.pullable["tiny:1b"] = FakeModel("tiny:1b", size=1_000_000)
    fake_ollama.pull_step_delay = 0.005
    started = time.monotonic()
    parts = list(client.pull("tiny:1b", stream=True))
    assert time.monotonic() - started >= 0.005 * 10
    statuses = [p.status for p in parts]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    layers = [p for p in parts if (p.status or "").startswith("pulling ") and p.digest]
    assert layers
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", p.digest or "") for p in layers)
    assert all(p.status == f"pulling {(p.digest or '')[7:19]}" for p in layers)
    big = [p for p in layers if p.digest == layers[0].digest]
    assert big[0].completed is None  # Go omits completed=0: consumers must default it
    completed = [p.completed or 0 for p in big]
    assert completed == sorted(completed)
    assert completed[-1] == big[-1].total
    assert sum(p.total or 0 for p in {p.digest: p for p in layers}.values()) == 1_000_000
    assert "tiny:1b" in {m.model for m in client.list().models}
    assert client.pull("tiny:1b").status == "success"


def test_pull_unknown_model(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    seen: list[ollama.ProgressResponse] = []
    stream = client.pull("nothing:here", stream=True)
    with pytest.raises(ollama.ResponseError) as info:
        drain(stream, seen)
    assert [p.status for p in seen] == ["pulling manifest"]
    assert (info.value.error, info.value.status_code) == (
        "pull model manifest: file does not exist",
        -1,
    )
    with pytest.raises(ollama.ResponseError) as info:
        client.pull("nothing:here")
    assert info.value.status_code == 500


# -------------------------------------------------------------------- delays, stalls, death


def test_first_byte_delay_sends_no_headers(fake_ollama: FakeOllama) -> None:
    # A delay longer than any test: what is checked is that no headers come, not when.
    fake_ollama.first_byte_delay = 3600.0
    body = {"model": "llama3:8b", "messages": user("x")}
    with (
        httpx.Client(timeout=httpx.Timeout(5, read=0.1)) as http,
        pytest.raises(httpx.ReadTimeout),
        http.stream("POST", f"{fake_ollama.url}/api/chat", json=body),
    ):
        pass  # pragma: no cover - the headers never arrive
    # The ollama client does not wrap timeouts: a raw httpx.ReadTimeout escapes.
    with (
        ollama.Client(host=fake_ollama.url, timeout=0.1) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.chat("llama3:8b", messages=user("x"))
    # Both waits notice the clients hanging up (a generous bound, not a timing check).
    fake_ollama.wait_until_idle(timeout=60)
    assert fake_ollama.disconnects == 2


def test_stall_after_headers_and_chunks(fake_ollama: FakeOllama) -> None:
    fake_ollama.stall_after = 2
    body = {"model": "llama3:8b", "messages": user("x")}
    got: list[str] = []
    with (
        httpx.Client(timeout=httpx.Timeout(5, read=0.1)) as http,
        http.stream("POST", f"{fake_ollama.url}/api/chat", json=body) as response,
    ):
        assert response.status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            drain(response.iter_lines(), got)
    assert len(got) == 2
    assert not json.loads(got[-1])["done"]
    fake_ollama.wait_until_idle()
    # Meanwhile other endpoints keep answering (the server is threaded).
    fake_ollama.stall_after = 0
    with httpx.stream("POST", f"{fake_ollama.url}/api/chat", json=body) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        assert httpx.get(f"{fake_ollama.url}/api/tags").status_code == 200
    fake_ollama.wait_until_idle()


def test_stop_during_stall_ends_stream_quickly(
    fake_ollama: FakeOllama, client: ollama.Client
) -> None:
    fake_ollama.stall_after = 2
    fake_ollama.chunk_delay = 0.001
    received: list[str] = []
    errors: list[BaseException] = []
    two_chunks = threading.Event()

    def read() -> None:
        try:
            for part in client.chat("llama3:8b", messages=user("x"), stream=True):
                received.append(part.message.content or "")
                if len(received) == 2:
                    two_chunks.set()
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert two_chunks.wait(5)
    started = time.monotonic()
    fake_ollama.stop()
    reader.join(5)
    assert not reader.is_alive()
    assert time.monotonic() - started < 1
    assert len(received) == 2
    # A server dying mid-stream surfaces as a raw httpx error, not ollama.ResponseError.
    assert len(errors) == 1
    assert isinstance(errors[0], httpx.RemoteProtocolError)


def test_server_down_errors_and_restart(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    assert client.list().models  # leaves a pooled keep-alive connection behind
    url = fake_ollama.url
    fake_ollama.stop()
    with pytest.raises(ConnectionError):  # the builtin, raised by non-streaming calls
        client.list()
    stream = client.chat("llama3:8b", messages=user("x"), stream=True)
    with pytest.raises(httpx.ConnectError):  # streaming calls leak httpx's own error
        next(iter(stream))
    fake_ollama.start()  # "Ollama restarted": same port, nothing loaded
    assert fake_ollama.url == url
    assert client.list().models
    assert client.ps().models == []


def test_context_manager_and_cli() -> None:
    with FakeOllama([FakeModel("solo:1b")], version="9.9.9") as fake:
        assert httpx.get(f"{fake.url}/api/version").json() == {"version": "9.9.9"}
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{fake.url}/api/version")
    with subprocess.Popen(
        [sys.executable, "-m", "tests.fake_ollama", "--port", "0", "--chunk-delay", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
            with ollama.Client(host=url) as cli_client:
                assert {m.model for m in cli_client.list().models} >= {"llama3:8b"}
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=5) == 0
        finally:
            if process.poll() is None:
                process.kill()
