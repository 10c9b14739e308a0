"""Everything the journal asks of an Ollama server, with errors a person can act on.

Streams run on an asyncio loop owned by the calling thread, because only the async client
can be cancelled promptly from another thread: the sync client blocks in a socket read until
the server sends more bytes, which a loading model may not do for a minute. `ollama` itself
is imported lazily so commands that never talk to the server don't pay for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import ssl
import threading
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import httpx

from journal.core import messages
from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import (
    InvalidInputError,
    ModelNotFoundError,
    OllamaError,
    OllamaIncompleteError,
    OllamaRegistryUnreachableError,
    OllamaResponseError,
    OllamaTimeoutError,
    OllamaUnreachableError,
)
from journal.core.host_gate import gate_for
from journal.core.ollama_stream import MalformedLineError, line_safe_client
from journal.core.paths import resolve_ollama_host

# The rule lives beside its SQL form (read_sql.model_key); importable from here as before.
from journal.core.read_sql import normalise_model_name as normalise_model_name

if TYPE_CHECKING:
    import ollama
    import pydantic

DEFAULT_CONNECT_TIMEOUT = 5.0
# A cold model can take minutes to load before the first byte: be patient by default.
DEFAULT_READ_TIMEOUT = 600.0
# Listing, showing and the version answer at once even while a model loads.
METADATA_TIMEOUT = 15.0
# After this long without a byte from a stream, the person is told how long it has been.
SILENCE_NOTICE_AFTER = 3.0
SILENCE_TICK = 0.5

log = logging.getLogger(__name__)


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
        from journal.core.formatting import short_digest

        return short_digest(self.digest)


@dataclass(frozen=True)
class LoadedModel:
    """A model Ollama holds in memory now, as /api/ps describes it."""

    name: str
    digest: str
    size: int
    """Bytes in memory, graphics memory included."""
    size_vram: int
    """Of `size`, the bytes in graphics memory."""
    expires_at: datetime | None = None
    context_length: int = 0

    @property
    def processor(self) -> str:
        """Where it runs, worded as `ollama ps` does: `100% GPU`, `48%/52% CPU/GPU`."""
        if self.size <= 0 or self.size_vram <= 0:
            return "100% CPU"
        gpu = round(100 * min(self.size_vram, self.size) / self.size)
        if gpu >= 100:
            return "100% GPU"
        return f"{100 - gpu}%/{gpu}% CPU/GPU"

    def until(self, now: datetime | None = None) -> str:
        """When Ollama lets it go: `until 14:05` today, `until 2026-03-01 14:05` later,
        `forever` for a keep_alive that never ends (Ollama reports a date centuries away)."""
        if self.expires_at is None:
            return "until further notice"
        now = now or datetime.now(UTC)
        if self.expires_at - now > timedelta(days=3650):
            return "forever"
        local = self.expires_at.astimezone()
        if local.date() == now.astimezone().date():
            return f"until {local:%H:%M}"
        return f"until {local:%Y-%m-%d %H:%M}"


class NoSuchModelError(ModelNotFoundError):
    """Unloading or deleting a model the server does not have: nothing to pull, nothing done."""

    def __init__(self, model: str, host: str, doing: str) -> None:
        OllamaError.__init__(
            self,
            f"There is no model '{model}' on {host}, so there is nothing to {doing}. "
            "`journal models` lists the installed ones.",
        )
        self.model = model
        self.host = host


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
    format: Literal["", "json"] | dict[str, Any] | None = None
    """Structured output: "json", or a JSON schema the reply must follow (a judge's)."""


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


def import_ollama() -> ModuleType:
    """The `ollama` package, imported even when OLLAMA_HOST holds something it cannot parse.

    The package builds a default client when imported, from OLLAMA_HOST, and raises on a value
    it cannot parse (`http://[::1`, port 99999). The journal never uses that client: it
    validates the host itself and passes it to every client it builds. So when the import
    fails that way, it is retried once with OLLAMA_HOST hidden.
    """
    try:
        import ollama
    except ValueError:
        saved = os.environ.pop("OLLAMA_HOST", None)
        try:
            import ollama
        finally:
            if saved is not None:
                os.environ["OLLAMA_HOST"] = saved
    return ollama


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
        client: ollama.Client = import_ollama().Client(
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

    def loaded_models(self) -> list[LoadedModel]:
        """The models in memory now (/api/ps), the one Ollama keeps longest first."""
        with self._errors(), self._client() as client:
            listed = client.ps()
        loaded = [
            LoadedModel(
                name=entry.model or entry.name or "",
                digest=entry.digest or "",
                size=int(entry.size or 0),
                size_vram=int(entry.size_vram or 0),
                expires_at=entry.expires_at,
                context_length=int(entry.context_length or 0),
            )
            for entry in listed.models
        ]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(loaded, key=lambda m: m.expires_at or far, reverse=True)

    def unload(self, name: str) -> bool:
        """Ask Ollama to let `name` go from memory now (keep_alive 0, no prompt).

        True when it was loaded; False when it was not (nothing changes then). Raises
        NoSuchModelError when the server has no such model."""
        wanted = normalise_model_name(name)
        was_loaded = any(normalise_model_name(m.name) == wanted for m in self.loaded_models())
        try:
            with self._errors(model=name), self._client() as client:
                client.generate(model=name, keep_alive=0)
        except ModelNotFoundError:
            raise NoSuchModelError(name, self.host, "unload") from None
        return was_loaded

    def delete_model(self, name: str) -> None:
        """Remove `name` from the server's disk (DELETE /api/delete). Raises NoSuchModelError
        when the server has no such model."""
        try:
            with self._errors(model=name), self._client() as client:
                client.delete(name)
        except ModelNotFoundError:
            raise NoSuchModelError(name, self.host, "delete") from None

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

    # -- streams --------------------------------------------------------------------------

    def chat(
        self,
        request: ChatRequest,
        on_chunk: ChunkCallback,
        cancel: CancelToken | None = None,
        *,
        on_silent: Callable[[float], None] | None = None,
        silence_after: float = SILENCE_NOTICE_AFTER,
        background: bool = False,
    ) -> dict[str, Any]:
        """Stream a chat; return every field of the final chunk except the message.

        A chat is the person's run unless `background` says it is the journal's own work (a
        judge): a run holds the host's gate (see host_gate) so background work waits for it;
        a background chat holds nothing here, its caller waits for its turn first.

        While Ollama sends nothing for `silence_after` seconds or more (a model loading
        sends not even headers), `on_silent(seconds)` is called about twice a second; the
        stream keeps waiting, up to the read timeout. Raises StreamCancelled when `cancel`
        fires, an OllamaError on failure, including a stream that ends without Ollama's
        final line. What the callbacks raise reaches the caller unchanged: a failure of ours
        (a closed standard output, say) must never pass for one of Ollama's.
        """

        async def consume() -> dict[str, Any]:
            client = line_safe_client(
                host=self.host, timeout=self._timeout, verify=self._ssl_context()
            )
            watch = _SilenceWatch(on_silent, silence_after)
            try:
                # An async generator (LineSafeAsyncClient._stream_parts), typed as an iterator.
                stream = cast(
                    AsyncGenerator[Any],
                    await client.chat(
                        model=request.model,
                        messages=request.messages,
                        options=request.options or None,
                        keep_alive=keep_alive_value(request.keep_alive),
                        think=request.think,
                        format=request.format,
                        stream=True,
                    ),
                )
                async with aclosing(stream):  # closed here, in order, however it ends
                    async for part in stream:
                        watch.heard()
                        message = part.message
                        content = message.content or ""
                        thinking = message.thinking or ""
                        if content or thinking:
                            with _callers_own():
                                on_chunk(content, thinking)
                        if part.done:
                            final: dict[str, Any] = part.model_dump(mode="json", exclude_none=True)
                            final.pop("message", None)
                            return final
                raise OllamaIncompleteError(self.host, "answer")
            finally:
                watch.stop()
                await client.close()  # type: ignore[no-untyped-call]

        if background:
            return self._run_cancellable(consume(), cancel, model=request.model)
        with gate_for(self.host).foreground():
            return self._run_cancellable(consume(), cancel, model=request.model)

    def embed(
        self, model: str, texts: Sequence[str], cancel: CancelToken | None = None
    ) -> list[list[float]]:
        """One embedding vector per text (POST /api/embed), in order.

        Ollama answers an empty text with no vector at all, or an error in a list, so an
        empty text is refused before anything is sent. Raises StreamCancelled when `cancel`
        fires, the typed OllamaErrors otherwise (a missing model is ModelNotFoundError)."""
        if not texts:
            return []
        if any(not text for text in texts):
            raise InvalidInputError("Ollama cannot embed an empty text.")

        async def ask() -> list[list[float]]:
            client = line_safe_client(
                host=self.host, timeout=self._timeout, verify=self._ssl_context()
            )
            try:
                response = await client.embed(model=model, input=list(texts))
            finally:
                await client.close()  # type: ignore[no-untyped-call]
            vectors = [[float(number) for number in vector] for vector in response.embeddings]
            if len(vectors) != len(texts) or any(not vector for vector in vectors):
                raise OllamaError(
                    messages.message(
                        messages.EMBEDDING_COUNT,
                        host=self.host,
                        vectors=len(vectors),
                        texts=len(texts),
                    )
                )
            return vectors

        return self._run_cancellable(ask(), cancel, model=model)

    def pull(
        self,
        name: str,
        on_progress: Callable[[str, int, int], None],
        cancel: CancelToken | None = None,
    ) -> None:
        """Pull a model, reporting (status, completed, total) as Ollama sends them."""

        async def consume() -> None:
            client = line_safe_client(
                host=self.host, timeout=self._timeout, verify=self._ssl_context()
            )
            try:
                progress = cast(AsyncGenerator[Any], await client.pull(name, stream=True))
                async with aclosing(progress):
                    async for part in progress:
                        status = part.status or ""
                        with _callers_own():
                            on_progress(status, int(part.completed or 0), int(part.total or 0))
                        if status == "success":
                            return
                raise OllamaIncompleteError(self.host, "pull")
            except Exception as exc:
                registry = _registry_failure(exc)
                if registry is not None:
                    raise OllamaRegistryUnreachableError(self.host, name, registry) from None
                raise
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
            except _CallbackFailed as failed:
                raise failed.error from failed.error.__cause__
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
        response_error: type[ollama.ResponseError] = import_ollama().ResponseError
        # Imported here, not at the top: the window imports this module on a pool thread
        # while another opens the journal (SQLModel, which imports pydantic too), and two
        # threads importing pydantic at once trip PySide6's import hook.
        from pydantic import ValidationError

        try:
            yield
        except response_error as exc:
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
                messages.message(messages.CLOSED_MID_ANSWER, host=self.host, detail=str(exc))
            ) from None
        except httpx.TimeoutException:
            raise OllamaTimeoutError(self.host, "write", self.read_timeout) from None
        except MalformedLineError as exc:
            raise OllamaError(
                messages.message(messages.MALFORMED_LINE, host=self.host, reason=exc.reason)
            ) from None
        except ValidationError as exc:
            raise OllamaError(
                messages.message(
                    messages.UNREADABLE_ANSWER, host=self.host, detail=_validation_detail(exc)
                )
            ) from None
        except json.JSONDecodeError as exc:
            raise OllamaError(
                messages.message(messages.NOT_JSON, host=self.host, detail=exc.msg)
            ) from None
        except httpx.InvalidURL as exc:
            raise OllamaError(
                messages.message(messages.NOT_AN_ADDRESS, host=self.host, detail=str(exc))
            ) from None


class _SilenceWatch:
    """Calls `on_silent(seconds)` every `SILENCE_TICK` while nothing arrives for at least
    `after` seconds. Runs as a task in the stream's own loop, so it needs no thread."""

    def __init__(self, on_silent: Callable[[float], None] | None, after: float) -> None:
        self._on_silent = on_silent
        self._after = after
        self._loop = asyncio.get_running_loop()
        self._last = self._loop.time()
        self._task = self._loop.create_task(self._watch()) if on_silent else None

    def heard(self) -> None:
        self._last = self._loop.time()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _watch(self) -> None:
        assert self._on_silent is not None
        while True:
            await asyncio.sleep(SILENCE_TICK)
            quiet = self._loop.time() - self._last
            if quiet >= self._after:
                try:
                    self._on_silent(quiet)
                except Exception:  # a notice that cannot be shown must not stop the answer
                    log.exception("reporting a silent stream failed")


class _CallbackFailed(Exception):
    """Carries what a caller's callback raised past the translation of Ollama's errors."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@contextmanager
def _callers_own() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        raise _CallbackFailed(exc) from exc


# What Ollama's error line says when it could not fetch a manifest over the network (as
# opposed to "file does not exist", a model the registry does not have).
_NETWORK_FAILURE = re.compile(
    r"no such host|dial tcp|i/o timeout|network is unreachable|connection refused|"
    r"tls handshake|server misbehaving|temporary failure|no route to host",
    re.IGNORECASE,
)


def _registry_failure(exc: BaseException) -> str | None:
    """The network detail if `exc` is Ollama failing to reach its registry, else None."""
    detail = str(getattr(exc, "error", "") or "")
    if detail.startswith("pull model manifest") and _NETWORK_FAILURE.search(detail):
        return detail
    return None


def _validation_detail(exc: pydantic.ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "an unexpected value"
    where = ".".join(str(part) for part in errors[0]["loc"]) or "a line"
    return f"{where}: {errors[0]['msg']}"


def _connect_detail(exc: BaseException) -> str:
    text = str(exc)
    if "Failed to connect to Ollama" in text:  # the client's own wording adds nothing
        return "connection refused"
    return text.split("] ", 1)[-1] if text else "connection refused"
