"""Pass rates for a page of experiments, in one query: the list's and the matrix's.

A run passes when the person judged it worked, or, unjudged, when its current grades pass
under the experiment's rule; it fails when judged partly or failed, or when the grades
fail; anything else (not graded, unsure, a run that did not finish) needs a look: the
rule `stability` counts repeats by. Here it is applied to a whole page of experiments
(the list pages 200 at a time over 100,000) with one SQL statement that reads every
finished run of the page with its current grades, its experiment's expectations and rule,
its input row's expectations, and which request it repeats; a run's expectations are its
experiment's then its row's (`grades.expectations_of_runs` says so for one run or a few;
here the row's lines are read by `grades.row_expectations`), and the outcome of each run
is then `grading.outcome_of`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from journal.core.domain import LIVE_STATUSES_SQL, PassRate, RunStatus, Verdict
from journal.core.expectations import readable_row_lines, row_expectation_uuid
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    OutcomeStatus,
    outcome_of,
    verdict_standing,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.read_sql import Reader

__all__ = [
    "ExperimentStandings",
    "RunStanding",
    "experiment_pass_rates",
    "pass_rate_of",
    "read_standings",
]


@dataclass(frozen=True)
class RunStanding:
    """Where one finished (not live) run stands, and what it repeats."""

    experiment_id: int
    run_id: int
    model: str
    digest: str
    request: int
    """Runs of one experiment with the same `request` sent the same request but for the
    seed (as `stability.repeat_groups` groups them)."""
    status: OutcomeStatus
    reason: str


# One statement for the page. Live runs are left out (not graded yet). `request` numbers
# what a run sent but for the seed within its experiment, like stability's request key.
# A run's current grades are the newest per expectation (by uuid: an experiment's or an
# input row's).
_STANDINGS_SQL = f"""
    WITH page(id) AS (
        SELECT id FROM experiment
        WHERE id IN (SELECT value FROM json_each(:ids)) AND trashed_at IS NULL
    ),
    runs AS (
        SELECT r.id, r.experiment_id, r.status, r.verdict, r.verdict_note, r.model,
            r.model_digest, r.input_row_id,
            dense_rank() OVER (
                PARTITION BY r.experiment_id
                ORDER BY r.model, r.system_prompt, r.messages,
                    json_remove(r.options, '$.seed'), r.think
            ) AS request
        FROM run AS r
        WHERE r.experiment_id IN (SELECT id FROM page)
            AND r.status NOT IN {LIVE_STATUSES_SQL} AND r.trashed_at IS NULL
    ),
    expected AS (
        SELECT experiment_id, json_group_array(json_array(uuid, weight, position)) AS items
        FROM expectation WHERE experiment_id IN (SELECT id FROM page)
        GROUP BY experiment_id
    ),
    graded AS (
        SELECT run_id, json_group_array(json_array(expectation_uuid, status, score, reason))
            AS items
        FROM grade
        WHERE id IN (
            SELECT max(id) FROM grade
            WHERE run_id IN (SELECT id FROM runs)
            GROUP BY run_id, expectation_uuid
        )
        GROUP BY run_id
    )
    SELECT p.id, x.items, rule.threshold, last.model,
        r.id, r.status, r.verdict, r.verdict_note, r.model, r.model_digest, r.request,
        g.items, i.id, i.uuid, i.expectations
    FROM page AS p
    LEFT JOIN expected AS x ON x.experiment_id = p.id
    LEFT JOIN experiment_grading AS rule ON rule.experiment_id = p.id
    LEFT JOIN run AS last ON last.id = (
        SELECT max(id) FROM run WHERE experiment_id = p.id AND trashed_at IS NULL)
    LEFT JOIN runs AS r ON r.experiment_id = p.id
    LEFT JOIN graded AS g ON g.run_id = r.id
    LEFT JOIN input_row AS i ON i.id = r.input_row_id AND i.experiment_id = r.experiment_id
    ORDER BY p.id, r.id
"""


@dataclass
class ExperimentStandings:
    """An experiment's finished runs, oldest first, each with where it stands."""

    expectations: list[tuple[str, float]]  # its own (expectation uuid, weight) in order
    rule: CombineRule
    last_model: str  # of its newest run, live or not ("" without runs)
    standings: list[RunStanding]


def _expectations(items: str | None) -> list[tuple[str, float]]:
    if not items:
        return []
    rows = sorted(json.loads(items), key=lambda item: item[2])
    return [(str(item[0]), float(item[1])) for item in rows]


