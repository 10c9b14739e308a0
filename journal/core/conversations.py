"""Conversations: a follow-up is a run whose `parent_id` names the run whose answer it
continues, so a conversation is a tree of runs and each turn is stored once.

A run keeps only its own messages (`run.messages`); what it was sent before them is rebuilt
from its chain of parents (`history`): for each ancestor from the root, its own messages and
then its answer as an assistant message. The thinking of a turn is never sent again (Ollama
does not expect it back), and a cancelled or failed turn's partial answer is sent as it was
written: that is what the model saw. Continuing a turn that already has follow-ups simply
starts another branch.

Reads walk the tree with one recursive query, whatever the depth. Nothing here prints or
sends. For the CLI and the window:

- `follow_up(session, parent_id, prompt, ...)` -> a RunSpec for `RunRecorder.execute`;
- `check_context(service, spec, parent)` (asks /api/show: off the UI thread) or
  `context_estimate(spec, parent, show)` -> ContextEstimate; `.warning()` is the line to
  show when the conversation is near the model's context;
- `history`, `chain`, `tip`; `conversation_tree(session, run_id)` and `forest(runs)` give
  TurnNodes (`label()`, `walk()`, `tips()`) to show a conversation with its branches;
- replays: `replay.Replayer.plan` sends a turn's recorded history (a sibling branch);
  `conversation_replay.regenerate_all` replays every turn with the new answers;
  `MigrationChecker.create(..., regenerate=True)` does that for each item of a check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from journal.core.errors import InvalidInputError, OllamaError
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import ModelShow, OllamaService
from journal.core.options import check_options, check_request
from journal.core.queries import get_run
from journal.core.runner import RunSpec
from journal.core.threads import TurnNode as _TurnNode
from journal.core.threads import forest as forest

TurnNode = _TurnNode[Run]
"""A turn of a conversation of stored runs (threads.TurnNode)."""

MAX_DEPTH = 10_000  # a parent chain longer than this is a damaged file, not a conversation

OLLAMA_DEFAULT_NUM_CTX = 4096
"""The context Ollama gives a model when the request sets no `num_ctx` and the model's
parameters none either, whatever longer context the weights would allow."""

NEAR_FULL = 0.9  # warn from this share of the context on


class _Unset:
    """`follow_up` keeps the parent's value for an argument left at UNSET (None is a
    value of its own there: no keep_alive, no think, no format)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# -- reading the tree -------------------------------------------------------------------


def chain_ids(session: Session, run_id: int) -> list[int]:
    """The ids from the conversation's root down to `run_id` (just `[run_id]` for a run
    that continues nothing), in one query."""
    rows = session.execute(
        text(
            """
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent_id, 0 FROM run WHERE id = :id
                UNION ALL
                SELECT r.id, r.parent_id, up.depth + 1 FROM run AS r JOIN up ON r.id = up.parent_id
                WHERE up.depth < :limit
            )
            SELECT id FROM up ORDER BY depth DESC
            """
        ),
        {"id": run_id, "limit": MAX_DEPTH},
    ).all()
    return [row[0] for row in rows]


def _runs_by_id(session: Session, ids: Sequence[int]) -> dict[int, Run]:
    found: dict[int, Run] = {}
    for start in range(0, len(ids), 500):  # SQLite caps the parameters of one statement
        part = ids[start : start + 500]
        for run in session.exec(select(Run).where(col(Run.id).in_(part))):
            assert run.id is not None
            found[run.id] = run
    return found


def chain(session: Session, run_id: int) -> list[Run]:
    """The turns from the conversation's root to `run_id`, root first (two queries)."""
    ids = chain_ids(session, run_id)
    if not ids:
        get_run(session, run_id)  # raises NotFoundError with the usual words
    found = _runs_by_id(session, ids)
    return [found[run_id] for run_id in ids if run_id in found]


def assistant_message(run: Run) -> dict[str, Any]:
    """A turn's answer as the next turn sends it: the text as written, without thinking."""
    return {"role": "assistant", "content": run.response}


def history_of(turns: Iterable[Run]) -> list[dict[str, Any]]:
    """What a turn after `turns` (root first) is sent before its own messages."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
        messages.extend(dict(message) for message in turn.messages)
        messages.append(assistant_message(turn))
    return messages


def history(session: Session, run: Run | int) -> list[dict[str, Any]]:
    """The messages `run` was (or a replay of it is) sent before its own: every ancestor's
    own messages and answer, root first. Empty for a run that continues nothing."""
    run_id = run if isinstance(run, int) else run.id
    if run_id is None:
        return []
    return history_of(chain(session, run_id)[:-1])


def conversation_tree(session: Session, run_id: int) -> TurnNode:
    """The whole conversation `run_id` belongs to, from its root, every branch (three
    queries whatever its size)."""
    ids = chain_ids(session, run_id)
    if not ids:
        get_run(session, run_id)
    root_id = ids[0]
    rows = session.execute(
        text(
            """
            WITH RECURSIVE down(id, depth) AS (
                SELECT :root, 0
                UNION ALL
                SELECT r.id, down.depth + 1 FROM run AS r JOIN down ON r.parent_id = down.id
                WHERE down.depth < :limit
            )
            SELECT id, max(depth) FROM down GROUP BY id
            """
        ),
        {"root": root_id, "limit": MAX_DEPTH},
    ).all()
    found = _runs_by_id(session, [row[0] for row in rows])
    trees = forest(found.values())
    return next(tree for tree in trees if tree.run_id == root_id)


def tip(session: Session, run_id: int) -> Run:
    """The newest turn at the end of the newest branch below `run_id`: what "continue this
    conversation" continues by default."""
    node = conversation_tree(session, run_id)
    for candidate in node.walk():
        if candidate.run_id == run_id:
            node = candidate
            break
    while node.children:
        node = max(node.children, key=lambda child: child.run_id)
    return node.run


