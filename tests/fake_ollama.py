"""A real HTTP server that speaks Ollama's API, for tests and benchmarks.

Why a server and not a mock: the journal talks to Ollama through the official ``ollama``
client (httpx underneath) and, for a few calls, plain httpx. Bugs live in the wire details -
chunked NDJSON, a ``{"error": ...}`` line arriving with HTTP 200, headers that arrive only
with the first token, a socket that goes silent. Only a real socket on 127.0.0.1 exercises
those paths, so this module implements the subset of Ollama's protocol the journal uses,
following Ollama's ``docs/api.md`` and ``server/routes.go``.

Standard library only (plus pytest for the fixture), so benchmarks and manual runs can use
it too::

    python -m tests.fake_ollama --port 11435 --chunk-delay 0.02
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import random
import re
import select
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple, Self, cast
from urllib.parse import urlsplit

import pytest

__all__ = [
    "NO_VISION_ERROR",
    "OFFLINE_PULL_ERROR",
    "FakeModel",
    "FakeOllama",
    "RecordedRequest",
    "default_models",
    "default_reply",
    "default_thinking",
    "fake_embedding",
    "fake_ollama",
    "schema_instance",
    "tokenize",
]

ReplyFn = Callable[[list[dict[str, Any]], dict[str, Any]], str]
"""(messages, options) -> text. Messages are chat-style even for /api/generate."""

_HEX64 = re.compile(r"^[0-9a-f]{64}$")

OFFLINE_PULL_ERROR = (
    'pull model manifest: Get "https://registry.ollama.ai/v2/library/qwen3/manifests/0.6b": '
    "dial tcp: lookup registry.ollama.ai on 127.0.0.53:53: no such host"
)
"""How Ollama 0.10.1 fails a pull with no internet (the resolver's address varies)."""

# A fixed vocabulary keeps default replies readable in screenshots and stable across
# Python versions (random.Random(int).choice/randint are stable for a given seed).
_VOCABULARY = """
    the model answer token context river stone light quiet number garden signal
    window paper engine cloud simple brief result question because therefore perhaps
    system memory layer vector prompt sample careful bright orange silver mountain
    ocean forest little gentle rapid steady value reason method journal entry note
    record measure compare observe repeat change weight bias local remote server
    stream chunk line word letter story theory practice example detail pattern shape
    colour sound echo north south early later again often rarely always never maybe
    clearly indeed which where while after before under over between within without
    and but or so yet a an is was will can should might seems becomes remains holds
    moves turns grows falls rises
"""
_WORDS: tuple[str, ...] = tuple(_VOCABULARY.split())


# --------------------------------------------------------------------------- public data


def _qualified(name: str) -> str:
    """`llama3:8b` -> `registry.ollama.ai/library/llama3:8b`, as Ollama names models in errors."""
    parts = name.split("/")
    if len(parts) == 1:
        parts = ["library", *parts]
    if len(parts) == 2:
        parts = ["registry.ollama.ai", *parts]
    return "/".join(parts)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class FakeModel:
    """One model the fake can list, show, run or pull.

    Defaults mirror a stock ``llama3:8b`` so a test only states what it cares about.
    ``reply``/``thinking`` let a test script the answer (e.g. echo the prompt) while the
    fake still handles streaming, truncation and metrics exactly as for default replies.
    """

    name: str
    digest: str = ""
    family: str = "llama"
    parameter_size: str = "8.0B"
    quantization_level: str = "Q4_0"
    format: str = "gguf"
    size: int = 4_661_224_676
    capabilities: list[str] = field(default_factory=lambda: ["completion"])
    parameters: str = 'stop "<|eot_id|>"\ntemperature 0.7'
    template: str = "{{ .Prompt }}"
    license: str = "Fake license"
    system: str = ""
    context_length: int = 8192
    embedding_length: int = 384
    """Length of the vectors /api/embed answers (real Ollama embeds with generative models
    too: smollm2:135m gives 576)."""
    reply: ReplyFn | None = None
    thinking: ReplyFn | None = None
    modified_at: str = ""
    """RFC3339 timestamp for tags/show; empty means "when it was added to the server"."""

    def __post_init__(self) -> None:
        # Real digests are content hashes; deriving ours from the name keeps them stable
        # across runs so journal entries recorded in tests compare equal.
        if not self.digest:
            self.digest = _sha256_hex(self.name)
        if not _HEX64.match(self.digest):
            raise ValueError(f"digest must be 64 lowercase hex characters, got {self.digest!r}")


class RecordedRequest(NamedTuple):
    """What arrived on the wire, so tests can assert on the exact JSON the client sent."""

    method: str
    path: str
    body: Any
    """Parsed JSON body, or None when the body was empty or not valid JSON."""


def default_models() -> list[FakeModel]:
    """The two models the ``fake_ollama`` fixture serves: a plain one and a thinking one."""
    return [
        FakeModel(
            name="llama3:8b",
            family="llama",
            parameter_size="8.0B",
            quantization_level="Q4_0",
            size=4_661_224_676,
            template=(
                "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n"
                "{{ .System }}<|eot_id|>{{ end }}<|start_header_id|>user<|end_header_id|>\n\n"
                "{{ .Prompt }}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
            ),
            license="META LLAMA 3 COMMUNITY LICENSE AGREEMENT (fake)",
            context_length=8192,
        ),
        FakeModel(
            name="qwen3:0.6b",
            family="qwen3",
            parameter_size="751.63M",
            quantization_level="Q8_0",
            size=522_653_767,
            capabilities=["completion", "thinking"],
            parameters=(
                'repeat_penalty 1\nstop "<|im_start|>"\nstop "<|im_end|>"\n'
                "temperature 0.6\ntop_k 20\ntop_p 0.95"
            ),
            template=(
                "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
            ),
            license="Apache License 2.0 (fake)",
            context_length=40960,
        ),
    ]


# --------------------------------------------------------------------- deterministic text


def tokenize(text: str) -> list[str]:
    """Split text the way the fake streams it: one chunk per word, keeping the spaces.

    ``"The cat sat"`` -> ``["The", " cat", " sat"]``; ``"".join(tokenize(t)) == t`` always,
    so concatenating a stream reproduces the non-streamed answer exactly.
    """
    return re.findall(r"\s*\S+|\s+", text)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _seed_for(
    salt: str, model: str, messages: list[dict[str, Any]], options: dict[str, Any]
) -> int:
    """Hash exactly the inputs that should change an answer: model, last user turn, system, seed."""
    last_user = ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            last_user = _as_text(message.get("content"))
            break
    system = "\n".join(
        _as_text(m.get("content"))
        for m in messages
        if isinstance(m, dict) and m.get("role") == "system"
    )
    key = "\x00".join([salt, model, last_user, system, repr(options.get("seed"))])
    return int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:8], "big")


