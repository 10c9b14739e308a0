"""A run made from an input row is graded by its experiment's expectations followed by its
row's: stored under the row's uuid and place, combined under the experiment's rule,
counted by pass rates and check outcomes, stale once the row is edited, and gone (the
experiment's only) once the row is removed."""

from __future__ import annotations

import sqlite3

from journal.core.check_triage import outcomes_of
from journal.core.domain import RunStatus
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    current_grades,
    expectations_of_run,
    experiment_grades,
    row_expectation_uuid,
    run_outcome,
    runs_to_grade,
    set_combine_rule,
)
from journal.core.grading import CombineRule, OutcomeStatus
from journal.core.grading_queue import GradingQueue, grade_now
from journal.core.input_sets import SavedRow, add_row, check_row, remove_row, update_row
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.pass_rates import experiment_pass_rates
from journal.core.queries import get_run
from journal.core.storage import Journal


def _row(journal: Journal, experiment_id: int, *expect: str) -> SavedRow:
    with journal.write() as session:
        return add_row(session, experiment_id, check_row({"city": "x"}, expect))


def _run(journal: Journal, experiment_id: int, response: str, row_id: int | None) -> int:
    with journal.write() as session:
        run = Run(
            experiment_id=experiment_id,
            model="m",
            status=RunStatus.DONE,
            messages=[{"role": "user", "content": "q"}],
            response=response,
            input_row_id=row_id,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _outcome(journal: Journal, run_id: int) -> OutcomeStatus:
    with journal.read() as session:
        return run_outcome(session, run_id).status


def test_a_run_passes_or_fails_by_its_rows_expected_value(
    journal: Journal, experiment_id: int
) -> None:
    row = _row(journal, experiment_id, "contains:Paris")
    right = _run(journal, experiment_id, "It is Paris.", row.id)
    wrong = _run(journal, experiment_id, "It is Lyon.", row.id)
    with journal.read() as session:
        assert runs_to_grade(session, experiment_id=experiment_id) == [right, wrong]
    grades = grade_now(journal, right)
    assert [(g.expectation_id, g.expectation_uuid, g.expectation_text) for g in grades] == [
        (None, row_expectation_uuid(row.uuid, 1), "contains:Paris")
    ]
    grade_now(journal, wrong)
    assert _outcome(journal, right) is OutcomeStatus.PASS
    assert _outcome(journal, wrong) is OutcomeStatus.FAIL
    with journal.read() as session:
        assert [g.status.value for g in current_grades(session, wrong)] == ["fail"]
    conn = sqlite3.connect(journal.path)
    try:
        stored = conn.execute("SELECT expectation_id, expectation_uuid FROM grade").fetchall()
    finally:
        conn.close()
    assert stored == [(None, f"row:{row.uuid}:1")] * 2


def test_the_experiments_and_the_rows_combine_under_the_experiments_rule(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("words<=3"))
    row = _row(journal, experiment_id, "contains:Paris")
    both = _run(journal, experiment_id, "Paris.", row.id)
    short = _run(journal, experiment_id, "Lyon.", row.id)
    neither = _run(journal, experiment_id, "It is Lyon, I think.", row.id)
    plain = _run(journal, experiment_id, "Lyon.", None)
    for run_id in (both, short, neither, plain):
        grade_now(journal, run_id)
    with journal.read() as session:
        lists = {
            run_id: [s.text for s in expectations_of_run(session, get_run(session, run_id))]
            for run_id in (short, plain)
        }
        assert lists == {short: ["words<=3", "contains:Paris"], plain: ["words<=3"]}
        assert [g.expectation_text for g in current_grades(session, short)] == [
            "words<=3",
            "contains:Paris",
        ]
    statuses = [_outcome(journal, run_id) for run_id in (both, short, neither, plain)]
    passing, failing = OutcomeStatus.PASS, OutcomeStatus.FAIL
    assert statuses == [passing, failing, failing, passing]
    with journal.write() as session:
        set_combine_rule(session, experiment_id, CombineRule(0.5))
    assert _outcome(journal, short) is OutcomeStatus.PASS  # 1 of 2, weight 1 each
    assert _outcome(journal, neither) is OutcomeStatus.FAIL


def test_pass_rates_and_check_outcomes_count_the_rows_expectations(
    journal: Journal, experiment_id: int
) -> None:
    row = _row(journal, experiment_id, "contains:Paris")
    runs = [_run(journal, experiment_id, text, row.id) for text in ("Paris", "Lyon", "Paris!")]
    for run_id in runs:
        grade_now(journal, run_id)
    with journal.read() as session:
        rate = experiment_pass_rates(session, [experiment_id])[experiment_id]
        outcomes = outcomes_of(session, runs)
        together = experiment_grades(session, experiment_id)
        one_by_one = {
            run_id: (current_grades(session, run_id), run_outcome(session, run_id))
            for run_id in runs
        }
    assert (rate.runs, rate.passed, rate.failed, rate.needs_look) == (3, 2, 1, 0)
    assert [outcomes[run_id].status for run_id in runs] == [
        OutcomeStatus.PASS,
        OutcomeStatus.FAIL,
        OutcomeStatus.PASS,
    ]
    assert together == one_by_one
    assert [len(grades) for grades, _ in together.values()] == [1, 1, 1]


def test_editing_the_row_makes_its_grade_stale(journal: Journal, experiment_id: int) -> None:
    row = _row(journal, experiment_id, "contains:Paris", "words<=5")
    run_id = _run(journal, experiment_id, "Paris", row.id)
    grade_now(journal, run_id)
    with journal.write() as session:
        update_row(session, row.id, check_row({"city": "y"}, ["contains:Rome", "words<=5"]))
    with journal.read() as session:
        grades = current_grades(session, run_id)
        assert [(g.expectation_text, g.stale) for g in grades] == [
            ("contains:Paris", True),
            ("words<=5", False),
        ]
        assert experiment_grades(session, experiment_id)[run_id][0] == grades
    # Grading what is missing asks nothing (both places have a grade); a re-grade does.
    queue = GradingQueue(journal, OllamaService("http://127.0.0.1:9"))
    try:
        assert queue.grade_missing(run_id) == ([], False)
    finally:
        queue.close()
    grade_now(journal, run_id)
    assert _outcome(journal, run_id) is OutcomeStatus.FAIL
    with journal.read() as session:
        assert [g.stale for g in current_grades(session, run_id)] == [False, False]


def test_a_run_whose_row_was_removed_is_graded_by_the_experiments_only(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("words<=3"))
    row = _row(journal, experiment_id, "contains:Paris")
    run_id = _run(journal, experiment_id, "Lyon.", row.id)
    grade_now(journal, run_id)
    assert _outcome(journal, run_id) is OutcomeStatus.FAIL
    with journal.write() as session:
        remove_row(session, row.id)
    with journal.read() as session:
        run = get_run(session, run_id)
        assert run.input_row_id is None
        assert [s.text for s in expectations_of_run(session, run)] == ["words<=3"]
        assert [g.expectation_text for g in current_grades(session, run_id)] == ["words<=3"]
        assert outcomes_of(session, [run_id])[run_id].status is OutcomeStatus.PASS
        rate = experiment_pass_rates(session, [experiment_id])[experiment_id]
    assert _outcome(journal, run_id) is OutcomeStatus.PASS
    assert (rate.passed, rate.failed) == (1, 0)


def test_a_row_without_expectations_on_an_experiment_without_any_grades_nothing(
    journal: Journal, experiment_id: int
) -> None:
    row = _row(journal, experiment_id)
    run_id = _run(journal, experiment_id, "Paris", row.id)
    assert grade_now(journal, run_id) == []
    with journal.read() as session:
        assert runs_to_grade(session, experiment_id=experiment_id) == []
    assert _outcome(journal, run_id) is OutcomeStatus.NEEDS_LOOK