# -- following up -----------------------------------------------------------------------


def _think_value(value: Any) -> bool | str | None:
    return value if isinstance(value, (bool, str)) else None


def follow_up(
    session: Session,
    parent_id: int,
    prompt: str,
    *,
    model: str | None = None,
    options: Mapping[str, Any] | None = None,
    system_prompt: str | None = None,
    keep_alive: Any = UNSET,
    think: Any = UNSET,
    format: Any = UNSET,
    messages: list[dict[str, Any]] | None = None,
    allow_unknown: bool = False,
) -> RunSpec:
    """The spec of a follow-up to run `parent_id`: the parent's experiment, model, options,
    keep_alive, think, format and system prompt unless given, its chain as `history`.

    `options` are changes merged over the parent's (a None value drops that option), as a
    replay's edits are; `messages` replaces the plain prompt (a user message naming
    images, say). Refused (InvalidInputError) when the parent has not answered yet: its
    answer would be missing from the history. Continuing a run that already has
    follow-ups makes another branch; nothing else changes.
    """
    parent = get_run(session, parent_id)
    if parent.status in (RunStatus.PENDING, RunStatus.STREAMING):
        raise InvalidInputError(
            f"Run {parent_id} is still answering: follow it up once it has finished "
            "(or stop it first)."
        )
    if messages is None and not prompt.strip():
        raise InvalidInputError("The follow-up is empty: say what to ask next.")
    if model is not None and not model.strip():
        raise InvalidInputError("The model name is empty.")
    merged = dict(parent.options)
    for key, value in (options or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    check_options(merged, allow_unknown=allow_unknown, recorded=parent.options.keys())
    keep = parent.keep_alive if keep_alive is UNSET else keep_alive
    thinks = _think_value(parent.think) if think is UNSET else think
    check_request(keep, thinks)
    return RunSpec(
        experiment_id=parent.experiment_id,
        model=(model or parent.model).strip(),
        prompt=prompt,
        system_prompt=parent.system_prompt if system_prompt is None else system_prompt,
        messages=messages,
        options=merged,
        keep_alive=None if keep is None else str(keep),
        think=thinks,
        parent_id=parent_id,
        history=history_of(chain(session, parent_id)),  # the parent's turn included
        format=parent.format if format is UNSET else format,
    )


# -- context length ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContextEstimate:
    """About how many tokens a conversation takes, against the context the model gets."""

    tokens: int
    limit: int
    limit_source: str
    """Where the limit comes from: "num_ctx option", "model parameters", "model" (the
    weights' own length, below Ollama's default) or "Ollama's default"."""

    @property
    def share(self) -> float:
        return self.tokens / self.limit if self.limit > 0 else 0.0

    @property
    def near_full(self) -> bool:
        return self.share >= NEAR_FULL

    def warning(self) -> str | None:
        """One line when the conversation is at 90% of the context or beyond, else None."""
        if not self.near_full:
            return None
        return (
            f"This conversation is about {self.tokens:,} of {self.limit:,} tokens "
            f"({self.limit_source}); Ollama drops the oldest turns silently beyond that: "
            "raise num_ctx to keep them."
        )


def _characters(messages: Iterable[Mapping[str, Any]]) -> int:
    return sum(len(str(message.get("content") or "")) for message in messages)


def estimate_tokens(spec: RunSpec, parent: Run | None = None) -> int:
    """The conversation `spec` sends, in tokens: what the parent's turn measured (its prompt
    and answer, when Ollama reported them), else characters / 4, plus this turn's own.

    The larger of the measure and the estimate wins: a prompt Ollama had cached is
    reported short, and a silent truncation is worse than a warning too many."""
    guessed = math.ceil((_characters(spec.history) + len(spec.system_prompt)) / 4)
    measured = 0
    if parent is not None and parent.prompt_eval_count is not None:
        measured = parent.prompt_eval_count + (parent.eval_count or 0)
    return max(measured, guessed) + math.ceil(_characters(spec.turn()) / 4)


def context_limit(options: Mapping[str, Any], show: ModelShow | None) -> tuple[int, str]:
    """The context the model gets for these options: `num_ctx` when set, else the model's
    own parameter, else Ollama's default (or the weights' length when that is shorter)."""
    value = options.get("num_ctx")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, "num_ctx option"
    if show is not None:
        own = show.parameter_defaults.get("num_ctx")
        if isinstance(own, int) and own > 0:
            return own, "model parameters"
        for key, length in show.model_info.items():
            if key.endswith(".context_length") and isinstance(length, int) and length > 0:
                if length < OLLAMA_DEFAULT_NUM_CTX:
                    return length, "model"
                break
    return OLLAMA_DEFAULT_NUM_CTX, "Ollama's default"


def context_estimate(
    spec: RunSpec, parent: Run | None = None, show: ModelShow | None = None
) -> ContextEstimate:
    """How full the context is with `spec` (`show`: the model's /api/show, if known)."""
    limit, source = context_limit(spec.options, show)
    return ContextEstimate(estimate_tokens(spec, parent), limit, source)


def check_context(
    service: OllamaService, spec: RunSpec, parent: Run | None = None
) -> ContextEstimate:
    """`context_estimate` with the model's defaults asked of the server; a server that
    cannot say is taken to give Ollama's default."""
    show: ModelShow | None = None
    if "num_ctx" not in spec.options:
        try:
            show = service.show_model(spec.model)
        except OllamaError:
            show = None
    return context_estimate(spec, parent, show)
