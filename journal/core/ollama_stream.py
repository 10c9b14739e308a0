"""Reading Ollama's NDJSON streams line by line, where a line ends at `\\n` and nowhere else.

The official client reads streams with httpx's `aiter_lines`, which also ends a line at
U+0085, U+2028 and U+2029 (`str.splitlines` rules). Ollama writes U+0085 raw inside JSON
strings, so an answer holding one would be cut in half and the rest lost. The client is kept
for everything else (building requests, error types, response models); only the one method
that reads a stream is replaced, below it, and `tests/core/test_ollama_stream_contract.py`
fails if the client's internals stop routing streams through that method.

Each line is also made safe to keep: invalid UTF-8 becomes U+FFFD, lone surrogates (a
`\\ud800` escape) become U+FFFD, and `NaN`/`Infinity`, which are not JSON, are refused.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ollama

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class MalformedLineError(ValueError):
    """A line of the stream is not the JSON object Ollama sends."""

    def __init__(self, reason: str, line: bytes) -> None:
        self.reason = reason
        self.line = line
        super().__init__(reason)


async def ndjson_lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Split a byte stream at `\\n` only; a last line without one is still a line."""
    pending = b""
    async for chunk in chunks:
        if b"\n" not in chunk:
            pending += chunk
            continue
        *complete, rest = (pending + chunk).split(b"\n")
        pending = rest
        for line in complete:
            if line.strip():
                yield line
    if pending.strip():
        yield pending


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _repair(value: Any) -> Any:
    """Lone surrogates cannot be stored as UTF-8: show them as U+FFFD instead of failing."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_repair(key): _repair(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_repair(item) for item in value]
    return value


def parse_line(line: bytes) -> dict[str, Any]:
    """One stream line as a dict; MalformedLineError says why it is not one."""
    text = line.decode("utf-8", errors="replace")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MalformedLineError(f"not valid JSON ({exc.msg})", line) from None
    except ValueError as exc:
        raise MalformedLineError(str(exc), line) from None
    if not isinstance(value, dict):
        raise MalformedLineError(f"a JSON {type(value).__name__}, not an object", line)
    if "\\ud" in text or "\\uD" in text:  # only escapes can produce lone surrogates
        repaired: dict[str, Any] = _repair(value)
        return repaired
    return value


def line_safe_client(**kwargs: Any) -> ollama.AsyncClient:
    """An `ollama.AsyncClient` whose streams are read by `\\n` only."""
    client: ollama.AsyncClient = _client_class()(**kwargs)
    return client


@functools.cache
def _client_class() -> type[Any]:
    import httpx
    import ollama

    class LineSafeAsyncClient(ollama.AsyncClient):
        """The official async client; streams go through `_stream_parts` instead of
        `aiter_lines`. Everything else is inherited unchanged."""

        async def _request(self, cls: Any, *args: Any, stream: bool = False, **kwargs: Any) -> Any:
            if not stream:
                return await super()._request(cls, *args, stream=False, **kwargs)
            return self._stream_parts(cls, *args, **kwargs)

        async def _stream_parts(self, cls: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async with self._client.stream(*args, **kwargs) as response:
                try:
                    response.raise_for_status()
                except httpx.HTTPStatusError as exc:
                    await exc.response.aread()
                    raise ollama.ResponseError(
                        exc.response.text, exc.response.status_code
                    ) from None
                async for line in ndjson_lines(response.aiter_bytes()):
                    part = parse_line(line)
                    error = part.get("error")
                    if error:
                        raise ollama.ResponseError(str(error))
                    yield cls(**part)

    return LineSafeAsyncClient