def _sentences(rng: random.Random, count: int) -> str:
    words: list[str] = []
    sentence_left = 0
    for _ in range(count):
        word = rng.choice(_WORDS)
        if sentence_left == 0:
            sentence_left = rng.randint(4, 11)
            word = word.capitalize()
        sentence_left -= 1
        if sentence_left == 0:
            word += "."
        words.append(word)
    text = " ".join(words)
    return text if text.endswith(".") else text + "."


def default_reply(model: str, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """A deterministic 20-60 word answer.

    Same (model, last user message, system prompt, seed) -> same text; anything else almost
    surely differs. That is what the journal's reproducibility features need to be tested
    against, without a GPU.
    """
    rng = random.Random(_seed_for("reply", model, messages, options))
    return _sentences(rng, rng.randint(20, 60))


def default_thinking(model: str, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """Deterministic 'reasoning' text for thinking models (different salt from the answer)."""
    rng = random.Random(_seed_for("thinking", model, messages, options))
    text = _sentences(rng, rng.randint(10, 30))
    return "Okay, " + text[:1].lower() + text[1:]


def fake_embedding(model: str, text: str, length: int) -> list[float]:
    """A deterministic unit vector for `text`: a hashed bag of its lowercased words, so
    texts that share words are similar (cosine) and unrelated ones are not. Like Ollama's,
    vectors are L2-normalised; each model hashes differently."""
    vector = [0.0] * length
    words = re.findall(r"\w+", text.lower()) or [text.strip() or text]
    for word in words:
        digest = hashlib.sha256(f"{model}\x00{word}".encode("utf-8", "surrogatepass")).digest()
        index = int.from_bytes(digest[:4], "big") % length
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [round(value / norm, 9) for value in vector]


_JSON_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")


def schema_instance(schema: Any, rng: random.Random, depth: int = 0) -> Any:
    """A value that follows `schema` (the subset structured output is used with: types,
    properties, items, enum, const, min/max, lengths, anyOf/oneOf/allOf), built from `rng`
    so the same request gets the same reply. Every property is filled in, as a
    grammar-constrained model does."""
    if not isinstance(schema, dict) or depth > 8:
        return None if depth > 8 else "value"
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return rng.choice(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return schema_instance(schema[key][0], rng, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged.update(part)
        return schema_instance(merged, rng, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((item for item in kind if item != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        value = {name: schema_instance(sub, rng, depth + 1) for name, sub in properties.items()}
        for name in schema.get("required") or []:
            if isinstance(name, str) and name not in value:
                value[name] = "value"
        return value
    if kind == "array":
        fewest = int(schema.get("minItems") or 0)
        most = int(schema.get("maxItems") or max(fewest, 3))
        count = max(fewest, min(most, 2))
        return [schema_instance(schema.get("items", {}), rng, depth + 1) for _ in range(count)]
    if kind == "string":
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 6)))
        text = text.ljust(int(schema.get("minLength") or 0), "x")
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text
    if kind in ("number", "integer"):
        low = _bound(schema, "minimum", "exclusiveMinimum", default=0.0)
        high = _bound(schema, "maximum", "exclusiveMaximum", default=low + 100)
        if kind == "integer":
            return rng.randint(math.ceil(low), max(math.ceil(low), math.floor(high)))
        return min(max(round(rng.uniform(low, high), 2), low), high)
    if kind == "boolean":
        return rng.random() < 0.5
    return None


def _bound(schema: dict[str, Any], *keys: str, default: float) -> float:
    for key in keys:
        value = schema.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return default


def _format_problem(fmt: Any) -> str | None:
    """Ollama's refusal of a `format` it cannot use, word for word; None when usable."""
    if fmt is None or fmt in ("", "json"):
        return None
    if isinstance(fmt, dict):
        kinds = fmt.get("type")
        listed = kinds if isinstance(kinds, list) else [kinds] if kinds is not None else []
        if any(kind not in _JSON_TYPES for kind in listed):
            return "invalid JSON schema in format"
        return None
    raw = json.dumps(fmt, ensure_ascii=False, separators=(",", ":"))
    return f'invalid format: {json.dumps(raw)}; expected "json" or a valid JSON Schema object'


NO_VISION_ERROR = (
    "Failed to create new sequence: failed to process inputs: "
    "this model is missing data required for image input"
)
"""How Ollama fails a request with images to a model that cannot see (HTTP 500 when not
streaming; one error line in a 200 stream when streaming, like any runner failure)."""

_BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _image_count(messages: list[dict[str, Any]]) -> int:
    return sum(len(message.get("images") or ()) for message in messages)


def _base64_problem(image: Any) -> str | None:
    """Go's refusal of an image that is not padded standard base64 (how it decodes the
    JSON string into []byte): the offset of the first byte it cannot take."""
    if not isinstance(image, str):
        return "json: cannot unmarshal images into Go struct field Message.messages.images"
    body = image.rstrip("=")
    for index, char in enumerate(body):
        if char not in _BASE64_ALPHABET:
            return f"illegal base64 data at input byte {index}"
    if len(image) % 4 or len(image) - len(body) > 2:
        return f"illegal base64 data at input byte {len(body)}"
    return None


# ------------------------------------------------------------------------------ helpers


def _now_utc() -> str:
    """``created_at`` as Ollama writes it: UTC with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _rfc3339_local(moment: datetime) -> str:
    """``modified_at``/``expires_at`` as Ollama writes them: local time with an offset."""
    return moment.astimezone().isoformat()


_GO_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _dumps(obj: Any) -> bytes:
    """JSON bytes exactly as Go's ``json.Marshal`` (which Ollama uses) writes them.

    Compact, raw UTF-8, ``<>&`` and U+2028/U+2029 escaped, lone surrogates as U+FFFD. The
    escaping matters: httpx's ``iter_lines`` also splits on U+2028/U+2029 (and U+0085,
    which Go leaves raw), so a faithful fake must break clients exactly where Ollama does.
    These characters can only occur inside JSON strings, so plain replacement is safe.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _GO_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _parameter_count(parameter_size: str) -> int:
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMBT]?)\s*", parameter_size, re.IGNORECASE)
    if not match:
        return 0
    scale = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[match.group(2).upper()]
    return round(float(match.group(1)) * scale)


_FILE_TYPES = {
    "F32": 0,
    "F16": 1,
    "Q4_0": 2,
    "Q4_1": 3,
    "Q8_0": 7,
    "Q5_0": 8,
    "Q5_1": 9,
    "Q2_K": 10,
    "Q3_K_M": 12,
    "Q4_K_S": 14,
    "Q4_K_M": 15,
    "Q5_K_M": 17,
    "Q6_K": 18,
    "BF16": 32,
}

_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


def _parse_keep_alive(value: Any) -> float:
    """Seconds to keep a model loaded; negative means forever (Ollama's rules).

    Numbers are seconds; strings are Go durations (``"5m"``, ``"1h30m"``) or plain numbers.
    Raises ValueError with Go's wording for anything else.
    """
    if value is None:
        return 300.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 300.0
        try:
            return float(text)
        except ValueError:
            pass
        sign = -1.0 if text.startswith("-") else 1.0
        body = text.lstrip("+-")
        if body and _DURATION_PART.sub("", body) == "":
            return sign * sum(
                float(n) * _DURATION_UNITS[u] for n, u in _DURATION_PART.findall(body)
            )
    raise ValueError(f'time: invalid duration "{value}"')


class _Abort(Exception):
    """The client went away or the server is stopping: drop the connection, say nothing."""


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class _Plan:
    thinking: list[str]
    content: list[str]
    done_reason: str
    prompt_tokens: int


@dataclass
class _Loaded:
    model: FakeModel
    expires_at: datetime
    context_length: int


# ------------------------------------------------------------------------------- server


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that never blocks shutdown and never prints tracebacks."""

    daemon_threads = True
    # Joining handler threads on close would wait for idle keep-alive connections forever;
    # FakeOllama.stop() shuts those sockets down instead.
    block_on_close = False
    allow_reuse_address = True
    timeout = 0.0  # handle_request() is only called when a connection is waiting

    def __init__(
        self, address: tuple[str, int], fake: FakeOllama, stopping: threading.Event
    ) -> None:
        self.fake = fake
        self.stopping = stopping
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can take
        # seconds in sandboxes; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Disconnects are normal for a streaming server; keep test output clean."""


class _Handler(BaseHTTPRequestHandler):
    """One connection. Routes by path, records every request, streams like Ollama."""

    protocol_version = "HTTP/1.1"
    # Small NDJSON lines + Nagle + delayed ACK = 40 ms stalls per chunk; Go sets NODELAY too.
    disable_nagle_algorithm = True

    # -- plumbing -------------------------------------------------------------------------

    @property
    def fake(self) -> FakeOllama:
        return cast(_Server, self.server).fake

    @property
    def stopping(self) -> threading.Event:
        return cast(_Server, self.server).stopping

    def setup(self) -> None:
        super().setup()
        self.fake._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.fake._connection_closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log: tests read their own output."""

    def send_response(self, code: int, message: str | None = None) -> None:
        # Like the base class, minus the "Server: BaseHTTP/..." header Ollama does not send.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, method: str) -> None:
        self._head = method == "HEAD"
        self._chunked = self.request_version >= "HTTP/1.1"
        path = urlsplit(self.path).path
        try:
            raw = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        body: Any = None
        parse_error: str | None = None
        if raw:
            text = raw.decode("utf-8", "replace")
            try:
                body = json.loads(text)
            except json.JSONDecodeError as exc:
                bad = exc.doc[exc.pos : exc.pos + 1]
                parse_error = (
                    f"invalid character {bad!r} looking for beginning of value"
                    if bad
                    else "unexpected EOF"
                )
        self.fake._record(RecordedRequest(method, path, body))
        self.fake._request_started()
        try:
            routes = _ROUTES.get(path)
            if routes is None:
                self._send_text(404, "404 page not found")
                return
            handler = routes.get("GET" if method == "HEAD" and "GET" in routes else method)
            if handler is None:
                self.send_response(405)
                self.send_header("Allow", ", ".join(sorted(routes)))
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "22")
                self.end_headers()
                if not self._head:
                    self.wfile.write(b"405 method not allowed")
                return
            if method not in ("GET", "HEAD"):
                if parse_error is not None:
                    raise _BadRequest(parse_error)
                if not raw:
                    raise _BadRequest("missing request body")
                if not isinstance(body, dict):
                    raise _BadRequest(
                        f"json: cannot unmarshal {type(body).__name__} "
                        "into Go value of type api.Request"
                    )
            handler(self, body)
        except _BadRequest as exc:
            self._send_json(exc.status, {"error": exc.message})
        except (_Abort, OSError, ValueError):
            # ValueError: write to a socket file already closed by stop().
            self.close_connection = True
        finally:
            self.fake._request_finished()

    # -- response helpers -----------------------------------------------------------------

    def _send_bytes(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not self._head:
            self.wfile.write(data)
        self.wfile.flush()

    def _send_text(self, status: int, text: str) -> None:
        self._send_bytes(status, "text/plain; charset=utf-8", text.encode("utf-8"))

    def _send_json(self, status: int, obj: Any) -> None:
        self._send_bytes(status, "application/json; charset=utf-8", _dumps(obj))

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        if self._chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.close_connection = True
        self.end_headers()
        self.wfile.flush()

    def _write_line(self, obj: Any) -> None:
        data = _dumps(obj) + b"\n"
        self._write_raw(data)

    def _write_frame(self, frame: dict[str, Any]) -> None:
        """A line of a generation stream, after the test's `mangle` (if any) had its say."""
        mangle = self.fake.mangle
        if mangle is None:
            self._write_line(frame)
            return
        changed = mangle(frame)
        if changed is None:
            return
        if isinstance(changed, bytes):
            self._write_raw(changed if changed.endswith(b"\n") else changed + b"\n")
        else:
            self._write_line(changed)

    def _write_raw(self, data: bytes) -> None:
        if self._chunked:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        self.wfile.write(data)
        self.wfile.flush()

    def _end_stream(self) -> None:
        if self._chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    def _pause(self, seconds: float | None) -> None:
        """Wait ``seconds`` (None = forever) but give up at once on stop() or disconnect.

        Raises _Abort in those cases. Polls the socket because a silent server can only
        notice that the client hung up by looking.
        """
        if seconds is not None and seconds <= 0:
            if self.stopping.is_set():
                raise _Abort
            return
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            if self.stopping.is_set():
                raise _Abort
            remaining = 0.05 if deadline is None else deadline - time.monotonic()
            if remaining <= 0:
                return
            step = min(0.05, remaining)
            readable, _, _ = select.select([self.connection], [], [], step)
            if readable:
                try:
                    peek = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if not peek:
                    if not self.stopping.is_set():
                        self.fake._count_disconnect()
                    raise _Abort
                # The client sent more bytes (pipelining); can't watch for EOF any more.
                self.stopping.wait(step)

    def _stall(self) -> None:
        self._pause(None)

    # -- endpoints ------------------------------------------------------------------------

    def _root(self, body: Any) -> None:
        self._send_text(200, "Ollama is running")

    def _version(self, body: Any) -> None:
        self._send_json(200, {"version": self.fake.version})

    def _tags(self, body: Any) -> None:
        self._send_json(
            200,
            {"models": [self.fake._tag_entry(m) for m in list(self.fake.models.values())]},
        )

    def _ps(self, body: Any) -> None:
        self._send_json(200, {"models": self.fake._ps_entries()})

    def _show(self, body: dict[str, Any]) -> None:
        name = _as_text(body.get("model") or body.get("name"))
        if not name:
            raise _BadRequest("model is required")
        model = self.fake._lookup(self.fake.models, name)
        if model is None:
            raise _BadRequest(f"model '{name}' not found", 404)
        self._send_json(200, self.fake._show_entry(model))

    def _delete(self, body: dict[str, Any]) -> None:
        name = _as_text(body.get("model") or body.get("name"))
        model = self.fake._lookup(self.fake.models, name)
        if model is None:
            raise _BadRequest(f"model '{name}' not found", 404)
        self.fake.remove_model(model.name)
        self._send_bytes(200, "text/plain; charset=utf-8", b"")

    def _chat(self, body: dict[str, Any]) -> None:
        self._generation(body, chat=True)

    def _generate(self, body: dict[str, Any]) -> None:
        self._generation(body, chat=False)

    def _generation(self, body: dict[str, Any], *, chat: bool) -> None:
        fake = self.fake
        requested = body.get("model")
        if not isinstance(requested, str) or not requested:
            raise _BadRequest("model is required")
        model = fake._lookup(fake.models, requested)
        if model is None:
            # Real Ollama 0.10.1 words this differently per endpoint (captured from it).
            if chat:
                raise _BadRequest(f'model "{requested}" not found, try pulling it first', 404)
            raise _BadRequest(f"model '{requested}' not found", 404)
        think = body.get("think")
        if think and "thinking" not in model.capabilities:
            raise _BadRequest(f"{_qualified(model.name)} does not support thinking")
        if chat and body.get("tools") and "tools" not in model.capabilities:
            raise _BadRequest(f"{_qualified(model.name)} does not support tools")
        options = body.get("options")
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise _BadRequest(
                "json: cannot unmarshal options into Go value of type map[string]interface {}"
            )
        for key in ("num_predict", "seed", "num_ctx", "top_k"):
            value = options.get(key)
            integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            if value is not None and (isinstance(value, bool) or not integral):
                raise _BadRequest(f'option "{key}" must be of type integer')
        try:
            keep_alive = _parse_keep_alive(body.get("keep_alive"))
        except ValueError as exc:
            raise _BadRequest(str(exc)) from None
        fmt = body.get("format")
        stream = body.get("stream")
        stream = True if stream is None else bool(stream)

        messages: list[dict[str, Any]]
        if chat:
            raw_messages = body.get("messages")
            if raw_messages is None:
                raw_messages = []
            if not isinstance(raw_messages, list) or not all(
                isinstance(m, dict) for m in raw_messages
            ):
                raise _BadRequest(
                    "json: cannot unmarshal messages into Go struct field ChatRequest.messages"
                )
            messages = raw_messages
            empty = not messages
            for message in messages:
                for image in message.get("images") or ():
                    bad = _base64_problem(image)
                    if bad is not None:
                        raise _BadRequest(bad)
        else:
            prompt = _as_text(body.get("prompt"))
            system = _as_text(body.get("system"))
            messages = ([{"role": "system", "content": system}] if system else []) + [
                {"role": "user", "content": prompt}
            ]
            empty = prompt == ""

        num_ctx = options.get("num_ctx")
        fake._mark_loaded(model, keep_alive, int(num_ctx) if num_ctx else model.context_length)

        # Loading a model: real Ollama sends nothing, not even headers, until it is ready.
        self._pause(fake.first_byte_delay)

        if empty:
            # Ollama answers "load"/"unload" requests with a plain JSON object even when
            # streaming was asked for; the client reads it as a one-line stream.
            reason = "unload" if keep_alive == 0 else "load"
            if reason == "unload":
                fake._unload(model.name)
            final = self._frame(requested, chat, content="")
            final.update(done=True, done_reason=reason)
            self._send_json(200, final)
            return

        problem = _format_problem(fmt)  # checked after a load request, as Ollama does
        if problem is None and _image_count(messages) and "vision" not in model.capabilities:
            # Ollama loads the model, then its runner finds no vision part to read them with.
            problem = NO_VISION_ERROR
        if problem is not None:
            # Real Ollama: HTTP 500 when not streaming; a 200 stream of one error line when it is.
            if not stream:
                raise _BadRequest(problem, 500)
            self._start_stream()
            self._write_line({"error": problem})
            self._end_stream()
            return
        try:
            plan = fake._plan(model, messages, options, bool(think), fmt)
        except Exception as exc:  # a test's reply callable failed: make it visible
            raise _BadRequest(f"fake reply function failed: {exc!r}", 500) from None
        if stream:
            self._stream_plan(requested, chat, model, plan)
        else:
            self._answer_plan(requested, chat, model, plan)
        if keep_alive == 0:
            fake._unload(model.name)

    def _frame(
        self, requested: str, chat: bool, *, content: str, thinking: str | None = None
    ) -> dict[str, Any]:
        frame: dict[str, Any] = {"model": requested, "created_at": _now_utc()}
        if chat:
            message: dict[str, Any] = {"role": "assistant", "content": content}
            if thinking is not None:
                message["thinking"] = thinking
            frame["message"] = message
        else:
            frame["response"] = content
            if thinking is not None:
                frame["thinking"] = thinking
        frame["done"] = False
        return frame

    def _stream_plan(self, requested: str, chat: bool, model: FakeModel, plan: _Plan) -> None:
        fake = self.fake
        self._start_stream()
        first = True
        for thought in plan.thinking:
            if not first:
                self._pause(fake.chunk_delay)
            first = False
            self._write_frame(self._frame(requested, chat, content="", thinking=thought))
        sent = 0
        pieces: list[str | None] = [*plan.content, None]
        for piece in pieces:
            if fake.stall_after is not None and sent == fake.stall_after:
                self._stall()
            if fake.error_after is not None and sent == fake.error_after:
                self._write_line({"error": fake.error_message})
                self._end_stream()
                return
            if not first:
                self._pause(fake.chunk_delay)
            first = False
            if piece is None:
                break
            self._write_frame(self._frame(requested, chat, content=piece))
            sent += 1
        if fake.end_without_done:  # a runner that died: the connection just ends
            self._end_stream()
            return
        final = self._frame(requested, chat, content="")
        final.update(done=True, done_reason=plan.done_reason)
        final.update(fake._metrics(model, plan.prompt_tokens, sent))
        self._write_frame(final)
        self._end_stream()

    def _answer_plan(self, requested: str, chat: bool, model: FakeModel, plan: _Plan) -> None:
        fake = self.fake
        # Non-streaming Ollama still generates token by token; it just answers at the end.
        self._pause(fake.chunk_delay * (len(plan.thinking) + len(plan.content)))
        if fake.stall_after is not None and fake.stall_after <= len(plan.content):
            self._stall()
        if fake.error_after is not None and fake.error_after <= len(plan.content):
            raise _BadRequest(fake.error_message, 500)
        thinking = "".join(plan.thinking) if plan.thinking else None
        answer = self._frame(requested, chat, content="".join(plan.content), thinking=thinking)
        answer.update(done=True, done_reason=plan.done_reason)
        answer.update(fake._metrics(model, plan.prompt_tokens, len(plan.content)))
        self._send_json(200, answer)

    def _embed(self, body: dict[str, Any]) -> None:
        """/api/embed as Ollama 0.10.1 answers it (shapes and errors captured from it)."""
        fake = self.fake
        raw = body.get("input")
        if raw is None or raw == "":
            inputs: list[str] = []
        elif isinstance(raw, str):
            inputs = [raw]
        elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            inputs = list(raw)
        else:
            raise _BadRequest("invalid input type")
        requested = _as_text(body.get("model"))
        model = fake._lookup(fake.models, requested)
        if model is None:
            raise _BadRequest(f'model "{requested}" not found, try pulling it first', 404)
        try:
            keep_alive = _parse_keep_alive(body.get("keep_alive"))
        except ValueError as exc:
            raise _BadRequest(str(exc)) from None
        if not inputs:  # Ollama answers nothing with nothing, and loads no model
            self._send_json(200, {"model": requested, "embeddings": []})
            return
        if any(item == "" for item in inputs):
            raise _BadRequest("Failed to create new sequence: no input provided", 500)
        fake._mark_loaded(model, keep_alive, model.context_length)
        self._pause(fake.first_byte_delay)
        vectors = [fake_embedding(model.name, item, model.embedding_length) for item in inputs]
        tokens = sum(len(tokenize(item)) for item in inputs)
        metrics = fake._metrics(model, tokens, 0)
        self._send_json(
            200,
            {
                "model": requested,
                "embeddings": vectors,
                "total_duration": metrics["total_duration"],
                "load_duration": metrics["load_duration"],
                "prompt_eval_count": tokens,
            },
        )

    def _pull(self, body: dict[str, Any]) -> None:
        fake = self.fake
        name = _as_text(body.get("model") or body.get("name"))
        if not name:
            raise _BadRequest("model is required")
        stream = body.get("stream")
        stream = True if stream is None else bool(stream)
        model = fake._lookup(fake.pullable, name)
        if not stream:
            # Ollama's waitForStream: only the last status, or the error as HTTP 500.
            if model is None:
                raise _BadRequest("pull model manifest: file does not exist", 500)
            for _ in _pull_steps(model):
                self._pause(fake.pull_step_delay)
            fake.add_model(model)
            self._send_json(200, {"status": "success"})
            return
        self._start_stream()
        self._write_line({"status": "pulling manifest"})
        if fake.pull_error is not None:
            self._write_line({"error": fake.pull_error})
            self._end_stream()
            return
        if model is None:
            self._write_line({"error": "pull model manifest: file does not exist"})
            self._end_stream()
            return
        for step in _pull_steps(model):
            self._pause(fake.pull_step_delay)
            self._write_line(step)
        if fake.end_without_done:
            self._end_stream()
            return
        fake.add_model(model)
        self._write_line({"status": "success"})
        self._end_stream()


def _pull_steps(model: FakeModel) -> Iterator[dict[str, Any]]:
    """Progress lines between "pulling manifest" and "success", as `ollama pull` prints them.

    Like Ollama (Go ``omitempty``), a layer's first line has no ``completed`` key at all.
    """
    small = [
        (_sha256_hex(model.digest + ":template"), max(len(model.template.encode()), 1)),
        (_sha256_hex(model.digest + ":license"), max(len(model.license.encode()), 1)),
        (_sha256_hex(model.digest + ":params"), max(len(model.parameters.encode()), 1)),
    ]
    big_total = max(model.size - sum(size for _, size in small), 1)
    big = _sha256_hex(model.digest + ":model")
    yield {
        "status": f"pulling {big[:12]}",
        "digest": f"sha256:{big}",
        "total": big_total,
    }
    for quarter in (1, 2, 3, 4):
        yield {
            "status": f"pulling {big[:12]}",
            "digest": f"sha256:{big}",
            "total": big_total,
            "completed": big_total * quarter // 4,
        }
    for digest, total in small:
        yield {
            "status": f"pulling {digest[:12]}",
            "digest": f"sha256:{digest}",
            "total": total,
            "completed": total,
        }
    yield {"status": "verifying sha256 digest"}
    yield {"status": "writing manifest"}


_Route = Callable[[_Handler, Any], None]
_ROUTES: dict[str, dict[str, _Route]] = {
    "/": {"GET": _Handler._root},
    "/api/version": {"GET": _Handler._version},
    "/api/tags": {"GET": _Handler._tags},
    "/api/ps": {"GET": _Handler._ps},
    "/api/show": {"POST": _Handler._show},
    "/api/delete": {"DELETE": _Handler._delete},
    "/api/chat": {"POST": _Handler._chat},
    "/api/generate": {"POST": _Handler._generate},
    "/api/pull": {"POST": _Handler._pull},
    "/api/embed": {"POST": _Handler._embed},
}


class FakeOllama:
    """A running fake Ollama on 127.0.0.1 with knobs for the failures real ones have.

    Knobs are plain attributes read per request, so a test can change them between calls.
    ``start()`` after ``stop()`` serves again on the same port (an Ollama restart).
    """

    default_reply = staticmethod(default_reply)
    default_thinking = staticmethod(default_thinking)

    def __init__(
        self,
        models: Iterable[FakeModel] | None = None,
        version: str = "0.10.1",
        *,
        port: int = 0,
    ) -> None:
        self.version = version
        self.host = "127.0.0.1"
        self.port = port
        self.models: dict[str, FakeModel] = {}
        self.pullable: dict[str, FakeModel] = {}
        self.requests: list[RecordedRequest] = []
        self.chunk_delay: float = 0.0
        self.first_byte_delay: float = 0.0
        self.stall_after: int | None = None
        self.error_after: int | None = None
        self.error_message: str = "an error was encountered while running the model: unexpected EOF"
        self.chunks_per_reply: int | None = None
        self.end_without_done = False
        """End streams cleanly without their last line: a generation's `done` line (a dead
        runner), a pull's "success"."""
        self.mangle: Callable[[dict[str, Any]], dict[str, Any] | bytes | None] | None = None
        """Rewrites each line of a generation stream: a dict is sent as JSON, bytes are sent
        as they are (for raw characters and broken lines), None drops the line."""
        self.pull_error: str | None = None
        """Streamed pulls fail with this error line after "pulling manifest" (offline)."""
        self.pull_step_delay: float = 0.0
        self.disconnects = 0
        """How many waits ended because the client hung up (cancel tests assert on it)."""
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._added_at: dict[str, datetime] = {}
        self._loaded: dict[str, _Loaded] = {}
        self._connections: set[socket.socket] = set()
        self._active = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._wake: socket.socket | None = None
        self._stopping = threading.Event()
        for model in models or ():
            self.add_model(model)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; only meaningful once start() has picked the port."""
        if not self.port:
            raise RuntimeError("FakeOllama.url is known only after start()")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping = threading.Event()
        self._loaded.clear()  # a restarted Ollama has nothing loaded
        server = _Server((self.host, self.port), self, self._stopping)
        self.port = int(server.server_address[1])
        self._server = server
        wake_r, self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._serve, args=(server, wake_r), name=f"fake-ollama:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    @staticmethod
    def _serve(server: _Server, wake: socket.socket) -> None:
        """Accept loop that stop() can end at once.

        ``serve_forever`` polls for shutdown (0.5 s by default); with a fake per test that
        latency adds up, so this loop also watches a socketpair that stop() writes to.
        """
        with wake:
            while True:
                readable, _, _ = select.select([server.socket, wake], [], [])
                if wake in readable:
                    return
                server.handle_request()  # the listener is readable: accept without blocking

    def stop(self) -> None:
        """Stop serving: refuse new connections and cut open ones (stalls end at once)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = None
        # Close the listener before ending stalled streams, so a client that reacts to the
        # cut by reconnecting gets "connection refused", not a reset from the dying backlog.
        if self._wake is not None:
            with self._wake:
                self._wake.send(b"x")
            self._wake = None
        if thread is not None:
            thread.join(timeout=5)
        server.server_close()
        self._stopping.set()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- models ---------------------------------------------------------------------------

    def add_model(self, model: FakeModel) -> None:
        with self._lock:
            self.models[model.name] = model
            self._added_at[model.name] = datetime.now(UTC)

    def remove_model(self, name: str) -> None:
        with self._lock:
            self.models.pop(name, None)
            self._loaded.pop(name, None)

    @staticmethod
    def _lookup(table: dict[str, FakeModel], name: str) -> FakeModel | None:
        """Exact name, else ``name:latest`` - Ollama's own normalisation of bare names."""
        model = table.get(name)
        if model is None and ":" not in name:
            model = table.get(name + ":latest")
        return model

    def _modified_at(self, model: FakeModel) -> str:
        if model.modified_at:
            return model.modified_at
        return _rfc3339_local(self._added_at.get(model.name, datetime.now(UTC)))

    @staticmethod
    def _details(model: FakeModel) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": model.format,
            "family": model.family,
            "families": [model.family],
            "parameter_size": model.parameter_size,
            "quantization_level": model.quantization_level,
        }

    def _tag_entry(self, model: FakeModel) -> dict[str, Any]:
        return {
            "name": model.name,
            "model": model.name,
            "modified_at": self._modified_at(model),
            "size": model.size,
            "digest": model.digest,
            "details": self._details(model),
        }

    def _show_entry(self, model: FakeModel) -> dict[str, Any]:
        blob = _sha256_hex(model.digest + ":model")
        lines = [
            '# Modelfile generated by "ollama show"',
            "# To build a new Modelfile based on this, replace FROM with:",
            f"# FROM {model.name}",
            "",
            f"FROM /usr/share/ollama/.ollama/models/blobs/sha256-{blob}",
            f'TEMPLATE """{model.template}"""',
        ]
        if model.system:
            lines.append(f'SYSTEM """{model.system}"""')
        lines += [f"PARAMETER {line}" for line in model.parameters.splitlines() if line.strip()]
        lines.append(f'LICENSE """{model.license}"""')
        entry: dict[str, Any] = {
            "license": model.license,
            "modelfile": "\n".join(lines) + "\n",
            "parameters": model.parameters,
            "template": model.template,
        }
        if model.system:
            entry["system"] = model.system
        entry["details"] = self._details(model)
        entry["model_info"] = {
            "general.architecture": model.family,
            "general.file_type": _FILE_TYPES.get(model.quantization_level.upper(), 0),
            "general.parameter_count": _parameter_count(model.parameter_size),
            "general.quantization_version": 2,
            f"{model.family}.context_length": model.context_length,
        }
        entry["capabilities"] = list(model.capabilities)
        entry["modified_at"] = self._modified_at(model)
        return entry

    # -- loaded models (/api/ps) ----------------------------------------------------------

    def _mark_loaded(self, model: FakeModel, keep_alive: float, context_length: int) -> None:
        now = datetime.now(UTC)
        # Negative keep_alive = forever; Ollama reports a date centuries away.
        seconds = keep_alive if keep_alive >= 0 else 300 * 365 * 86400
        with self._lock:
            self._loaded[model.name] = _Loaded(
                model, now + timedelta(seconds=seconds), context_length
            )

    def _unload(self, name: str) -> None:
        with self._lock:
            self._loaded.pop(name, None)

    def _ps_entries(self) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        with self._lock:
            for name in [n for n, entry in self._loaded.items() if entry.expires_at <= now]:
                del self._loaded[name]
            loaded = sorted(self._loaded.values(), key=lambda e: e.expires_at, reverse=True)
        entries = []
        for item in loaded:
            entry = self._tag_entry(item.model)
            del entry["modified_at"]
            entry["expires_at"] = _rfc3339_local(item.expires_at)
            entry["size_vram"] = item.model.size
            entry["context_length"] = item.context_length
            entries.append(entry)
        return entries

    # -- generation -----------------------------------------------------------------------

    def _plan(
        self,
        model: FakeModel,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        think: bool,
        fmt: Any = None,
    ) -> _Plan:
        """Decide every chunk up front so streaming and non-streaming answers agree exactly.

        With a `format` the default reply is JSON (an object for "json", an instance of the
        schema otherwise); a test's `reply` function is sent as it is, so a test can script
        a judge that answers badly."""
        seen = _image_count(messages)
        if model.reply is not None:
            text = model.reply(messages, options)
        elif fmt == "json" or isinstance(fmt, dict):
            rng = random.Random(_seed_for("format", model.name, messages, options))
            if isinstance(fmt, dict) and fmt:
                value = schema_instance(fmt, rng)
            else:
                value = {"answer": default_reply(model.name, messages, options)}
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = default_reply(model.name, messages, options)
            if seen:  # a vision model says how many images it was shown
                text = f"I see {seen} image{'s' if seen != 1 else ''}. {text}"
        if self.chunks_per_reply is not None:
            wanted = max(self.chunks_per_reply, 0)
            tokens = tokenize(text)[:wanted]
            rng = random.Random(_seed_for("more", model.name, messages, options))
            tokens += [" " + rng.choice(_WORDS) for _ in range(wanted - len(tokens))]
            text = "".join(tokens)
        stops = options.get("stop")
        if isinstance(stops, str):
            stops = [stops]
        if isinstance(stops, list):
            cuts = [text.find(s) for s in stops if isinstance(s, str) and s and s in text]
            if cuts:
                text = text[: min(cuts)]
        content = tokenize(text)
        done_reason = "stop"
        num_predict = options.get("num_predict")
        if (
            isinstance(num_predict, (int, float))
            and not isinstance(num_predict, bool)
            and num_predict > 0
        ):
            limit = int(num_predict)
            if len(content) > limit:
                content = content[:limit]
                done_reason = "length"
        thinking: list[str] = []
        if think and "thinking" in model.capabilities:
            if model.thinking is not None:
                thinking = tokenize(model.thinking(messages, options))
            else:
                thinking = tokenize(default_thinking(model.name, messages, options))
        prompt_tokens = sum(4 + math.ceil(len(_as_text(m.get("content"))) / 4) for m in messages)
        return _Plan(thinking, content, done_reason, prompt_tokens)

    @staticmethod
    def _metrics(model: FakeModel, prompt_tokens: int, eval_count: int) -> dict[str, int]:
        """Deterministic, plausible timings (ns); each model gets its own speed.

        Zero fields are left out, as Go's ``omitempty`` does.
        """
        h = int(model.digest[:8], 16)
        load = 40_000_000 + h % 60_000_000
        prompt_eval_duration = prompt_tokens * (200_000 + h % 300_000)
        eval_duration = eval_count * (10_000_000 + h % 30_000_000)
        metrics = {
            "total_duration": load + prompt_eval_duration + eval_duration + 1_234_567,
            "load_duration": load,
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": prompt_eval_duration,
            "eval_count": eval_count,
            "eval_duration": eval_duration,
        }
        return {k: v for k, v in metrics.items() if v}

    # -- bookkeeping ----------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def _request_started(self) -> None:
        with self._changed:
            self._active += 1

    def _request_finished(self) -> None:
        with self._changed:
            self._active -= 1
            self._changed.notify_all()

    def _count_disconnect(self) -> None:
        with self._changed:
            self.disconnects += 1
            self._changed.notify_all()

    def _connection_opened(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def _connection_closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> None:
        """Block until at least ``n`` requests have arrived; TimeoutError otherwise.

        Requests are recorded on arrival, before any delay or stall, so this is the way to
        know "the client has asked" without sleeping.
        """
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(
                    f"expected {n} requests within {timeout}s, got {len(self.requests)}"
                )

    def wait_until_idle(self, timeout: float = 5.0) -> None:
        """Block until no handler is running, e.g. after a client cancelled a stalled stream."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._active == 0, timeout):
                raise TimeoutError(f"{self._active} requests still running after {timeout}s")

    def images_sent(self) -> list[str]:
        """Every image of every /api/chat request, as sent (base64), oldest first."""
        return [
            image
            for request in self.requests_for("/api/chat")
            if isinstance(request.body, dict)
            for message in request.body.get("messages") or ()
            if isinstance(message, dict)
            for image in message.get("images") or ()
        ]

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """The recorded requests to one path, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.path == path]


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    """A started fake with ``llama3:8b`` and the thinking model ``qwen3:0.6b``."""
    fake = FakeOllama(default_models()).start()
    try:
        yield fake
    finally:
        fake.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C, for manual runs of the GUI and for benchmarks."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_ollama", description="Serve a fake Ollama."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = random)")
    parser.add_argument(
        "--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks"
    )
    parser.add_argument("--first-byte-delay", type=float, default=0.0, help="model 'loading' time")
    parser.add_argument(
        "--chunks-per-reply", type=int, default=None, help="force replies to N chunks"
    )
    parser.add_argument("--version", default="0.10.1", help="version /api/version reports")
    args = parser.parse_args(argv)
    fake = FakeOllama(default_models(), version=args.version, port=args.port)
    fake.pullable["tinyllama:1.1b"] = FakeModel(
        name="tinyllama:1.1b",
        parameter_size="1.1B",
        size=637_700_138,
        context_length=2048,
    )
    fake.chunk_delay = args.chunk_delay
    fake.first_byte_delay = args.first_byte_delay
    fake.chunks_per_reply = args.chunks_per_reply
    fake.pull_step_delay = 0.2
    fake.start()
    print(fake.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
