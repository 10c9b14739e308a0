"""`run_grading`, the one rule behind every grade shown: the newest grade per expectation,
in the expectations' order, combined under the experiment's rule. Plain records, no file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from journal.core.domain import RunStatus
from journal.core.expectations import parse_expectation
from journal.core.grade_records import SavedExpectation, run_grading
from journal.core.grading import CombineRule, OutcomeStatus

_NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Row:
    """A grade row as either path reads it (grade_records.GradeFields)."""

    id: int
    expectation_uuid: str
    expectation: str
    status: str
    run_id: int = 1
    uuid: str = ""
    expectation_id: int | None = None
    name: str = ""
    weight: float = 1.0
    target: str = "answer"
    score: float | None = None
    reason: str = ""
    grader: dict[str, Any] | None = None
    created_at: datetime = _NOW


def _saved(position: int, line: str) -> SavedExpectation:
    return SavedExpectation(
        uuid=f"x{position}",
        experiment_id=1,
        position=position,
        expectation=parse_expectation(line),
        created_at=_NOW,
        updated_at=_NOW,
        id=position,
    )


def test_the_newest_grade_per_expectation_counts_in_the_expectations_order() -> None:
    expectations = [_saved(1, "contains:Paris"), _saved(2, "words<=3")]
    rows = [
        _Row(1, "x2", "words<=3", "fail"),
        _Row(2, "x1", "contains:Paris", "fail"),
        _Row(3, "x2", "words<=3", "pass"),  # re-graded: this one is current
        _Row(4, "gone", "contains:Lyon", "fail"),  # a removed expectation's: history only
    ]
    grades, outcome = run_grading(RunStatus.DONE, expectations, rows, CombineRule())
    assert [(grade.id, grade.status.value) for grade in grades] == [(2, "fail"), (3, "pass")]
    assert outcome.status is OutcomeStatus.FAIL
    assert (outcome.passed, outcome.failed, outcome.total) == (1, 1, 2)


def test_an_edited_expectation_makes_its_grade_stale_and_a_missing_one_leaves_it_open() -> None:
    expectations = [_saved(1, "contains:France"), _saved(2, "words<=3")]
    rows = [_Row(1, "x1", "contains:Paris", "pass")]
    grades, outcome = run_grading("done", expectations, rows, CombineRule())
    assert [grade.stale for grade in grades] == [True]
    assert outcome.status is OutcomeStatus.NEEDS_LOOK
    assert outcome.ungraded == 1


def test_a_run_that_did_not_finish_is_not_graded_whatever_its_rows_say() -> None:
    expectations = [_saved(1, "contains:Paris")]
    rows = [_Row(1, "x1", "contains:Paris", "pass")]
    grades, outcome = run_grading(RunStatus.CANCELLED, expectations, rows, CombineRule(0.5))
    assert [grade.id for grade in grades] == [1]
    assert outcome.status is OutcomeStatus.NEEDS_LOOK
