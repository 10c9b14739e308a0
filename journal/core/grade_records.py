"""What a run is graded by and what its grades are, as plain records: the write path
(journal.core.grades, over SQLModel rows) and `journal show` (over plain sqlite3 rows,
journal.core.read_records) make them with the same functions, so neither imports the other's
machinery. Each function reads its row through a Protocol both kinds of row satisfy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from journal.core.domain import RunStatus
from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    readable_row_lines,
    row_expectation_uuid,
)
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    RunOutcome,
    outcome_of,
)


class ExpectationFields(Protocol):
    """An `expectation` row: a SQLModel ExpectationRow or a plain one."""

    @property
    def id(self) -> int | None: ...
    @property
    def uuid(self) -> str: ...
    @property
    def experiment_id(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def negated(self) -> bool: ...
    @property
    def arg(self) -> str | None: ...
    @property
    def value(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def target(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


class GradeFields(Protocol):
    """A `grade` row: a SQLModel GradeRow or a plain one."""

    @property
    def id(self) -> int | None: ...
    @property
    def uuid(self) -> str: ...
    @property
    def run_id(self) -> int: ...
    @property
    def expectation_id(self) -> int | None: ...
    @property
    def expectation_uuid(self) -> str: ...
    @property
    def expectation(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def target(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def score(self) -> float | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def grader(self) -> dict[str, Any] | None: ...
    @property
    def created_at(self) -> datetime: ...


class InputRowFields(Protocol):
    """An `input_row` row, as far as its expectations go."""

    @property
    def id(self) -> int | None: ...
    @property
    def uuid(self) -> str: ...
    @property
    def experiment_id(self) -> int: ...
    @property
    def expectations(self) -> list[str]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


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


def saved_expectation(row: ExpectationFields) -> SavedExpectation:
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


def grade_of(row: GradeFields, current: RunExpectation | None = None) -> Grade:
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


def row_expectations(row: InputRowFields) -> list[RowExpectation]:
    """An input row's expectations, as its runs are graded by them. A line that no longer
    reads as an expectation (saving a row checks each, so only a hand-edited journal holds
    one) grades nothing rather than stopping every other grade."""
    assert row.id is not None
    return [
        RowExpectation(
            uuid=row_expectation_uuid(row.uuid, position),
            experiment_id=row.experiment_id,
            position=position,
            expectation=expectation,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row_id=row.id,
        )
        for position, expectation in readable_row_lines(row.expectations)
    ]


def runs_expectations(
    keys: Iterable[tuple[int, int, int | None]],
    by_experiment: Mapping[int, Sequence[SavedExpectation]],
    by_row: Mapping[int, tuple[int, Sequence[RowExpectation]]],
) -> dict[int, list[RunExpectation]]:
    """Each run's expectations by run id, from (run id, experiment id, input row id): its
    experiment's, in order, followed by those of the input row it was made from, when that
    row is still its experiment's (a run whose row was removed has its experiment's only)."""
    found: dict[int, list[RunExpectation]] = {}
    for run_id, experiment_id, row_id in keys:
        own = by_experiment.get(experiment_id, [])
        row = by_row.get(row_id) if row_id is not None else None
        found[run_id] = [*own, *row[1]] if row and row[0] == experiment_id else list(own)
    return found


def run_grading(
    status: RunStatus | str,
    expectations: Sequence[RunExpectation],
    rows: Iterable[GradeFields],
    rule: CombineRule,
) -> tuple[list[Grade], RunOutcome]:
    """A run's current grades and what they add up to, from its grade rows oldest first:
    the newest row per expectation is the current one, listed in the expectations' order,
    and combined under its experiment's `rule` (a run that did not finish is not graded).
    The one rule behind the window's, `journal show`'s and every command's grades."""
    newest = {row.expectation_uuid: row for row in rows}  # oldest first: the last one wins
    grades = [grade_of(newest[saved.uuid], saved) for saved in expectations if saved.uuid in newest]
    results = {grade.expectation_uuid: grade.result for grade in grades}
    graded = [(saved.expectation.weight, results.get(saved.uuid)) for saved in expectations]
    return grades, outcome_of(status, rule, graded)
