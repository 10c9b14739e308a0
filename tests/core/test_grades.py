"""Expectations and grades in the journal: migration 5, ordered lists, history kept on
re-grade, cascades, and outcomes that suggest a verdict without ever writing one."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.expectations import Kind, parse_expectation
from journal.core.grades import (
    add_expectation,
    current_grades,
    get_combine_rule,
    grade_history,
    list_expectations,
    move_expectation,
    record_grade,
    remove_expectation,
    reorder_expectations,
    run_outcome,
    runs_to_grade,
    set_combine_rule,
    update_expectation,
)
from journal.core.grading import CombineRule, GradeResult, GradeStatus, OutcomeStatus
from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.models import Run
from journal.core.queries import (
    create_experiment,
    delete_experiment,
    get_run,
    set_verdict,
)
from journal.core.storage import Journal

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema1_journal.sqlite"


def _run(journal: Journal, experiment_id: int, **fields: object) -> int:
    values: dict[str, object] = {"model": "llama3:8b", "status": RunStatus.DONE, "response": ""}
    values.update(fields)
    with journal.write() as session:
        run = Run(experiment_id=experiment_id, **values)  # type: ignore[arg-type]
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _add(journal: Journal, experiment_id: int, *lines: str) -> list[int]:
    ids = []
    with journal.write() as session:
        for line in lines:
            ids.append(add_expectation(session, experiment_id, parse_expectation(line)).id)
    return ids


def _texts(journal: Journal, experiment_id: int) -> list[str]:
    with journal.read() as session:
        return [saved.text for saved in list_expectations(session, experiment_id)]


# -- migration -----------------------------------------------------------------------------


def test_migration_five_from_schema_four_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "four.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, target=4)
    now = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        "INSERT INTO experiment (uuid, title, tags, created_at, updated_at) "
        "VALUES ('e-1', 'Rivers', '[\"geo\"]', ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO run (uuid, experiment_id, model, status, response, verdict, created_at) "
        "VALUES ('r-1', 1, 'llama3:8b', 'done', 'Rhine, Danube', 'worked', ?)",
        (now,),
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()

    with Journal.open(path) as journal:
        with journal.read() as session:
            version = session.execute(text("PRAGMA user_version")).scalar_one()
            run = get_run(session, 1)
            assert run.response == "Rhine, Danube" and run.verdict is Verdict.WORKED
            assert list_expectations(session, 1) == []
            assert current_grades(session, 1) == []
            assert run_outcome(session, 1).reason == "no expectations to grade it by"
        assert version == LATEST_VERSION
        _add(journal, 1, "contains:Rhine")
        assert _texts(journal, 1) == ["contains:Rhine"]
    assert path.with_name("four.sqlite.schema4.bak").exists()


def test_schema_one_journal_reaches_expectations(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE, path)
    with Journal.open(path) as journal:
        _add(journal, 1, "words<=17")
        with journal.write() as session:
            saved = list_expectations(session, 1)[0]
            first = session.execute(text("SELECT min(id) FROM run WHERE experiment_id = 1"))
            run_id = first.scalar_one()
            record_grade(session, run_id, saved, GradeResult(GradeStatus.PASS, "3 words", 1.0))
        with journal.read() as session:
            assert [g.reason for g in current_grades(session, run_id)] == ["3 words"]


# -- the ordered list ----------------------------------------------------------------------


def test_add_list_update_reorder_remove(journal: Journal, experiment_id: int) -> None:
    a, b, c = _add(journal, experiment_id, "contains:Paris", "words<=50", "is-json")
    assert _texts(journal, experiment_id) == ["contains:Paris", "words<=50", "is-json"]
    with journal.write() as session:
        inserted = add_expectation(
            session, experiment_id, parse_expectation("equals:42", name="answer"), position=1
        )
        assert inserted.position == 1
    assert _texts(journal, experiment_id) == ["equals:42", "contains:Paris", "words<=50", "is-json"]
    with journal.write() as session:
        move_expectation(session, c, 1)
    assert _texts(journal, experiment_id)[:2] == ["is-json", "equals:42"]
    with journal.write() as session:
        reorder_expectations(session, experiment_id, [a, b, c, inserted.id])
        updated = update_expectation(session, b, parse_expectation("words<=80", weight=2))
        assert updated.expectation.weight == 2 and updated.position == 2
    assert _texts(journal, experiment_id) == ["contains:Paris", "words<=80", "is-json", "equals:42"]
    with journal.write() as session:
        remove_expectation(session, a)
        positions = [saved.position for saved in list_expectations(session, experiment_id)]
    assert positions == [1, 2, 3]
    assert _texts(journal, experiment_id) == ["words<=80", "is-json", "equals:42"]


def test_the_list_refuses_what_it_cannot_hold(journal: Journal, experiment_id: int) -> None:
    (only,) = _add(journal, experiment_id, "contains:x")
    with journal.write() as session, pytest.raises(InvalidInputError, match="from 1 to 2"):
        add_expectation(session, experiment_id, parse_expectation("contains:y"), position=5)
    with journal.write() as session, pytest.raises(InvalidInputError, match="every expectation"):
        reorder_expectations(session, experiment_id, [only, only])
    with journal.write() as session, pytest.raises(NotFoundError, match="no expectation 999"):
        remove_expectation(session, 999)
    with journal.write() as session, pytest.raises(NotFoundError, match="no experiment 999"):
        add_expectation(session, 999, parse_expectation("contains:y"))


def test_saving_checks_again_and_reads_a_schema_file(
    journal: Journal, experiment_id: int, tmp_path: Path
) -> None:
    from journal.core.expectations import Expectation

    (tmp_path / "s.json").write_text('{"type": "array"}', encoding="utf-8")
    with journal.write() as session:
        saved = add_expectation(
            session,
            experiment_id,
            parse_expectation("json-schema:@s.json"),
            base_dir=tmp_path,
        )
        assert saved.expectation.kind is Kind.JSON_SCHEMA
        assert json.loads(saved.expectation.value) == {"type": "array"}
        with pytest.raises(InvalidInputError, match="not a valid regex"):
            add_expectation(session, experiment_id, Expectation(Kind.REGEX, "(("))


# -- grades ----------------------------------------------------------------------------


def _grade(journal: Journal, run_id: int, expectation_id: int, status: GradeStatus) -> None:
    from journal.core.grades import get_expectation

    score = 1.0 if status is GradeStatus.PASS else 0.0
    with journal.write() as session:
        saved = get_expectation(session, expectation_id)
        record_grade(session, run_id, saved, GradeResult(status, f"{status} reason", score))


def test_regrading_keeps_history_and_the_newest_is_current(
    journal: Journal, experiment_id: int
) -> None:
    run_id = _run(journal, experiment_id)
    (paris,) = _add(journal, experiment_id, "contains:Paris")
    _grade(journal, run_id, paris, GradeStatus.FAIL)
    _grade(journal, run_id, paris, GradeStatus.PASS)
    with journal.read() as session:
        (current,) = current_grades(session, run_id)
        history = grade_history(session, run_id)
    assert current.status is GradeStatus.PASS and not current.stale
    assert [grade.status for grade in history] == [GradeStatus.FAIL, GradeStatus.PASS]


def test_editing_an_expectation_never_rewrites_old_results(
    journal: Journal, experiment_id: int
) -> None:
    run_id = _run(journal, experiment_id)
    (paris,) = _add(journal, experiment_id, "contains:Paris")
    _grade(journal, run_id, paris, GradeStatus.FAIL)
    with journal.write() as session:
        update_expectation(session, paris, parse_expectation("contains:Lyon"))
    with journal.read() as session:
        (current,) = current_grades(session, run_id)
    assert current.expectation_text == "contains:Paris"  # as it was when graded
    assert current.stale
    with journal.write() as session:
        remove_expectation(session, paris)
    with journal.read() as session:
        assert current_grades(session, run_id) == []
        (kept,) = grade_history(session, run_id)
    assert kept.expectation_id is None and kept.expectation_text == "contains:Paris"


def test_deleting_a_run_or_experiment_takes_its_grades_along(
    journal: Journal, experiment_id: int
) -> None:
    first, second = _run(journal, experiment_id), _run(journal, experiment_id)
    (paris,) = _add(journal, experiment_id, "contains:Paris")
    _grade(journal, first, paris, GradeStatus.PASS)
    _grade(journal, second, paris, GradeStatus.PASS)
    with journal.write() as session:
        set_combine_rule(session, experiment_id, CombineRule.weighted_at(0.5))
        session.execute(text("DELETE FROM run WHERE id = :id"), {"id": first})

    def count(table: str) -> int:
        with journal.read() as session:
            return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    assert count("grade") == 1
    with journal.write() as session:
        delete_experiment(session, experiment_id)
    assert (count("grade"), count("expectation"), count("experiment_grading")) == (0, 0, 0)


def test_outcome_suggests_a_verdict_and_never_writes_one(
    journal: Journal, experiment_id: int
) -> None:
    run_id = _run(journal, experiment_id)
    paris, words = _add(journal, experiment_id, "contains:Paris", "words<=50")
    with journal.write() as session:
        set_verdict(session, run_id, Verdict.FAILED, "I disagree")
    _grade(journal, run_id, paris, GradeStatus.PASS)
    with journal.read() as session:
        waiting = run_outcome(session, run_id)
    assert waiting.status is OutcomeStatus.NEEDS_LOOK and waiting.ungraded == 1
    _grade(journal, run_id, words, GradeStatus.PASS)
    with journal.read() as session:
        outcome = run_outcome(session, run_id)
        run = get_run(session, run_id)
    assert outcome.status is OutcomeStatus.PASS
    assert outcome.suggested_verdict is Verdict.WORKED
    assert run.verdict is Verdict.FAILED and run.verdict_note == "I disagree"


def test_the_weighted_rule_is_kept_per_experiment(journal: Journal, experiment_id: int) -> None:
    run_id = _run(journal, experiment_id)
    paris, words = _add(journal, experiment_id, "contains:Paris", "words<=50")
    with journal.write() as session:
        update_expectation(session, paris, parse_expectation("contains:Paris", weight=3))
        set_combine_rule(session, experiment_id, CombineRule.parse("score>=0.7"))
    _grade(journal, run_id, paris, GradeStatus.PASS)
    _grade(journal, run_id, words, GradeStatus.FAIL)
    with journal.read() as session:
        assert get_combine_rule(session, experiment_id).text == "score>=0.7"
        outcome = run_outcome(session, run_id)
    assert outcome.status is OutcomeStatus.PASS and outcome.score == 0.75
    with journal.write() as session:
        set_combine_rule(session, experiment_id, CombineRule())
        assert run_outcome(session, run_id).status is OutcomeStatus.FAIL


@pytest.mark.parametrize("status", [RunStatus.FAILED, RunStatus.CANCELLED])
def test_a_run_that_did_not_finish_needs_a_look(
    journal: Journal, experiment_id: int, status: RunStatus
) -> None:
    run_id = _run(journal, experiment_id, status=status)
    _add(journal, experiment_id, "contains:Paris")
    with journal.read() as session:
        outcome = run_outcome(session, run_id)
    assert outcome.status is OutcomeStatus.NEEDS_LOOK
    assert outcome.reason == f"the run {status.value}: not graded"


def test_runs_to_grade_by_run_experiment_or_filter(journal: Journal) -> None:
    with journal.write() as session:
        graded = create_experiment(session, title="graded", tags=["geo"])
        plain = create_experiment(session, title="no expectations", tags=["geo"])
        assert graded.id is not None and plain.id is not None
        graded_id, plain_id = graded.id, plain.id
    done = _run(journal, graded_id)
    other_model = _run(journal, graded_id, model="qwen3:0.6b")
    _run(journal, graded_id, status=RunStatus.FAILED)
    _run(journal, plain_id)
    _add(journal, graded_id, "contains:x")
    with journal.read() as session:
        assert runs_to_grade(session, experiment_id=graded_id) == [done, other_model]
        assert runs_to_grade(session, run_id=other_model) == [other_model]
        assert runs_to_grade(session, experiment_id=plain_id) == []
        assert runs_to_grade(session, filters=ExperimentFilter(tag="geo")) == [done, other_model]
        by_model = runs_to_grade(session, filters=ExperimentFilter(model="llama3:8b"))
        assert by_model == [done]
        assert runs_to_grade(session, filters=ExperimentFilter(tag="none")) == []
