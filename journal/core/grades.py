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
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from journal.core.domain import ExperimentFilter
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.expectations import (
    Expectation,
    Target,
    check_expectation,
    load_schema_file,
    row_expectation_uuid,
)
from journal.core.grade_records import (
    Grade,
    RowExpectation,
    RunExpectation,
    SavedExpectation,
    row_expectations,
    run_grading,
    runs_expectations,
)
from journal.core.grade_records import grade_of as _grade
from journal.core.grade_records import saved_expectation as _saved
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    RunOutcome,
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


# -- expectations ------------------------------------------------------------------------


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


def _grade_rows(session: Session, run_id: int) -> list[GradeRow]:
    """The run's grade rows, oldest first (grade_records.run_grading reads the newest)."""
    statement = select(GradeRow).where(GradeRow.run_id == run_id).order_by(col(GradeRow.id))
    return list(session.exec(statement))


def _run_grading(session: Session, run_id: int) -> tuple[list[Grade], RunOutcome]:
    run = get_run(session, run_id)
    expectations = expectations_of_run(session, run)
    rule = get_combine_rule(session, run.experiment_id)
    return run_grading(run.status, expectations, _grade_rows(session, run_id), rule)


def current_grades(session: Session, run_id: int) -> list[Grade]:
    """The newest grade of the run for each of its expectations (`expectations_of_run`)
    that has one, in the expectations' order."""
    return _run_grading(session, run_id)[0]


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
    return _run_grading(session, run_id)[1]


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
    by_run: dict[int, list[GradeRow]] = {}
    rows = session.exec(
        select(GradeRow)
        .join(Run, col(Run.id) == col(GradeRow.run_id))
        .where(Run.experiment_id == experiment_id)
        .order_by(col(GradeRow.id))
    )
    for row in rows:
        by_run.setdefault(row.run_id, []).append(row)
    found: dict[int, tuple[list[Grade], RunOutcome]] = {}
    for run_id, status, _ in runs:
        assert run_id is not None
        found[run_id] = run_grading(status, expected[run_id], by_run.get(run_id, []), rule)
    return found


# -- a run's expectations: its experiment's, then its input row's ---------------------------


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
    return runs_expectations(keys, by_experiment, by_row)


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
