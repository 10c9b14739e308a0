"""The journal reads Ollama's streams below the `ollama` client (journal/core/ollama_stream.py):
it replaces `AsyncClient._request` for streams only. These tests fail if a new client version
stops routing `chat` and `pull` through that method, or changes what it passes to it, so the
replacement can never silently fall out of use."""

from __future__ import annotations

import asyncio
import inspect
import json
from importlib.metadata import version
from typing import Any

import ollama

from journal.core.ollama_stream import line_safe_client
from tests.fake_ollama import FakeModel, FakeOllama


def test_the_client_version_is_in_the_range_the_journal_pins() -> None:
    # pyproject.toml pins ollama>=0.6,<0.7: a new minor version must pass these tests first.
    major, minor = (int(part) for part in version("ollama").split(".")[:2])
    assert (major, minor) == (0, 6)


def test_the_replaced_method_keeps_its_signature() -> None:
    parameters = inspect.signature(ollama.AsyncClient._request).parameters
    assert list(parameters)[:2] == ["self", "cls"]
    assert parameters["stream"].kind is inspect.Parameter.KEYWORD_ONLY
    # The method reads streams with httpx's line splitter: the reason it is replaced.
    assert "aiter_lines" in inspect.getsource(ollama.AsyncClient._request)


def test_chat_and_pull_streams_go_through_the_replaced_method() -> None:
    seen: list[tuple[Any, ...]] = []

    class Spy(ollama.AsyncClient):
        async def _request(self, cls: Any, *args: Any, stream: bool = False, **kwargs: Any) -> Any:
            seen.append((cls, *args, stream, sorted(kwargs)))
            return None

    async def calls() -> None:
        client = Spy(host="http://127.0.0.1:9")
        await client.chat(model="m", messages=[{"role": "user", "content": "x"}], stream=True)
        await client.pull("m", stream=True)
        await client.close()  # type: ignore[no-untyped-call]

    asyncio.run(calls())
    assert seen == [
        (ollama.ChatResponse, "POST", "/api/chat", True, ["json"]),
        (ollama.ProgressResponse, "POST", "/api/pull", True, ["json"]),
    ]


def test_the_line_safe_client_streams_a_raw_u0085_answer_whole(fake_ollama: FakeOllama) -> None:
    fake_ollama.add_model(FakeModel("nel:1b", reply=lambda *_: "a\x85b\u2028c"))
    fake_ollama.mangle = lambda frame: json.dumps(frame, ensure_ascii=False).encode()

    async def answer() -> str:
        client = line_safe_client(host=fake_ollama.url)
        text = ""
        async for part in await client.chat(
            model="nel:1b", messages=[{"role": "user", "content": "x"}], stream=True
        ):
            text += part.message.content or ""
        await client.close()  # type: ignore[no-untyped-call]
        return text

    assert asyncio.run(answer()) == "a\x85b\u2028c"
