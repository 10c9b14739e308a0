"""The life of a run: recorded before it is sent, saved while it streams, kept whatever ends it.

Order matters here. The row exists (`pending`) before any byte goes to Ollama; streamed
text reaches the file at least every `flush_interval` seconds; cancel keeps the partial
text as `cancelled`, an error keeps it plus the error as `failed`; a process that dies
mid-stream leaves a `streaming` row that the next start marks `interrupted`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import ModelNotFoundError, OllamaError
from journal.core.models import Run, RunStatus, utcnow
from journal.core.ollama_service import ChatRequest, OllamaService
from journal.core.ownership import current_owner
from journal.core.queries import get_experiment, get_run
from journal.core.storage import Journal

FLUSH_INTERVAL = 0.5


@dataclass
class RunSpec:
    """What to ask, of which model, with which settings."""

    experiment_id: int
    model: str
    prompt: str = ""
    system_prompt: str = ""
    messages: list[dict[str, Any]] | None = None  # a whole conversation; overrides prompt
    options: dict[str, Any] = field(default_factory=dict)
    keep_alive: str | None = None
    think: bool | str | None = None
    replay_of_id: int | None = None

    def conversation(self) -> list[dict[str, Any]]:
        if self.messages is not None:
            return [dict(message) for message in self.messages]
        return [{"role": "user", "content": self.prompt}]


@dataclass
class RunEvents:
    """Optional callbacks; they run in the thread that executes the run."""

    started: Callable[[Run], None] | None = None
    chunk: Callable[[str, str], None] | None = None
    flushed: Callable[[int], None] | None = None


class RunRecorder:
    """Executes one RunSpec against one service and records everything in one journal."""

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> None:
        self.journal = journal
        self.service = service
        self.flush_interval = flush_interval

    def create(self, spec: RunSpec) -> Run:
        """Write the run as `pending`: from here on nothing about it can be lost."""
        with self.journal.write() as session:
            return record_pending(session, spec)

    def execute(
        self,
        spec: RunSpec,
        *,
        cancel: CancelToken | None = None,
        events: RunEvents | None = None,
        run: Run | None = None,
    ) -> Run:
        """Run `spec` to its end and return the recorded run; Ollama failures are recorded,
        not raised (the run's `status` and `error` say what happened)."""
        events = events or RunEvents()
        cancel = cancel or CancelToken()
        run = run or self.create(spec)
        assert run.id is not None
        if events.started:
            events.started(run)
        stream = _StreamBuffer(self.journal, run.id, self.flush_interval, events)
        started = time.monotonic()
        try:
            self._identify_model(run.id, spec.model)
            if cancel.cancelled:
                raise StreamCancelled()
            self._update(run.id, status=RunStatus.STREAMING, started_at=utcnow())
            started = time.monotonic()
            stream.started = started
            final = self.service.chat(
                ChatRequest(
                    model=spec.model,
                    messages=_with_system(spec.system_prompt, spec.conversation()),
                    options=spec.options,
                    keep_alive=spec.keep_alive,
                    think=spec.think,
                ),
                stream.on_chunk,
                cancel,
            )
        except StreamCancelled:
            stream.finish(RunStatus.CANCELLED, started)
        except OllamaError as exc:
            stream.finish(RunStatus.FAILED, started, error=exc.message)
        except BaseException as exc:
            # A bug or KeyboardInterrupt: keep the text, say what happened, re-raise.
            stream.finish(RunStatus.FAILED, started, error=f"{type(exc).__name__}: {exc}")
            raise
        else:
            stream.finish(RunStatus.DONE, started, final=final)
        with self.journal.read() as session:
            return get_run(session, run.id)

    def _identify_model(self, run_id: int, model: str) -> None:
        """Record which weights answer: a tag can point to other weights tomorrow."""
        info = self.service.find_model(model)
        if info is None:
            raise ModelNotFoundError(model, self.service.host)
        try:
            version = self.service.version()
        except OllamaError:
            version = ""
        self._update(
            run_id,
            model_digest=info.digest,
            model_family=info.family,
            model_parameter_size=info.parameter_size,
            model_quantization=info.quantization_level,
            model_details=dict(info.details, name=info.name, size=info.size),
            ollama_version=version,
        )

    def _update(self, run_id: int, **values: Any) -> None:
        with self.journal.write() as session:
            _update_run(session, run_id, **values)


def record_pending(
    session: Session, spec: RunSpec, replay_info: dict[str, Any] | None = None
) -> Run:
    """Add `spec` as a `pending` run in the caller's transaction (a replay links it to a
    migration check in the same one)."""
    get_experiment(session, spec.experiment_id)
    run = Run(
        experiment_id=spec.experiment_id,
        replay_of_id=spec.replay_of_id,
        replay_info=replay_info,
        model=spec.model,
        system_prompt=spec.system_prompt,
        messages=spec.conversation(),
        options=dict(spec.options),
        keep_alive=spec.keep_alive,
        think=spec.think,
        owner=current_owner(),
        heartbeat_at=utcnow(),
    )
    session.add(run)
    session.flush()
    return run


def _update_run(session: Session, run_id: int, **values: Any) -> None:
    session.execute(update(Run).where(Run.id == run_id).values(**values))  # type: ignore[arg-type]


def _with_system(system_prompt: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # /api/chat has no `system` field: the system prompt travels as the first message.
    if not system_prompt:
        return messages
    return [{"role": "system", "content": system_prompt}, *messages]


class _StreamBuffer:
    """Collects deltas cheaply; a flusher thread writes them out every `interval` seconds.

    The flush runs on its own thread, not per chunk, so text that arrived just before the
    server went silent still reaches the file on time, and the per-chunk cost stays an
    append under a lock.
    """

    HEARTBEAT_EVERY = 5.0

    def __init__(self, journal: Journal, run_id: int, interval: float, events: RunEvents) -> None:
        self.journal = journal
        self.run_id = run_id
        self.interval = interval
        self.events = events
        self.content: list[str] = []
        self.thinking: list[str] = []
        self.started = time.monotonic()
        self.first_token: float | None = None
        self._lock = threading.Lock()
        self._dirty = False
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_loop, name="run-flusher", daemon=True)
        self._flusher.start()

    def on_chunk(self, content: str, thinking: str) -> None:
        with self._lock:
            if self.first_token is None:
                self.first_token = time.monotonic() - self.started
            if content:
                self.content.append(content)
            if thinking:
                self.thinking.append(thinking)
            self._dirty = True
        if self.events.chunk:
            self.events.chunk(content, thinking)

    def _flush_loop(self) -> None:
        last_write = time.monotonic()
        while not self._stop.wait(self.interval):
            with self._lock:
                dirty, self._dirty = self._dirty, False
                values: dict[str, Any] = {"heartbeat_at": utcnow()}
                if dirty:
                    values.update(
                        response="".join(self.content),
                        thinking="".join(self.thinking),
                        first_token_seconds=self.first_token,
                    )
            if not dirty and time.monotonic() - last_write < self.HEARTBEAT_EVERY:
                continue
            with self.journal.write() as session:
                _update_run(session, self.run_id, **values)
            last_write = time.monotonic()
            if dirty and self.events.flushed:
                self.events.flushed(self.run_id)

    def finish(
        self,
        status: RunStatus,
        started: float,
        *,
        error: str = "",
        final: dict[str, Any] | None = None,
    ) -> None:
        self._stop.set()
        self._flusher.join()
        final = final or {}
        values: dict[str, Any] = {
            "status": status,
            "error": error,
            "response": "".join(self.content),
            "thinking": "".join(self.thinking),
            "first_token_seconds": self.first_token,
            "wall_seconds": time.monotonic() - started,
            "finished_at": utcnow(),
            "heartbeat_at": None,
            "owner": "",
        }
        if final:
            values.update(
                done_reason=final.get("done_reason") or "",
                final_chunk=final,
                **{
                    key: final.get(key)
                    for key in (
                        "prompt_eval_count",
                        "eval_count",
                        "total_duration",
                        "load_duration",
                        "prompt_eval_duration",
                        "eval_duration",
                    )
                },
            )
        with self.journal.write() as session:
            _update_run(session, self.run_id, **values)
