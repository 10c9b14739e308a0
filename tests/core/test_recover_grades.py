"""A recovered journal keeps its expectations, combine rules and grades, and mends what a
lost experiment, run or expectation leaves behind (see test_recover for the real damage)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    current_grades,
    get_combine_rule,
    list_expectations,
    record_grade,
    set_combine_rule,
)
from journal.core.grading import CombineRule, GradeResult, GradeStatus
from journal.core.models import RunStatus
from journal.core.queries import runs_of
from journal.core.recover import recover_journal
from journal.core.storage import Journal
from tests.core.test_recover import (
    EXPERIMENTS,
    RUNS_PER_EXPERIMENT,
    Built,
    build_journal,
    damage_middle_leaf,
    table_rows,
)

RUBRIC = "judge:" + "names real rivers that cross borders; " * 4


def add_grading(path: Path) -> None:
    """Three expectations per experiment, a weighted rule on every fifth, and a grade of
    each expectation on every finished run."""
    with Journal.open(path) as journal, journal.write() as session:
        for experiment in range(1, EXPERIMENTS + 1):
            saved = [
                add_expectation(session, experiment, parse_expectation(line))
                for line in (f"contains:brook{experiment}", "words<=100", RUBRIC)
            ]
            if experiment % 5 == 0:
                set_combine_rule(session, experiment, CombineRule.parse("score>=0.6"))
            for run in runs_of(session, experiment):
                if run.status is not RunStatus.DONE:
                    continue
                assert run.id is not None
                for expectation in saved:
                    result = GradeResult(GradeStatus.PASS, f"run {run.id} passes", 1.0)
                    record_grade(session, run.id, expectation, result)


def rules(path: Path) -> dict[int, dict[str, Any]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM experiment_grading")
        return {row["experiment_id"]: dict(row) for row in rows}
    finally:
        conn.close()


@pytest.fixture
def built(tmp_path: Path) -> Built:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_grading(built.path)
    return built


def test_an_intact_journal_keeps_every_expectation_rule_and_grade(
    built: Built, tmp_path: Path
) -> None:
    target = tmp_path / "recovered.sqlite"
    report = recover_journal(built.path, target)
    assert report.complete
    for table in ("expectation", "grade"):
        assert table_rows(target, table) == table_rows(built.path, table), table
    assert rules(target) == rules(built.path) and len(rules(target)) == EXPERIMENTS // 5
    grades = len(table_rows(built.path, "grade"))
    assert grades == (EXPERIMENTS * RUNS_PER_EXPERIMENT - 1) * 3  # the streaming run has none
    assert report.summary().startswith(
        f"Recovered {EXPERIMENTS} experiments, {EXPERIMENTS * RUNS_PER_EXPERIMENT} runs, "
        f"1 migration check, {EXPERIMENTS * 3} expectations and {grades:,} grades into {target}; "
        "nothing was lost."
    )
    with Journal.open(target) as journal, journal.read() as session:
        assert [grade.label for grade in current_grades(session, 1)] == [
            "contains:brook1",
            "words<=100",
            RUBRIC,
        ]


def test_grades_of_lost_runs_are_dropped_and_counted(built: Built, tmp_path: Path) -> None:
    before = table_rows(built.path, "grade")
    lost = set(damage_middle_leaf(built.path, "run"))
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    dropped = sorted(grade for grade, row in before.items() if row["run_id"] in lost)
    assert dropped and report.grades_dropped == dropped
    after = table_rows(target, "grade")
    assert after == {grade: row for grade, row in before.items() if grade not in dropped}
    assert f"{len(dropped)} grades of lost runs were dropped" in report.summary()
    assert table_rows(target, "expectation") == table_rows(built.path, "expectation")


def test_expectations_and_rules_of_a_lost_experiment_stay_under_its_placeholder(
    built: Built, tmp_path: Path
) -> None:
    expectations = table_rows(built.path, "expectation")
    lost = damage_middle_leaf(built.path, "experiment")
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.placeholder_experiments == lost
    assert report.placeholder_expectations == len(lost) * 3
    assert table_rows(target, "expectation") == expectations
    kept_rules = rules(target)
    with Journal.open(target) as journal, journal.read() as session:
        for experiment in lost:
            texts = [saved.text for saved in list_expectations(session, experiment)]
            assert texts == [f"contains:brook{experiment}", "words<=100", RUBRIC]
            weighted = get_combine_rule(session, experiment).threshold
            assert weighted == (0.6 if experiment % 5 == 0 else None)
            assert (experiment in kept_rules) == (experiment % 5 == 0)
    assert (
        f"The runs and expectations of {len(lost)} lost experiments now belong to placeholders"
        in report.summary()
    )


def test_a_lost_expectation_leaves_its_grades_unlinked_and_no_gap(
    built: Built, tmp_path: Path
) -> None:
    expectations = table_rows(built.path, "expectation")
    grades = table_rows(built.path, "grade")
    lost = set(damage_middle_leaf(built.path, "expectation"))
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.tables["expectation"].lost == len(lost)
    unlinked = sorted(grade for grade, row in grades.items() if row["expectation_id"] in lost)
    assert unlinked and report.grades_unlinked == unlinked
    after = table_rows(target, "grade")
    assert len(after) == len(grades)  # a grade is a fact about its run: kept
    for grade in unlinked:
        assert after[grade]["expectation_id"] is None
        assert after[grade]["expectation_uuid"] == grades[grade]["expectation_uuid"]
        assert after[grade]["expectation"] == grades[grade]["expectation"]
    gaps = sorted(
        {
            row["experiment_id"]
            for expectation, row in expectations.items()
            if expectation not in lost
            and any(
                other["experiment_id"] == row["experiment_id"]
                and other["position"] < row["position"]
                for other_id, other in expectations.items()
                if other_id in lost
            )
        }
    )
    assert gaps and report.renumbered_experiments == gaps
    assert "were renumbered to close the gaps lost ones left" in report.summary()
    with Journal.open(target) as journal, journal.write() as session:
        for experiment in range(1, EXPERIMENTS + 1):
            saved = list_expectations(session, experiment)
            assert [s.position for s in saved] == list(range(1, len(saved) + 1))
            order = [s.id for s in saved]
            assert order == sorted(order)  # their order kept
        added = add_expectation(session, gaps[0], parse_expectation("icontains:river"))
        assert added.position == len(list_expectations(session, gaps[0]))


def test_a_lost_page_of_grades_is_counted(built: Built, tmp_path: Path) -> None:
    before = table_rows(built.path, "grade")
    lost = damage_middle_leaf(built.path, "grade")
    target = tmp_path / "recovered.sqlite"
    report = recover_journal(built.path, target)
    assert report.tables["grade"].lost == len(lost)
    assert sorted(table_rows(target, "grade")) == sorted(set(before) - set(lost))
    assert f"{len(lost)} grades in a damaged part of the file could not be read" in (
        report.summary()
    )
