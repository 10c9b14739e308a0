"""What repeats of one request add up to, from the runs alone: the rules journal.core.stability
applies over the ORM and `journal show` over plain rows (journal.core.read_records), so the
command that only reads needs no SQLAlchemy. How a run stands (its grades' outcome) is asked
of the caller, who knows how to read it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journal.core.domain import AnyRun, RunStatus
from journal.core.formatting import plural
from journal.core.grading import OutcomeStatus, verdict_standing

if TYPE_CHECKING:
    from journal.core.models import Run
    from journal.core.read_records import RunRecord


@dataclass(frozen=True)
class Stability:
    """What a set of runs of the same request adds up to.

    A run passes when the person judged it worked, or, unjudged, when its grades pass; it
    fails when the person judged it partly or failed, or the grades fail; anything else
    (not graded, unsure, a run that did not finish) needs a look. `distinct_answers`
    counts the different answers of the runs that finished (surrounding space ignored).
    """

    runs: int
    passed: int
    failed: int
    needs_look: int
    distinct_answers: int

    @property
    def sometimes(self) -> bool:
        """It worked only some of the time: at least one run passed and one did not."""
        return self.passed > 0 and self.failed > 0

    @property
    def line(self) -> str:
        """`3 of 5 pass, 2 distinct answers (1 needs a look)`."""
        text = (
            f"{self.passed} of {self.runs} pass, {plural(self.distinct_answers, 'distinct answer')}"
        )
        if self.needs_look:
            verb = "needs" if self.needs_look == 1 else "need"
            text += f" ({self.needs_look} {verb} a look)"
        if self.sometimes:
            text += ": worked only some of the time"
        return text


@dataclass(frozen=True)
class RepeatGroup:
    """Runs of one experiment that sent the same request but for the seed."""

    model: str
    run_ids: list[int]
    stability: Stability


def standing(run: AnyRun, outcome_status: Callable[[AnyRun], OutcomeStatus]) -> OutcomeStatus:
    """Where `run` stands: the person's verdict when set, else its grades' outcome."""
    if run.verdict is not None:
        return verdict_standing(run.verdict)
    return outcome_status(run)


def stability_from(runs: Sequence[AnyRun], standings: Sequence[OutcomeStatus]) -> Stability:
    """What `runs`, standing as `standings` say (one each), add up to."""
    answers = {run.response.strip() for run in runs if run.status is RunStatus.DONE}
    return Stability(
        runs=len(runs),
        passed=standings.count(OutcomeStatus.PASS),
        failed=standings.count(OutcomeStatus.FAIL),
        needs_look=standings.count(OutcomeStatus.NEEDS_LOOK),
        distinct_answers=len(answers),
    )


def request_key(run: Run | RunRecord) -> str:
    """What makes two runs repeats of one request: everything sent but the seed."""
    options = {key: value for key, value in run.options.items() if key != "seed"}
    sent = [run.model, run.system_prompt, run.messages, options, run.think]
    return json.dumps(sent, sort_keys=True, ensure_ascii=False, default=str)


def repeat_groups_from(
    runs: Sequence[AnyRun], standing_of: Callable[[AnyRun], OutcomeStatus]
) -> list[RepeatGroup]:
    """The repeated requests among an experiment's `runs` (oldest first, none in the trash):
    two runs or more, live runs left out, in the order of their first run."""
    groups: dict[str, list[AnyRun]] = {}
    for run in runs:
        if not run.status.is_live:
            groups.setdefault(request_key(run), []).append(run)
    return [
        RepeatGroup(
            runs[0].model,
            [run.id for run in runs if run.id is not None],
            stability_from(runs, [standing_of(run) for run in runs]),
        )
        for runs in groups.values()
        if len(runs) > 1
    ]
