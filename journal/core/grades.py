"""Storing expectations and grades, and reading what a run's grades add up to.

Every function takes the session it works in, like `queries`. Expectations are kept in
order (1-based positions, no gaps). A grade is written once and never changed: re-grading
adds a row, the newest per run and expectation is the current one, and the older ones stay
as history. Nothing here ever writes a run's verdict: the person's verdict is theirs, and
the grades only suggest one (`RunOutcome.suggested_verdict`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from journal.core.domain import ExperimentFilter
from journal.core.errors import InvalidInputError, JournalError, NotFoundError
from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    check_expectation,
    load_schema_file,
    parse_expectation,
    row_expectation_uuid,
)
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    RunOutcome,
    combine,
    not_graded,
)
from journal.core.models import (
    ExpectationRow,
    GradeRow,
    GradingRule,
    InputRow,
    Run,
    RunStatus,
    new_uuid,
    utcnow,
)
from journal.core.queries import get_experiment, get_run, renumber_positions, touch_experiment
from journal.core.read_sql import filter_clauses

__all__ = [
    "Grade",
    "RowExpectation",
    "RunExpectation",
    "SavedExpectation",
    "add_expectation",
    "conversation_of",
    "current_grades",
    "expectations_of_run",
    "expectations_of_runs",
    "experiment_grades",
    "find_expectation",
    "get_combine_rule",
    "get_expectation",
    "grade_history",
    "list_expectations",
    "move_expectation",
    "record_grade",
    "record_grades",
    "remove_expectation",
    "reorder_expectations",
    "row_expectation_uuid",
    "row_expectations",
    "run_outcome",
    "runs_to_grade",
    "set_combine_rule",
    "update_expectation",
]


@dataclass(frozen=True)
class RunExpectation:
    """An expectation a run is graded by, in its place (1-based) in its list: one of its
    experiment's (`SavedExpectation`) or of its input row's (`RowExpectation`). Grades
    are found by `uuid`, unique for either kind."""

    uuid: str
    experiment_id: int
    position: int
    expectation: Expectation
    created_at: datetime
    updated_at: datetime

    @property
    def text(self) -> str:
        return self.expectation.text

    @property
    def label(self) -> str:
        return self.expectation.label

    @property
    def expectation_id(self) -> int | None:
        """What a grade stores as `expectation_id`: the experiment expectation's id."""
        return None


@dataclass(frozen=True)
class SavedExpectation(RunExpectation):
    """An experiment's expectation as stored (table `expectation`): what the editors list."""

    id: int

    @property
    def expectation_id(self) -> int | None:
        return self.id


@dataclass(frozen=True)
class RowExpectation(RunExpectation):
    """One of an input row's expectations: no row of its own (its grades have no
    expectation_id), named by the row's uuid and its place (`row_expectation_uuid`), so
    editing the row's line makes the grade stale like an edited experiment expectation."""

    row_id: int


@dataclass(frozen=True)
class Grade:
    """One stored grading. `expectation_text`, `name`, `weight` and `target` are the
    expectation's as they were when graded; `expectation_id` is None once the expectation
    was removed, and always for an input row's (`expectation_uuid` names it). `stale`
    (current grades only): the expectation has been edited since, so this grade is about
    the old rule until the run is re-graded."""

    id: int
    uuid: str
    run_id: int
    expectation_id: int | None
    expectation_uuid: str
    expectation_text: str
    name: str
    weight: float
    target: Target
    status: GradeStatus
    score: float | None
    reason: str
    grader: dict[str, Any] | None
    created_at: datetime
    stale: bool = False

    @property
    def label(self) -> str:
        return self.name or self.expectation_text

    @property
    def result(self) -> GradeResult:
        return GradeResult(self.status, self.reason, self.score, self.grader)


# -- expectations ------------------------------------------------------------------------


