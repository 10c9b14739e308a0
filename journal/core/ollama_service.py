"""Everything the journal asks of an Ollama server, with errors a person can act on.

Streams run on an asyncio loop owned by the calling thread, because only the async client
can be cancelled promptly from another thread (see shared/OLLAMA.md): the sync client
blocks in a socket read until the server sends more bytes, which a loading model may not do
for a minute. `ollama` itself is imported lazily so commands that never talk to the server
don't pay for it.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import (
    ModelNotFoundError,
    OllamaError,
    OllamaResponseError,
    OllamaTimeoutError,
    OllamaUnreachableError,
)
from journal.core.paths import resolve_ollama_host

if TYPE_CHECKING:
    import ollama

DEFAULT_CONNECT_TIMEOUT = 5.0
# A cold model can take minutes to load before the first byte: be patient by default.
DEFAULT_READ_TIMEOUT = 600.0
# Listing, showing and the version answer at once even while a model loads.
METADATA_TIMEOUT = 15.0


@dataclass(frozen=True)
class ModelInfo:
    """A locally available model, as /api/tags describes it."""

    name: str
    digest: str
    family: str = ""
    parameter_size: str = ""
    quantization_level: str = ""
    format: str = ""
    size: int = 0
    modified_at: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def short_digest(self) -> str:
        return self.digest[:12]


@dataclass(frozen=True)
class ModelShow:
    """What /api/show tells about one model."""

    name: str
    license: str = ""
    modelfile: str = ""
    parameters: str = ""
    template: str = ""
    system: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    model_info: dict[str, Any] = field(default_factory=dict)
    capabilities: list[str] = field(default_factory=list)

    @property
    def parameter_defaults(self) -> dict[str, Any]:
        """The model's own option defaults, parsed from the `parameters` text."""
        return parse_parameters(self.parameters)


@dataclass
class ChatRequest:
    model: str
    messages: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    keep_alive: str | float | None = None
    think: bool | str | None = None


T = TypeVar("T")

ChunkCallback = Callable[[str, str], None]
"""Receives (content, thinking) deltas as they arrive."""


def parse_parameters(text: str) -> dict[str, Any]:
    """`stop "<|eot_id|>"\\ntemperature 0.7` -> {"stop": ["<|eot_id|>"], "temperature": 0.7}."""
    result: dict[str, Any] = {}
    for line in text.splitlines():
        key, _, raw = line.strip().partition(" ")
        if not key:
            continue
        value: Any = raw.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        elif re.fullmatch(r"-?\d+", value):
            value = int(value)
        elif re.fullmatch(r"-?\d*\.\d+(e-?\d+)?", value):
            value = float(value)
        if key == "stop":
            result.setdefault("stop", []).append(value)
        else:
            result[key] = value
    return result


def keep_alive_value(value: str | float | None) -> str | float | None:
    """Ollama reads a keep_alive string as a Go duration ("5m"), where a bare "-1" or "90"
    is an error: send plain numbers as numbers (seconds; negative keeps the model loaded)."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def normalise_model_name(name: str) -> str:
    """Ollama treats `llama3` as `llama3:latest`; compare names the same way."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