def _row_expectations(row: Sequence[Any]) -> list[tuple[str, float]]:
    """The (uuid, weight) of the expectations of the run's input row (none without one)."""
    if row[12] is None:
        return []
    lines = json.loads(row[14]) if isinstance(row[14], str) else row[14]
    return [
        (row_expectation_uuid(row[13], position), expectation.weight)
        for position, expectation in readable_row_lines(lines)
    ]


def _grades(items: str | None) -> dict[str, GradeResult]:
    if not items:
        return {}
    return {
        str(expectation_uuid): GradeResult(GradeStatus(status), reason, score)
        for expectation_uuid, status, score, reason in json.loads(items)
    }


def _standing(
    experiment: ExperimentStandings, row: Sequence[Any], expectations: list[tuple[str, float]]
) -> tuple[OutcomeStatus, str]:
    verdict, note = row[6], row[7]
    if verdict:
        judged = Verdict(verdict)
        reason = f"judged {judged.value}" + (f": {note}" if note else "")
        return verdict_standing(judged), reason
    grades = _grades(row[11])
    graded = [(weight, grades.get(uuid)) for uuid, weight in expectations]
    outcome = outcome_of(RunStatus(row[5]), experiment.rule, graded)
    return outcome.status, outcome.reason


def _reader(source: Session | Reader) -> Reader:
    """A session as read_sql's Reader; a Reader (plain sqlite3: the window's list) as is."""
    if hasattr(source, "rows"):
        return cast("Reader", source)
    from journal.core.queries import SessionReader

    return SessionReader(source)


def read_standings(
    source: Session | Reader, experiment_ids: Iterable[int]
) -> dict[int, ExperimentStandings]:
    """Where every finished run of these experiments stands (those that exist, in id
    order): one statement, whatever the number of experiments, runs or grades. `source`
    is a session or, without the ORM, a read_sql Reader."""
    ids = sorted(set(experiment_ids))
    found: dict[int, ExperimentStandings] = {}
    if not ids:
        return found
    rows = _reader(source).rows(_STANDINGS_SQL, {"ids": json.dumps(ids)})
    by_row: dict[int, list[tuple[str, float]]] = {}  # many runs share a row: read it once
    for row in rows:
        experiment = found.get(row[0])
        if experiment is None:
            threshold = row[2]
            experiment = found[row[0]] = ExperimentStandings(
                _expectations(row[1]),
                CombineRule(float(threshold) if threshold is not None else None),
                row[3] or "",
                [],
            )
        if row[4] is None:
            continue  # no finished run
        own = by_row.get(row[12]) if row[12] is not None else []
        if own is None:
            own = by_row[row[12]] = _row_expectations(row)
        status, reason = _standing(experiment, row, [*experiment.expectations, *own])
        experiment.standings.append(
            RunStanding(row[0], row[4], row[8], row[9], row[10], status, reason)
        )
    return found


def pass_rate_of(
    standings: Sequence[RunStanding], expectations: int, *, model: str = ""
) -> PassRate:
    """What `standings` (of one experiment, oldest first) add up to; `sometimes` when
    two runs of one request among them passed and failed."""
    statuses = [standing.status for standing in standings]
    by_request: dict[int, set[OutcomeStatus]] = {}
    for standing in standings:
        by_request.setdefault(standing.request, set()).add(standing.status)
    failures = [s.reason for s in standings if s.status is OutcomeStatus.FAIL]
    return PassRate(
        runs=len(standings),
        passed=statuses.count(OutcomeStatus.PASS),
        failed=statuses.count(OutcomeStatus.FAIL),
        needs_look=statuses.count(OutcomeStatus.NEEDS_LOOK),
        expectations=expectations,
        model=model,
        sometimes=any(
            {OutcomeStatus.PASS, OutcomeStatus.FAIL} <= seen for seen in by_request.values()
        ),
        last_failure=failures[-1] if failures else "",
    )


def experiment_pass_rates(
    source: Session | Reader, experiment_ids: Iterable[int]
) -> dict[int, PassRate]:
    """Each experiment's pass rate on its latest model (the model of its newest run): its
    finished runs there, with the mark when any repeated request of the experiment, on
    any model, worked only some of the time. One statement for the whole page."""
    rates: dict[int, PassRate] = {}
    for experiment_id, experiment in read_standings(source, experiment_ids).items():
        latest = [s for s in experiment.standings if s.model == experiment.last_model]
        everything = pass_rate_of(experiment.standings, len(experiment.expectations))
        rate = pass_rate_of(latest, len(experiment.expectations), model=experiment.last_model)
        rates[experiment_id] = replace(rate, sometimes=everything.sometimes)
    return rates