def _saved(row: ExpectationRow) -> SavedExpectation:
    assert row.id is not None
    return SavedExpectation(
        id=row.id,
        uuid=row.uuid,
        experiment_id=row.experiment_id,
        position=row.position,
        expectation=Expectation(
            kind=Kind(row.kind),
            value=row.value,
            arg=row.arg,
            negated=bool(row.negated),
            name=row.name,
            weight=row.weight,
            target=Target.parse(row.target),
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _fill(row: ExpectationRow, expectation: Expectation) -> None:
    row.kind = expectation.kind.value
    row.value = expectation.value
    row.arg = expectation.arg
    row.negated = expectation.negated
    row.name = expectation.name.strip()
    row.weight = float(expectation.weight)
    row.target = expectation.target.value


def _rows(session: Session, experiment_id: int) -> list[ExpectationRow]:
    statement = (
        select(ExpectationRow)
        .where(ExpectationRow.experiment_id == experiment_id)
        .order_by(col(ExpectationRow.position))
    )
    return list(session.exec(statement))


def _row(session: Session, expectation_id: int) -> ExpectationRow:
    row = session.get(ExpectationRow, expectation_id)
    if row is None:
        raise NotFoundError(f"There is no expectation {expectation_id}.")
    return row


def _ready(expectation: Expectation, base_dir: Path | None) -> Expectation:
    """Checked, with a `json-schema:@file` read in: what is stored never needs a file."""
    return check_expectation(load_schema_file(check_expectation(expectation), base_dir))


def list_expectations(session: Session, experiment_id: int) -> list[SavedExpectation]:
    """The experiment's expectations in order."""
    return [_saved(row) for row in _rows(session, experiment_id)]


def get_expectation(session: Session, expectation_id: int) -> SavedExpectation:
    return _saved(_row(session, expectation_id))


def find_expectation(session: Session, experiment_id: int, ref: str) -> SavedExpectation:
    """The experiment's expectation that `ref` names: its position (`2`), else its name,
    else its exact one-line text. NotFoundError or InvalidInputError say why none fits."""
    get_experiment(session, experiment_id)
    saved = list_expectations(session, experiment_id)
    wanted = ref.strip()
    if wanted.isascii() and wanted.isdigit():
        position = int(wanted)
        if not saved:
            raise NotFoundError(f"Experiment {experiment_id} has no expectations.")
        if not 1 <= position <= len(saved):
            raise NotFoundError(
                f"Experiment {experiment_id} has expectations 1 to {len(saved)}, not {position}."
            )
        return saved[position - 1]
    for matches in (
        [item for item in saved if item.expectation.name and item.expectation.name == wanted],
        [item for item in saved if item.text == ref],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            places = ", ".join(str(item.position) for item in matches)
            raise InvalidInputError(
                f"Expectations {places} of experiment {experiment_id} are all {wanted!r}: "
                "name one by its position."
            )
    raise NotFoundError(
        f"Experiment {experiment_id} has no expectation at position or named {wanted!r}."
    )


def add_expectation(
    session: Session,
    experiment_id: int,
    expectation: Expectation,
    *,
    position: int | None = None,
    base_dir: Path | None = None,
) -> SavedExpectation:
    """Check `expectation` and add it at `position` (1-based; None: at the end). A
    `json-schema:@path` is read now, from `base_dir` when relative."""
    get_experiment(session, experiment_id)
    ready = _ready(expectation, base_dir)
    rows = _rows(session, experiment_id)
    place = len(rows) + 1 if position is None else _position(position, len(rows) + 1)
    if place <= len(rows):
        renumber_positions(session, "expectation", [*rows[: place - 1], None, *rows[place - 1 :]])
    row = ExpectationRow(experiment_id=experiment_id, position=place, kind=ready.kind.value)
    _fill(row, ready)
    session.add(row)
    session.flush()
    touch_experiment(session, experiment_id)
    return _saved(row)


def update_expectation(
    session: Session,
    expectation_id: int,
    expectation: Expectation,
    *,
    base_dir: Path | None = None,
) -> SavedExpectation:
    """Replace what an expectation says, keeping its place and uuid. Its grades stay as
    they were (each keeps the text it was graded against) until the runs are re-graded."""
    row = _row(session, expectation_id)
    _fill(row, _ready(expectation, base_dir))
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    touch_experiment(session, row.experiment_id)
    return _saved(row)


def move_expectation(
    session: Session, expectation_id: int, position: int
) -> list[SavedExpectation]:
    """Move one expectation to `position` (1-based); the others keep their order."""
    row = _row(session, expectation_id)
    rows = [other for other in _rows(session, row.experiment_id) if other.id != row.id]
    place = _position(position, len(rows) + 1)
    rows.insert(place - 1, row)
    renumber_positions(session, "expectation", rows)
    touch_experiment(session, row.experiment_id)
    return [_saved(item) for item in rows]


def reorder_expectations(
    session: Session, experiment_id: int, expectation_ids: Sequence[int]
) -> list[SavedExpectation]:
    """Put the experiment's expectations in the order of `expectation_ids` (all of them,
    each once)."""
    rows: dict[int, ExpectationRow] = {}
    for row in _rows(session, experiment_id):
        assert row.id is not None
        rows[row.id] = row
    if sorted(expectation_ids) != sorted(rows):
        raise InvalidInputError(
            f"A new order lists every expectation of experiment {experiment_id} once "
            f"({len(rows)} of them)."
        )
    ordered = [rows[expectation_id] for expectation_id in expectation_ids]
    renumber_positions(session, "expectation", ordered)
    touch_experiment(session, experiment_id)
    return [_saved(row) for row in ordered]


def remove_expectation(session: Session, expectation_id: int) -> None:
    """Remove an expectation. Its grades stay in the runs' history, with the text they
    were graded against (a result is a fact about a run)."""
    row = _row(session, expectation_id)
    experiment_id = row.experiment_id
    session.delete(row)
    session.flush()
    renumber_positions(session, "expectation", _rows(session, experiment_id))
    touch_experiment(session, experiment_id)


def _position(position: int, last: int) -> int:
    if not 1 <= position <= last:
        raise InvalidInputError(f"A position is from 1 to {last}, not {position}.")
    return position


# -- how grades combine --------------------------------------------------------------------


def get_combine_rule(session: Session, experiment_id: int) -> CombineRule:
    rule = session.get(GradingRule, experiment_id)
    return CombineRule(rule.threshold if rule else None)


def set_combine_rule(session: Session, experiment_id: int, rule: CombineRule) -> None:
    get_experiment(session, experiment_id)
    stored = session.get(GradingRule, experiment_id)
    if rule.threshold is None:
        if stored is not None:
            session.delete(stored)
    else:
        stored = stored or GradingRule(experiment_id=experiment_id)
        stored.threshold = rule.threshold
        stored.updated_at = utcnow()
        session.add(stored)
    session.flush()
    touch_experiment(session, experiment_id)


# -- grades --------------------------------------------------------------------------------


def record_grade(
    session: Session, run_id: int, saved: RunExpectation, result: GradeResult
) -> Grade:
    """Add one grading of `run_id` against `saved` as it is now; the run's verdict is
    never touched."""
    return record_grades(session, run_id, [(saved, result)])[0]


def record_grades(
    session: Session, run_id: int, graded: Sequence[tuple[RunExpectation, GradeResult]]
) -> list[Grade]:
    """`record_grade` for several expectations of one run at once, in one statement: a
    migration check stores each replay's grades as it ends, and must not slow down."""
    if not graded:
        return []
    now = utcnow()
    values: list[dict[str, Any]] = []
    for saved, result in graded:
        score = result.score
        if score is not None and not math.isfinite(score):
            score = None  # a NaN from a judge is no score (its status says unsure)
        values.append(
            {
                "uuid": new_uuid(),
                "run_id": run_id,
                "expectation_id": saved.expectation_id,
                "expectation_uuid": saved.uuid,
                "expectation": saved.text,
                "name": saved.expectation.name,
                "weight": float(saved.expectation.weight),
                "target": saved.expectation.target.value,
                "status": result.status.value,
                "score": score,
                "reason": result.reason,
                "grader": result.grader,
                "created_at": now,
            }
        )
    ids = session.execute(
        insert(GradeRow).returning(col(GradeRow.id), sort_by_parameter_order=True), values
    ).scalars()
    return [
        Grade(
            id=grade_id,
            uuid=value["uuid"],
            run_id=run_id,
            expectation_id=value["expectation_id"],
            expectation_uuid=value["expectation_uuid"],
            expectation_text=value["expectation"],
            name=value["name"],
            weight=value["weight"],
            target=Target.parse(value["target"]),
            status=GradeStatus(value["status"]),
            score=value["score"],
            reason=value["reason"],
            grader=value["grader"],
            created_at=now,
        )
        for grade_id, value in zip(ids, values, strict=True)
    ]


def _grade(row: GradeRow, current: RunExpectation | None = None) -> Grade:
    assert row.id is not None
    stale = current is not None and (
        current.text != row.expectation or current.expectation.target.value != row.target
    )
    return Grade(
        id=row.id,
        uuid=row.uuid,
        run_id=row.run_id,
        expectation_id=row.expectation_id,
        expectation_uuid=row.expectation_uuid,
        expectation_text=row.expectation,
        name=row.name,
        weight=row.weight,
        target=Target.parse(row.target),
        status=GradeStatus(row.status),
        score=row.score,
        reason=row.reason,
        grader=row.grader,
        created_at=row.created_at,
        stale=stale,
    )


def _current_rows(session: Session, run_id: int) -> dict[str, GradeRow]:
    """The run's newest grade by expectation uuid (an expectation's uuid is unique)."""
    newest = select(GradeRow).where(GradeRow.run_id == run_id).order_by(col(GradeRow.id))
    rows: dict[str, GradeRow] = {}
    for row in session.exec(newest):
        rows[row.expectation_uuid] = row  # ordered by id: the last one wins
    return rows


def current_grades(session: Session, run_id: int) -> list[Grade]:
    """The newest grade of the run for each of its expectations (`expectations_of_run`)
    that has one, in the expectations' order."""
    run = get_run(session, run_id)
    rows = _current_rows(session, run_id)
    return [
        _grade(rows[saved.uuid], saved)
        for saved in expectations_of_run(session, run)
        if saved.uuid in rows
    ]


def grade_history(
    session: Session, run_id: int, *, expectation_id: int | None = None
) -> list[Grade]:
    """Every grading of the run, oldest first (removed expectations' included); only one
    expectation's with `expectation_id`."""
    get_run(session, run_id)
    statement = select(GradeRow).where(GradeRow.run_id == run_id)
    if expectation_id is not None:
        statement = statement.where(GradeRow.expectation_id == expectation_id)
    return [_grade(row) for row in session.exec(statement.order_by(col(GradeRow.id)))]


def run_outcome(session: Session, run_id: int) -> RunOutcome:
    """What the run's current grades add up to under its experiment's rule; a run that did
    not finish (failed, cancelled, interrupted) is not graded and needs a look."""
    run = get_run(session, run_id)
    expectations = expectations_of_run(session, run)
    unfinished = not_graded(run.status, len(expectations))
    if unfinished is not None:
        return unfinished
    rows = _current_rows(session, run_id)
    graded = [
        (
            saved.expectation.weight,
            _grade(rows[saved.uuid]).result if saved.uuid in rows else None,
        )
        for saved in expectations
    ]
    return combine(get_combine_rule(session, run.experiment_id), graded)


def runs_to_grade(
    session: Session,
    *,
    run_id: int | None = None,
    experiment_id: int | None = None,
    filters: ExperimentFilter | None = None,
) -> list[int]:
    """The finished runs a re-grade covers, oldest first: one run, an experiment's runs, or
    the runs of the experiments `filters` selects (its model and verdict, when given, must
    hold for the run itself). Only runs with expectations (their experiment's or their
    input row's); never a run
    that failed, was cancelled or is still going (those are not graded)."""
    params: dict[str, Any] = {"done": RunStatus.DONE.value}
    clauses = filter_clauses(filters or ExperimentFilter(), params)
    if filters is not None and filters.model:
        clauses.append("(r.model = :model OR r.model = :model_latest)")
    if filters is not None and filters.verdict:
        clauses.append("r.verdict = :verdict")
    if run_id is not None:
        get_run(session, run_id)
        clauses.append("r.id = :run_id")
        params["run_id"] = run_id
    if experiment_id is not None:
        get_experiment(session, experiment_id)
        clauses.append("r.experiment_id = :experiment_id")
        params["experiment_id"] = experiment_id
    clauses.append(
        "(EXISTS (SELECT 1 FROM expectation AS x WHERE x.experiment_id = e.id) "
        "OR EXISTS (SELECT 1 FROM input_row AS i WHERE i.id = r.input_row_id "
        "AND i.experiment_id = r.experiment_id AND json_array_length(i.expectations) > 0))"
    )
    where = " AND ".join(["r.status = :done", "r.trashed_at IS NULL", *clauses])
    rows = session.execute(
        text(
            "SELECT r.id FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id "
            f"WHERE {where} ORDER BY r.id"
        ),
        params,
    )
    return [row[0] for row in rows]


def experiment_grades(
    session: Session, experiment_id: int
) -> dict[int, tuple[list[Grade], RunOutcome]]:
    """For every run of the experiment, its current grades (as `current_grades`) and its
    outcome (as `run_outcome`), in a few queries whatever the number of runs: what a list
    of runs shows at once."""
    rule = get_combine_rule(session, experiment_id)
    runs = session.exec(
        select(Run.id, Run.status, Run.input_row_id).where(Run.experiment_id == experiment_id)
    ).all()
    keys = [(run_id, experiment_id, row_id) for run_id, _, row_id in runs if run_id is not None]
    expected = expectations_of_runs(session, keys)
    newest: dict[tuple[int, str], GradeRow] = {}
    rows = session.exec(
        select(GradeRow)
        .join(Run, col(Run.id) == col(GradeRow.run_id))
        .where(Run.experiment_id == experiment_id)
        .order_by(col(GradeRow.id))
    )
    for row in rows:
        newest[(row.run_id, row.expectation_uuid)] = row  # ordered by id: the last one wins
    found: dict[int, tuple[list[Grade], RunOutcome]] = {}
    for run_id, status, _ in runs:
        assert run_id is not None
        expectations = expected[run_id]
        grades = [
            _grade(newest[(run_id, saved.uuid)], saved)
            for saved in expectations
            if (run_id, saved.uuid) in newest
        ]
        outcome = not_graded(status, len(expectations))
        if outcome is None:
            by_expectation = {grade.expectation_uuid: grade for grade in grades}
            outcome = combine(
                rule,
                [
                    (
                        saved.expectation.weight,
                        by_expectation[saved.uuid].result if saved.uuid in by_expectation else None,
                    )
                    for saved in expectations
                ],
            )
        found[run_id] = (grades, outcome)
    return found


# -- a run's expectations: its experiment's, then its input row's ---------------------------

# ROW_EXPECTATION_PREFIX and row_expectation_uuid live in expectations (no ORM: the export
# names row expectations without importing it).


def row_expectations(row: InputRow) -> list[RowExpectation]:
    """An input row's expectations, as its runs are graded by them. A line that no longer
    reads as an expectation (saving a row checks each, so only a hand-edited journal holds
    one) grades nothing rather than stopping every other grade."""
    assert row.id is not None
    found: list[RowExpectation] = []
    for position, line in enumerate(row.expectations, start=1):
        try:
            expectation = parse_expectation(line)
        except JournalError:
            continue
        found.append(
            RowExpectation(
                uuid=row_expectation_uuid(row.uuid, position),
                experiment_id=row.experiment_id,
                position=position,
                expectation=expectation,
                created_at=row.created_at,
                updated_at=row.updated_at,
                row_id=row.id,
            )
        )
    return found


def expectations_of_runs(
    session: Session, runs: Iterable[tuple[int, int, int | None]]
) -> dict[int, list[RunExpectation]]:
    """Each run's expectations, by run id, from (run id, experiment id, input row id):
    its experiment's, in order, followed by those of the input row it was made from (a
    run whose row was removed has its experiment's only). Two queries however many runs:
    every place that grades a run, or reads what its grades add up to, asks here."""
    keys = list(runs)
    experiment_ids = sorted({experiment_id for _, experiment_id, _ in keys})
    row_ids = sorted({row_id for _, _, row_id in keys if row_id is not None})
    by_experiment: dict[int, list[SavedExpectation]] = {}
    if experiment_ids:
        statement = (
            select(ExpectationRow)
            .where(col(ExpectationRow.experiment_id).in_(experiment_ids))
            .order_by(col(ExpectationRow.experiment_id), col(ExpectationRow.position))
        )
        for expectation_row in session.exec(statement):
            by_experiment.setdefault(expectation_row.experiment_id, []).append(
                _saved(expectation_row)
            )
    by_row: dict[int, tuple[int, list[RowExpectation]]] = {}
    if row_ids:
        for input_row in session.exec(select(InputRow).where(col(InputRow.id).in_(row_ids))):
            assert input_row.id is not None
            by_row[input_row.id] = (input_row.experiment_id, row_expectations(input_row))
    found: dict[int, list[RunExpectation]] = {}
    for run_id, experiment_id, row_id in keys:
        own = by_experiment.get(experiment_id, [])
        row = by_row.get(row_id) if row_id is not None else None
        found[run_id] = [*own, *row[1]] if row and row[0] == experiment_id else list(own)
    return found


def expectations_of_run(session: Session, run: Run) -> list[RunExpectation]:
    """The expectations `run` is graded by: its experiment's, then its input row's."""
    assert run.id is not None
    return expectations_of_runs(session, [(run.id, run.experiment_id, run.input_row_id)])[run.id]


def conversation_of(session: Session, run: Run) -> list[Run]:
    """The runs of the conversation `run` ends, root first and `run` itself last: what an
    expectation that names a turn (`turn:2`) reads. Just `[run]` for a run that continues
    nothing, without a query."""
    if run.parent_id is None or run.id is None:
        return [run]
    from journal.core.conversations import chain

    return [*chain(session, run.id)[:-1], run]