class OllamaService:
    """One Ollama host. Cheap to build; safe to share between threads."""

    def __init__(
        self,
        host: str | None = None,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        self.host = resolve_ollama_host(host)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._metadata_timeout = httpx.Timeout(
            min(read_timeout, METADATA_TIMEOUT), connect=connect_timeout
        )
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    def _ssl_context(self) -> ssl.SSLContext:
        # Building a context reads the CA bundle (~20 ms): once per service, not per request.
        # Clients themselves are per call, so a service needs no closing.
        with self._lock:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            return self._ssl

    # -- plain requests -------------------------------------------------------------------

    @contextmanager
    def _client(self) -> Iterator[ollama.Client]:
        import ollama

        client = ollama.Client(
            host=self.host, timeout=self._metadata_timeout, verify=self._ssl_context()
        )
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]

    def version(self) -> str:
        # The ollama client has no method for /api/version: plain httpx does it.
        with (
            self._errors(),
            httpx.Client(
                base_url=self.host, timeout=self._metadata_timeout, verify=self._ssl_context()
            ) as http,
        ):
            response = http.get("/api/version")
            response.raise_for_status()
            return str(response.json().get("version", ""))

    def list_models(self) -> list[ModelInfo]:
        with self._errors(), self._client() as client:
            listed = client.list()
        models = []
        for entry in listed.models:
            details = entry.details.model_dump(exclude_none=True) if entry.details else {}
            models.append(
                ModelInfo(
                    name=entry.model or "",
                    digest=entry.digest or "",
                    family=details.get("family", ""),
                    parameter_size=details.get("parameter_size", ""),
                    quantization_level=details.get("quantization_level", ""),
                    format=details.get("format", ""),
                    size=int(entry.size or 0),
                    modified_at=entry.modified_at.isoformat() if entry.modified_at else "",
                    details=details,
                )
            )
        return sorted(models, key=lambda m: m.name)

    def find_model(self, name: str) -> ModelInfo | None:
        wanted = normalise_model_name(name)
        for model in self.list_models():
            if normalise_model_name(model.name) == wanted:
                return model
        return None

    def show_model(self, name: str) -> ModelShow:
        with self._errors(model=name), self._client() as client:
            shown = client.show(name)
        return ModelShow(
            name=name,
            license=shown.license or "",
            modelfile=shown.modelfile or "",
            parameters=shown.parameters or "",
            template=shown.template or "",
            system=getattr(shown, "system", None) or "",
            details=shown.details.model_dump(exclude_none=True) if shown.details else {},
            model_info=dict(shown.modelinfo or {}),
            capabilities=list(shown.capabilities or []),
        )

    def running_models(self) -> list[dict[str, Any]]:
        with self._errors(), self._client() as client:
            listed = client.ps()
        return [entry.model_dump(mode="json", exclude_none=True) for entry in listed.models]

    # -- streams --------------------------------------------------------------------------

    def chat(
        self,
        request: ChatRequest,
        on_chunk: ChunkCallback,
        cancel: CancelToken | None = None,
    ) -> dict[str, Any]:
        """Stream a chat; return every field of the final chunk except the message.

        Raises StreamCancelled when `cancel` fires, an OllamaError on failure.
        """

        async def consume() -> dict[str, Any]:
            import ollama

            client = ollama.AsyncClient(
                host=self.host, timeout=self._timeout, verify=self._ssl_context()
            )
            try:
                stream = await client.chat(
                    model=request.model,
                    messages=request.messages,
                    options=request.options or None,
                    keep_alive=keep_alive_value(request.keep_alive),
                    think=request.think,
                    stream=True,
                )
                final: dict[str, Any] = {}
                async for part in stream:
                    message = part.message
                    content = message.content or ""
                    thinking = message.thinking or ""
                    if content or thinking:
                        on_chunk(content, thinking)
                    if part.done:
                        final = part.model_dump(mode="json", exclude_none=True)
                        final.pop("message", None)
                return final
            finally:
                await client.close()  # type: ignore[no-untyped-call]

        return self._run_cancellable(consume(), cancel, model=request.model)

    def pull(
        self,
        name: str,
        on_progress: Callable[[str, int, int], None],
        cancel: CancelToken | None = None,
    ) -> None:
        """Pull a model, reporting (status, completed, total) as Ollama sends them."""

        async def consume() -> None:
            import ollama

            client = ollama.AsyncClient(
                host=self.host, timeout=self._timeout, verify=self._ssl_context()
            )
            try:
                progress: AsyncIterator[Any] = await client.pull(name, stream=True)
                async for part in progress:
                    on_progress(part.status or "", int(part.completed or 0), int(part.total or 0))
            finally:
                await client.close()  # type: ignore[no-untyped-call]

        self._run_cancellable(consume(), cancel, model=name)

    def _run_cancellable(
        self, coroutine: Coroutine[Any, Any, T], cancel: CancelToken | None, *, model: str
    ) -> T:
        loop = asyncio.new_event_loop()
        try:
            task = loop.create_task(coroutine)

            def cancel_task() -> None:
                loop.call_soon_threadsafe(task.cancel)

            unregister = cancel.add_callback(cancel_task) if cancel else (lambda: None)
            try:
                with self._errors(model=model):
                    return loop.run_until_complete(task)
            except asyncio.CancelledError:
                raise StreamCancelled() from None
            finally:
                unregister()
        finally:
            # Close what a failed or cancelled stream left open before the loop goes away.
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    # -- errors ---------------------------------------------------------------------------

    @contextmanager
    def _errors(self, model: str | None = None) -> Iterator[None]:
        """Translate client and transport failures into the journal's typed errors."""
        import ollama

        try:
            yield
        except ollama.ResponseError as exc:
            message = str(exc.error)
            if exc.status_code == 404 and model and "not found" in message:
                raise ModelNotFoundError(model, self.host) from None
            raise OllamaResponseError(message, exc.status_code) from None
        except httpx.ConnectTimeout:
            raise OllamaTimeoutError(self.host, "connect", self.connect_timeout) from None
        except httpx.ReadTimeout:
            raise OllamaTimeoutError(self.host, "read", self.read_timeout) from None
        except (httpx.ConnectError, ConnectionError) as exc:
            raise OllamaUnreachableError(self.host, _connect_detail(exc)) from None
        except httpx.HTTPStatusError as exc:
            raise OllamaResponseError(exc.response.text, exc.response.status_code) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise OllamaError(
                f"Ollama at {self.host} closed the connection mid-answer ({exc}). "
                "The server may have crashed or restarted."
            ) from None
        except httpx.TimeoutException:
            raise OllamaTimeoutError(self.host, "write", self.read_timeout) from None
        except json.JSONDecodeError as exc:
            # httpx splits stream lines at U+0085 too, which Ollama sends unescaped inside
            # JSON strings: the client then sees half a line. Nothing received is lost.
            raise OllamaError(
                f"The answer from {self.host} could not be read past this point: a line of "
                f"the stream was not valid JSON ({exc.msg}). This happens when the model "
                "writes the control character U+0085; the text so far is kept."
            ) from None
        except httpx.InvalidURL as exc:
            raise OllamaError(f"'{self.host}' is not a usable Ollama address: {exc}.") from None


def _connect_detail(exc: BaseException) -> str:
    text = str(exc)
    if "Failed to connect to Ollama" in text:  # the client's own wording adds nothing
        return "connection refused"
    return text.split("] ", 1)[-1] if text else "connection refused"
