"""Replaying past runs: the same request again, or edited, on the same or other models.

A replay is a new run of the same experiment whose `replay_of_id` names the run it replays.
Before it is sent, the model's current digest is compared with the digest the replayed run
recorded, because a tag such as `llama3:latest` can point to other weights tomorrow; the
comparison is kept on the new run (`replay_info`) so "did the weights change?" can be
answered later without guessing.

Nothing here prints: callers get identities (with ready-made warnings), progress callbacks
`(index, total, run)` and a CancelToken, so the CLI and the window drive the same code.
"""

from __future__ import annotations

import enum
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from journal.core.cancel import CancelToken
from journal.core.conversations import history
from journal.core.errors import InvalidInputError, ModelNotFoundError
from journal.core.formatting import short_digest
from journal.core.models import Run
from journal.core.ollama_service import ModelInfo, OllamaService, normalise_model_name
from journal.core.options import check_options, check_request
from journal.core.output_format import format_from_record
from journal.core.queries import get_run, replays_of
from journal.core.runner import RunEvents, RunRecorder, RunSpec, record_pending
from journal.core.storage import Journal
from journal.core.trash import refuse_if_trashed

REQUEST_FIELDS = ("keep_alive", "think")
MAX_CHAIN = 1000  # a replay chain longer than this is a damaged file, not a real history

ProgressCallback = Callable[[int, int, Run], None]
"""(index, total, run): called after each replay ends; `index` is 1-based."""

LinkCallback = Callable[[Session, Run], None]
"""Runs inside the transaction that records a replay, to link it atomically (checks)."""


# -- what to replay ---------------------------------------------------------------------


class Recorded(enum.Enum):
    """An edit that is no edit: the replay sends what the run recorded."""

    AS_RECORDED = "as recorded"


@dataclass(frozen=True)
class ReplayEdits:
    """What to change before replaying; everything left as None is replayed as recorded.

    `options` are merged over the recorded options (a None value removes that option);
    `request` may set `keep_alive` and `think` (a None value clears them), the same split
    as `options.parse_assignments` makes.
    """

    model: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    request: Mapping[str, Any] = field(default_factory=dict)
    prompt: str | None = None
    system_prompt: str | None = None
    allow_unknown: bool = False
    """Send option keys Ollama does not know; the replayed run's own keys always go."""
    format: str | dict[str, Any] | Recorded | None = Recorded.AS_RECORDED
    """Ollama's `format` to send instead of the recorded one (None: none); a checked value
    (`output_format.parse_format`)."""

    def __post_init__(self) -> None:
        unknown = set(self.request) - set(REQUEST_FIELDS)
        if unknown:
            raise InvalidInputError(
                f"A replay can change keep_alive and think, not {', '.join(sorted(unknown))}."
            )
        if self.model is not None and not self.model.strip():
            raise InvalidInputError("The model name is empty.")


@dataclass(frozen=True)
class ReplayPlan:
    """One replay to make: the run it replays and the exact request to send."""

    source: Run
    spec: RunSpec
    edited: tuple[str, ...] = ()

    @property
    def source_id(self) -> int:
        assert self.source.id is not None
        return self.source.id

    @property
    def model(self) -> str:
        return self.spec.model


def _think_value(value: Any) -> bool | str | None:
    return value if isinstance(value, (bool, str)) else None


def _with_prompt(messages: list[dict[str, Any]], prompt: str) -> list[dict[str, Any]]:
    """Replace the last user turn (what people call "the prompt"); earlier turns stay."""
    edited = [dict(message) for message in messages]
    for message in reversed(edited):
        if message.get("role") == "user":
            message["content"] = prompt
            return edited
    return [*edited, {"role": "user", "content": prompt}]


