"""The fake server must agree with real Ollama on everything the journal relies on.

Each test sends the same request to both and compares shapes (keys, statuses, message
wording), never model text. When real Ollama changes, these fail first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_ollama import FakeModel, FakeOllama

pytestmark = pytest.mark.ollama


@pytest.fixture
def fake(real_model: str) -> Iterator[FakeOllama]:
    # The fake serves a model of the same name, so requests can be identical.
    with FakeOllama([FakeModel(real_model)]) as server:
        yield server


def _both(
    real: str, fake: FakeOllama, method: str, path: str, body: Any = None
) -> tuple[httpx.Response, httpx.Response]:
    def send(base: str) -> httpx.Response:
        return httpx.request(method, f"{base}{path}", json=body, timeout=120)

    return send(real), send(fake.url)


def _lines(response: httpx.Response) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def test_tags_entries_have_the_same_fields(real_ollama: str, fake: FakeOllama) -> None:
    real, faked = _both(real_ollama, fake, "GET", "/api/tags")
    real_entry, fake_entry = real.json()["models"][0], faked.json()["models"][0]
    assert set(fake_entry) == set(real_entry)
    assert set(fake_entry["details"]) == set(real_entry["details"])
    assert len(fake_entry["digest"]) == len(real_entry["digest"]) == 64


def test_show_has_the_fields_the_journal_reads(
    real_ollama: str, fake: FakeOllama, real_model: str
) -> None:
    real, faked = _both(real_ollama, fake, "POST", "/api/show", {"model": real_model})
    wanted = {"parameters", "template", "details", "model_info", "capabilities", "modified_at"}
    assert wanted <= set(real.json()) and wanted <= set(faked.json())


def test_streamed_chat_chunks_have_the_same_shape(
    real_ollama: str, fake: FakeOllama, real_model: str
) -> None:
    body = {
        "model": real_model,
        "messages": [{"role": "user", "content": "Hi"}],
        "options": {"num_predict": 4, "temperature": 0},
    }
    real, faked = _both(real_ollama, fake, "POST", "/api/chat", body)
    assert real.headers["content-type"] == faked.headers["content-type"]
    real_lines, fake_lines = _lines(real), _lines(faked)
    assert set(fake_lines[0]) == set(real_lines[0])
    assert set(fake_lines[-1]) == set(real_lines[-1])
    assert fake_lines[-1]["done_reason"] == real_lines[-1]["done_reason"] == "length"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/chat",
            {"model": "no-such-model:1b", "messages": [{"role": "user", "content": "x"}]},
        ),
        ("/api/generate", {"model": "no-such-model:1b", "prompt": "x"}),
        ("/api/show", {"model": "no-such-model:1b"}),
        (
            "/api/chat",
            {"model": "MODEL", "messages": [{"role": "user", "content": "x"}], "think": True},
        ),
        ("/api/chat", {"messages": []}),
    ],
)
def test_errors_have_the_same_status_and_wording(
    real_ollama: str, fake: FakeOllama, real_model: str, path: str, body: dict[str, Any]
) -> None:
    if body.get("model") == "MODEL":
        body = {**body, "model": real_model}
    real, faked = _both(real_ollama, fake, "POST", path, body)
    assert faked.status_code == real.status_code
    assert faked.json() == real.json()


def test_empty_chat_is_a_load_answer_in_both(
    real_ollama: str, fake: FakeOllama, real_model: str
) -> None:
    real, faked = _both(
        real_ollama, fake, "POST", "/api/chat", {"model": real_model, "messages": []}
    )
    real_body, fake_body = _lines(real)[-1], _lines(faked)[-1]
    assert set(fake_body) == set(real_body)
    assert fake_body["done_reason"] == real_body["done_reason"] == "load"


# -- /api/embed and structured output (issue 11) --------------------------------------------


def test_embed_answers_have_the_same_fields_and_types(
    real_ollama: str, fake: FakeOllama, real_model: str
) -> None:
    body = {"model": real_model, "input": ["The Rhine flows north.", "Hello"]}
    real, faked = _both(real_ollama, fake, "POST", "/api/embed", body)
    assert real.status_code == faked.status_code == 200
    real_body, fake_body = real.json(), faked.json()
    assert set(fake_body) == set(real_body)
    assert {key: type(value) for key, value in fake_body.items()} == {
        key: type(value) for key, value in real_body.items()
    }
    for answer in (real_body, fake_body):
        vectors = answer["embeddings"]
        assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 0
        assert all(isinstance(number, float) for number in vectors[0])
        assert abs(sum(number * number for number in vectors[0]) - 1) < 1e-3  # unit length


@pytest.mark.parametrize(
    "body",
    [
        {"model": "MODEL", "input": ["a", ""]},
        {"model": "MODEL", "input": 5},
        {"model": "MODEL", "input": ""},
        {"model": "no-such-model:1b", "input": "x"},
    ],
)
def test_embed_edge_cases_have_the_same_status_and_answer(
    real_ollama: str, fake: FakeOllama, real_model: str, body: dict[str, Any]
) -> None:
    if body.get("model") == "MODEL":
        body = {**body, "model": real_model}
    real, faked = _both(real_ollama, fake, "POST", "/api/embed", body)
    assert faked.status_code == real.status_code
    assert faked.json() == real.json()


FORMAT_SCHEMA = {
    "type": "object",
    "properties": {"pass": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["pass", "reason"],
}


def test_a_chat_with_a_schema_streams_the_same_shape_of_json(
    real_ollama: str, fake: FakeOllama, real_model: str
) -> None:
    import json

    body = {
        "model": real_model,
        "messages": [{"role": "user", "content": "Is the Rhine a river?"}],
        "format": FORMAT_SCHEMA,
        "options": {"num_predict": 96, "temperature": 0, "seed": 1},
    }
    real, faked = _both(real_ollama, fake, "POST", "/api/chat", body)
    real_lines, fake_lines = _lines(real), _lines(faked)
    assert set(fake_lines[0]) == set(real_lines[0])
    assert set(fake_lines[-1]) == set(real_lines[-1])
    for lines in (real_lines, fake_lines):
        text = "".join(line["message"]["content"] for line in lines)
        if lines[-1]["done_reason"] == "stop":  # a reply cut by num_predict is cut JSON
            assert isinstance(json.loads(text), dict)


@pytest.mark.parametrize(("fmt", "stream"), [("xml", False), ("xml", True), ({"type": "x"}, True)])
def test_an_unusable_format_fails_the_same_way(
    real_ollama: str, fake: FakeOllama, real_model: str, fmt: Any, stream: bool
) -> None:
    body = {
        "model": real_model,
        "messages": [{"role": "user", "content": "x"}],
        "format": fmt,
        "stream": stream,
    }
    real, faked = _both(real_ollama, fake, "POST", "/api/chat", body)
    assert faked.status_code == real.status_code
    assert _lines(faked) == _lines(real)
