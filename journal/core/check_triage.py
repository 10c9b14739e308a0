"""Where each item of a migration check stands: passes, fails, or needs a person to look.

A replay is graded like any run (its experiment's expectations); what its grades add up to
(`grading.outcome_of`) sorts it. The person's verdict on the replay, once given, is the last
word: it overrides the grades, in the groups and in the counts. A replay that failed or was
cancelled is not graded and needs a look; so does one whose grades cannot decide (no
expectations, a grading error, an unsure judge). While a check's judge or similarity grades
are still coming, its item is "grading" rather than "needs a look": only the program that
queued them knows they are coming, so it names those runs (`grading`). Nothing here writes.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core import messages
from journal.core.domain import RunStatus, Verdict
from journal.core.grades import expectations_of_runs
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    OutcomeStatus,
    RunOutcome,
    outcome_of,
    verdict_standing,
)
from journal.core.messages import Message, message

__all__ = [
    "Group",
    "ItemTriage",
    "left_ungraded",
    "outcome_record",
    "outcomes_of",
    "triage_item",
]


class Group(enum.StrEnum):
    """Where an item stands; every item is in exactly one group."""

    PASS = "pass"  # its grades pass, or the person said it worked
    FAIL = "fail"  # its grades fail (with the reason), or the person said partly or failed
    NEEDS_LOOK = "needs a look"  # not graded, or its grades cannot decide
    GRADING = "grading"  # judge or similarity grades still coming
    PENDING = "pending"  # not replayed yet (or replaying now)


@dataclass(frozen=True)
class ItemTriage:
    """An item's group and the one line that says why. `by_verdict`: the person's verdict
    decided it. `outcome` is what the grades say, whatever the verdict (None before the
    replay ran). `said`: the reason as a template, for the window, when it is not what the
    grades add up to (the window says those from `outcome`)."""

    group: Group
    reason: str
    by_verdict: bool = False
    outcome: RunOutcome | None = None
    said: Message | None = None

    @property
    def suggested_verdict(self) -> Verdict | None:
        return self.outcome.suggested_verdict if self.outcome else None


_UNFINISHED = {
    RunStatus.FAILED: messages.TRIAGE_REPLAY_FAILED,
    RunStatus.CANCELLED: messages.TRIAGE_REPLAY_CANCELLED,
    RunStatus.INTERRUPTED: messages.TRIAGE_REPLAY_INTERRUPTED,
}
_YOUR_VERDICT = {
    Verdict.WORKED: messages.TRIAGE_VERDICT_WORKED,
    Verdict.PARTLY: messages.TRIAGE_VERDICT_PARTLY,
    Verdict.FAILED: messages.TRIAGE_VERDICT_FAILED,
}


def _told(
    group: Group, template: str, by_verdict: bool = False, outcome: RunOutcome | None = None
) -> ItemTriage:
    said = message(template)
    return ItemTriage(group, said.english(), by_verdict, outcome, said=said)


def triage_item(
    status: RunStatus | None,
    verdict: Verdict | None,
    outcome: RunOutcome | None,
    *,
    grading: bool = False,
) -> ItemTriage:
    """Sort one item by its replay's `status`, the person's `verdict` on it and what its
    grades add up to; `grading`: its queued grades are still coming."""
    if status is None:
        return _told(Group.PENDING, messages.TRIAGE_NOT_REPLAYED)
    if status.is_live:
        return _told(Group.PENDING, messages.TRIAGE_REPLAYING)
    if verdict is not None:
        passes = verdict_standing(verdict) is OutcomeStatus.PASS
        group = Group.PASS if passes else Group.FAIL
        return _told(group, _YOUR_VERDICT[verdict], True, outcome)
    if status is not RunStatus.DONE:
        return _told(Group.NEEDS_LOOK, _UNFINISHED[status], outcome=outcome)
    assert outcome is not None, "a finished replay has an outcome"
    if outcome.status is OutcomeStatus.PASS:
        return ItemTriage(Group.PASS, outcome.reason, outcome=outcome)
    if outcome.status is OutcomeStatus.FAIL:
        return ItemTriage(Group.FAIL, outcome.reason, outcome=outcome)
    if grading and outcome.ungraded:
        return ItemTriage(Group.GRADING, f"{outcome.summary}; more grades coming", outcome=outcome)
    return ItemTriage(Group.NEEDS_LOOK, outcome.reason, outcome=outcome)


def left_ungraded(status: RunStatus | None, triage: ItemTriage) -> bool:
    """A finished run with grades missing and none coming (a grading stopped when its
    program or window closed): resuming its check or batch grades it."""
    outcome = triage.outcome
    return (
        status is RunStatus.DONE
        and triage.group is not Group.GRADING
        and outcome is not None
        and outcome.ungraded > 0
    )


# -- outcomes of many runs at once -----------------------------------------------------------


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def outcomes_of(session: Session, run_ids: Collection[int]) -> dict[int, RunOutcome]:
    """What each run's current grades add up to, as `grades.run_outcome` says one run's,
    in five queries however many runs: a check of hundreds of items reads at once."""
    if not run_ids:
        return {}
    ids = {"ids": _ids_json(run_ids)}
    runs = [
        (row[0], row[1], RunStatus(row[2]), row[3])
        for row in session.execute(
            text(
                "SELECT id, experiment_id, status, input_row_id FROM run "
                "WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            ids,
        )
    ]
    experiments = {"ids": _ids_json(experiment for _, experiment, _, _ in runs)}
    expected = expectations_of_runs(
        session, [(run_id, experiment_id, row_id) for run_id, experiment_id, _, row_id in runs]
    )
    rules = {
        row[0]: CombineRule(row[1])
        for row in session.execute(
            text(
                "SELECT experiment_id, threshold FROM experiment_grading "
                "WHERE experiment_id IN (SELECT value FROM json_each(:ids))"
            ),
            experiments,
        )
    }
    current: dict[tuple[int, str], GradeResult] = {}
    for row in session.execute(
        text(
            "SELECT run_id, expectation_uuid, status, score, reason FROM grade "
            "WHERE run_id IN (SELECT value FROM json_each(:ids)) ORDER BY id"
        ),
        ids,
    ):  # ordered by id: the newest of each run and expectation stays
        current[(row[0], row[1])] = GradeResult(GradeStatus(row[2]), row[4], row[3])
    outcomes: dict[int, RunOutcome] = {}
    for run_id, experiment_id, status, _ in runs:
        expectations = expected[run_id]
        graded = [
            (saved.expectation.weight, current.get((run_id, saved.uuid))) for saved in expectations
        ]
        outcomes[run_id] = outcome_of(status, rules.get(experiment_id, CombineRule()), graded)
    return outcomes


def outcome_record(outcome: RunOutcome | None) -> dict[str, Any] | None:
    """What the grades say, for `--json`."""
    if outcome is None:
        return None
    return {
        "status": outcome.status.value,
        "summary": outcome.summary,
        "reason": outcome.reason,
        "score": outcome.score,
        "suggested_verdict": outcome.suggested_verdict.value if outcome.suggested_verdict else None,
    }