def plan_replay(
    source: Run,
    edits: ReplayEdits | None = None,
    *,
    history: Sequence[dict[str, Any]] | None = None,
) -> ReplayPlan:
    """The request `source` made, with `edits` applied, as a RunSpec linked to `source`.

    A follow-up is replayed with the conversation it was sent (`history`, from
    `conversations.history`) and the same parent: the replay is a sibling branch at the
    same point of the conversation. Such a run cannot be planned without its history.
    """
    if source.id is None:
        raise InvalidInputError("Only a recorded run can be replayed.")
    if source.parent_id is not None and history is None:
        raise InvalidInputError(
            f"Run {source.id} continues run {source.parent_id}: its replay needs the "
            "conversation before it (conversations.history)."
        )
    edits = edits or ReplayEdits()
    options = dict(source.options)
    for key, value in edits.options.items():
        if value is None:
            options.pop(key, None)
        else:
            options[key] = value
    messages = [dict(message) for message in source.messages]
    if edits.prompt is not None:
        messages = _with_prompt(messages, edits.prompt)
    keep_alive = source.keep_alive
    if "keep_alive" in edits.request:
        raw = edits.request["keep_alive"]
        keep_alive = None if raw is None else str(raw)
    think = _think_value(source.think)
    if "think" in edits.request:
        think = _think_value(edits.request["think"])
    # A key the run recorded is no new typo, but every value must still hold.
    check_options(options, allow_unknown=edits.allow_unknown, recorded=source.options.keys())
    check_request(keep_alive, think)
    system_prompt = source.system_prompt if edits.system_prompt is None else edits.system_prompt
    output_format = (
        format_from_record(source.format) if edits.format is Recorded.AS_RECORDED else edits.format
    )
    spec = RunSpec(
        experiment_id=source.experiment_id,
        model=(edits.model or source.model).strip(),
        system_prompt=system_prompt,
        # The recorded, rendered text is sent as it is: a template is never rendered again.
        messages=messages,
        options=options,
        keep_alive=keep_alive,
        think=think,
        replay_of_id=source.id,
        # The replay sends what the template gave only while the text is not edited.
        template=(
            source.template
            if messages == source.messages and system_prompt == source.system_prompt
            else None
        ),
        # The same case of the same input set: the row's own expectations grade it too.
        input_row_id=source.input_row_id,
        format=output_format,
        parent_id=source.parent_id,
        history=[dict(message) for message in history or ()],
    )
    changes = {
        "model": normalise_model_name(spec.model) != normalise_model_name(source.model),
        "system_prompt": spec.system_prompt != source.system_prompt,
        "messages": messages != source.messages,
        "options": options != source.options,
        "keep_alive": keep_alive != source.keep_alive,
        "think": think != _think_value(source.think),
        "format": output_format != source.format,
    }
    return ReplayPlan(source, spec, tuple(name for name, changed in changes.items() if changed))


# -- model identity ---------------------------------------------------------------------


@dataclass(frozen=True)
class ModelIdentity:
    """The model a replay will use, compared with what the replayed run recorded.

    Digests are only compared when the replay uses the same model name as the original:
    another model is expected to have other weights.
    """

    model: str
    host: str
    source_run_id: int
    source_model: str
    source_digest: str
    current: ModelInfo | None

    @property
    def available(self) -> bool:
        return self.current is not None

    @property
    def digest_now(self) -> str | None:
        return self.current.digest if self.current else None

    @property
    def same_model(self) -> bool:
        return normalise_model_name(self.model) == normalise_model_name(self.source_model)

    @property
    def digest_before(self) -> str | None:
        """The digest to compare with: the original's, when it ran on this very model."""
        return self.source_digest if self.same_model and self.source_digest else None

    @property
    def changed(self) -> bool:
        before, now = self.digest_before, self.digest_now
        return before is not None and now is not None and before != now

    @property
    def display_name(self) -> str:
        return normalise_model_name(self.model)

    def warning(self) -> str | None:
        """One plain sentence when something is off, else None."""
        if not self.available:
            return str(ModelNotFoundError(self.model, self.host))
        if self.changed:
            assert self.digest_before is not None and self.digest_now is not None
            return (
                f"{self.display_name} changed since run {self.source_run_id}: "
                f"{short_digest(self.digest_before)} -> {short_digest(self.digest_now)}"
            )
        return None

    def record(self, edited: Sequence[str] = ()) -> dict[str, Any]:
        """What the new run keeps in `replay_info`."""
        return {
            "source_run_id": self.source_run_id,
            "source_model": self.source_model,
            "source_digest": self.source_digest,
            "model": self.model,
            "digest_before": self.digest_before,
            "digest_now": self.digest_now,
            "digest_changed": self.changed,
            "edited": list(edited),
        }


def identify(service: OllamaService, plan: ReplayPlan) -> ModelIdentity:
    """Look the plan's model up on the server now (raises OllamaError if it is unreachable)."""
    return identity_from(plan, service.find_model(plan.model), service.host)


def identify_all(service: OllamaService, plans: Sequence[ReplayPlan]) -> list[ModelIdentity]:
    """Identities for many plans from one model listing."""
    listed = {normalise_model_name(model.name): model for model in service.list_models()}
    return [
        identity_from(plan, listed.get(normalise_model_name(plan.model)), service.host)
        for plan in plans
    ]


