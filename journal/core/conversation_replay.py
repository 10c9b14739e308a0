"""Regenerating a whole conversation: every turn of a chain again, each sent with the NEW
answers as its history, recorded as a new branch from a new root.

Replaying only the last turn (`replay.plan_replay` with `conversations.history`) asks "what
does the model answer now, given what was said then?"; regenerating asks "where does the
model take this conversation on its own?". Each new turn replays its original
(`replay_of_id`) and continues the new turn before it (`parent_id`). A turn that does not
finish (cancelled, failed) ends the regeneration there: the turns after it would continue
an answer that is not there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from journal.core.cancel import CancelToken
from journal.core.conversations import assistant_message, chain
from journal.core.errors import InvalidInputError
from journal.core.models import Run, RunStatus
from journal.core.replay import (
    ProgressCallback,
    QueueEvents,
    ReplayEdits,
    Replayer,
    ReplayPlan,
    plan_replay,
    require_available,
)

SendTurn = Callable[[int, ReplayPlan], Run | None]
"""(1-based index, plan) -> the recorded, finished run, or None to stop there."""


def conversation_turns(replayer: Replayer, run_id: int) -> list[Run]:
    """The chain root..`run_id` to regenerate; refused for a run that continues nothing."""
    with replayer.journal.read() as session:
        turns = chain(session, run_id)
    if len(turns) < 2:
        raise InvalidInputError(
            f"Run {run_id} continues no earlier turn: there is no conversation to regenerate; "
            "replay it on its own instead."
        )
    return turns


def regenerate_chain(turns: Sequence[Run], edits: ReplayEdits | None, send: SendTurn) -> list[Run]:
    """Replay `turns` (root first) one after another through `send`, each with the answers
    `send` returned before it as history and the previous new run as parent.

    Every plan is checked (options, think, keep_alive) before the first is sent, so a bad
    edit records nothing. Stops at the first run that does not end `done`, or when `send`
    returns None; returns the runs recorded, in order."""
    for turn in turns:
        plan_replay(turn, edits, history=[])
    runs: list[Run] = []
    sent: list[dict[str, Any]] = []
    parent_id: int | None = None
    for index, turn in enumerate(turns, start=1):
        plan = plan_replay(turn, edits, history=sent)
        plan = replace(plan, spec=replace(plan.spec, parent_id=parent_id))
        run = send(index, plan)
        if run is None:
            break
        runs.append(run)
        if run.status is not RunStatus.DONE:
            break
        sent = [*sent, *plan.spec.turn(), assistant_message(run)]
        parent_id = run.id
    return runs


def regenerate_all(
    replayer: Replayer,
    run_id: int,
    edits: ReplayEdits | None = None,
    *,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    events: QueueEvents | None = None,
) -> list[Run]:
    """Every turn of `run_id`'s conversation again (on `edits.model`, else each turn's own
    model), as a new branch from a new root; progress and events as a ReplayQueue's.

    Raises InvalidInputError for a run without a parent and ModelNotFoundError when a
    model is missing, before anything is recorded. Cancel stops the turn in progress (its
    partial answer is kept) and records nothing after it."""
    cancel = cancel or CancelToken()
    events = events or QueueEvents()
    turns = conversation_turns(replayer, run_id)
    total = len(turns)
    identities = replayer.identify_all([plan_replay(turn, edits, history=[]) for turn in turns])
    require_available(identities)

    def send(index: int, plan: ReplayPlan) -> Run | None:
        if cancel.cancelled:
            return None
        identity = identities[index - 1]
        if events.starting:
            events.starting(index, total, plan, identity)
        run = replayer.replay(
            plan,
            cancel=cancel,
            events=events.for_item(index, total),
            identity=identity,
            abandon=cancel,
        )
        if progress is not None:
            progress(index, total, run)
        return run

    return regenerate_chain(turns, edits, send)
