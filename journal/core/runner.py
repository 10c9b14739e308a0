"""The life of a run: recorded before it is sent, saved while it streams, kept whatever ends it.

Order matters here. The row exists (`pending`) before any byte goes to Ollama; streamed
text reaches the file at least every `flush_interval` seconds; cancel keeps the partial
text as `cancelled`, an error keeps it plus the error as `failed`; a process that dies
mid-stream leaves a `streaming` row that the next start marks `interrupted`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.errors import JournalError, ModelNotFoundError, OllamaError, StorageError
from journal.core.images import link_images, with_image_data
from journal.core.models import Run, RunStatus, utcnow
from journal.core.ollama_service import (
    SILENCE_NOTICE_AFTER,
    ChatRequest,
    ModelInfo,
    OllamaService,
)
from journal.core.ownership import current_owner
from journal.core.queries import get_experiment, get_run
from journal.core.storage import Journal
from journal.core.trash import refuse_if_trashed

FLUSH_INTERVAL = 0.5
# When the journal refuses the last write of a run, try again after these many seconds
# (then every last one) until it works or the caller gives up.
SAVE_RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)

log = logging.getLogger(__name__)


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
    # The shown run whose prompt this one sends again with other settings: a new run
    # "based on" it, never called a replay.
    based_on_id: int | None = None
    # What the prompt and system prompt were rendered from (TemplateRecord.to_json()), or
    # None; the run keeps it beside the rendered text it sends.
    template: dict[str, Any] | None = None
    # The input row the values came from (a batch item's), kept on the run for its grades.
    input_row_id: int | None = None
    # A follow-up: the run whose answer this turn continues, and the conversation before
    # this turn (core.conversations rebuilds it from the chain): sent, never stored again.
    parent_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    # Ollama's `format`: None, "json" or a JSON schema.
    format: Any = None

    def turn(self) -> list[dict[str, Any]]:
        """This turn's own messages: what the run stores. A user message may name images
        by their SHA-256 (`"images": [...]`, see core.images)."""
        if self.messages is not None:
            return [dict(message) for message in self.messages]
        return [{"role": "user", "content": self.prompt}]

    def conversation(self) -> list[dict[str, Any]]:
        """Everything sent: the history, then this turn."""
        return [*(dict(message) for message in self.history), *self.turn()]


@dataclass
class RunEvents:
    """Optional callbacks; they run in the thread that executes the run, except `flushed`,
    `save_failed` and `saved`, which run in the thread that writes the streamed text."""

    started: Callable[[Run], None] | None = None
    chunk: Callable[[str, str], None] | None = None
    flushed: Callable[[int], None] | None = None
    silent: Callable[[float], None] | None = None
    """Seconds since Ollama last sent anything, repeated about twice a second while it is
    silent for `SILENCE_NOTICE_AFTER` seconds or more (a model loading, a stuck server)."""
    save_failed: Callable[[str], None] | None = None
    """A write of the run failed (reason): its text is kept in memory and written again."""
    saved: Callable[[], None] | None = None
    """Writing works again after `save_failed`: everything received so far is on disk."""
    ollama_failed: Callable[[OllamaError], None] | None = None
    """Ollama failed the run (the run is recorded failed): a window learns the server may be
    down at once rather than at its next poll."""


class RunNotSavedError(StorageError):
    """The run ended but its record could not be written, and waiting was abandoned.

    `text` is the whole answer (nothing of it was lost in memory), for the caller to show or
    write elsewhere; the journal still holds the text of the last write that succeeded, and
    the run will read `interrupted` there.
    """

    def __init__(self, run_id: int, reason: str, text: str, saved_chars: int) -> None:
        self.run_id = run_id
        self.reason = reason
        self.text = text
        self.saved_chars = saved_chars
        super().__init__(
            f"Run {run_id} was not saved: {reason} The journal keeps {saved_chars} of its "
            f"{len(text)} characters and will say it was interrupted."
        )


class RunRecorder:
    """Executes one RunSpec against one service and records everything in one journal."""

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        flush_interval: float = FLUSH_INTERVAL,
        retry_delays: Sequence[float] = SAVE_RETRY_DELAYS,
        silence_after: float | None = None,
    ) -> None:
        self.journal = journal
        self.service = service
        self.flush_interval = flush_interval
        self.retry_delays = tuple(retry_delays)
        # Read at construction, not import, so a test can shorten it for the whole program.
        self.silence_after = SILENCE_NOTICE_AFTER if silence_after is None else silence_after

    def create(self, spec: RunSpec) -> Run:
        """Write the run as `pending`: from here on nothing about it can be lost."""
        with self.journal.write() as session:
            return record_pending(session, spec)

    @staticmethod
    def check_model(service: OllamaService, model: str) -> ModelInfo:
        """The model as the server has it now; raises (OllamaError) when the server cannot
        be reached or lacks the model, so a caller can refuse before writing anything."""
        info = service.find_model(model)
        if info is None:
            raise ModelNotFoundError(model, service.host)
        return info

    def execute(
        self,
        spec: RunSpec,
        *,
        cancel: CancelToken | None = None,
        events: RunEvents | None = None,
        run: Run | None = None,
        model_info: ModelInfo | None = None,
        abandon: CancelToken | None = None,
        server_version: str | None = None,
        identified: bool = False,
    ) -> Run:
        """Run `spec` to its end and return the recorded run; Ollama failures are recorded,
        not raised (the run's `status` and `error` say what happened).

        `cancel` stops the stream (the text so far is kept, and `cancel.reason` becomes the
        run's error). When the journal cannot be written at the end (disk full, locked), the
        text stays in memory and the write is retried until it succeeds or `abandon` fires,
        which raises RunNotSavedError. `model_info`, from `check_model`, and `server_version`
        save asking again (a batch asks each host once); `identified`: `run` was recorded
        with them and as streaming already (`identify_streaming`), one write fewer.
        """
        events = events or RunEvents()
        cancel = cancel or CancelToken()
        run = run or self.create(spec)
        assert run.id is not None
        if events.started:
            events.started(run)
        stream = _StreamBuffer(self.journal, run.id, self.flush_interval, events)
        started = time.monotonic()
        try:
            if not identified:
                identity = self.identity(
                    model_info or self.check_model(self.service, spec.model), server_version
                )
                if cancel.cancelled:
                    self._update(run.id, **identity)
                    raise StreamCancelled()
                # One write: which weights answer, where, and that they answer now.
                self._update(run.id, **identity, status=RunStatus.STREAMING, started_at=utcnow())
            elif cancel.cancelled:
                raise StreamCancelled()
            started = time.monotonic()
            stream.started = started
            final = self.service.chat(
                ChatRequest(
                    model=spec.model,
                    messages=with_image_data(
                        self.journal, _with_system(spec.system_prompt, spec.conversation())
                    ),
                    options=spec.options,
                    keep_alive=spec.keep_alive,
                    think=spec.think,
                    format=spec.format,
                ),
                stream.on_chunk,
                cancel,
                on_silent=events.silent,
                silence_after=self.silence_after,
            )
        except StreamCancelled:
            stream.finish(RunStatus.CANCELLED, started, error=cancel.reason)
        except (OllamaError, StorageError) as exc:
            stream.finish(RunStatus.FAILED, started, error=exc.message)
            if isinstance(exc, OllamaError) and events.ollama_failed:
                events.ollama_failed(exc)
        except BaseException as exc:
            # A bug or KeyboardInterrupt: keep the text, say what happened, re-raise.
            stream.finish(RunStatus.FAILED, started, error=f"{type(exc).__name__}: {exc}")
            self._save(stream, events, abandon)
            raise
        else:
            stream.finish(RunStatus.DONE, started, final=final)
        self._save(stream, events, abandon)
        with self.journal.read() as session:
            return get_run(session, run.id)

    def _save(self, stream: _StreamBuffer, events: RunEvents, abandon: CancelToken | None) -> None:
        """Write the run's last state, retrying while the journal refuses (nothing is lost
        meanwhile: the text is in memory, and every attempt writes all of it)."""
        delays = iter(self.retry_delays)
        delay = 0.0
        wake = threading.Event()
        unregister = abandon.add_callback(wake.set) if abandon else (lambda: None)
        try:
            while True:
                reason = stream.write_final()
                if reason is None:
                    if stream.reported_failure and events.saved:
                        events.saved()
                    return
                if events.save_failed:
                    events.save_failed(reason)
                stream.reported_failure = True
                delay = next(delays, delay)
                if wake.wait(delay):
                    raise RunNotSavedError(
                        stream.run_id, reason, "".join(stream.content), stream.saved_chars
                    )
        finally:
            unregister()

    def identity(self, info: ModelInfo, version: str | None) -> dict[str, Any]:
        """Which weights answer, and where, for the run's record: a tag can point to other
        weights tomorrow, and another host can hold other weights under the same tag."""
        if version is None:
            try:
                version = self.service.version()
            except OllamaError:
                version = ""
        return dict(
            host=self.service.host,
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
    if spec.replay_of_id is None:  # a check may still replay a run it compares from the trash
        refuse_if_trashed(session, experiment_id=spec.experiment_id)
        if spec.parent_id is not None:
            refuse_if_trashed(session, run_id=spec.parent_id)
    run = Run(
        experiment_id=spec.experiment_id,
        replay_of_id=spec.replay_of_id,
        based_on_id=spec.based_on_id,
        replay_info=replay_info,
        model=spec.model,
        system_prompt=spec.system_prompt,
        messages=spec.turn(),
        parent_id=spec.parent_id,
        format=spec.format,
        template=None if spec.template is None else dict(spec.template),
        input_row_id=spec.input_row_id,
        options=dict(spec.options),
        keep_alive=spec.keep_alive,
        think=spec.think,
        owner=current_owner(),
        heartbeat_at=utcnow(),
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    link_images(session, run.id, run.messages)
    return run


def identify_streaming(session: Session, run_id: int, identity: dict[str, Any]) -> None:
    """Record the run's identity (`RunRecorder.identity`) and that it is being sent now, in
    the caller's transaction: a batch records, links and starts an item in one write."""
    _update_run(session, run_id, **identity, status=RunStatus.STREAMING, started_at=utcnow())


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
    append under a lock. Text is only ever appended, so every write carries all of it: a
    write that fails (a busy, full or read-only journal) loses nothing, and the flusher
    simply tries again at the next tick with everything received by then.
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
        self.saved_chars = 0  # of the answer, as of the last write that succeeded
        self.reported_failure = False  # save_failed was said and saved was not yet
        self._final: dict[str, Any] | None = None
        self._logged: set[str] = set()
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

    def _text_values(self) -> dict[str, Any]:
        return {
            "response": "".join(self.content),
            "thinking": "".join(self.thinking),
            "first_token_seconds": self.first_token,
        }

    def _flush_loop(self) -> None:
        last_write = time.monotonic()
        while not self._stop.wait(self.interval):
            with self._lock:
                dirty, self._dirty = self._dirty, False
                values: dict[str, Any] = {"heartbeat_at": utcnow()}
                if dirty:
                    values.update(self._text_values())
            if not dirty and time.monotonic() - last_write < self.HEARTBEAT_EVERY:
                continue
            reason = self._write(values)
            if reason is not None:
                if dirty:  # text is waiting (a heartbeat alone is not worth a word)
                    with self._lock:
                        self._dirty = True  # write it all again next time
                    self.reported_failure = True
                    if self.events.save_failed:
                        self.events.save_failed(reason)
                continue
            last_write = time.monotonic()
            if self.reported_failure:
                self.reported_failure = False
                if self.events.saved:
                    self.events.saved()
            if dirty and self.events.flushed:
                self.events.flushed(self.run_id)

    def _write(self, values: dict[str, Any]) -> str | None:
        """Write `values`; None on success, else why it failed (the caller keeps the text)."""
        try:
            with self.journal.write() as session:
                _update_run(session, self.run_id, **values)
        except JournalError as exc:
            return exc.message
        except Exception as exc:  # a bug must not cost the text: say it, keep trying
            reason = f"{type(exc).__name__}: {exc}"
            if reason not in self._logged:  # once, not at every retry
                self._logged.add(reason)
                log.exception("writing run %s failed", self.run_id)
            return reason
        if "response" in values:
            self.saved_chars = len(values["response"])
        return None

    def finish(
        self,
        status: RunStatus,
        started: float,
        *,
        error: str = "",
        final: dict[str, Any] | None = None,
    ) -> None:
        """Stop the flusher and settle the run's last state; `write_final` writes it."""
        self._stop.set()
        self._flusher.join()
        final = final or {}
        values: dict[str, Any] = {
            "status": status,
            "error": error,
            **self._text_values(),
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
        self._final = values

    def write_final(self) -> str | None:
        assert self._final is not None, "finish() first"
        return self._write(self._final)