def identity_from(plan: ReplayPlan, current: ModelInfo | None, host: str) -> ModelIdentity:
    return ModelIdentity(
        model=plan.model,
        host=host,
        source_run_id=plan.source_id,
        source_model=plan.source.model,
        source_digest=plan.source.model_digest,
        current=current,
    )


def require_available(identities: Iterable[ModelIdentity]) -> None:
    """Raise ModelNotFoundError (which names `ollama pull NAME`) for the first missing model."""
    for identity in identities:
        if not identity.available:
            raise ModelNotFoundError(identity.model, identity.host)


def missing_models(identities: Iterable[ModelIdentity]) -> list[str]:
    """Each missing model once, in order: what a `--pull` has to fetch."""
    seen: dict[str, None] = {}
    for identity in identities:
        if not identity.available:
            seen.setdefault(identity.model, None)
    return list(seen)


# -- recording and running --------------------------------------------------------------


def record_replay(session: Session, plan: ReplayPlan, identity: ModelIdentity | None) -> Run:
    """Write the replay as `pending`, with its identity comparison, in the caller's
    transaction (so a migration check can link it to its item atomically)."""
    return record_pending(session, plan.spec, identity.record(plan.edited) if identity else None)


class Replayer:
    """Plans, identifies and runs replays against one journal and one Ollama."""

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        recorder: RunRecorder | None = None,
    ) -> None:
        self.journal = journal
        self.service = service
        self.recorder = recorder or RunRecorder(journal, service)

    def plan(self, run_id: int, edits: ReplayEdits | None = None) -> ReplayPlan:
        with self.journal.read() as session:
            source = get_run(session, run_id)
            return plan_replay(source, edits, history=history(session, source))

    def fan_out(
        self, run_id: int, models: Sequence[str], edits: ReplayEdits | None = None
    ) -> list[ReplayPlan]:
        """One plan per model (the run's own model when `models` is empty)."""
        edits = edits or ReplayEdits()
        with self.journal.read() as session:
            refuse_if_trashed(session, run_id=run_id)  # what is in the trash is not replayed
            source = get_run(session, run_id)
            sent_before = history(session, source)
        names = list(dict.fromkeys(models)) or [edits.model or source.model]
        return [
            plan_replay(source, replace(edits, model=name), history=sent_before) for name in names
        ]

    def identify(self, plan: ReplayPlan) -> ModelIdentity:
        return identify(self.service, plan)

    def identify_all(self, plans: Sequence[ReplayPlan]) -> list[ModelIdentity]:
        return identify_all(self.service, plans)

    def start(
        self,
        plan: ReplayPlan,
        identity: ModelIdentity | None = None,
        *,
        link: LinkCallback | None = None,
    ) -> Run:
        with self.journal.write() as session:
            run = record_replay(session, plan, identity)
            if link is not None:
                link(session, run)
            return run

    def replay(
        self,
        plan: ReplayPlan,
        *,
        cancel: CancelToken | None = None,
        events: RunEvents | None = None,
        identity: ModelIdentity | None = None,
        link: LinkCallback | None = None,
        abandon: CancelToken | None = None,
    ) -> Run:
        """Identify (unless given), record and stream one replay; returns the finished run.

        Like RunRecorder.execute, Ollama failures during the run are recorded on the run,
        not raised; only an unreachable server at identification time raises, before
        anything is written.
        """
        identity = identity or self.identify(plan)
        run = self.start(plan, identity, link=link)
        return self.recorder.execute(
            plan.spec, cancel=cancel, events=events, run=run, abandon=abandon
        )


# -- the queue --------------------------------------------------------------------------


@dataclass
class QueueEvents:
    """Optional per-item callbacks; they run in the thread that runs the item."""

    starting: Callable[[int, int, ReplayPlan, ModelIdentity], None] | None = None
    """(index, total, plan, identity) before the replay is recorded."""
    started: Callable[[int, int, Run], None] | None = None
    """(index, total, run) once the run is recorded, before anything is sent."""
    chunk: Callable[[int, str, str], None] | None = None
    """(index, content, thinking) for every streamed delta."""
    run: RunEvents = field(default_factory=RunEvents)
    """Passed to every run as they are (`silent`, `save_failed`, `saved`), with the
    per-item callbacks above set on top."""

    def for_item(self, index: int, total: int) -> RunEvents:
        """The run events of item `index`: `run`'s, with `started` and `chunk` told which."""
        run_events = replace(self.run)
        if self.started:
            started = self.started
            run_events.started = lambda run: started(index, total, run)
        if self.chunk:
            chunk = self.chunk
            run_events.chunk = lambda content, thinking: chunk(index, content, thinking)
        return run_events


class ReplayQueue:
    """Replays run one after another (or `parallel` at a time) so Ollama is not flooded.

    Cancel stops the stream in progress promptly (its partial answer is kept as
    `cancelled`) and skips everything not yet started: nothing is recorded for those.
    Plans may be added while the queue runs (from any thread); call `run` from one
    thread at a time.
    """

    def __init__(
        self, replayer: Replayer, plans: Iterable[ReplayPlan] = (), *, parallel: int = 1
    ) -> None:
        if parallel < 1:
            raise InvalidInputError("A replay queue runs at least one replay at a time.")
        self.replayer = replayer
        self.parallel = parallel
        self._lock = threading.Lock()
        self._waiting: deque[ReplayPlan] = deque(plans)
        self._total = len(self._waiting)
        self._taken = 0
        self._broken = False  # a worker raised: the others take nothing new

    def add(self, plan: ReplayPlan) -> None:
        with self._lock:
            self._waiting.append(plan)
            self._total += 1

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def _next(self, cancel: CancelToken) -> tuple[int, int, ReplayPlan] | None:
        with self._lock:
            if cancel.cancelled or self._broken or not self._waiting:
                return None
            self._taken += 1
            return self._taken, self._total, self._waiting.popleft()

    def run(
        self,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
        events: QueueEvents | None = None,
    ) -> list[Run]:
        """Run until the queue is empty or cancelled; returns the recorded runs in order.

        An unreachable server raises (OllamaError) before the item it stopped is recorded;
        that item and the ones after it stay queued, so `run` may be called again.
        """
        cancel = cancel or CancelToken()
        self._broken = False
        events = events or QueueEvents()
        finished: dict[int, Run] = {}

        def worker() -> None:
            try:
                while (taken := self._next(cancel)) is not None:
                    index, total, plan = taken
                    finished[index] = self._run_one(index, total, plan, cancel, events)
                    if progress is not None:
                        progress(index, total, finished[index])
            except BaseException:
                with self._lock:
                    self._broken = True
                raise

        if self.parallel == 1:
            worker()
        else:
            with ThreadPoolExecutor(self.parallel, thread_name_prefix="replay") as pool:
                for future in [pool.submit(worker) for _ in range(self.parallel)]:
                    future.result()
        return [finished[index] for index in sorted(finished)]

    def _run_one(
        self, index: int, total: int, plan: ReplayPlan, cancel: CancelToken, events: QueueEvents
    ) -> Run:
        try:
            identity = self.replayer.identify(plan)
        except BaseException:
            with self._lock:  # nothing was recorded for it: it waits for the next run()
                self._waiting.appendleft(plan)
                self._taken -= 1
            raise
        if events.starting:
            events.starting(index, total, plan, identity)
        # Cancelling the queue also stops waiting for a journal that refuses a run's text.
        return self.replayer.replay(
            plan,
            cancel=cancel,
            events=events.for_item(index, total),
            identity=identity,
            abandon=cancel,
        )


# -- lineage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lineage:
    """Where a run comes from and what came of it."""

    run: Run
    ancestors: list[Run]  # what it replays, nearest first, back to the first original
    replays: list[Run]  # the runs that replay it directly, oldest first

    @property
    def replays_run(self) -> Run | None:
        return self.ancestors[0] if self.ancestors else None


def replay_chain(session: Session, run_id: int) -> list[Run]:
    """The runs `run_id` replays, nearest first: its original, that one's original, ..."""
    rows = session.execute(
        text(
            """
            WITH RECURSIVE chain(id, depth) AS (
                SELECT replay_of_id, 1 FROM run WHERE id = :id AND replay_of_id IS NOT NULL
                UNION
                SELECT r.replay_of_id, chain.depth + 1 FROM run AS r JOIN chain ON r.id = chain.id
                WHERE r.replay_of_id IS NOT NULL AND chain.depth < :limit
            )
            SELECT id, min(depth) FROM chain GROUP BY id ORDER BY min(depth)
            """
        ),
        {"id": run_id, "limit": MAX_CHAIN},
    ).all()
    ids = [row[0] for row in rows if row[0] != run_id]
    if not ids:
        return []
    found = {run.id: run for run in session.exec(select(Run).where(col(Run.id).in_(ids)))}
    return [found[run_id] for run_id in ids if run_id in found]


def lineage(session: Session, run_id: int) -> Lineage:
    run = get_run(session, run_id)
    return Lineage(run, replay_chain(session, run_id), replays_of(session, run_id))
